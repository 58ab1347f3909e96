"""pydantic's validation errors turned into findings at file:line:col with a hint, for data files, templates' front
matter and the register alike: one translation, used by every reader."""
from __future__ import annotations

import difflib
from typing import get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from generator.base.findings import Finding, Severity
from generator.model.fields import Strict
from generator.model.yaml_source import Source


def without_echoes(found: list[Finding]) -> list[Finding]:
    """A misspelt field shows up twice: unknown 'ownr' and missing 'owner'. Keep the one that says 'did you mean'."""
    meant = {f.field.rsplit(".", 1)[0] + "." + f.hint.split("'")[1] for f in found
             if f.message == "unknown field" and f.hint.startswith("did you mean")}
    return [f for f in found if not (f.message == _FRIENDLY["missing"] and f.field in meant)]


_ID_FIELDS = {"code": "site code", "key": "role key", "id": "ID"}


def valid_items(root_model: type[Strict], data: object) -> tuple[Strict, dict[str, set]] | None:
    """For a file that is one list (roles, risks ...): its valid entries, and the identifiers of the invalid ones.
    None for single-record files, which cannot be checked in part."""
    fields = root_model.model_fields
    if len(fields) != 1 or not isinstance(data, dict):
        return None
    (top, info), = fields.items()
    item_model = _unwrap(info.annotation)
    # one record under one key (scope:, policy:, criteria:) is a single-record file too: a list in its place
    # would reach the cross-file rules as if it were the record
    if get_origin(info.annotation) is not list or item_model is None:
        return None
    value = data.get(top)
    items = value if isinstance(value, list) else []
    valid: list[BaseModel] = []
    known: dict[str, set] = {}
    adapter = TypeAdapter(item_model)
    for item in items:
        try:
            valid.append(adapter.validate_python(item))
        except ValidationError:
            if isinstance(item, dict):
                for attr, what in _ID_FIELDS.items():
                    if attr in item:
                        known.setdefault(what, set()).add(item[attr])
    return root_model.model_construct(None, **{top: valid}), known


_FRIENDLY = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
}


def from_pydantic(err: ErrorDetails, source: Source, root_model: type[BaseModel]) -> Finding:
    loc = tuple(err["loc"])
    kind = err["type"]
    message = _FRIENDLY.get(kind, err["msg"])
    hint = ""
    if kind == "extra_forbidden":
        known = _fields_at(root_model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(known)}"
    elif kind == "missing":
        hint = "add the field `" + str(loc[-1]) + "`"
    elif kind in ("string_type", "int_type", "int_parsing") and isinstance(err.get("input"), bool):
        hint = "YAML reads yes/no/on/off/true/false as booleans: put the value in quotes"
    elif kind == "string_type" and isinstance(err.get("input"), (int, float)):
        hint = "put the value in quotes so YAML reads it as text"
    elif kind == "string_pattern_mismatch":
        hint = "keys are lower_snake_case (e.g. security_manager); codes are UPPER-CASE (e.g. DC1, R-01)"
    elif kind in ("enum", "literal_error"):
        hint = "allowed: " + err.get("ctx", {}).get("expected", "")
    elif kind in ("model_type", "dict_type"):
        # a record written as a list (a stray "- ") or as a single value
        expected = _fields_at(root_model, loc)
        message = "expected a mapping of fields (key: value), found " + type(err.get("input")).__name__
        hint = ("fields here: " + ", ".join(expected) if expected else "") + \
            ("; remove the '- ' that makes it a list" if isinstance(err.get("input"), list) else "")
    elif kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        hint = "dates are written YYYY-MM-DD, and must exist (no 31 September)"
    elif kind == "value_error":   # our own validators (fields.py) say what is wrong in a whole sentence, and may
        # say what is expected on a second line (locality.py): the hint
        message, _, hint = message.removeprefix("Value error, ").partition("\n")
    elif kind == "string_too_long":
        hint = "data is short text: keep long material in the documents' templates"
    return source.finding(loc, message, "data.invalid", hint, Severity.fatal)


def _fields_at(root_model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names allowed at `loc` inside root_model, for misspelling hints."""
    current = root_model
    for part in loc:
        if isinstance(part, int):
            continue
        inner = _unwrap(current.model_fields[part].annotation) if part in current.model_fields else None
        if inner is None:
            return []
        current = inner
    return list(current.model_fields)


def _unwrap(annotation: object) -> type[BaseModel] | None:
    """The pydantic model inside list[...], dict[..., ...] or X | None, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in reversed(getattr(annotation, "__args__", ())):
        found = _unwrap(arg)
        if found is not None:
            return found
    return None
