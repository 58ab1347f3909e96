"""Render templates into Documents: metadata first (so every document can reference every other), then bodies.

Organisation data is text, never template code: values are inserted by Jinja (which never re-evaluates them) and
escaped for Markdown and HTML by `finalize`, so `{{ 7*7 }}` or `<script>` in a data field appear literally.
"""
from __future__ import annotations

import datetime as dt
import functools
import html
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from . import figures
from .clauses import catalogue
from .findings import Finding, Findings, Severity
from .model import Classification, DocumentType, Organisation, Role, Site
from .templates import BodyLoader, Template, discover
from .workspace import Workspace


@dataclass
class Document:
    id: str
    key: str
    title: str
    summary: str
    type: str
    type_def: DocumentType
    clauses: list[str]
    owner: Role
    approver: Role
    classification: Classification
    review_months: int
    retention: str | None
    template: Template
    subject: Role | Site | None = None        # the role or site an expanding template was expanded for
    published: bool = True                    # False when the build's audience may not see this classification
    body: str = ""
    references: set[str] = field(default_factory=set)   # IDs of documents this one links to

    @property
    def folder(self) -> str:
        return self.type_def.folder

    @property
    def docs_path(self) -> str:
        """Path of the generated page inside docs/."""
        return f"{self.folder}/{self.id}.md"

    @property
    def label(self) -> str:
        return f"{self.id} {self.title}"


@dataclass
class Task:
    document: Document
    text: Markup


def task_groups(tasks: list[Task]) -> list[tuple[list[Document], list[Task]]]:
    """A role's tasks under the documents that give them, by document ID. Documents that give exactly the same
    tasks (the same step in every site's plan) share one entry, so a 300-site set lists such a task once."""
    by_doc: dict[str, tuple[Document, list[Task]]] = {}
    for task in sorted(tasks, key=lambda t: t.document.id):
        by_doc.setdefault(task.document.id, (task.document, []))[1].append(task)
    groups: dict[tuple[str, ...], tuple[list[Document], list[Task]]] = {}
    for doc, items in by_doc.values():
        groups.setdefault(tuple(str(t.text) for t in items), ([], items))[0].append(doc)
    return list(groups.values())


@dataclass
class RenderResult:
    documents: list[Document]
    findings: Findings
    tasks: dict[str, list[Task]]   # role key -> tasks that documents assign to it
    figures: dict[str, str] = field(default_factory=dict)   # file name under docs/figures/ -> SVG text


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def md_escape(value) -> str:
    """Text from data, made inert for Markdown (emphasis, links, table pipes) and for HTML (tags, entities)."""
    if isinstance(value, dt.date):
        value = longdate(value)
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=False))


def finalize(value):
    if isinstance(value, Markup) or hasattr(value, "__html__"):
        return value
    return Markup(md_escape(value))


_LIST_ITEM = re.compile(r"^\s{0,3}([-*+]|\d+[.)])\s")


def normalise_markdown(body: str) -> str:
    """Put a blank line before every list and table that follows a paragraph line.

    Python-Markdown and pandoc both need it, and Jinja loops that emit list items straight after an introductory
    sentence rarely leave one; without it the list would run into the paragraph."""
    out: list[str] = []
    for line in body.splitlines():
        prev = out[-1] if out else ""
        starts_list = _LIST_ITEM.match(line) and prev.strip() and not _LIST_ITEM.match(prev) \
            and not prev.startswith((" ", "\t"))
        starts_table = line.startswith("|") and prev.strip() and not prev.startswith("|")
        if starts_list or starts_table:
            out.append("")
        out.append(line)
    return "\n".join(out).strip() + "\n"


def longdate(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def join_and(items) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def in_sentence(text: str) -> str:
    """A data phrase placed mid-sentence ("Security Officer" -> "security officer"), keeping acronyms (GDP, SIA)."""
    return " ".join(w if sum(c.isupper() for c in w) > 1 else w.lower() for w in text.split(" "))


def make_environment(ws: Workspace) -> jinja2.Environment:
    cache = ws.root / "dist" / ".cache" / "jinja"
    cache.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        loader=BodyLoader([str(d) for d in ws.template_dirs]),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(cache)),  # compiled templates survive between runs
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # extract: look a key up in a mapping, so lists of keys map to records: roles | map('extract', data.role)
    env.filters.update(longdate=longdate, join_and=join_and, in_sentence=in_sentence,
                       extract=lambda key, mapping: mapping[key])
    env.tests["containing"] = lambda sequence, item: item in sequence  # roles | selectattr("approves", "containing", "form")
    return env


