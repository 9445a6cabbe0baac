"""Tests of geo.panels: the passage and context panels, as escaped Markdown, without Streamlit."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest
from conftest import unescape

from geo.panels import ContextPanel, PassagePanel, context_panel, joined, passage_panel

EVIL = "*bold* [link](https://example.com) <b>x</b> ![img](//host/x.png)"
_UNESCAPED_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(")


def _texts(panel: PassagePanel | ContextPanel) -> list[str]:
    out = []
    for field in dataclasses.fields(panel):
        value = getattr(panel, field.name)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, tuple):
            for item in value:
                out += [item] if isinstance(item, str) else [item.heading, *item.paragraphs]
    return out


@pytest.fixture
def evil_atlas(atlas):
    """The atlas with markup in the data the panels show."""
    units = tuple(
        dataclasses.replace(u, name_en=EVIL, name_ru=EVIL, note=EVIL) for u in atlas.units
    )
    holders = {k: dataclasses.replace(h, name_en=EVIL) for k, h in atlas.holders.items()}
    sections = tuple(
        dataclasses.replace(s, heading=EVIL, text=(EVIL,)) for s in atlas.article.sections
    )
    article = dataclasses.replace(atlas.article, sections=sections, attribution=EVIL)
    return dataclasses.replace(atlas, units=units, holders=holders, article=article)


def test_passage_panel_of_1860_narrates_the_year_with_its_events(atlas):
    panel = passage_panel(atlas, 1860)
    assert panel.heading == "Russian encroachment"
    assert panel.events.startswith("**In 1860**")
    assert "Convention of Peking" in panel.events
    assert panel.status_note == "" and panel.after_snapshot == ""
    assert "CC BY\\-SA" in panel.attribution


def test_passage_panel_of_a_quiet_year_carries_the_status_quo_note(atlas):
    panel = passage_panel(atlas, 1700)
    assert panel.status_note.startswith("The border set in 1689 holds until 1858")
    assert panel.events == ""


def test_passage_panel_after_the_snapshot_says_so(atlas):
    panel = passage_panel(atlas, 2009)
    assert panel.after_snapshot.startswith("The article was captured in early 2007")
    assert "2009" in panel.after_snapshot


def test_context_panel_gives_names_holding_history_and_passages(atlas):
    panel = context_panel(atlas, (), "amur_left_bank", 1858)
    assert panel.heading == "Left bank of the Amur \\(Priamurye\\)"
    assert panel.names.startswith("Russian: ") and "Chinese: " in panel.names
    assert panel.holding == "**In 1858:** held by **Russian Empire**; also claimed by Qing dynasty."
    assert panel.history.startswith("**History of control**")
    assert panel.history.count("◀ in 1858") == 1
    assert panel.sections and panel.sections_title == "**Passages about it**"
    assert panel.published == ""


def test_context_panel_lists_the_published_areas_that_count_the_unit(atlas):
    from geo.areas import compare, load_figures
    from geo.config import DATA_DIR

    figures = compare(load_figures(DATA_DIR / "areas.json", atlas.unit_ids), atlas.areas)
    panel = context_panel(atlas, figures, "heixiazi_east", 2009)
    assert panel.published.startswith("**Published areas that count it**")
    assert "short of the record: see the Areas page" in panel.published


@pytest.mark.parametrize("year", [1700, 1860, 2009])
def test_passage_panel_escapes_every_string_from_the_data(evil_atlas, year):
    panel = passage_panel(evil_atlas, year)
    texts = _texts(panel)
    assert any("\\*bold\\*" in t for t in texts)
    for text in texts:
        assert "<b>" not in text and not _UNESCAPED_LINK.search(text), text


def test_context_panel_escapes_every_string_from_the_data(evil_atlas):
    panel = context_panel(evil_atlas, (), "primorye", 1861)
    texts = _texts(panel)
    assert panel.heading.startswith("\\*bold\\*")
    for text in texts:
        assert "<b>" not in text and not _UNESCAPED_LINK.search(text), text


def test_panel_blocks_leave_out_empty_text_and_keep_the_order(atlas):
    passage = passage_panel(atlas, 1700)
    styles = [style for style, _ in passage.blocks()]
    assert styles[0] == "info" and styles[-1] == "caption"
    assert all(text for _, text in passage.blocks())
    context = context_panel(atlas, (), "zhenbao", 1969)
    assert [text for _, text in context.blocks()][:2] == [context.names, context.holding]
    assert all(style in {"markdown", "caption"} for style, _ in context.blocks())


@pytest.mark.parametrize("unit, year", [("manchuria", 1900), ("zhenbao", 1969), ("primorye", 1860)])
def test_joined_blocks_send_each_run_of_markdown_as_one_element(atlas, unit, year):
    blocks = context_panel(atlas, (), unit, year).blocks()
    elements = joined(blocks)
    styles = [style for style, _ in elements]
    assert len(elements) < len(blocks)
    assert not any(a == b == "markdown" for a, b in zip(styles, styles[1:], strict=False))
    # every text is kept, in its order, a paragraph apart
    assert "\n\n".join(t for _, t in elements) == "\n\n".join(t for _, t in blocks)


def test_context_panel_says_who_controls_and_who_is_sovereign(atlas):
    periods = tuple(
        dataclasses.replace(p, holder="russian_empire", sovereign="qing", status="occupation")
        if p.unit == "manchuria" and p.in_force(date(1902, 12, 31))
        else p
        for p in atlas.periods
    )
    panel = context_panel(dataclasses.replace(atlas, periods=periods), (), "manchuria", 1902)
    assert panel.holding.startswith(
        "**In 1902:** controlled by **Russian Empire** (occupation); sovereign: **Qing dynasty**"
    )
    assert "(occupation; sovereign: Qing dynasty)" in panel.history


def test_context_panel_quotes_the_clause_of_each_treaty_line_on_its_border(atlas):
    from geo.treaties import Clause

    clause = Clause("aigun", "Treaty of Aigun", "Art. 1", "The left bank *of the* Amur", "Src", "")
    panel = context_panel(
        dataclasses.replace(atlas, clauses={"aigun": clause}), (), "amur_left_bank", 1859
    )
    assert panel.clauses.startswith("**The treaty lines along its border in 1859**")
    assert "Treaty of Aigun, Art\\. 1: “The left bank \\*of the\\* Amur” (Src)" in panel.clauses
    assert (
        context_panel(dataclasses.replace(atlas, clauses={}), (), "amur_left_bank", 1859).clauses
        == ""
    )


def test_the_text_version_follows_the_year_and_the_view(atlas):
    from geo.panels import text_version

    text = unescape(text_version(atlas, 1903))
    assert "Held by Russian Empire:" in text and "Manchuria" in text
    assert (
        "Under another's sovereignty: Manchuria (Northeast China) (held by Russian Empire" in text
    )
    assert "Last change:" in text
    sovereign = unescape(text_version(atlas, 1903, "sovereign"))
    assert "Sovereign by treaty Qing dynasty:" in sovereign
    assert text != unescape(text_version(atlas, 1861))


@pytest.mark.parametrize(
    ("unit", "silent"), [("pamirs", True), ("kwantung", True), ("manchuria", False)]
)
def test_the_context_panel_says_when_the_article_does_not_narrate_a_territory(atlas, unit, silent):
    from geo.panels import ARTICLE_SILENT

    panel = context_panel(atlas, (), unit, 1900)
    assert (panel.article_note == ARTICLE_SILENT) is silent
    assert (("caption", ARTICLE_SILENT) in panel.blocks()) is silent


def test_the_context_panel_follows_the_language(atlas):
    panel = context_panel(atlas, (), "primorye", 1861, "ru")
    unit = atlas.unit("primorye")
    assert unescape(panel.heading) == unit.name_ru
    assert unit.name_en in unescape(panel.names) and unit.name_zh in unescape(panel.names)
    assert "Российская империя" in unescape(panel.holding)


def test_the_text_version_follows_the_language_and_the_view(atlas):
    from geo.panels import text_version

    zh = unescape(text_version(atlas, 1903, "control", "zh"))
    assert "清朝" in zh and atlas.unit("primorye").name_zh in zh
    china = unescape(text_version(atlas, 1903, "china"))
    russia = unescape(text_version(atlas, 1903, "russia"))
    assert "Claimed or held by China" in china and "Claimed or held by Russia" in russia
    assert china != russia


def test_the_change_caption_follows_the_language(atlas):
    from geo.panels import change_caption

    assert "俄罗斯帝国" in unescape(change_caption(atlas, 1860, "zh"))
