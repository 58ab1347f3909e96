"""Template discovery (workspace overrides over the default library) and template front matter.

A template is `sms_templates/<group>/<name>.md.j2`: YAML front matter between `---` lines, then a Jinja2 Markdown
body. Files and folders whose name starts with `_` are shared macros and partials, not documents.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import jinja2
from pydantic import BeforeValidator, Field, ValidationError

from generator.base.findings import Finding, Findings, Severity
from generator.model.clauses import catalogue
from generator.model.fields import Classification, Function, Key, Strict, Text
from generator.model.validation import from_pydantic  # one translation of pydantic errors for data and templates
from generator.model.yaml_source import Source, parse

SUFFIX = ".md.j2"
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)


def _functions(value):
    """One SMS function or a list of them, reported at the field (not at an index the author never wrote)."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ValueError("an SMS function, or a list of them in order of preference")
    unknown = [n for n in names if n not in Function.__members__]
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(Function.__members__), n=1)
        raise ValueError(f"unknown SMS function '{unknown[0]}'\n"
                         + (f"did you mean '{close[0]}'? " if close else "") + "functions: "
                         + ", ".join(Function.__members__))
    return [Function(n) for n in names]


# One SMS function, or several in order of preference: the first one a role holds is the one that acts
Functions = Annotated[list[Function], BeforeValidator(_functions)]


class TemplateMeta(Strict):
    """What a template declares about the document(s) it produces. String fields of an expanding template may use
    `{{ role.* }}` or `{{ site.* }}`."""
    key: Text = Field(description="Stable key other templates use to reference the document, e.g. document-control")
    number: Text = Field(description="Document number within its type; the ID is PREFIX-TYPECODE-NUMBER")
    title: Text
    summary: Text = Field(description="One sentence on what the document is for, shown in lists")
    type: Key = Field(description="Document type: a key of data/documents.yml")
    clauses: list[str] = Field(min_length=1, description="ISO 28000 clause numbers (and ISO 28001 elements) addressed")
    owner: Functions = Field(description="SMS function that owns the document; a list: the first one a role holds "
                                         "(security_supervisor, then security_manager where there are no supervisors)")
    approver: Functions = Field(description="SMS function that approves the document; a list: the first one held")
    classification: Classification | None = Field(None, description="Overrides the type's default classification")
    review_months: int | None = Field(None, ge=1, le=60, description="Overrides the type's review period")
    expand: Literal["role", "site"] | None = Field(None, description="Produce one document per role or per site")
    retention: str | None = Field(None, description="Forms and records: how long completed copies are kept")
    record_classification: Classification | None = Field(
        None, description="Forms: the classification of a completed record (default: the document's own). A blank "
                          "form takes its type's classification, so the people who must fill it in can see it")
    applies: list[Key] | None = Field(
        None, min_length=1, description="When the document is issued: the document's site (or, for any other "
                                        "document, some site in scope) has one of these features, or the organisation "
                                        "does one of these operations. Absent: always")
    applies_with: list[Text] = Field([], description="Keys of documents this one serves (a form, a work "
                                                     "instruction): it is issued only when one of them is")
    mandatory: Text | None = Field(None, description="What the standard requires of this document: a workspace "
                                                     "cannot exclude it")
    acknowledge: list[Function | Literal["everyone"]] = Field(
        [], description="Who must read and understand each revision, besides the holders of roles it gives tasks "
                        "to: SMS functions (their holders at every site), or everyone (the security policy)")
    extends: Literal["default"] | None = Field(
        None, description="Workspace overrides only: keep the default template and replace just the sections this "
                          "file gives (each from its heading to the next heading of the same or a higher level); "
                          "front-matter fields given here replace the default's")


@dataclass
class Template:
    relpath: str          # e.g. "procedures/document-control.md.j2": the override key and the Jinja name
    file: Path            # the file that won (workspace override or default); for a section override, the default
    display: str          # file as shown in messages
    meta: TemplateMeta | None
    source: Source | None
    patch: Path | None = None   # a workspace file (`extends: default`) replacing sections of the default `file`
    patch_display: str = ""


# Jinja name prefix of the default library, so an override can render or extend the default it replaces
DEFAULT_PREFIX = "default/"


