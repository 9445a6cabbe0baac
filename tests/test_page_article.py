"""AppTest tests of the Article page (pages/article.py): the whole text, its notes, the search."""

from __future__ import annotations

import json

import pytest
from conftest import DATA, run, unescape
from streamlit.testing.v1 import AppTest

SECTIONS = json.loads((DATA / "sections.json").read_text(encoding="utf-8"))
SEARCH = "article_search"


@pytest.fixture
def page(load_page) -> AppTest:
    """The Article page, run once."""
    return run(load_page("pages/article.py"))


def search(at: AppTest, query: str) -> AppTest:
    at.text_input(key=SEARCH).input(query)
    return run(at)


def shown_sections(at: AppTest) -> list[str]:
    ids = [s["id"] for s in SECTIONS["sections"]]
    found = []
    for sid in ids:
        try:
            at.get_by_key(f"section_{sid}")
        except KeyError:
            continue
        found.append(sid)
    return found


def markdown_in(at: AppTest, key: str) -> str:
    return "\n".join(m.value for m in at.get_by_key(key).markdown)


def test_the_whole_article_is_shown_with_years_notes_and_links(page):
    assert shown_sections(page) == [s["id"] for s in SECTIONS["sections"]]
    headings = [h.value for h in page.header] + [h.value for h in page.subheader]
    for s in SECTIONS["sections"]:
        assert any(unescape(h) == s["heading"] for h in headings), s["heading"]
    encroachment = page.get_by_key("section_russian-encroachment")
    assert "Years 1858–1910" in [c.value for c in encroachment.caption]
    assert ":orange-background[" in markdown_in(page, "section_russian-encroachment")
    assert "**Fact check.**" in markdown_in(page, "section_russian-encroachment")
    links = {link.proto.label: link.proto.query_string for link in page.get("page_link")}
    assert links["Open 1858 on the map"] == "year=1858"
    assert links["Open 1640 on the map"] == "year=1640"
    # one link per section that stands for years, and one to the sources
    spanned = [s for s in SECTIONS["sections"] if s["spans"]]
    assert len(links) == len(spanned) + 1


def test_the_attribution_licence_and_snapshot_are_shown(page):
    about = unescape(markdown_in(page, "article_about"))
    assert SECTIONS["attribution"] in about
    assert SECTIONS["license"] in about
    assert "Revision:" in about and "2007" in about


def test_a_search_for_aigun_shows_only_its_sections_highlighted(page):
    search(page, "Aigun")
    assert shown_sections(page) == ["russian-encroachment"]
    found = page.get_by_key("article_found").markdown[0].value
    assert found == "“Aigun” is in **1** of the 18 sections (1 match)."
    assert ":blue-background[**Aigun**]" in markdown_in(page, "section_russian-encroachment")
    # the parent heading is not shown, so the section says where it sits
    captions = [c.value for c in page.get_by_key("section_russian-encroachment").caption]
    assert "Qing Dynasty and Tzarist Russia · Years 1858–1910" in captions
    search(page, "")
    assert len(shown_sections(page)) == len(SECTIONS["sections"])


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "[x](http://e)"])
def test_a_payload_in_the_search_renders_inert(page, payload):
    search(page, payload)
    assert shown_sections(page) == []
    (summary,) = page.get_by_key("article_found").markdown
    assert "<script>" not in summary.value and "](" not in summary.value
    assert unescape(summary.value).replace("\u2060", "").startswith(f"“{payload}” is in none")
    assert not any(m.proto.allow_html for m in page.markdown)