# --- pass 1: metadata -------------------------------------------------------------------------------------------

_meta_env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)


@functools.lru_cache(maxsize=None)
def _meta_template(text: str) -> jinja2.Template:
    """Front-matter strings repeat for every role or site a template expands over: compile each once."""
    return _meta_env.from_string(text)


def expand(templates: list[Template], org: Organisation) -> tuple[list[Document], Findings]:
    """One Document per template, or per role / per site for expanding templates, bodies not yet rendered."""
    findings = Findings()
    documents: list[Document] = []
    for template in templates:
        meta = template.meta
        if meta is None:
            continue
        type_def = org.documents.types.get(meta.type)
        if type_def is None:
            findings.append(template.source.finding(("type",), f"unknown document type '{meta.type}'",
                                                    "template.type", "known types: " + ", ".join(org.documents.types),
                                                    Severity.fatal))
            continue
        subjects = {"role": org.roles, "site": org.sites, None: [None]}[meta.expand]
        for subject in subjects:
            context = {"org": org.org, meta.expand: subject} if meta.expand else {"org": org.org}
            try:
                fields = {name: _meta_template(getattr(meta, name)).render(context)
                          for name in ("key", "number", "title", "summary")}
            except jinja2.TemplateError as exc:
                findings.append(Finding("template.front-matter", Severity.fatal, f"front matter: {exc}",
                                        template.display, 2, 1))
                break
            documents.append(Document(
                id=f"{org.org.document_prefix}-{type_def.code}-{fields['number']}",
                key=fields["key"], title=fields["title"], summary=fields["summary"], type=meta.type,
                type_def=type_def, clauses=meta.clauses, owner=org.function[meta.owner.value],
                approver=org.function[meta.approver.value],
                classification=meta.classification or type_def.classification,
                review_months=meta.review_months or type_def.review_months, retention=meta.retention,
                template=template, subject=subject))
    findings += _duplicates(documents)
    return documents, findings


def _duplicates(documents: list[Document]) -> Findings:
    findings, seen = Findings(), {}
    for doc in documents:
        for attr in ("id", "key"):
            value = getattr(doc, attr)
            other = seen.setdefault((attr, value), doc)
            if other is not doc:
                findings.add("template.duplicate-id", Severity.fatal,
                             f"document {attr} '{value}' is produced twice (also by {other.template.display})",
                             doc.template.display, 2, 1, attr, "give each template its own key and number")
    return findings


# --- pass 2: bodies ---------------------------------------------------------------------------------------------

