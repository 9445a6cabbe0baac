"""The passage panel and the context panel, as records of Markdown already escaped.

The app only lays these records out; everything they say is made here, from
the article, the events and :class:`~geo.atlas.UnitContext`, with
every string from the data passed through :func:`~geo.text.md_escape`. So the
panels can be tested without Streamlit, and no data reaches the page raw.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from geo.areas import Comparison, figures_for
from geo.atlas import Atlas, UnitContext, local_name, unit_context
from geo.changes import change_years, what_changed
from geo.config import DEFAULT_LANG, LANGS
from geo.corrections import Correction, corrections_in, marked_spans
from geo.events import Event, events_in
from geo.passages import breadcrumb, passage_at, sections_about
from geo.periods import Period, state_at, year_date
from geo.text import km2, md_escape, span_label, with_unit


@dataclass(frozen=True)
class PassagePanel:
    """What the passage column shows for a year; every field is escaped Markdown."""

    trail: str
    heading: str
    status_note: str
    after_snapshot: str
    paragraphs: tuple[str, ...]
    main_article: str
    events: str
    attribution: str
    fact_check: str = ""

    def blocks(self) -> tuple[tuple[str, str], ...]:
        """The body below the heading, in order, as ``(style, text)``; empty ones left out.

        The style is the Streamlit element that shows it: ``markdown``,
        ``caption``, ``info``, ``warning``, or ``fact_check`` (a bordered box
        of its own).
        """
        return _present(
            ("info", self.status_note),
            ("warning", self.after_snapshot),
            *(("markdown", p) for p in self.paragraphs),
            ("fact_check", self.fact_check),
            ("markdown", self.events),
            ("caption", self.main_article),
            ("caption", self.attribution),
        )


@dataclass(frozen=True)
class SectionText:
    """A passage about a unit, shown folded under its heading."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class ContextPanel:
    """What the context panel shows about the chosen unit; every field is escaped Markdown."""

    heading: str
    names: str
    holding: str
    facts: str
    note: str
    published: str
    history: str
    events: str
    sections_title: str
    sections: tuple[SectionText, ...]
    clauses: str = ""
    article_note: str = ""

    def blocks(self) -> tuple[tuple[str, str], ...]:
        """The body below the heading, before the passages, as ``(style, text)``.

        Empty ones are left out, since an empty element still takes up space.
        """
        return _present(
            ("markdown", self.names),
            ("markdown", self.holding),
            ("markdown", self.facts),
            ("caption", self.note),
            ("markdown", self.published),
            ("markdown", self.history),
            ("caption", self.article_note),
            ("markdown", self.clauses),
            ("markdown", self.events),
            ("markdown", self.sections_title),
        )


def passage_panel(atlas: Atlas, year: int) -> PassagePanel:
    """The passage of the article that narrates the year, with the year's events.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> panel = passage_panel(load_atlas(), 1860)
    >>> panel.events.splitlines()[0]
    '**In 1860**'
    """
    passage = passage_at(atlas.article, year)
    trail = breadcrumb(atlas.article, passage.section)
    after = ""
    if passage.after_snapshot:
        after = (
            f"The article was captured in early {atlas.article.snapshot_date.year}: it cannot "
            f"know what happened later, in {year}. The map follows the later record."
        )
    note = passage.span.note if passage.span.kind == "status_quo" and passage.span.note else ""
    main = passage.section.main_article
    notes = corrections_in(atlas.corrections, passage.section.id)
    return PassagePanel(
        trail=md_escape(" › ".join(trail[:-1])) if len(trail) > 1 else "",
        heading=md_escape(passage.section.heading),
        status_note=md_escape(note),
        after_snapshot=after,
        paragraphs=tuple(_marked(p, notes) for p in passage.section.text),
        main_article=f"Main article: {md_escape(main)}" if main else "",
        events=_event_list(f"**In {year}**", events_in(atlas.events, year), "%-d %b"),
        attribution=md_escape(atlas.article.attribution),
        fact_check=_fact_check(notes),
    )


