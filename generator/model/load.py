"""Load a workspace's data files into an Organisation, reporting every mistake with file:line:col at once."""
from __future__ import annotations

import os

from pydantic import ValidationError

from generator.base.findings import Finding, Findings, Severity
from generator.base.fonts import uncovered
from generator.base.workspace import Workspace
from generator.model.data_memo import DataMemo
from generator.model.datafiles import DATA_FILES, OPTIONAL_DATA_FILES
from generator.model.fields import Strict
from generator.model.organisation import Organisation
from generator.model.rules import cross_check
from generator.model.sectors import vocabulary
from generator.model.validation import from_pydantic, valid_items, without_echoes
from generator.model.yaml_source import Source, escapes_nothing, read, texts, unprintable

SCHEMA_LINE = "# yaml-language-server: $schema={up}.schema/{stem}.schema.json"


def schema_line(name: str) -> str:
    """The first line of data file `name` (relative to data/): it points editors at the file's JSON Schema, which
    lives in data/.schema/ whatever folder the file is in (records/ is one down)."""
    return SCHEMA_LINE.format(up="../" * name.count("/"), stem=name.rsplit("/", 1)[-1].removesuffix(".yml"))


def load(ws: Workspace) -> tuple[Organisation | None, Findings, dict[str, Source]]:
    """Read and validate every data file. The Organisation is None when any file could not be validated."""
    findings = Findings()
    sources: dict[str, Source] = {}
    validated: dict[str, Strict] = {}
    partial: dict[str, tuple[Strict, dict[str, set]]] = {}   # list files with invalid entries: the valid part
    unsplittable = False   # a single-record file failed validation: nothing of it can be checked across files
    every_file = DATA_FILES | OPTIONAL_DATA_FILES
    memo = DataMemo.of(ws)
    for name, root_model in every_file.items():
        path = ws.data_dir / name
        display = ws.display(path)
        if name in OPTIONAL_DATA_FILES and not os.path.lexists(path):
            validated[name] = root_model()
            continue
        if not path.exists():
            findings.add("data.missing-file", Severity.fatal, "is a symbolic link to nothing (broken or looping)"
                         if os.path.lexists(path) else "required data file is missing", display,
                         hint="`smsgen init DIR` writes a complete set of data files to start from")
            continue
        if not ws.contains(path):
            findings.add("data.outside", Severity.fatal, "is a symbolic link to a file outside the workspace", display,
                         hint="copy the file into data/: smsgen reads data only from inside the workspace")
            continue
        source, problems = read(path, display, memo)
        sources[name] = source
        problems += unprintable(source)
        findings += problems
        if source.data is None or any(p.severity is Severity.fatal for p in problems):
            continue
        findings += _fontless(source)
        if not source.text.startswith(schema_line(name)):
            findings.add("data.schema-line", Severity.warning, "first line does not point editors to the schema",
                         display, 1, 1, hint="start the file with: " + schema_line(name))
        try:
            validated[name] = root_model.model_validate(source.data)
        except ValidationError as exc:
            findings += without_echoes([from_pydantic(err, source, root_model) for err in exc.errors()])
            pieces = valid_items(root_model, source.data)
            if pieces is None:
                unsplittable = True
            else:
                partial[name] = pieces
    if memo is not None:
        memo.prune()
    if unsplittable or len(validated) + len(partial) < len(every_file):
        return None, findings, sources
    # Cross-file checks run even when some list entries were invalid, so one run shows every kind of mistake;
    # the keys of invalid entries still count as known, so they cause no second, misleading error.
    org = Organisation(validated | {n: p[0] for n, p in partial.items()})
    org.vocabulary, problems = vocabulary(ws.template_dirs, ws.display)
    findings += problems
    also_known: dict[str, set] = {}
    for pieces in partial.values():
        for what, keys in pieces[1].items():
            also_known.setdefault(what, set()).update(keys)
    findings += cross_check(org, sources, also_known)
    if partial:
        return None, findings, sources
    if not any(f.code == "data.risk-scale" for f in findings):
        org.rate()
    return org, findings, sources


FONTLESS_SHOWN = 5


def _fontless(source: Source) -> list[Finding]:
    """A warning for every text value holding characters no installed font can draw (emoji, a script with no font
    here): the site shows them, but the PDF prints each as an empty box."""
    if escapes_nothing(source, lambda text: bool(uncovered(text))):
        return []
    found = []
    for loc, text in texts(source.data):
        missing = uncovered(text)
        if missing:
            shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:FONTLESS_SHOWN])
            more = f" and {len(missing) - FONTLESS_SHOWN} more" if len(missing) > FONTLESS_SHOWN else ""
            found.append(source.finding(loc, f"no font on this machine has {shown}{more}: the PDF prints an empty "
                                        "box for each", "data.font", "install a font that has them (e.g. Noto Color "
                                        "Emoji, Noto Sans CJK) or write the text without them", Severity.warning))
    return found