def render(ws: Workspace, org: Organisation, max_level: int | None = None) -> RenderResult:
    """Render every document. With `max_level`, documents classified above it are not published, and references to
    them become plain text, so no page, link or search entry leads to them."""
    templates, findings = discover(ws.template_dirs, ws.display)
    documents, problems = expand(templates, org)
    findings += problems
    for doc in documents:
        doc.published = max_level is None or doc.classification.level <= max_level
    if findings.fatal:
        return RenderResult(documents, findings, {})
    env = make_environment(ws)
    by_ref = {d.key: d for d in documents} | {d.id: d for d in documents}
    tasks: dict[str, list[Task]] = {r.key: [] for r in org.roles}
    figs: dict[str, str] = {}
    clause_index = catalogue()

    def figure(name: str, svg: str, alt: str) -> Markup:
        figs[name] = svg
        return Markup("![{}](/figures/{})").format(finalize(alt), name)

    def risk_heatmap(site_code: str | None = None, residual: bool = False) -> Markup:
        if site_code is not None and site_code not in org.site:
            raise jinja2.UndefinedError(f"'{site_code}' is not a site code")
        risks = org.risks_at(site_code) if site_code else org.risks
        stage = "residual" if residual else "inherent"
        where = org.site[site_code].name if site_code else org.org.name
        title = f"{'Residual' if residual else 'Inherent'} security risk: {where}"
        name = f"heatmap-{(site_code or 'all').lower()}-{stage}.svg"
        return figure(name, figures.risk_heatmap(org, risks, residual, title), title)

    def org_chart() -> Markup:
        return figure("org-chart.svg", figures.org_chart(org), f"{org.org.name} organisation chart")

    # Role-expanded documents (job descriptions) go last: they list the tasks every other document assigns.
    ordered = sorted(documents, key=lambda d: d.template.meta.expand == "role")
    for doc in ordered:
        current = doc
        unknown: list[str] = []

        def ref(target: str, text: str | None = None) -> Markup:
            other = by_ref.get(target)
            if other is None:
                unknown.append(target)
                return Markup("**[unknown document: {}]**").format(target)
            current.references.add(other.id)
            label = text or other.label
            if not other.published:
                # neither its ID nor its title: an audience site must not even index what it may not read
                return Markup("a {} document (not published on this site)").format(other.classification.value)
            return Markup("[{}](/{})").format(finalize(label), other.docs_path)

        def task(function: str, text: str | None = None, caller=None) -> Markup:
            role = org.function.get(function)
            if role is None:
                raise jinja2.UndefinedError(f"'{function}' is not an SMS function")
            # one line, whatever the template's wrapping, so the text reads the same in a list of tasks
            body = Markup(" ".join(caller().split())) if caller else finalize(text)
            tasks[role.key].append(Task(current, body))
            return Markup("**{}** {}").format(finalize(role.title), body)

        def clause(number: str) -> Markup:
            found = clause_index.get(number)
            if found is None:
                raise jinja2.UndefinedError(f"'{number}' is not a clause in the catalogue")
            return Markup("{} {}").format(found.number, finalize(found.title))

        context = dict(
            org=org.org, data=org, doc=doc, fn=org.function, ref=ref, task=task, clause=clause,
            documents=documents, docs_of_type=lambda t: [d for d in documents if d.type == t],
            tasks_of=lambda role: tasks[role.key], task_groups=task_groups, clauses=clause_index,
            risk_heatmap=risk_heatmap, org_chart=org_chart,
        )
        if doc.subject is not None:
            context[doc.template.meta.expand] = doc.subject
        try:
            doc.body = normalise_markdown(env.get_template(doc.template.relpath).render(context))
        except jinja2.TemplateSyntaxError as exc:
            findings.add("template.syntax", Severity.fatal, f"template syntax error: {exc.message}",
                         ws.display(Path(exc.filename)) if exc.filename else doc.template.display, exc.lineno or 0, 1)
            break
        except Exception as exc:  # noqa: BLE001 - any failure inside a template is the template's, reported as such
            findings.append(_render_failure(exc, doc, ws))
            continue
        for target in dict.fromkeys(unknown):
            findings.append(_unknown_ref(doc, target, by_ref))
    return RenderResult(documents, findings, tasks, figs)


def _render_failure(exc: Exception, doc: Document, ws: Workspace) -> Finding:
    """Point at the template line that failed, found in the traceback Jinja rewrites to template frames."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    where = frames[-1] if frames else None
    path = ws.display(Path(where.filename)) if where else doc.template.display
    message = str(exc) if isinstance(exc, jinja2.UndefinedError) else f"{type(exc).__name__}: {exc}"
    subject = f" (rendering {doc.id})" if doc.subject is not None else ""
    return Finding("template.render", Severity.fatal, f"{message}{subject}", path, where.lineno if where else 0, 1,
                   hint="check the variable name against the data model; `smsgen schema` shows every field")


def _unknown_ref(doc: Document, target: str, by_ref: dict[str, Document]) -> Finding:
    lines = doc.template.file.read_text(encoding="utf-8").splitlines()
    line = next((n for n, text in enumerate(lines, 1) if target in text), 0)
    import difflib
    close = difflib.get_close_matches(target, list(by_ref), n=1)
    return Finding("document.unknown-ref", Severity.error, f"reference to unknown document '{target}'",
                   doc.template.display, line, 1, hint=f"did you mean '{close[0]}'?" if close else
                   "reference documents by their template key or their full ID")
