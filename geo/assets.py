"""Static files the map loads: Leaflet, the atlas's own script and styles, the base layers.

Streamlit serves ``static/`` beside ``app.py`` at ``/app/static``. That folder
is made at start-up and never committed: Leaflet comes from the registry
package ``django-js-lib-leaflet``, the map's script and styles from
``geo/web``, the base layers from ``data/base``.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections.abc import Mapping
from pathlib import Path

LEAFLET_PACKAGE = "js_lib_leaflet"
LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images")
BASE_FILES = ("land.geojson", "lakes.geojson", "rivers.geojson")
WEB_DIR = Path(__file__).resolve().parent / "web"
WEB_FILES = ("atlas.js", "atlas.css")


def leaflet_dir() -> Path:
    """Folder of Leaflet's files inside the installed ``django-js-lib-leaflet`` wheel.

    Examples
    --------
    >>> (leaflet_dir() / "leaflet.js").is_file()
    True
    """
    spec = importlib.util.find_spec(LEAFLET_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("django-js-lib-leaflet is not installed (see requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / LEAFLET_PACKAGE


def install_static(
    static_dir: Path, base_dir: Path, generated: Mapping[str, dict] | None = None
) -> list[Path]:
    """Copy Leaflet, the map's files and the base layers into ``static_dir``; return what changed.

    ``generated`` maps file names to GeoJSON documents made from the data (the
    units and the pieces of border), written under ``atlas/``. Files already up
    to date are left alone, so calling it on every start is cheap.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> written = install_static(out, Path(tempfile.mkdtemp()))
    >>> (out / "leaflet" / "leaflet.js").is_file(), (out / "atlas" / "atlas.js").is_file()
    (True, True)
    """
    written = [
        path
        for name, doc in (generated or {}).items()
        for path in _write_if_changed(static_dir / "atlas" / name, _compact_json(doc))
    ]
    sources = [(leaflet_dir() / name, static_dir / "leaflet" / name) for name in LEAFLET_FILES]
    sources += [(WEB_DIR / name, static_dir / "atlas" / name) for name in WEB_FILES]
    sources += [(base_dir / name, static_dir / "base" / name) for name in BASE_FILES]
    for src, dst in sources:
        if not src.exists():
            continue
        if src.is_dir():
            for f in src.rglob("*"):
                if f.is_file():
                    written += _copy_if_changed(f, dst / f.relative_to(src))
        else:
            written += _copy_if_changed(src, dst)
    return written


def _copy_if_changed(src: Path, dst: Path) -> list[Path]:
    if (
        dst.exists()
        and dst.stat().st_size == src.stat().st_size
        and (dst.stat().st_mtime >= src.stat().st_mtime)
    ):
        return []
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)
    return [dst]


def _compact_json(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write_if_changed(dst: Path, content: bytes) -> list[Path]:
    if dst.exists() and dst.read_bytes() == content:
        return []
    dst.parent.mkdir(parents=True, exist_ok=True)
    # write beside it and move over, so a reader never sees half a file
    tmp = dst.with_suffix(dst.suffix + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(dst)
    return [dst]
