"""Reading data files: JSON documents and ISO dates, with errors that name file and feature."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from geo.errors import DataError

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
META_KEYS = ("source", "license", "note")


def read_json(path: str | Path) -> Any:
    """Parse a JSON file, or raise :class:`DataError` naming it.

    Examples
    --------
    >>> read_json("no/such/file.json")
    Traceback (most recent call last):
    ...
    geo.errors.DataError: no/such/file.json: file: cannot read: No such file or directory
    """
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(path, "file", f"cannot read: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(path, "file", f"not valid JSON: {exc}") from exc


def parse_iso_date(file: str | Path, where: str, value: object, field: str = "date") -> date:
    """A ``YYYY-MM-DD`` date, or :class:`DataError` naming the file, the feature and the field.

    Examples
    --------
    >>> parse_iso_date("f.csv", "row 2", "1689-09-06")
    datetime.date(1689, 9, 6)
    >>> parse_iso_date("f.csv", "row 2", "16890906")
    Traceback (most recent call last):
    ...
    geo.errors.DataError: f.csv: row 2: date '16890906' is not an ISO date YYYY-MM-DD
    """
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise DataError(file, where, f"{field} {value!r} is not an ISO date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise DataError(file, where, f"{field} {value!r} does not exist") from exc


def missing_meta(doc: object) -> list[str]:
    """The provenance keys (``source``, ``license``, ``note``) a data document lacks.

    Examples
    --------
    >>> missing_meta({"source": "S", "license": "L"})
    ['note']
    """
    if not isinstance(doc, dict):
        return list(META_KEYS)
    return [key for key in META_KEYS if not doc.get(key)]


def require_meta(path: str | Path, doc: object) -> None:
    """Raise :class:`DataError` naming the file if it lacks a provenance key."""
    for key in missing_meta(doc):
        raise DataError(path, "file", f"missing {key!r}")