def context_panel(
    atlas: Atlas,
    figures: Iterable[Comparison],
    unit_id: str,
    year: int,
    lang: str = DEFAULT_LANG,
) -> ContextPanel:
    """Names, holder, area, published figures, history, events and passages of one unit.

    The heading is the unit's name in ``lang``, followed by its names in the
    other two languages; holders and groups are named in ``lang``.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> panel = context_panel(load_atlas(), (), "primorye", 1861)
    >>> panel.holding
    '**In 1861:** held by **Russian Empire**; no rival claim.'
    >>> context_panel(load_atlas(), (), "primorye", 1861, "zh").holding
    '**In 1861:** held by **俄罗斯帝国**; no rival claim.'
    """
    ctx = unit_context(atlas, unit_id, year, lang)
    names = {"en": ctx.name_en, "ru": ctx.name_ru, "zh": ctx.name_zh}
    claim = f"also claimed by {', '.join(ctx.claimants)}" if ctx.claimants else "no rival claim"
    if ctx.sovereign:
        held = (
            f"controlled by **{md_escape(ctx.holder)}** ({md_escape(ctx.status)}); "
            f"sovereign: **{md_escape(ctx.sovereign)}**"
        )
    else:
        held = f"held by **{md_escape(ctx.holder)}**"
    facts = f"**Area:** {km2(ctx.area_km2)} (equal-area projection)"
    if ctx.groups:
        facts += f" · **Part of:** {md_escape(', '.join(ctx.groups))}"
    return ContextPanel(
        heading=md_escape(names[lang]),
        names=" · ".join(
            f"{_LANGUAGE_NAMES[other]}: {md_escape(names[other])}"
            for other in LANGS
            if other != lang
        ),
        holding=f"**In {year}:** {held}; {md_escape(claim)}.",
        facts=facts,
        note=md_escape(ctx.note),
        published=_published(figures_for(tuple(figures), unit_id)),
        history=_history(ctx, year),
        events=_event_list("**Events**", ctx.events, "%-d %b %Y"),
        sections_title="**Passages about it**" if ctx.sections else "",
        clauses=_clauses(atlas, unit_id, year),
        article_note="" if sections_about(atlas.article, unit_id) else ARTICLE_SILENT,
        sections=tuple(
            SectionText(md_escape(s.heading), tuple(md_escape(p) for p in s.text))
            for s in ctx.sections
        ),
    )


def _marked(paragraph: str, notes: Sequence[Correction]) -> str:
    # a phrase the record contradicts is highlighted and numbered; the text
    # itself, a quotation, stays word for word
    return "".join(
        f":orange-background[{md_escape(text)}]{_SUPERSCRIPT[number]}"
        if number
        else md_escape(text)
        for text, number in marked_spans(paragraph, notes)
    )


def _fact_check(notes: Sequence[Correction]) -> str:
    if not notes:
        return ""
    rows = [
        f"{i}. “{md_escape(c.quote)}”: {md_escape(c.correction)} ({md_escape(c.source)})"
        for i, c in enumerate(notes, start=1)
    ]
    return "\n".join(
        ["**Fact check.** The article was written in early 2007; the record says:", "", *rows]
    )


