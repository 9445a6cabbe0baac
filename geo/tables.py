"""The rows of the tables on the Areas page, made from the atlas.

Each function returns a list of plain dicts, one per row, ready for
``st.dataframe``: the page only shows them.
"""

from __future__ import annotations

from collections.abc import Iterable

from geo.areas import Comparison, transfers
from geo.atlas import Atlas
from geo.text import md_escape

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