def discover(template_dirs: list[Path], display: Callable[[Path], str]) -> tuple[list[Template], Findings]:
    """Every document template, the first search-path directory winning for each relative path; a winner that
    `extends: default` keeps the next one (the default) and replaces only some of its sections."""
    chains: dict[str, list[Path]] = {}
    for base in template_dirs:
        for file in sorted(base.rglob("*" + SUFFIX)):
            rel = file.relative_to(base).as_posix()
            if any(part.startswith("_") for part in rel.split("/")):
                continue
            chains.setdefault(rel, []).append(file)
    templates, findings = [], Findings()
    for rel, files in sorted(chains.items()):
        template, problems = read_template(rel, files[0], display(files[0]))
        data = template.source.data if template.source is not None else None
        if isinstance(data, dict) and "extends" in data:
            template, problems = _section_override(rel, files, display, template, problems)
        templates.append(template)
        findings += problems
    return templates, findings


def _section_override(rel: str, files: list[Path], display: Callable[[Path], str], patch: Template,
                      problems: list[Finding]) -> tuple[Template, list[Finding]]:
    """The default template at `rel` with the front matter of the workspace file `patch` laid over its own."""
    assert patch.source is not None and isinstance(patch.source.data, dict)
    if len(files) < 2:
        return patch, [patch.source.finding(("extends",), "there is no default template at this path to extend",
                                            "template.extends", "remove `extends: default` to make this a whole "
                                            "template, or put the file at the path of a default template "
                                            "(`smsgen templates` lists them)", Severity.fatal)]
    base, base_problems = read_template(rel, files[1], display(files[1]))
    if base.meta is None or base.source is None or not isinstance(base.source.data, dict):
        return base, base_problems
    merged = dict(base.source.data) | patch.source.data
    try:
        meta = TemplateMeta.model_validate(merged)
    except ValidationError as exc:
        return patch, problems + [from_pydantic(e, patch.source, TemplateMeta) for e in exc.errors()]
    return Template(rel, base.file, base.display, meta, base.source, patch.file, patch.display), problems


def _text_of(file: Path, display: str) -> tuple[str, Finding | None]:
    """A template's text, or why it cannot be read (a folder or a pipe is no template, and a pipe would block)."""
    if not file.is_file():
        return "", Finding("template.unreadable", Severity.fatal, "not a regular file", display)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        return "", Finding("template.unreadable", Severity.fatal, f"cannot read template: {exc.strerror or exc}",
                           display)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line, col = raw[:exc.start].count(b"\n") + 1, exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return "", Finding("template.encoding", Severity.fatal, f"not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot "
                           "be decoded", display, line, col, hint="save the template as UTF-8")


def read_template(rel: str, file: Path, display: str) -> tuple[Template, list[Finding]]:
    text, unreadable = _text_of(file, display)
    if unreadable is not None:
        return Template(rel, file, display, None, None), [unreadable]
    match = FRONT_MATTER.match(text)
    if not match:
        return Template(rel, file, display, None, None), [Finding(
            "template.front-matter", Severity.fatal, "template has no front matter", display, 1, 1,
            hint="start the file with a '---' line, the document's key, number, title, type, clauses, owner and "
                 "approver, and another '---' line")]
    source, problems = parse(match.group(1), display, first_line=2)
    if source.data is None or problems:
        return Template(rel, file, display, None, source), problems
    known = catalogue()
    clauses = source.data.get("clauses") if isinstance(source.data, dict) else None
    for i, number in enumerate(clauses if isinstance(clauses, list) else []):
        if str(number) not in known:
            close = difflib.get_close_matches(str(number), list(known), n=1)
            problems.append(source.finding(("clauses", i), f"unknown clause '{number}'", "template.clause",
                                           f"did you mean '{close[0]}'?" if close else "see the clause index",
                                           Severity.fatal))
    if isinstance(source.data, dict) and "extends" in source.data:
        return Template(rel, file, display, None, source), problems   # validated over the default (discover)
    try:
        meta = TemplateMeta.model_validate(source.data)
    except ValidationError as exc:
        problems += [from_pydantic(e, source, TemplateMeta) for e in exc.errors()]
        return Template(rel, file, display, None, source), problems
    return Template(rel, file, display, meta if not problems else None, source), problems


class BodyLoader(jinja2.FileSystemLoader):
    """Loads templates with their front matter blanked out, so Jinja's line numbers stay the file's line numbers."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        match = FRONT_MATTER.match(source)
        if match:
            source = "\n" * match.group(0).count("\n") + source[match.end():]
        return source, filename, uptodate
