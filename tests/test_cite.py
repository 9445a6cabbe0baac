"""Citing a view of the atlas: plain text, BibTeX, CSL-JSON, and the GeoJSON that carries them."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pybtex.database import parse_string

from geo.cite import FORMATS, cite_view, cited_situation, dataset_version
from geo.config import REPO

ACCESSED = date(2026, 12, 2)
LICENCES = {"periods.csv": "CC0-1.0", "sections.json": "CC BY-SA 3.0 / GFDL 1.2"}


@pytest.fixture(scope="module")
def citation(atlas):
    return cite_view(
        atlas, 1861, "sovereign", "zh", version="git abc", accessed=ACCESSED, licences=LICENCES
    )


def test_the_text_names_year_view_dataset_article_passage_and_licences(citation):
    text = citation.text
    for part in (
        "31 December 1861",
        "Sovereign by treaty",
        "names in 中文",
        "git abc",
        "2 December 2026",
        "?year=1861&view=sovereign&lang=zh",
        "Sino-Russian relations",
        "2007-02-15",
        citation.section,
        "periods.csv: CC0-1.0",
        "CC BY-SA 3.0 / GFDL 1.2",
    ):
        assert part in text, part


def test_the_passage_is_the_one_shown_for_the_year(atlas):
    early = cite_view(atlas, 1689, "control", "en", version="v", accessed=ACCESSED, licences={})
    late = cite_view(atlas, 2009, "control", "en", version="v", accessed=ACCESSED, licences={})
    assert early.section != late.section
    assert early.link == "?year=1689"


def test_bibtex_parses_back_with_its_fields(citation):
    entries = parse_string(citation.bibtex, "bibtex").entries
    (key,) = entries
    entry = entries[key]
    assert key == "sino_russian_border_atlas_1861_sovereign"
    assert entry.type == "misc"
    assert entry.fields["version"] == "git abc"
    assert "1861" in entry.fields["title"]
    # a group author, in braces, is not split into first and last names
    assert [str(p) for p in entry.persons["author"]] == ["{Sino-Russian Border Atlas contributors}"]


def test_bibtex_escapes_what_latex_would_read(atlas):
    odd = cite_view(
        atlas,
        1861,
        "control",
        "en",
        version="v",
        accessed=ACCESSED,
        licences={"a_b.csv": "50% & #"},
    )
    assert r"a\_b.csv: 50\% \& \#" in odd.bibtex


def test_csl_json_is_a_list_of_one_dataset(citation):
    (item,) = json.loads(citation.csl_json)
    assert item["type"] == "dataset"
    assert item["issued"] == {"date-parts": [[1861, 12, 31]]}
    assert item["accessed"] == {"date-parts": [[2026, 12, 2]]}
    assert item["version"] == "git abc"


def test_every_format_the_dialog_offers_is_an_attribute(citation):
    assert [bool(getattr(citation, field)) for _, field, _ in FORMATS] == [True] * len(FORMATS)


def test_the_geojson_carries_the_year_and_its_citation(atlas, citation):
    doc = json.loads(cited_situation(atlas, citation))
    assert doc["type"] == "FeatureCollection"
    assert doc["date"] == "1861-12-31"
    assert doc["citation"]["text"] == citation.text
    assert doc["citation"]["csl"][0]["version"] == "git abc"
    assert {f["id"] for f in doc["features"]} == set(atlas.unit_ids)


def test_the_version_is_the_commit_of_a_clone_or_the_package_version(tmp_path):
    assert dataset_version(REPO).startswith("git ")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "9.9"\n')
    assert dataset_version(tmp_path) == "9.9"
