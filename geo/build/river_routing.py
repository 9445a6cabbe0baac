"""Route a named river through an unnamed line network, guided by waypoints.

The WDB II rivers carry no names, so :mod:`geo.build.base_layers` finds each
named river by geometry: a hand-made list of waypoints is widened into a
corridor (:func:`corridor`), the WDB lines mostly inside it are kept
(:func:`select_in_corridor`), and the river is the shortest path through
that line network visiting the waypoints in order (:func:`route`). Where
GSHHG stores a wide river as a polygon, the WDB lines stop at its banks, and
the polygon's centre line (:func:`medial_axis`) bridges the gap.

The network is a ``networkx.Graph`` whose nodes are line vertices and whose
edge weights are kilometres; networkx is a build-time requirement only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString, Point, Polygon

from geo.config import KM_PER_DEGREE

CORRIDOR_WIDTH = 0.3  # degrees either side of the waypoint path; rivers meander
# Share of a WDB line's length that must lie in the corridor. Not 0.5: the line
# that carries a confluence can lie half outside (the Nen-Songhua junction).
MIN_INSIDE = 0.4
SNAP = 0.06  # degrees; WDB tributaries stop short of the river they join
LINK_PENALTY = 2.0  # a snapped gap costs more than the same length of real river
MEDIAL_STEP = 0.005  # degrees between boundary points; coarser breaks the axis up
# Nodes are vertices rounded to ~1 cm, so that a point reached by two float
# computations (a line's end, a snapped point inserted into a line) is one node.
KEY_DIGITS = 7

Node = tuple[float, float]


def corridor(waypoints: Sequence[Sequence[float]], width: float = CORRIDOR_WIDTH) -> Polygon:
    """The band of ``width`` degrees either side of the path through ``waypoints``.

    Examples
    --------
    >>> band = corridor([(0, 0), (10, 0)], width=0.5)
    >>> band.contains(Point(5, 0.4)), band.contains(Point(5, 0.6))
    (True, False)
    """
    return LineString(waypoints).buffer(width)


def select_in_corridor(
    lines: Sequence[LineString],
    waypoints: Sequence[Sequence[float]],
    width: float = CORRIDOR_WIDTH,
    min_inside: float = MIN_INSIDE,
) -> list[int]:
    """Indices of the lines that lie mostly inside the waypoint corridor.

    A line is kept when at least ``min_inside`` of its length is within
    ``width`` degrees of the path through ``waypoints``; a tributary that only
    touches the corridor near its mouth is dropped.

    Examples
    --------
    >>> lines = [
    ...     LineString([(0, 0), (5, 0.1)]),  # the river, first part
    ...     LineString([(5, 0.1), (10, 0)]),  # the river, second part
    ...     LineString([(3, 0.02), (3, 4)]),  # a tributary joining from the north
    ... ]
    >>> select_in_corridor(lines, [(0, 0), (10, 0)], width=0.3)
    [0, 1]
    """
    band = corridor(waypoints, width)
    shapely.prepare(band)
    kept = []
    for i, line in enumerate(lines):
        if line.length == 0 or not band.intersects(line):
            continue
        if line.intersection(band).length >= min_inside * line.length:
            kept.append(i)
    return kept


def medial_axis(polygon: Polygon, step: float = MEDIAL_STEP) -> list[LineString]:
    """Approximate medial axis (centre lines) of a polygon, as merged lines.

    The Voronoi edges of points spaced ``step`` apart along the boundary that
    lie wholly inside the polygon; for a long thin river polygon they form its
    centre line plus short spurs towards the banks.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> axis = medial_axis(box(0, 0, 4, 1), step=0.1)
    >>> round(shapely.union_all(axis).distance(Point(2, 0.5)), 3)
    0.0
    >>> all(box(0, 0, 4, 1).contains(line) for line in axis)
    True
    """
    points = shapely.get_coordinates(shapely.segmentize(polygon, step))
    edges = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(points), only_edges=True)
    )
    inside = edges[shapely.contains_properly(polygon, edges)]
    if len(inside) == 0:
        return []
    return list(shapely.get_parts(shapely.line_merge(shapely.multilinestrings(inside))))


def network(
    lines: Sequence[LineString], snap: float = SNAP, axes: Sequence[LineString] = ()
) -> nx.Graph:
    """Graph of the vertices of ``lines`` and ``axes``, edges weighted in km.

    Consecutive vertices of a line are joined by an edge of their length. A
    line end within ``snap`` degrees of another line is joined to the nearest
    point of it (inserted there as a vertex) by an edge costing
    :data:`LINK_PENALTY` times its length. ``axes`` are only joined to, never
    from. Where two edges join the same pair of nodes, the cheaper is kept.

    Examples
    --------
    >>> graph = network([LineString([(0, 0), (1, 0)]), LineString([(1, 0.01), (1, 1)])], 0.05)
    >>> sorted(graph.nodes)
    [(0.0, 0.0), (1.0, 0.0), (1.0, 0.01), (1.0, 1.0)]
    >>> round(graph.edges[(1.0, 0.0), (1.0, 0.01)]["weight"], 3)  # 2 x 1.113 km
    2.226
    """
    everything = [*lines, *axes]
    graph = nx.Graph()
    if not everything:
        return graph
    tree = shapely.STRtree(everything)
    inserts: list[list[Node]] = [[] for _ in everything]
    links = []
    for i, line in enumerate(lines):
        for end in (line.coords[0], line.coords[-1]):
            point = Point(end)
            for j in tree.query(point, predicate="dwithin", distance=snap):
                if j == i:
                    continue
                target = everything[j]
                near = target.interpolate(target.project(point))
                inserts[j].append((near.x, near.y))
                links.append((end, (near.x, near.y)))
    for line, extra in zip(everything, inserts, strict=True):
        coords = _with_vertices(line, extra)
        for a, b in zip(coords[:-1], coords[1:], strict=True):
            _join(graph, a, b, _km(a, b))
    for a, b in links:
        _join(graph, a, b, LINK_PENALTY * _km(a, b))
    return graph


def route(
    lines: Sequence[LineString],
    waypoints: Sequence[Sequence[float]],
    *,
    snap: float = SNAP,
    axes: Sequence[LineString] = (),
) -> list[LineString]:
    """The path through a line network that visits ``waypoints`` in order.

    The network is ``lines`` plus ``axes`` (:func:`network`): WDB II
    tributaries stop just short of the river they join and share no vertex
    with it, so line ends within ``snap`` degrees are joined; ``axes``
    (medial axes of river polygons) are only joined to. Each waypoint is
    moved to the nearest network vertex, and consecutive waypoints are joined
    by the shortest path (Dijkstra, weights in km). Where two consecutive
    waypoints are not connected the result is split between them, so more
    than one line means a gap.

    Examples
    --------
    >>> lines = [
    ...     LineString([(0, 0), (1, 0), (2, 0)]),
    ...     LineString([(2, 0.01), (4, 0)]),  # continues after a small gap
    ...     LineString([(1, 0.01), (1, 3)]),  # a tributary: not on the way
    ... ]
    >>> path = route(lines, [(0, 0), (4, 0)], snap=0.05)
    >>> len(path), path[0].coords[0], path[0].coords[-1], round(path[0].length, 1)
    (1, (0.0, 0.0), (4.0, 0.0), 4.0)
    >>> broken = [lines[0], LineString([(3, 0), (4, 0)])]  # 1 degree apart: a gap
    >>> [list(line.coords) for line in route(broken, [(0, 0), (2, 0), (3, 0), (4, 0)])]
    [[(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)], [(3.0, 0.0), (4.0, 0.0)]]
    """
    graph = network(lines, snap, axes)
    if graph.number_of_nodes() == 0:
        return []
    nodes = list(graph)
    stops = [_nearest(nodes, point) for point in waypoints]
    runs: list[list[Node]] = [[stops[0]]]
    for start, end in zip(stops, stops[1:], strict=False):
        try:
            path = nx.dijkstra_path(graph, start, end, weight="weight")
        except nx.NetworkXNoPath:
            runs.append([end])
        else:
            runs[-1].extend(path[1:])
    cleaned = [_without_spikes(run) for run in runs]
    return [LineString(run) for run in cleaned if len(run) >= 2]


def _join(graph: nx.Graph, a: Sequence[float], b: Sequence[float], weight: float) -> None:
    ka, kb = _key(a), _key(b)
    if ka == kb:
        return
    if weight < graph.get_edge_data(ka, kb, default={}).get("weight", math.inf):
        graph.add_edge(ka, kb, weight=weight)


def _km(a: Sequence[float], b: Sequence[float]) -> float:
    # Equirectangular: exact enough for ranking paths a few km long.
    cos_lat = math.cos(math.radians((a[1] + b[1]) / 2))
    return KM_PER_DEGREE * math.hypot((b[0] - a[0]) * cos_lat, b[1] - a[1])


def _key(xy: Sequence[float]) -> Node:
    return (round(float(xy[0]), KEY_DIGITS), round(float(xy[1]), KEY_DIGITS))


def _with_vertices(line: LineString, points: list[Node]) -> np.ndarray:
    # A snapped point becomes a vertex of the line it lands on, so that a path
    # arriving over the link can turn there, in either direction.
    coords = np.asarray(line.coords)
    if not points:
        return coords
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])
    extra = np.asarray(points)
    at = shapely.line_locate_point(line, shapely.points(extra))
    order = np.argsort(np.concatenate([along, at]), kind="stable")
    return np.concatenate([coords, extra])[order]


def _without_spikes(path: list[Node]) -> list[Node]:
    # A waypoint snapped just off the river makes the path go out and back.
    out: list[Node] = []
    for node in path:
        if len(out) >= 2 and out[-2] == node:
            out.pop()
        elif not out or out[-1] != node:
            out.append(node)
    return out


def _nearest(nodes: list[Node], point: Sequence[float]) -> Node:
    xy = np.asarray(nodes)
    cos_lat = math.cos(math.radians(point[1]))
    d2 = ((xy[:, 0] - point[0]) * cos_lat) ** 2 + (xy[:, 1] - point[1]) ** 2
    return nodes[int(np.argmin(d2))]
