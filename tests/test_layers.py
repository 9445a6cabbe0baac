"""The imports of ``geo`` run one way: data model, views, folium map, Streamlit loaders.

The rules are read from the source with ``ast``, so a lazy import inside a
function counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

# each run-time module of geo, by layer; a module may import geo modules of its
# own layer or a lower one only
LAYERS = {
    "config": 0,
    "errors": 0,
    "dataio": 0,
    "text": 0,
    "params": 0,
    "periods": 1,
    "territories": 1,
    "passages": 1,
    "events": 1,
    "places": 1,
    "treaties": 1,
    "borders": 1,
    "areas": 1,
    "corrections": 1,
    "frame": 1,
    "atlas": 2,
    "mapdata": 2,
    "changes": 2,
    "panels": 2,
    "session": 2,
    "tables": 2,
    "sources": 2,
    "validate": 2,
    "export": 2,
    "cite": 2,
    "compare": 2,
    "reader": 2,
    "tour": 2,
    "quiz": 2,
    "timeline": 2,
    "render": 2,
    "mapview": 3,
    "assets": 3,
    "loaders": 4,
}
VIEWS_LAYER = LAYERS["atlas"]
CLI = "__main__"
BUILD = "build"
STREAMLIT = ("streamlit", "streamlit_folium")
FOLIUM = ("folium", "branca", "streamlit", "streamlit_folium")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # "from geo import loaders" imports the module geo.loaders
            if node.module == "geo":
                names |= {f"geo.{alias.name}" for alias in node.names}
    return names


def _module_name(package: Path, path: Path) -> str:
    parts = path.relative_to(package).with_suffix("").parts
    return ".".join(parts)


def _top(name: str) -> str:
    return name.split(".")[0]


def import_violations(package: Path, layers: dict[str, int]) -> list[str]:
    """Every broken layering rule in the package folder ``package`` (named ``geo``)."""
    problems = []
    for path in sorted(package.rglob("*.py")):
        module = _module_name(package, path)
        if module.endswith("__init__"):
            continue
        first = module.split(".")[0]
        imported = _imports(path)
        geo_imports = {n.removeprefix("geo.") for n in imported if n.startswith("geo.")}
        outside = {_top(n) for n in imported if not n.startswith("geo")}
        if first not in (BUILD, CLI) and first not in layers:
            problems.append(f"{module}: not assigned to a layer")
            continue
        if first != "loaders" and first != BUILD and outside & set(STREAMLIT):
            problems.append(f"{module}: imports Streamlit; only geo.loaders may")
        if first in layers and layers[first] <= VIEWS_LAYER and outside & set(FOLIUM):
            problems.append(f"{module}: imports folium or Streamlit below the map layer")
        for target in geo_imports:
            target_top = target.split(".")[0]
            if target_top == BUILD and first not in (BUILD, CLI):
                problems.append(f"{module}: imports the build pipeline geo.{target}")
            elif first in layers and target_top in layers and layers[target_top] > layers[first]:
                problems.append(f"{module}: imports geo.{target}, from a higher layer")
    return problems


def test_geo_keeps_its_layers():
    modules = {p.stem for p in (ROOT / "geo").glob("*.py")}
    assert set(LAYERS) <= modules, "every layered name is a module of geo"
    assert import_violations(ROOT / "geo", LAYERS) == []


PAGE_LINES = 100
SCRIPTS = ["app.py", *sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))]


@pytest.mark.parametrize("script", SCRIPTS)
def test_pages_do_not_import_the_build(script):
    path = ROOT / script
    assert not [n for n in _imports(path) if n.startswith("geo.build")]


@pytest.fixture
def broken_package(tmp_path: Path) -> Path:
    """A small package named geo that breaks each rule once."""
    geo = tmp_path / "geo"
    (geo / "build").mkdir(parents=True)
    (geo / "__init__.py").write_text("")
    (geo / "build" / "__init__.py").write_text("")
    (geo / "build" / "routing.py").write_text("import networkx\n")
    (geo / "config.py").write_text("import streamlit as st\n")
    (geo / "periods.py").write_text("def f():\n    from geo.atlas import Atlas\n")
    (geo / "atlas.py").write_text("import folium\n")
    (geo / "mapview.py").write_text("from geo.build import routing\n")
    (geo / "loaders.py").write_text("import streamlit\nfrom geo import atlas\n")
    (geo / "stray.py").write_text("")
    return geo


def test_each_broken_rule_is_reported(broken_package: Path):
    problems = import_violations(broken_package, LAYERS)
    assert sorted(problems) == sorted(
        [
            "config: imports Streamlit; only geo.loaders may",
            "config: imports folium or Streamlit below the map layer",
            "periods: imports geo.atlas, from a higher layer",
            "atlas: imports folium or Streamlit below the map layer",
            "mapview: imports the build pipeline geo.build",
            "stray: not assigned to a layer",
        ]
    )


def test_importing_the_views_loads_no_map_streamlit_or_build():
    code = (
        "import geo.atlas, geo.panels, geo.session, geo.tables, sys; "
        "print([m for m in sys.modules if m.startswith(('folium', 'streamlit', 'geo.build'))])"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]"


@pytest.mark.parametrize("script", SCRIPTS)
def test_pages_stay_thin(script):
    """Pages hold widgets, calls into geo and output: the logic lives in geo."""
    assert len((ROOT / script).read_text(encoding="utf-8").splitlines()) <= PAGE_LINES
