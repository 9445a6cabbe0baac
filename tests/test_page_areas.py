"""AppTest tests of the Areas page (pages/areas.py): published beside computed, the transfers."""

from __future__ import annotations

import pytest
from conftest import run, table_under
from streamlit.testing.v1 import AppTest

OUTER_MANCHURIA = "Outer Manchuria (Aigun and Peking cessions, mainland)"


@pytest.fixture
def areas(load_page) -> AppTest:
    """The Areas page, run once."""
    return run(load_page("pages/areas.py"))


def test_areas_page_shows_published_beside_computed_and_the_transfers(areas: AppTest):
    figures = table_under(areas, "Published figures")
    assert OUTER_MANCHURIA in list(figures["Area"])
    within = dict(zip(figures["Area"], figures["Within"], strict=True))
    assert within[OUTER_MANCHURIA] == "yes"
    assert within["Bolshoy Ussuriysky / Heixiazi Island"] == "no (see below)"
    assert "NO" not in within.values()
    # each figure the atlas knowingly falls short of says why
    warnings = [w.value for w in areas.warning]
    assert len(warnings) == list(within.values()).count("no (see below)")
    (island,) = [w for w in warnings if "Bolshoy Ussuriysky" in w]
    assert "not stretched" in island
    transfers = table_under(areas, "Land that changed hands")
    assert "Treaty of Aigun" in list(transfers["Event"])
    assert "Convention of Peking" in list(transfers["Event"])
