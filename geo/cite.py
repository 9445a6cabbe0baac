"""How to cite a view of the atlas: plain text, BibTeX and CSL-JSON, and GeoJSON that carries them.

A citation names the year and the view, the dataset and its version (the git
commit of the data, or the package version outside a clone), the article with
its snapshot and the passage shown for the year, and the licences of the data
files. :func:`cited_situation` is the year's GeoJSON with the citation inside,
which is what "Download" on the map page gives.
"""

from __future__ import annotations

import json
import subprocess
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pybtex.database import BibliographyData, Entry

from geo.atlas import Atlas, situation
from geo.config import DEFAULT_LANG, LANGS, REPO
from geo.mapdata import DEFAULT_VIEW, VIEWS
from geo.passages import passage_at
from geo.session import map_link

TITLE = "Sino-Russian Border Atlas"
AUTHOR = "Sino-Russian Border Atlas contributors"
# braces keep BibTeX from reading the group as a person's first and last names
_BIBTEX_AUTHOR = "{" + AUTHOR + "}"
# the licences as the citation lists them: the file, then its licence
LICENCE_SEPARATOR = "; "
# the forms a reader can copy: (tab, attribute of Citation, language for highlighting)
FORMATS = (
    ("Plain text", "text", None),
    ("BibTeX", "bibtex", "bibtex"),
    ("CSL-JSON", "csl_json", "json"),
)
_GIT_TIMEOUT_S = 5


@dataclass(frozen=True)
class Citation:
    """One view of the atlas, cited: its year, view and language, and where it all comes from."""

    year: int
    view: str
    lang: str
    version: str
    accessed: date
    article: str
    snapshot: date
    section: str
    licences: str
    link: str

    @property
    def text(self) -> str:
        """The citation in the atlas's house style, as plain text.

        Examples
        --------
        >>> _example().text[:61]
        'Sino-Russian Border Atlas, the border on 31 December 1860, vi'
        """
        return (
            f"{TITLE}, the border on 31 December {self.year}, view “{VIEWS[self.view]}”"
            f"{self._language()}. Dataset version {self.version}; accessed "
            f"{self.accessed:%-d %B %Y}; permalink {self.link}. Passage: “{self.section}”, "
            f"from the Wikipedia article “{self.article}”, {self._revision()}. "
            f"Licences: {self.licences}."
        )

    @property
    def bibtex(self) -> str:
        """The citation as a BibTeX ``@misc`` entry, written by pybtex (which escapes it).

        Examples
        --------
        >>> print(_example().bibtex.splitlines()[0])
        @misc{sino_russian_border_atlas_1860_control,
        """
        entry = Entry(
            "misc",
            fields={
                "title": f"{TITLE}: the border on 31 December {self.year} "
                f"({VIEWS[self.view]}{self._language()})",
                "author": _BIBTEX_AUTHOR,
                "year": f"{self.accessed.year}",
                "version": self.version,
                "howpublished": f"Interactive atlas, permalink {self.link}",
                "urldate": self.accessed.isoformat(),
                "note": f"Passage: {self.section}, from the Wikipedia article "
                f"{self.article}, {self._revision()}. Licences: {self.licences}",
            },
        )
        key = f"sino_russian_border_atlas_{self.year}_{self.view}"
        return BibliographyData({key: entry}).to_string("bibtex")

    @property
    def csl(self) -> dict:
        """The citation as a CSL-JSON item (type ``dataset``).

        Examples
        --------
        >>> item = _example().csl
        >>> item["type"], item["version"], item["issued"]
        ('dataset', 'abc1234', {'date-parts': [[1860, 12, 31]]})
        """
        return {
            "id": f"sino-russian-border-atlas-{self.year}-{self.view}",
            "type": "dataset",
            "title": f"{TITLE}: the border on 31 December {self.year} "
            f"({VIEWS[self.view]}{self._language()})",
            "author": [{"literal": AUTHOR}],
            "version": self.version,
            "issued": {"date-parts": [[self.year, 12, 31]]},
            "accessed": {
                "date-parts": [[self.accessed.year, self.accessed.month, self.accessed.day]]
            },
            "note": f"Permalink {self.link}. Passage: {self.section}, from the Wikipedia article "
            f"{self.article}, {self._revision()}. Licences: {self.licences}.",
        }

    @property
    def csl_json(self) -> str:
        """:attr:`csl` as a CSL-JSON document: a list of one item."""
        return json.dumps([self.csl], ensure_ascii=False, indent=2)

    def _revision(self) -> str:
        # the capture has no revision id; its date is the data's stand-in for "early 2007"
        return f"snapshot of early 2007 (dated {self.snapshot.isoformat()} in the data)"

    def _language(self) -> str:
        return "" if self.lang == DEFAULT_LANG else f", names in {LANGS[self.lang]}"


def cite_view(
    atlas: Atlas,
    year: int,
    view: str,
    lang: str,
    *,
    version: str,
    accessed: date,
    licences: Mapping[str, str],
) -> Citation:
    """The citation of one view of the atlas.

    ``licences`` maps each data file to its licence, as the Data page lists
    them; the passage is the article's section for the year.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> c = cite_view(load_atlas(), 1860, "control", "en", version="abc1234",
    ...               accessed=date(2026, 12, 2), licences={"periods.csv": "CC0-1.0"})
    >>> c.link, c.section
    ('?year=1860', 'Russian encroachment')
    """
    passage = passage_at(atlas.article, year)
    query = "&".join(f"{k}={v}" for k, v in map_link(year, None, view, lang).items())
    return Citation(
        year=year,
        view=view,
        lang=lang,
        version=version,
        accessed=accessed,
        article=atlas.article.title,
        snapshot=atlas.article.snapshot_date,
        section=passage.section.heading,
        licences=LICENCE_SEPARATOR.join(f"{f}: {lic}" for f, lic in sorted(licences.items())),
        link=f"?{query}",
    )


def cited_situation(atlas: Atlas, citation: Citation) -> str:
    """The year's situation as GeoJSON, with the citation in every form inside it.

    Examples
    --------
    >>> from geo.atlas import load_atlas
    >>> doc = json.loads(cited_situation(load_atlas(), _example()))
    >>> doc["date"], sorted(doc["citation"])
    ('1860-12-31', ['bibtex', 'csl', 'text', 'view'])
    """
    doc = situation(atlas, citation.year)
    doc["citation"] = {
        "view": citation.view,
        "text": citation.text,
        "bibtex": citation.bibtex,
        "csl": [citation.csl],
    }
    return json.dumps(doc, ensure_ascii=False)


def dataset_version(repo: Path = REPO) -> str:
    """The version of the data: the git commit of a clone, else the package version.

    Examples
    --------
    >>> len(dataset_version()) >= 5
    True
    """
    try:
        run = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT_S,
            check=True,
        )
        return f"git {run.stdout.strip()}"
    except (OSError, subprocess.SubprocessError):
        with (repo / "pyproject.toml").open("rb") as f:
            return str(tomllib.load(f)["project"]["version"])


def _example() -> Citation:
    # a small citation for the doctests
    return Citation(
        1860,
        DEFAULT_VIEW,
        DEFAULT_LANG,
        "abc1234",
        date(2026, 12, 2),
        "Sino-Russian relations",
        date(2007, 2, 15),
        "The Treaty of Aigun and the Convention of Peking",
        "periods.csv: CC0-1.0",
        "?year=1860",
    )
