"""Static files the map loads: Leaflet, the atlas's own script and styles, the base layers.

Streamlit serves ``static/`` beside ``app.py`` at ``/app/static``. That folder
is made at start-up and never committed: Leaflet comes from the registry
package ``django-js-lib-leaflet``, the map's script and styles from
``geo/web``, the base layers from ``data/base``. Whatever else is found in
it (a dotfile, an editor's backup, a file left by an older version) is removed,
since Streamlit serves every file there, dotfiles included.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from geo.atlas import Atlas
from geo.dataio import read_json
from geo.frame import land_geometry, load_neighbours
from geo.mapdata import Atom
from geo.mapview import map_files

LEAFLET_PACKAGE = "js_lib_leaflet"
LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images")
BASE_FILES = ("land.geojson", "lakes.geojson", "rivers.geojson")
WEB_DIR = Path(__file__).resolve().parent / "web"
WEB_FILES = ("atlas.js", "atlas.css")
# the stylesheet of Streamlit's page itself, sent with every run (geo.loaders.page_style)
PAGE_CSS = WEB_DIR / "page.css"
# a temporary file is written beside its target and moved over it; another process's
# may be in flight, so one younger than this is left alone
TMP_SUFFIX = ".tmp"
TMP_GRACE_S = 60.0
# what a file written here may be read by: anyone, as a served file is
FILE_MODE = 0o644


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
    to date are left alone, so calling it on every start is cheap. Every other
    file in ``static_dir`` is removed (see `prune_static`); the list returned
    holds the files written, then those removed. Each file is written beside
    its place and moved over it, so servers sharing the folder never see half
    a file.

    Examples
    --------
    >>> out = Path(tempfile.mkdtemp())
    >>> _ = (out / ".env").write_text("SECRET=1")
    >>> changed = install_static(out, Path(tempfile.mkdtemp()))
    >>> (out / "leaflet" / "leaflet.js").is_file(), (out / "atlas" / "atlas.js").is_file()
    (True, True)
    >>> (out / ".env").exists(), out / ".env" in changed
    (False, True)
    """
    written = [
        path
        for name, doc in (generated or {}).items()
        for path in _write_if_changed(static_dir / "atlas" / name, _compact_json(doc))
    ]
    owned = {static_dir / "atlas" / name for name in generated or {}}
    sources = [(leaflet_dir() / name, static_dir / "leaflet" / name) for name in LEAFLET_FILES]
    sources += [(WEB_DIR / name, static_dir / "atlas" / name) for name in WEB_FILES]
    sources += [(base_dir / name, static_dir / "base" / name) for name in BASE_FILES]
    for src, dst in sources:
        if not src.exists():
            continue
        if src.is_dir():
            for f in src.rglob("*"):
                if f.is_file():
                    owned.add(dst / f.relative_to(src))
                    written += _copy_if_changed(f, dst / f.relative_to(src))
        else:
            owned.add(dst)
            written += _copy_if_changed(src, dst)
    return written + prune_static(static_dir, owned)


def install_map(
    atlas: Atlas, atoms: Sequence[Atom], data_dir: Path, static_dir: Path, last_year: int
) -> list[Path]:
    """Write everything the map loads into ``static_dir``; return what changed.

    The one way the static folder is filled, at the app's start-up
    (:func:`geo.loaders.static_files`) and by ``python -m geo static``: the
    land and the neighbours are read from ``data_dir``, the map's documents
    made by :func:`geo.mapview.map_files`, and all of it installed by
    :func:`install_static`.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> from geo.config import DATA_DIR
    >>> out = Path(tempfile.mkdtemp())
    >>> _ = install_map(load_atlas(), (), DATA_DIR, out, 2000)
    >>> (out / "atlas" / "settings.json").is_file()
    True
    """
    land = land_geometry(read_json(data_dir / "base" / "land.geojson"))
    neighbours = load_neighbours(data_dir / "neighbours.json")
    files = map_files(atlas, atoms, land, neighbours, last_year)
    return install_static(static_dir, data_dir / "base", files)


def prune_static(static_dir: Path, keep: set[Path], now: float | None = None) -> list[Path]:
    """Remove every file, link and empty folder in ``static_dir`` that is not in ``keep``.

    A temporary file of a write under way (a name ending ``.tmp``, younger than
    ``TMP_GRACE_S``) is left alone. Links are removed, never followed.

    Parameters
    ----------
    static_dir : Path
        The folder Streamlit serves.
    keep : set of Path
        The files to keep, as paths under ``static_dir``.
    now : float, optional
        The time to judge a temporary file's age by; by default the clock's.

    Returns
    -------
    list of Path
        The files and links removed.

    Examples
    --------
    >>> out = Path(tempfile.mkdtemp())
    >>> (out / "a").mkdir()
    >>> for name in ("a/keep.js", "a/.DS_Store", "old.txt"):
    ...     _ = (out / name).write_text("x")
    >>> sorted(p.name for p in prune_static(out, {out / "a" / "keep.js"}))
    ['.DS_Store', 'old.txt']
    >>> sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    ['a', 'a/keep.js']
    """
    if not static_dir.is_dir():
        return []
    now = time.time() if now is None else now
    # folders on the way to a kept file stay, also while empty, for a writer about to fill them
    needed = {static_dir} | {parent for path in keep for parent in path.parents}
    removed = []
    for folder, dirs, files in os.walk(static_dir, topdown=False):
        here = Path(folder)
        for name in files + [d for d in dirs if (here / d).is_symlink()]:
            path = here / name
            if path in keep:
                continue
            if name.endswith(TMP_SUFFIX) and not path.is_symlink():
                try:
                    if now - path.stat().st_mtime < TMP_GRACE_S:
                        continue
                except FileNotFoundError:
                    continue  # moved into place meanwhile
            path.unlink(missing_ok=True)
            removed.append(path)
        if here not in needed and not any(here.iterdir()):
            here.rmdir()
    return removed


def _copy_if_changed(src: Path, dst: Path) -> list[Path]:
    if (
        dst.exists()
        and dst.stat().st_size == src.stat().st_size
        and (dst.stat().st_mtime >= src.stat().st_mtime)
    ):
        return []
    dst.parent.mkdir(parents=True, exist_ok=True)
    with _beside(dst) as tmp:
        shutil.copy2(src, tmp)
    return [dst]


def _compact_json(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write_if_changed(dst: Path, content: bytes) -> list[Path]:
    if dst.exists() and dst.read_bytes() == content:
        return []
    dst.parent.mkdir(parents=True, exist_ok=True)
    with _beside(dst) as tmp:
        tmp.write_bytes(content)
    return [dst]


@contextmanager
def _beside(dst: Path) -> Iterator[Path]:
    # a temporary file of this process's own beside ``dst``, moved over it on leaving,
    # so a reader never sees half a file and two servers never write into one file
    fd, name = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=TMP_SUFFIX)
    os.close(fd)
    tmp = Path(name)
    tmp.chmod(FILE_MODE)  # mkstemp's file is the owner's alone
    try:
        yield tmp
        tmp.replace(dst)
    finally:
        tmp.unlink(missing_ok=True)
