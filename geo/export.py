"""The situation in one year as a table, and as a GeoJSON or GeoPackage file.

:func:`geo.atlas.situation` gives the year as a GeoJSON document;
:func:`situation_frame` gives the same features as a GeoDataFrame, and
:func:`write_situation` writes either format. This module imports geopandas,
which :mod:`geo.atlas` leaves out to stay quick to import.

A GeoPackage column holds one value per row, so ``claimants`` becomes the
names joined by ``"; "`` (empty when nobody else claims the unit); the GeoJSON
export keeps the list. ``since`` and ``until`` stay ISO date strings in both
formats, with ``until`` null while a period is still in force.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import geopandas as gpd
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from geo.atlas import Atlas, situation, situation_json

FORMATS = ("geojson", "gpkg")
CLAIMANT_SEPARATOR = "; "
CRS = "EPSG:4326"


def layer_name(year: int) -> str:
    """The GeoPackage layer that holds the situation in ``year``.

    Examples
    --------
    >>> layer_name(1860)
    'situation_1860'
    """
    return f"situation_{year}"


def situation_frame(atlas: Atlas, year: int) -> gpd.GeoDataFrame:
    """The situation in one year as a GeoDataFrame, one row per unit.

    The columns are the properties of :func:`geo.atlas.situation`, in the
    same order, then ``geometry``; rows follow the units of the atlas.
    ``claimants`` is one string (see the module notes). Rings are in RFC 7946
    order, as in the GeoJSON export. The document's ``name``, ``date``,
    ``note`` and ``source`` are kept in ``frame.attrs``.

    Parameters
    ----------
    atlas : Atlas
        The loaded atlas.
    year : int
        The year, read on 31 December.

    Returns
    -------
    geopandas.GeoDataFrame
        In EPSG:4326.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> frame = situation_frame(load_atlas(), 1859)
    >>> frame.crs.to_epsg(), frame.set_index("id").at["primorye", "claimants"]
    (4326, 'Qing dynasty; Russian Empire')
    """
    doc = situation(atlas, year)
    rows = [
        f["properties"] | {"claimants": CLAIMANT_SEPARATOR.join(f["properties"]["claimants"])}
        for f in doc["features"]
    ]
    by_id = {u.id: u.geometry for u in atlas.units}
    geometries = shapely.orient_polygons([by_id[f["id"]] for f in doc["features"]])
    frame = gpd.GeoDataFrame(rows, geometry=list(geometries), crs=CRS)
    frame.attrs.update({k: v for k, v in doc.items() if k not in ("type", "features")})
    return frame


def write_situation(atlas: Atlas, year: int, out: Path, fmt: str = "geojson") -> Path:
    """Write the situation in one year to ``out`` as GeoJSON or a GeoPackage.

    GeoJSON is :func:`geo.atlas.situation_json` and a newline. A GeoPackage
    has one layer, :func:`layer_name` of the year, of MultiPolygons (one
    declared geometry type for the layer); an existing file is replaced,
    whole, only once the new one is complete.

    Parameters
    ----------
    atlas : Atlas
        The loaded atlas.
    year : int
        The year, read on 31 December.
    out : Path
        The file to write; its folder must exist.
    fmt : str
        ``"geojson"`` or ``"gpkg"``.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    ValueError
        For an unknown format.
    OSError
        If ``out`` cannot be written.

    Examples
    --------
    >>> import tempfile, geopandas
    >>> from geo.atlas import load_atlas
    >>> atlas = load_atlas()
    >>> out = write_situation(atlas, 1860, Path(tempfile.mkdtemp()) / "1860.gpkg", "gpkg")
    >>> len(geopandas.read_file(out)) == len(atlas.units)
    True
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    out = Path(out)
    if fmt == "geojson":
        # written straight to ``out``, so that a pipe or /dev/stdout works too
        with out.open("w", encoding="utf-8") as fh:
            fh.write(situation_json(atlas, year) + "\n")
    else:
        _write_gpkg(situation_frame(atlas, year), out, layer_name(year))
    return out


def _write_gpkg(frame: gpd.GeoDataFrame, out: Path, layer: str) -> None:
    # a GeoPackage is an SQLite database: it needs a regular file, and GDAL would
    # add the layer to an existing one rather than replace it
    if out.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(out))
    if out.exists() and not out.is_file():
        raise OSError(errno.EINVAL, "a GeoPackage must be a regular file", str(out))
    meta = {k: str(v) for k, v in frame.attrs.items()}
    # built beside ``out`` and moved over it: a failed write leaves the old file
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}.") as tmp:
        part = Path(tmp) / "situation.gpkg"
        try:
            frame.to_file(
                part,
                layer=layer,
                driver="GPKG",
                engine="pyogrio",
                promote_to_multi=True,
                layer_options={
                    "IDENTIFIER": meta.get("name", layer),
                    "DESCRIPTION": meta.get("note", ""),
                },
                layer_metadata=meta,
            )
        except (DataSourceError, DataLayerError) as exc:
            raise OSError(errno.EIO, str(exc), str(out)) from exc
        os.replace(part, out)
