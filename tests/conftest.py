"""Fixtures shared by the test modules: the loaded atlas, and the project's folders."""

from __future__ import annotations

import pytest

from geo.atlas import Atlas, load_atlas
from geo.config import DATA_DIR, REPO

ROOT = REPO
DATA = DATA_DIR


@pytest.fixture(scope="session")
def atlas() -> Atlas:
    """The atlas loaded from the committed ``data/``, once per test session."""
    return load_atlas(DATA_DIR)
