"""Reading data files (JSON, its shape, ISO dates), with errors that name file and feature.

The shape of each JSON data file (its keys, their types, the allowed values,
the patterns of ids and dates) is written down as a JSON Schema (draft
2020-12) in ``geo/schemas``; :func:`check_shape` holds a loaded document to
its schema. What a schema cannot say (references to other files, geometry
validity, the order of dates) stays with the loaders.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from geo.errors import DataError

# date.fromisoformat also takes "16890906" and week dates; the files promise YYYY-MM-DD.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
META_KEYS = ("source", "license", "note")
# the schema (in geo/schemas, ``<name>.schema.json``) of each JSON data file
SCHEMA_OF: dict[str, str] = {
    "territories.geojson": "territories",
    "units.json": "units",
    "sections.json": "sections",
    "places.geojson": "places",
    "treaty_lines.json": "treaty_lines",
    "treaty_lines.geojson": "treaty_segments",
    "areas.json": "areas",
    "corrections.json": "corrections",
    "tour.json": "tour",
    "neighbours.json": "neighbours",
    "holders.meta.json": "holders_meta",
    "periods.meta.json": "meta",
    "events.meta.json": "meta",
    # read by python -m geo validate only: the base layers the map shows as they
    # are, and the inputs of the builds
    "base/land.geojson": "base_land",
    "base/lakes.geojson": "base_lakes",
    "base/rivers.geojson": "base_rivers",
    "base/river_waypoints.json": "river_waypoints",
    "construction.json": "construction",
}
_SCHEMA_URI = "urn:geo:schema:{}"
# the shape errors of each (schema, digest of a file's bytes) checked lately
_VERDICTS: dict[tuple[str, bytes], tuple[tuple[str, str], ...]] = {}
_VERDICTS_KEPT = 64
_SHOWN_CHARS = 60
_TYPE_WORDS = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}
# keywords whose failure is best put as "<value> is not <the schema's description>"
_DESCRIBED = frozenset(
    {
        "type",
        "pattern",
        "enum",
        "const",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
    }
)


class _NotJSON(ValueError):
    """Text that :func:`json.loads` takes but the JSON standard (RFC 8259) does not."""


def read_text(path: str | Path) -> str:
    """The text of a UTF-8 data file, or :class:`DataError` naming it.

    Raises
    ------
    DataError
        With the feature ``file``, if the file cannot be read or is not UTF-8;
        the message gives the first bad byte and where it is.

    Examples
    --------
    >>> read_text("no/such/file.csv")
    Traceback (most recent call last):
    ...
    geo.errors.DataError: no/such/file.csv: file: cannot read: No such file or directory
    """
    return _read(path)[1]


def _read(path: str | Path) -> tuple[bytes, str]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DataError(path, "file", f"cannot read: {exc.strerror or exc}") from exc
    try:
        return raw, raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = f"byte 0x{raw[exc.start]:02x} at offset {exc.start}"
        raise DataError(path, "file", f"not valid UTF-8: {where} ({exc.reason})") from exc


def read_csv_text(path: str | Path) -> str:
    r"""The text of a CSV data file, or :class:`DataError` naming it.

    A CSV file cut short can still parse, one row shorter or with its last
    field shortened: the line break that ends every line of a whole file is
    the one sign of it that is left.

    Raises
    ------
    DataError
        With the feature ``file``: as :func:`read_text`, and for an empty file
        or one whose last line has no line break.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp(), "t.csv")
    >>> _ = p.write_text("id,name\na,Al", encoding="utf-8")
    >>> try:
    ...     read_csv_text(p)
    ... except DataError as exc:
    ...     print(exc.reason)
    the last line has no line break: the file may be cut short
    """
    text = read_text(path)
    if not text.strip():
        raise DataError(path, "file", "empty file: no header on line 1")
    if not text.endswith(("\n", "\r")):
        reason = "the last line has no line break: the file may be cut short"
        raise DataError(path, "file", reason)
    return text


def read_json(path: str | Path) -> Any:
    """Parse a JSON file, or raise :class:`DataError` naming it.

    Parameters
    ----------
    path : str or Path
        The file, UTF-8 encoded.

    Returns
    -------
    Any
        The parsed document; its shape is for :func:`check_shape` to judge.

    Raises
    ------
    DataError
        With the feature ``file``, if the file cannot be read, is not UTF-8, is
        empty, or is not standard JSON (cut short, ``NaN``, a key twice in one object).

    Examples
    --------
    >>> read_json("no/such/file.json")
    Traceback (most recent call last):
    ...
    geo.errors.DataError: no/such/file.json: file: cannot read: No such file or directory
    """
    return _parse(path, read_text(path))


def _parse(path: str | Path, text: str) -> Any:
    if not text.strip():
        raise DataError(path, "file", "empty file")
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        # a file cut short fails at its very end; say so, it is the usual cause
        cut = " (the file ends too early)" if exc.pos >= len(text.rstrip()) else ""
        reason = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}){cut}"
        raise DataError(path, "file", reason) from exc
    except _NotJSON as exc:
        raise DataError(path, "file", f"not valid JSON: {exc}") from exc


def read_shaped(path: str | Path, schema_name: str) -> tuple[Any, list[DataError]]:
    """A JSON file parsed, and every way it departs from its schema (see :func:`shape_errors`).

    The verdict of the schema is kept for the file's bytes: the same text
    read again (by another loader, or by ``python -m geo validate`` after it
    listed every error) is not checked twice. Each call parses the file anew,
    so no two callers share a document.

    Raises
    ------
    DataError
        As :func:`read_json`, for a file that cannot be read or parsed.

    Examples
    --------
    >>> from geo.config import DATA_DIR
    >>> doc, errors = read_shaped(DATA_DIR / "units.json", "units")
    >>> errors, doc["groups"][0]["id"]
    ([], 'outer_manchuria')
    """
    raw, text = _read(path)
    doc = _parse(path, text)
    key = (schema_name, hashlib.blake2b(raw, digest_size=16).digest())
    found = _VERDICTS.get(key)
    if found is None:
        found = tuple((e.feature, e.reason) for e in shape_errors(path, doc, schema_name))
        while len(_VERDICTS) >= _VERDICTS_KEPT:
            _VERDICTS.pop(next(iter(_VERDICTS)))
        _VERDICTS[key] = found
    return doc, [DataError(path, feature, reason) for feature, reason in found]


def read_checked(path: str | Path, schema_name: str) -> Any:
    """A JSON file parsed and held to its schema: :func:`read_json`, then :func:`check_shape`.

    Raises
    ------
    DataError
        For a file that cannot be read or parsed, or the first way it departs
        from its schema.

    Examples
    --------
    >>> from geo.config import DATA_DIR
    >>> read_checked(DATA_DIR / "areas.json", "areas")["figures"][0]["id"]
    'aigun_cession'
    """
    doc, errors = read_shaped(path, schema_name)
    if errors:
        raise errors[0]
    return doc


def _reject_constant(name: str) -> Any:
    # json.loads reads NaN and Infinity, which no other JSON reader does, and NaN
    # passes every range check of a schema
    raise _NotJSON(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys and drops the other silently
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _NotJSON(f"key {key!r} appears twice in one object")
        out[key] = value
    return out


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


def check_shape(path: str | Path, document: object, schema_name: str) -> None:
    """Raise :class:`DataError` for the first way ``document`` departs from its schema.

    Parameters
    ----------
    path : str or Path
        The file the document was read from, for the message.
    document : object
        The parsed file, as :func:`read_json` returns it.
    schema_name : str
        The schema, ``geo/schemas/<schema_name>.schema.json`` (see :data:`SCHEMA_OF`).

    Raises
    ------
    DataError
        Naming the file, the feature (``feature 3 (nerchinsk)`` for an item of a
        list, the JSON path of a key, or ``file`` for the whole document) and the
        reason. The first error by document order is the one raised.

    Examples
    --------
    >>> doc = {"source": "S", "license": "L", "note": "N", "figures": [{"id": "mongolia"}]}
    >>> check_shape("data/areas.json", doc, "areas")
    Traceback (most recent call last):
    ...
    geo.errors.DataError: data/areas.json: figures[0] (mongolia): missing 'label', 'units', \