# the languages as the panel names them: the interface is in English
_LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "zh": "Chinese"}
ARTICLE_SILENT = (
    "The 2007 article does not narrate this territory: the history above follows the "
    "sources named in the data for each period."
)
_SUPERSCRIPT = ("", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹")


def change_caption(atlas: Atlas, year: int, lang: str = DEFAULT_LANG) -> str:
    r"""What changed in the year, as escaped Markdown: event, date, land, holders and area.

    Empty in a year without a change of holder or sovereign. Land and holders
    are named in ``lang``.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> print(change_caption(load_atlas(), 1860))  # doctest: +ELLIPSIS
    **What changed in 1860.** Convention of Peking, 14 Nov 1860: Ussuri\-Pacific coast ...
    """
    rows = []
    for c in what_changed(atlas, year):
        land = " and ".join(local_name(atlas.unit(u), lang) for u in c.units)
        before = ", ".join(local_name(atlas.holders[h], lang) for h in c.from_holders)
        to = local_name(atlas.holders[c.to_holder], lang)
        who = "control:" if c.kind == "control" else "sovereignty by treaty:"
        rows.append(
            f"{md_escape(c.event)}, {_day(c.on, '%-d %b %Y')}: {md_escape(land)} "
            f"(about {km2(c.area_km2)}), {who} {md_escape(before)} → **{md_escape(to)}**."
        )
    if not rows:
        return ""
    return " ".join([f"**What changed in {year}.**", *rows])


def _clauses(atlas: Atlas, unit_id: str, year: int) -> str:
    # the articles that drew the treaty lines in force along the unit's edges
    on = year_date(year)
    lines = []
    for t in atlas.treaty_lines:
        if unit_id in t.edge and t.in_force(on) and t.id in atlas.clauses and t.id not in lines:
            lines.append(t.id)
    rows = []
    for line in lines:
        c = atlas.clauses[line]
        text = f"- {md_escape(c.treaty)}, {md_escape(c.article)}: “{md_escape(c.text)}”"
        if c.translation:
            text += f" ({md_escape(c.translation)})"
        rows.append(f"{text} ({md_escape(c.source)})")
    return (
        "\n".join([f"**The treaty lines along its border in {year}**", "", *rows]) if rows else ""
    )


def joined(blocks: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    r"""The blocks with each run of adjacent ``markdown`` blocks joined into one.

    Each element costs the browser a render on every run of the page, so
    paragraphs that look alike are sent as one Markdown element; blocks of
    other styles stay as they are.

    Examples
    --------
    >>> joined([("markdown", "a"), ("markdown", "- b"), ("caption", "c"), ("markdown", "d")])
    (('markdown', 'a\n\n- b'), ('caption', 'c'), ('markdown', 'd'))
    """
    out: list[tuple[str, str]] = []
    for style, text in blocks:
        if out and style == out[-1][0] == "markdown":
            out[-1] = (style, f"{out[-1][1]}\n\n{text}")
        else:
            out.append((style, text))
    return tuple(out)


def _present(*blocks: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((style, text) for style, text in blocks if text)


def _event_list(title: str, events: Iterable[Event], date_format: str) -> str:
    rows = [f"- {_day(e.date, date_format)}: {md_escape(e.title)}" for e in events]
    return "\n".join([title, "", *rows]) if rows else ""


def _day(on: date, date_format: str) -> str:
    return f"{on:{date_format}}"


def _published(comparisons: Iterable[Comparison]) -> str:
    rows = []
    for c in comparisons:
        record = md_escape(with_unit(c.figure.published, "km²"))
        text = (
            f"- {md_escape(c.figure.label)}: **{record}** "
            f"({md_escape(c.figure.source)}); the atlas: {km2(c.computed_km2)}"
        )
        if not c.within:
            text += f", {c.verdict}: see the Areas page"
        rows.append(text)
    return "\n".join(["**Published areas that count it**", "", *rows]) if rows else ""


def _history(ctx: UnitContext, year: int) -> str:
    rows = []
    for row in ctx.history:
        text = f"{span_label(row.start, row.end)}: **{md_escape(row.holder)}**"
        if row.sovereign:
            text += f" ({md_escape(row.status)}; sovereign: {md_escape(row.sovereign)})"
        if row.event:
            text += f" — {md_escape(row.event)}"
        if row.claimants:
            text += f" (claimed by {md_escape(row.claimants)})"
        if row.current:
            text += f" ◀ in {year}"
        rows.append(f"- {text}")
    return "\n".join(["**History of control**", "", *rows])


def text_version(atlas: Atlas, year: int, view: str = "control", lang: str = DEFAULT_LANG) -> str:
    """The map of a year in words, for screen readers and for when the map cannot load.

    It follows the view the map colours: who held each region (``control``),
    who was its sovereign by treaty (``sovereign``), or which regions a side
    held or claimed (``china``, ``russia``, as sides of the data). Then what
    was held under another's sovereignty, what was disputed, and what changed
    last. Regions and holders are named in ``lang``. Escaped Markdown.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> text = text_version(load_atlas(), 1860)
    >>> text.startswith("**The map in words.**")
    True
    >>> "Claimed or held by China" in text_version(load_atlas(), 1860, "china")
    True
    """
    on = year_date(year)
    state = state_at(atlas.unit_ids, atlas.periods, on)

    def holder(holder_id: str) -> str:
        return local_name(atlas.holders[holder_id], lang)

    groups: dict[str, list[str]] = {}
    divided, disputed = [], []
    for uid in atlas.unit_ids:
        period = state[uid]
        name = local_name(atlas.unit(uid), lang)
        groups.setdefault(_text_group(atlas, period, view, holder), []).append(name)
        if period.divided:
            divided.append(
                f"{name} (held by {holder(period.holder)}, "
                f"sovereign {holder(period.sovereign_holder)}, {period.status})"
            )
        if period.claimants:
            disputed.append(f"{name} (claimed by {', '.join(map(holder, period.claimants))})")
    rows = [
        f"{group}: {', '.join(units)}."
        for group, units in sorted(groups.items(), key=lambda kv: -len(kv[1]))
    ]
    if divided:
        rows.append(f"Under another's sovereignty: {'; '.join(divided)}.")
    if disputed:
        rows.append(f"Disputed: {'; '.join(disputed)}.")
    # the latest year up to this one in which some land changed hands
    for changed_in in reversed([y for y in change_years(atlas) if y <= year]):
        if changes := what_changed(atlas, changed_in):
            c = changes[-1]
            land = " and ".join(local_name(atlas.unit(u), lang) for u in c.units)
            rows.append(
                f"Last change: {c.event}, {_day(c.on, '%-d %b %Y')} "
                f"({land}, to {holder(c.to_holder)})."
            )
            break
    # no year in the text: an unchanged situation gives the same text, which
    # Streamlit then sends as a reference to the copy the browser already has
    title = "**The map in words.**"
    return "\n".join([title, "", *(f"- {md_escape(row)}" for row in rows)])


def _text_group(atlas: Atlas, period: Period, view: str, holder: Callable[[str], str]) -> str:
    # the line of the text version a unit is listed on, in the chosen view
    if view == "sovereign":
        return f"Sovereign by treaty {holder(period.sovereign_holder)}"
    if view in atlas.sides:
        involved = {period.holder, period.sovereign_holder, *period.claimants}
        side = atlas.sides[view].name_en
        if any(atlas.holders[h].side == view for h in involved):
            return f"Claimed or held by {side}"
        return f"Neither held nor claimed by {side}; held by {holder(period.holder)}"
    return f"Held by {holder(period.holder)}"
