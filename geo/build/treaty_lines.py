"""Cut the treaty lines out of the edges the units share.

``data/treaty_lines.json`` says which shared unit edge each treaty-line
segment follows, optionally only within a box, with its period and
certainty. :func:`build_lines` turns that into the GeoJSON written to
``data/treaty_lines.geojson`` by ``python -m geo build-territories``; the app
reads the written file with :func:`geo.treaties.load_lines`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import shapely
from shapely.geometry import LineString, Point, box, mapping
from shapely.geometry.base import BaseGeometry


def build_lines(
    spec: dict[str, Any], edges: Mapping[tuple[str, str], BaseGeometry]
) -> dict[str, Any]:
    """GeoJSON FeatureCollection of every treaty-line segment, cut from the shared edges.

    Parameters
    ----------
    spec : the parsed ``data/treaty_lines.json``.
    edges : the shared edge of each pair of units, keyed by the sorted pair of ids.

    Raises
    ------
    ValueError
        If a segment names two units that share no edge, or its box holds
        nothing of the edge.

    Examples
    --------
    >>> spec = {"source": "s", "license": "l", "note": "n", "lines": [{"id": "x", "name": "X",
    ...   "treaty": "T", "start": "1689-09-06", "end": None, "source": "s",
    ...   "segments": [{"edge": ["b", "a"], "certainty": "described", "box": [0, 0, 1, 5]}]}]}
    >>> fc = build_lines(spec, {("a", "b"): LineString([(0, 0), (0.9, 0), (2, 0)])})
    >>> fc["features"][0]["geometry"]["coordinates"]
    ((0.0, 0.0), (0.9, 0.0))
    """
    features = []
    for line in spec["lines"]:
        for k, seg in enumerate(line["segments"]):
            key = tuple(sorted(seg["edge"]))
            if key not in edges:
                raise ValueError(f"{line['id']} segment {k}: units {key} share no edge")
            geom = edges[key]
            if seg.get("box"):
                geom = _segments_in(geom, box(*seg["box"]))
            geom = shapely.line_merge(geom) if not geom.is_empty else geom
            if geom.is_empty:
                raise ValueError(f"{line['id']} segment {k}: nothing of {key} inside its box")
            features.append(
                {
                    "type": "Feature",
                    "id": f"{line['id']}-{k}",
                    "geometry": mapping(geom),
                    "properties": {
                        "id": line["id"],
                        "name": line["name"],
                        "treaty": line["treaty"],
                        "start": line["start"],
                        "end": line["end"],
                        "certainty": seg["certainty"],
                        "edge": list(key),
                        "note": seg.get("note", ""),
                        "source": line["source"],
                    },
                }
            )
    return {
        "type": "FeatureCollection",
        "source": spec["source"],
        "license": spec["license"],
        "note": spec["note"] + " Built from treaty_lines.json by python -m geo build-territories.",
        "features": features,
    }


def _segments_in(geom: BaseGeometry, area: BaseGeometry) -> BaseGeometry:
    # whole segments of the edge whose middles lie in the box: clipping at the
    # box would add a vertex that lies on the edge only to rounding error, and
    # the border of the year would then no longer overlay the line exactly
    kept = []
    for part in shapely.get_parts(geom):
        coords = list(part.coords)
        for a, b in zip(coords, coords[1:], strict=False):
            if area.covers(Point((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)):
                kept.append(LineString([a, b]))
    return shapely.line_merge(shapely.union_all(kept)) if kept else LineString()