'published', 'low', 'high', 'source', 'tolerance'
    >>> check_shape("data/areas.json", [], "areas")
    Traceback (most recent call last):
    ...
    geo.errors.DataError: data/areas.json: file: [] is not an object
    """
    errors = shape_errors(path, document, schema_name)
    if errors:
        raise errors[0]


def shape_errors(path: str | Path, document: object, schema_name: str) -> list[DataError]:
    """Every way ``document`` departs from its schema, in document order.

    Errors of one kind at one place (several missing keys, say) come as one.

    Examples
    --------
    >>> doc = {"source": "S", "license": "", "figures": "none"}
    >>> for error in shape_errors("areas.json", doc, "areas"):
    ...     print(error)
    areas.json: file: missing 'note'
    areas.json: figures: 'none' is not a list
    areas.json: license: '' is not a non-blank string
    """
    out: list[DataError] = []
    seen: set[tuple[str, str]] = set()
    for error in sorted(_validator(schema_name).iter_errors(document), key=_document_order):
        # of the alternatives of an anyOf, best_match picks the one that came closest
        found = _data_error(path, document, best_match([error]))
        if (found.feature, found.reason) not in seen:
            seen.add((found.feature, found.reason))
            out.append(found)
    return out


def item_label(collection: str, index: int, item: object) -> str:
    """How messages name the ``index``-th item of the list ``collection`` of a data file.

    The label carries the item's id when it has one: its own ``id``, else the
    ``id`` of its ``properties`` (GeoJSON features).

    Examples
    --------
    >>> item_label("features", 3, {"id": "aigun-0", "properties": {"id": "aigun"}})
    'feature 3 (aigun-0)'
    >>> item_label("features", 3, {"properties": {"id": "nerchinsk"}})
    'feature 3 (nerchinsk)'
    >>> item_label("groups", 1, {"id": "outer_manchuria"})
    'groups[1] (outer_manchuria)'
    >>> item_label("sections", 2, {"id": "initial-contact"}), item_label("figures", 0, "x")
    ("section 'initial-contact'", 'figures[0]')
    """
    ident = _ident(item)
    if collection == "features":
        return f"feature {index} ({ident})" if ident else f"feature {index}"
    # sections are named by their slug alone, as every message about the article does
    if collection == "sections" and ident:
        return f"section {ident!r}"
    return f"{collection}[{index}] ({ident})" if ident else f"{collection}[{index}]"


def _ident(item: object) -> str | None:
    if not isinstance(item, Mapping):
        return None
    props = item.get("properties")
    for candidate in (item.get("id"), props.get("id") if isinstance(props, Mapping) else None):
        if isinstance(candidate, str) and candidate.strip():
            return candidate
    return None


@cache
def _registry() -> Registry:
    # every schema of the package, so that one can $ref the shared definitions of another
    folder = resources.files("geo") / "schemas"
    schemas = [
        json.loads(entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".schema.json")
    ]
    return Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)


@cache
def _validator(schema_name: str) -> Draft202012Validator:
    registry = _registry()
    uri = _SCHEMA_URI.format(schema_name)
    if uri not in registry:
        raise ValueError(f"no schema {schema_name!r} in geo/schemas")
    # tests/test_schemas.py holds every schema to the draft 2020-12 meta-schema:
    # checked here, on every start, that would take a fifth of a second
    return Draft202012Validator(_inline(registry.contents(uri), registry, uri))


def _inline(node: Any, registry: Registry, base: str) -> Any:
    # each $ref is looked up once, here: looked up on every use, the references
    # take most of the time of a validation. The schemas have no cycles, and a
    # reference is either "#/..." within its schema or "urn:...#/..." to another.
    if isinstance(node, list):
        return [_inline(value, registry, base) for value in node]
    if not isinstance(node, dict):
        return node
    out = {k: _inline(v, registry, base) for k, v in node.items() if k not in ("$ref", "$defs")}
    if "$ref" not in node:
        return out
    ref = node["$ref"]
    found = registry.resolver(base).lookup(ref).contents
    target = _inline(found, registry, ref.partition("#")[0] or base)
    # keywords beside a $ref apply as well as the referenced ones (draft 2020-12)
    return {"allOf": [target, out]} if set(target) & set(out) else {**target, **out}


def _document_order(error: ValidationError) -> tuple[tuple[int | str, ...], ...]:
    # items of a list in file order; of the keys of one object, the shallower
    # error first, as it is the cause of the deeper ones ("Point" given for a
    # polygon makes its coordinates wrong too). A list index and a key never
    # meet at one depth of one document.
    path = list(error.absolute_path)
    return tuple(
        (0, step) if isinstance(step, int) else (1, len(path) - depth, step)
        for depth, step in enumerate(path)
    )


def _data_error(path: str | Path, document: object, error: ValidationError) -> DataError:
    steps = list(error.absolute_path)
    feature, inner = _locate(document, steps)
    reason = _reason(error)
    return DataError(path, feature, f"{_json_path(inner)}: {reason}" if inner else reason)


def _locate(document: object, steps: Sequence[int | str]) -> tuple[str, Sequence[int | str]]:
    # the first item of a named list on the way down is the feature; the rest of
    # the path says where inside it
    node: Any = document
    for depth, step in enumerate(steps):
        if isinstance(step, int) and depth > 0 and isinstance(steps[depth - 1], str):
            return item_label(str(steps[depth - 1]), step, node[step]), steps[depth + 1 :]
        node = node[step]
    return (_json_path(steps) or "file"), ()


def _json_path(steps: Sequence[int | str]) -> str:
    out = ""
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _reason(error: ValidationError) -> str:
    keyword, value, expected = error.validator, error.instance, error.validator_value
    described = error.schema.get("description") if isinstance(error.schema, Mapping) else None
    if keyword in _DESCRIBED and described:
        return f"{_show(value)} is not {described}"
    if keyword == "required":
        missing = [key for key in expected if key not in value]
        return "missing " + ", ".join(repr(key) for key in missing)
    if keyword == "type":
        types = [expected] if isinstance(expected, str) else expected
        return f"{_show(value)} is not " + " or ".join(_TYPE_WORDS.get(t, t) for t in types)
    if keyword == "enum":
        return f"{_show(value)} is not one of " + ", ".join(_show(v) for v in expected)
    if keyword == "const":
        return f"{_show(value)} is not {_show(expected)}"
    if keyword == "minItems":
        return f"has {_items(len(value))}, needs at least {expected}"
    if keyword == "maxItems":
        return f"has {_items(len(value))}, at most {expected} allowed"
    if keyword == "uniqueItems":
        repeated = next(v for i, v in enumerate(value) if v in value[:i])
        return f"lists {_show(repeated)} twice"
    message = error.message
    return message if len(message) <= 2 * _SHOWN_CHARS else message[: 2 * _SHOWN_CHARS - 1] + "…"


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def _show(value: object) -> str:
    # the value as the file has it, cut short: a wrong feature can be a page of coordinates
    if value is None or isinstance(value, bool | list | dict):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"
