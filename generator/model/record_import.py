"""Records kept in spreadsheets (a corrective-action log, a training matrix, an incident register) brought into
data/records/: each row of a CSV or XLSX becomes one record of a kind, validated by the same model as the YAML, and
new records are appended to the kind's file. Every bad row is reported as `FILE:ROW: column: message`, all at once;
nothing is written unless every row is good; a record whose ID is already in the file is left as it is when
identical and refused when it differs (history is never overwritten)."""
from __future__ import annotations

import csv
import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from generator.base.files import write_atomic
from generator.base.findings import Finding, Findings, Severity
from generator.base.tables import read_table
from generator.model.load import schema_line
from generator.model.record_files import KINDS
from generator.model.records import RECORD_FILES

# kind (the file's stem, as the command takes it) -> file name under data/
LIST_SEPARATOR = ";"


def item_model(kind: str) -> tuple[str, type[BaseModel]]:
    """The top key of a kind's file and the model of one record."""
    root = RECORD_FILES[KINDS[kind]]
    ((top, info),) = root.model_fields.items()
    (model,) = typing.get_args(info.annotation)
    return top, model


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_list(a) for a in typing.get_args(annotation))
    return typing.get_origin(annotation) is list


def _record(model: type[BaseModel], cells: dict[str, str]) -> dict[str, Any]:
    """Columns to a record: `a.b` columns fill nested fields (verification.by); list fields split on ';'."""
    out: dict[str, Any] = {}
    for column, text in cells.items():
        *parents, leaf = column.strip().split(".")
        target, current = out, model
        for part in parents:
            target = target.setdefault(part, {})
            field = current.model_fields.get(part)
            inner = [a for a in typing.get_args(field.annotation) if isinstance(a, type)
                     and issubclass(a, BaseModel)] if field else []
            current = inner[0] if inner else current
        field = current.model_fields.get(leaf)
        if field is not None and _is_list(field.annotation):
            target[leaf] = [v.strip() for v in text.split(LIST_SEPARATOR) if v.strip()]
        elif field is not None and "bool" in str(field.annotation):
            target[leaf] = text.strip().lower() in ("yes", "true", "1", "y")
        else:
            target[leaf] = text
    return out


def _dump(record: BaseModel) -> dict:
    return record.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def _normal(adapter: TypeAdapter, raw: dict) -> dict:
    """A record already in the file, in the form an imported one takes, so an identical row is recognised."""
    try:
        return _dump(adapter.validate_python(raw))
    except ValidationError:
        return raw


def import_records(data_dir: Path, kind: str, table: Path, display: str) -> tuple[int, Findings]:
    """Append the table's records to data/records/KIND.yml. Returns how many were added, and every problem."""
    findings = Findings()
    if kind not in KINDS:
        findings.add("records.kind", Severity.fatal, f"unknown kind of record '{kind}'", display,
                     hint="kinds: " + ", ".join(KINDS))
        return 0, findings
    top, model = item_model(kind)
    target = data_dir / KINDS[kind]
    existing: list[dict] = []
    if target.exists():
        loaded = yaml.safe_load(target.read_text(encoding="utf-8")) or {}
        existing = list(loaded.get(top) or []) if isinstance(loaded, dict) else []
    adapter = TypeAdapter(model)
    by_id = {str(r.get("id")): _normal(adapter, r) for r in existing if isinstance(r, dict) and "id" in r}
    new: list[dict] = []
    try:
        rows = [(number, {h: v for h, v in cells.items() if v}) for number, cells in read_table(table)[1]]
    except (OSError, ValueError, csv.Error) as exc:
        findings.add("records.unreadable", Severity.fatal, f"cannot read the table: {exc}", display)
        return 0, findings
    for number, cells in rows:
        record = _record(model, cells)
        try:
            valid = adapter.validate_python(record)
        except ValidationError as exc:
            for err in exc.errors():
                column = ".".join(str(p) for p in err["loc"] if not isinstance(p, int))
                findings.append(Finding("records.invalid", Severity.error, f"{column}: {err['msg']}", display,
                                        number))
            continue
        clean = _dump(valid)
        key = str(clean.get("id", ""))
        if key in by_id:
            if by_id[key] != clean:
                findings.add("records.conflict", Severity.error, f"{key} is already in {KINDS[kind]} with other "
                             "values: a record is never overwritten", display, number,
                             hint="give the row a new ID, or correct the record in the YAML file itself")
            continue
        by_id[key] = clean
        new.append(clean)
    if findings or not new:
        return 0, findings
    text = target.read_text(encoding="utf-8") if target.exists() else f"{schema_line(KINDS[kind])}\n{top}:\n"
    text = re.sub(rf"^{top}:\s*\[\]\s*$", f"{top}:", text, flags=re.M)   # an empty list becomes a block list
    dumped = yaml.safe_dump(new, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    indented = "".join(("  " + line if line.strip() else line) for line in dumped.splitlines(keepends=True))
    write_atomic(target, text.rstrip("\n") + "\n" + indented)
    return len(new), findings
