"""AppTest tests of the Sources page (pages/data.py): the article, the data files, citing."""

from __future__ import annotations

import pytest
from conftest import run, table_under, unescape
from streamlit.testing.v1 import AppTest


@pytest.fixture
def sources(load_page) -> AppTest:
    """The Sources page, run once."""
    return run(load_page("pages/data.py"))


def test_sources_page_lists_every_data_file_and_the_article_licence(sources: AppTest):
    text = unescape(" ".join(m.value for m in sources.markdown))
    assert "CC BY-SA 3.0 / GFDL" in text
    files = set(table_under(sources, "Data files")["File"])
    assert {"periods.csv", "territories.geojson", "sections.json", "base/rivers.geojson"} <= files
    assert "How to cite" in [h.value for h in sources.header]
