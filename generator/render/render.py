"""Render templates into Documents: metadata first (so every document can reference every other), then bodies.

Organisation data is text, never template code: values are inserted by Jinja (which never re-evaluates them) and
escaped for Markdown and HTML by `finalize`, so `{{ 7*7 }}` or `<script>` in a data field appear literally.
"""
from __future__ import annotations

import contextlib
import difflib
import functools
import re
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from generator.base.findings import Finding, Findings, Severity
from generator.base.forked import can_fork, cores, forked_map
from generator.base.workspace import DEFAULT_TEMPLATES, Workspace
from generator.model.clauses import catalogue
from generator.model.datafiles import Competence, Role, Site
from generator.model.fields import PATH_PART, Function
from generator.model.locality import country_code, date_locale
from generator.model.organisation import Organisation
from generator.model.records import REVIEW_INPUTS
from generator.model.yaml_source import Source
from generator.render import figures, reads
from generator.render.applicability import APPLICABILITY_FILE, Applicability, decide, template_findings
from generator.render.document import Document, Rendered, RenderResult, Task, Withheld, task_groups, withheld
from generator.render.markdown import (
    every,
    finalize,
    in_sentence,
    join_and,
    longdate,
    normalise_markdown,
    page_link,
    plural,
    with_article,
)
from generator.render.memo import RenderMemo, fingerprint, memo_key
from generator.render.sections import sections, splice
from generator.render.templates import DEFAULT_PREFIX, BodyLoader, Template, discover


def make_environment(ws: Workspace) -> jinja2.Environment:
    env = jinja2.Environment(
        # "default/<path>" is always the library's own template, also where the workspace overrides that path
        loader=jinja2.ChoiceLoader([
            BodyLoader([str(d) for d in ws.template_dirs]),
            jinja2.PrefixLoader({DEFAULT_PREFIX.rstrip("/"): BodyLoader([str(DEFAULT_TEMPLATES)])}),
        ]),
        # compiled templates survive between runs, in Jinja's per-user cache folder (private, owner-checked): compiled
        # code is never loaded from the workspace, where anyone who can write a data file could plant it
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # extract: look a key up in a mapping, so lists of keys map to records: roles | map('extract', data.role)
    env.filters.update(longdate=longdate, join_and=join_and, in_sentence=in_sentence, a=with_article, plural=plural,
                       every=every, md=finalize,
                       country_code=country_code, extract=lambda key, mapping: mapping[key])
    # roles | selectattr("approves", "containing", "form")
    env.tests["containing"] = lambda sequence, item: item in sequence
    return env


# --- pass 1: metadata -------------------------------------------------------------------------------------------

_meta_env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)


@functools.cache
def _meta_template(text: str) -> jinja2.Template:
    """Front-matter strings repeat for every role or site a template expands over: compile each once."""
    return _meta_env.from_string(text)


def _meta_field(text: str, context: dict) -> str:
    """A front-matter string rendered for one document. Most are plain text ("Security policy"), which Jinja would
    give back unchanged: those are not compiled (text with a brace, a carriage return or a final newline, which
    Jinja rewrites, is). Most others only print a field as it is ("JD-{{ role.code }}"): for 600 job descriptions
    those are filled in here, as Jinja would fill them."""
    if "{" not in text and "\r" not in text and not text.endswith("\n"):
        return text
    parts = _field_parts(text)
    if parts is not None:
        filled: list[str] = []
        for literal, variable, name in parts:
            value = getattr(context.get(variable), name, None) if variable else ""
            if type(value) is not str:   # anything but text, or nothing there: Jinja says what it makes of it
                return _meta_template(text).render(context)
            filled += (literal, value)
        return "".join(filled)
    return _meta_template(text).render(context)


_FIELD = re.compile(r"\{\{ *([a-z]\w*)\.([a-z]\w*) *\}\}")


@functools.cache
def _field_parts(text: str) -> list[tuple[str, str, str]] | None:
    """`text` as (literal, variable, field) parts when it is literal text and `{{ variable.field }}` alone, on one
    line; else None."""
    if "\n" in text or "\r" in text:
        return None
    parts, start = [], 0
    for match in _FIELD.finditer(text):
        parts.append((text[start:match.start()], match.group(1), match.group(2)))
        start = match.end()
    rest = text[start:]
    marks = ("{{", "{%", "{#", "}}", "%}", "#}")
    if any(mark in literal for literal in [rest, *(p[0] for p in parts)] for mark in marks):
        return None
    return [*parts, (rest, "", "")]


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
            assert template.source is not None   # front matter was read: meta came from it
            findings.append(template.source.finding(("type",), f"unknown document type '{meta.type}'",
                                                    "template.type", "known types: " + ", ".join(org.documents.types),
                                                    Severity.fatal))
            continue
        owner = _first_held(org, meta.owner)
        # segregation of duties: the approver is the first listed function whose holder is not the owner's
        approver = _first_held(org, meta.approver, besides=owner[1] if owner else None)
        unheld = [f"{what} function {' or '.join(repr(f.value) for f in fns)}"
                  for what, fns, held in (("owner", meta.owner, owner), ("approver", meta.approver, approver))
                  if held is None]
        # an external party's role has a contract, not a job description
        subjects: Sequence[Role | Site | None] = \
            [r for r in org.roles if not r.external] if meta.expand == "role" \
            else org.sites if meta.expand == "site" else [None]
        for subject in subjects:
            context = {"org": org.org, meta.expand: subject} if meta.expand else {"org": org.org}
            try:
                fields = {name: _meta_field(getattr(meta, name), context)
                          for name in ("key", "number", "title", "summary")}
            except jinja2.TemplateError as exc:
                findings.append(Finding("template.front-matter", Severity.fatal, f"front matter: {exc}",
                                        template.display, 2, 1))
                break
            if not re.fullmatch(PATH_PART, fields["number"]):
                findings.append(template.source.finding(
                    ("number",), f"document number '{fields['number']}' cannot be part of a file name",
                    "template.number", "use letters, digits, hyphens and dots, e.g. 01 or 7.3", Severity.fatal)
                    if template.source else Finding("template.number", Severity.fatal, "bad document number",
                                                    template.display))
                continue
            documents.append(Document(
                id=f"{org.org.document_prefix}-{type_def.code}-{fields['number']}",
                key=fields["key"], title=fields["title"], summary=fields["summary"], type=meta.type,
                type_def=type_def, clauses=meta.clauses, owner=owner[1] if owner else _vacant(meta.owner[0]),
                approver=approver[1] if approver else _vacant(meta.approver[0]),
                owner_function=owner[0] if owner else meta.owner[0].value,
                approver_function=approver[0] if approver else meta.approver[0].value,
                vacant=f"no role holds the {join_and(unheld)}" if unheld else "",
                classification=meta.classification or type_def.classification,
                review_months=meta.review_months or type_def.review_months, retention=meta.retention,
                template=template, subject=subject,
                # a completed record is classified as the template says, else as the form itself
                record_classification=meta.record_classification or (
                    (meta.classification or type_def.classification) if meta.retention else None)))
    findings += _duplicates(documents)
    return documents, findings


def _first_held(org: Organisation, functions: list[Function], besides: Role | None = None) -> tuple[str, Role] | None:
    """The first of `functions` a role (other than `besides`) holds for the whole organisation, with that role; with
    a single function, its holder whoever it is (the owner-approves check reports a clash)."""
    held = [(f.value, org.function[f.value]) for f in functions if f.value in org.function]
    if len(functions) > 1 and besides is not None:
        held = [pair for pair in held if pair[1] is not besides] or held
    return held[0] if held else None


def _vacant(function: Function) -> Role:
    """Stands in for the holder of a function no role holds, on a document that may not be issued at all; an issued
    document with one is a fatal finding (render), so nothing is published under it."""
    none = "no role holds this function"
    return Role(key="vacant", code="VACANT", title=f"(no role holds {function.value})", purpose=none,
                responsibilities=[none], authorities=[none],
                competence=Competence(education=none, experience=none, training=[none]))


def _duplicates(documents: list[Document]) -> Findings:
    findings = Findings()
    seen: dict[tuple[str, str], Document] = {}
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

class Functions:
    """`fn` in templates: SMS function -> the Role holding it. A function no role holds is an error naming it, so a
    document that needs a security officer in an organisation without one says so instead of printing nothing.
    `fn.at(site)` is the same for one site: the role holding the function there, else the organisation's."""

    def __init__(self, org: Organisation, site: Site | None = None):
        self._org = org
        self._site = site

    def at(self, site: Site) -> Functions:
        return Functions(self._org, site)

    def get(self, name: str) -> Role | None:
        if self._site is not None and (name, self._site.code) in self._org.function_at:
            return self._org.function_at[(name, self._site.code)]
        return self._org.function.get(name)

    def __getitem__(self, name: str) -> Role:
        role = self.get(name)
        if role is not None:
            return role
        if name not in Function.__members__:
            raise jinja2.UndefinedError(f"'{name}' is not an SMS function")
        if self._site is None and any(fn == name for fn, _ in self._org.function_at):
            raise jinja2.UndefinedError(f"the SMS function '{name}' is held per site: name the site, fn.at(site)")
        where = f" at {self._site.name}" if self._site is not None else ""
        raise jinja2.UndefinedError(f"no role holds the SMS function '{name}'{where}: give it to a role in roles.yml, "
                                    "or exclude the document in applicability.yml, or make its template say this "
                                    "only where the organisation has it")

    def __getattr__(self, name: str) -> Role:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __contains__(self, name: str) -> bool:
        return self.get(name) is not None

    def in_charge(self, security: bool = False, fallback: str = "operations_lead") -> Role:
        """Who does site-level work here: for security work (`security`) the site's own facility security officer
        where a regulated facility has one (the officer its security plan makes answerable), else the security
        supervisor where the site has security officers and the supervisor works there; else the site's lead; else
        `fallback`, the operations lead or the security manager, whichever is held first. The one rule every template
        asking "who at this site?" uses."""
        site = self._site
        if security and site is not None and ("facility_security_officer", site.code) in self._org.function_at:
            return self._org.function_at[("facility_security_officer", site.code)]
        supervisor = self.get("security_supervisor")
        if security and supervisor is not None and (site is None or (site.has("guard_force")
                                                                     and self._org.works_at(supervisor, site.code))):
            return supervisor
        return self.first("site_lead", fallback, "operations_lead", "security_manager")

    def first(self, *names: str) -> Role:
        """The holder of the first of `names` some role holds: `fn.first('security_supervisor', 'site_lead',
        'security_manager')` names whoever does the work in an organisation with or without supervisors."""
        for name in names:
            role = self.get(name)
            if role is not None:
                return role
        return self[names[-1]]   # none held: the error names the last, most general one

    def items(self):
        """The organisation-wide holders (the organisation chart lists per-site holders with their sites)."""
        return self._org.function.items()


class RenderContext:
    """What templates call while one set renders: references between documents, tasks given to SMS functions,
    clause titles and figures. One object per set; `for_document` binds the document being rendered, so helpers
    record references and tasks against it (no closures over loop variables)."""

    def __init__(self, org: Organisation, documents: list[Document], applicability: Applicability | None = None):
        self.org = org
        self.documents = documents
        self.by_ref = {d.key: d for d in documents} | {d.id: d for d in documents}
        self.applicability = applicability or Applicability(issued=documents)
        self.not_issued_refs: list[str] = []
        self.tasks: dict[str, list[Task]] = {r.key: [] for r in org.roles}
        self.figures: dict[str, str] = {}
        self.clauses = catalogue()
        self.current: Document | None = None
        self.unknown: list[str] = []
        # what the current document gave and drew, in order, and whether it read the tasks given: what a document
        # rendered in a forked process carries back (see `_render_phase`)
        self.given: list[tuple[str, Markup]] = []
        self.drawn: list[tuple[str, str]] = []
        self.read_tasks = False
        self.listed = _Listed(documents)

    def lookup(self, kind: str, arguments: tuple) -> object:
        """A lookup in the set that is no object's attribute (`LOOKUPS`), its value now, unrecorded."""
        with reads.paused():
            return LOOKUPS[kind](self, *arguments)

    def _looked_up(self, kind: str, *arguments: str) -> Any:
        """A lookup, recorded with its value for the document being rendered (generator.render.reads)."""
        value = self.lookup(kind, arguments)
        reads.note(kind, arguments, value)
        return value

    def for_document(self, doc: Document) -> dict:
        """The template variables for one document."""
        self.current, self.unknown, self.not_issued_refs, self.given, self.drawn = doc, [], [], [], []
        self.read_tasks = False
        doc.references = set()   # what this rendering links to, whatever an earlier one of the same document did
        # a site's document names that site's holders: fn.site_lead in DC1's plan is DC1's lead
        site = doc.subject if isinstance(doc.subject, Site) else None
        context = dict(
            org=self.org.org, data=self.org, doc=doc, fn=Functions(self.org, site), ref=self.ref, task=self.task,
            clause=self.clause, documents=self.listed, docs_of_type=self.docs_of_type, tasks_of=self.tasks_of,
            withheld_tasks=self.withheld_tasks, task_groups=task_groups, clauses=self.clauses,
            risk_heatmap=self.risk_heatmap, org_chart=self.org_chart, has=self.has, issued=self.issued,
            review_inputs=REVIEW_INPUTS, addressing_clause=self.addressing_clause,
        )
        if doc.subject is not None and doc.template.meta is not None and doc.template.meta.expand:
            context[doc.template.meta.expand] = doc.subject
        return context

    def has(self, name: str) -> bool:
        """Whether this document's site (or, for any other document, some site in scope) has the feature, or the
        organisation does the operation: the one test a template's sections apply by."""
        assert self.current is not None
        try:
            what = self.org.vocabulary.word(name)
        except ValueError as exc:
            raise jinja2.UndefinedError(str(exc).partition("\n")[0]) from None
        subject = self.current.subject
        if isinstance(subject, Site) and what.kind == "site":
            return subject.has(name)
        return self.org.has(name)

    def issued(self, key: str) -> bool:
        """Whether the document with this key (or ID) is issued in this organisation's set."""
        issued, not_issued = self._looked_up("issued", key)
        if not issued and not not_issued:
            self.unknown.append(key)
        return issued

    def docs_of_type(self, type_key: str) -> list[Document]:
        return self._looked_up("docs_of_type", type_key)

    def addressing_clause(self, number: str, types: list[str]) -> list[Document]:
        """The documents of the given types that name the clause or one of its subclauses (4.4 for 4.4.1), in the
        set's order."""
        return self._looked_up("addressing_clause", number, *types)

    @functools.cached_property
    def _by_clause(self) -> dict[str, list[Document]]:
        # an audit checklist asks this for every clause: indexed once, not a scan of the set per clause
        index: dict[str, list[Document]] = {}
        for doc in self.documents:
            named = {".".join(n.split(".")[:depth]) for n in doc.clauses for depth in range(1, n.count(".") + 2)}
            for number in named:
                index.setdefault(number, []).append(doc)
        return index

    def tasks_of(self, role: Role) -> list[Task]:
        """The tasks other documents give `role` that the document being rendered may quote: those from documents
        classified no higher than itself. A job description is read by everyone who may read it; a restricted site
        plan's incident steps must not reach them through it. The others are `withheld_tasks`."""
        assert self.current is not None
        self.read_tasks = True
        level = self.current.classification.level
        return [t for t in self._looked_up("tasks", role.key) if t.document.classification.visible_at(level)]

    def withheld_tasks(self, role: Role) -> list[Withheld]:
        """The tasks `tasks_of` leaves out, counted per classification, naming no document (see `Withheld`)."""
        assert self.current is not None
        self.read_tasks = True
        level = self.current.classification.level
        return withheld([t for t in self._looked_up("tasks", role.key)
                         if not t.document.classification.visible_at(level)])

    def ref(self, target: str, text: str | None = None) -> Markup:
        assert self.current is not None
        other = self._looked_up("doc", target)
        if other is None:
            missing = self._looked_up("not_issued", target)
            if missing is not None:
                self.not_issued_refs.append(target)
                return Markup("**[{} is not issued]**").format(missing)
            self.unknown.append(target)
            return Markup("**[unknown document: {}]**").format(target)
        self.current.references.add(other.id)
        label = text or other.label
        # always the link, whoever may read `other`: this text is what is approved. An audience's site turns links
        # to pages it does not publish into plain text (generator.publish.audience), after approval, never before.
        # relative to this page; the same text reads right on any page one folder deep (every document's and role's
        # page: type folders are single names), so a task's text can be repeated on role pages and job descriptions
        return Markup("[{}]({})").format(finalize(label), page_link(self.current.docs_path, other.docs_path))

    def task(self, function: str | Role, text: str | None = None, caller=None) -> Markup:
        """Give a task to the role holding `function` (for a site's document, the one holding it at that site), or
        to a Role the template names (`fn.at(s).site_lead` in a table of sites)."""
        assert self.current is not None
        subject = self.current.subject
        functions = Functions(self.org, subject if isinstance(subject, Site) else None)
        role = function if isinstance(function, Role) else functions[function]
        # one line, whatever the template's wrapping, so the text reads the same in a list of tasks
        body = Markup(" ".join(caller().split())) if caller else finalize(text)
        self.given.append((role.key, body))   # given to the role once the document is done (`_apply`)
        return Markup("**{}** {}").format(finalize(role.title), body)

    def clause(self, number: str) -> Markup:
        found = self.clauses.get(number)
        if found is None:
            raise jinja2.UndefinedError(f"'{number}' is not a clause in the catalogue")
        return Markup("{} {}").format(found.number, finalize(found.title))

    def figure(self, name: str, svg: str, alt: str) -> Markup:
        assert self.current is not None
        self.drawn.append((name, svg))   # published with the page that draws it (`_apply`)
        return Markup("![{}]({})").format(finalize(alt), page_link(self.current.docs_path, f"figures/{name}"))

    def risk_heatmap(self, site_code: str | None = None, residual: bool = False) -> Markup:
        org = self.org
        if site_code is not None and site_code not in org.site:
            raise jinja2.UndefinedError(f"'{site_code}' is not a site code")
        risks = org.risks_at(site_code) if site_code else org.risks
        stage = "residual" if residual else "inherent"
        where = org.site[site_code].name if site_code else org.org.name
        title = f"{'Residual' if residual else 'Inherent'} security risk: {where}"
        name = f"heatmap-{(site_code or 'all').lower()}-{stage}.svg"
        return self.figure(name, figures.risk_heatmap(org, risks, residual, title), title)

    def org_chart(self) -> Markup:
        return self.figure("org-chart.svg", figures.org_chart(self.org), f"{self.org.org.name} organisation chart")


def _not_issued(context: RenderContext, target: str) -> str | None:
    missing = context.applicability.reason(target)
    return None if missing is None else missing.document.label


# what a template can learn of the set besides objects' attributes, each recorded with its value when looked up, so
# the render memo can tell whether it is still what it was: the same function gives the value both times
LOOKUPS: dict[str, Callable[..., object]] = {
    "doc": lambda context, target: context.by_ref.get(target),
    "not_issued": _not_issued,
    "issued": lambda context, key: (key in context.by_ref, context.applicability.reason(key) is not None),
    "docs_of_type": lambda context, type_key: [d for d in context.documents if d.type == type_key],
    "addressing_clause": lambda context, number, *types: [d for d in context._by_clause.get(number, [])
                                                          if d.type in types],
    "tasks": lambda context, role_key: list(context.tasks[role_key]),
    "documents": lambda context: list(context.documents),
}


class _Listed(list):
    """`documents` in templates: the set, whose every reading is the lookup "documents"."""


    def _read(self) -> None:
        reads.note("documents", (), list(list.__iter__(self)))

    def __getattribute__(self, name: str) -> Any:
        if not name.startswith("_"):
            list.__getattribute__(self, "_read")()
        return list.__getattribute__(self, name)

    def __iter__(self):
        self._read()
        return list.__iter__(self)

    def __len__(self) -> int:
        self._read()
        return list.__len__(self)

    def __getitem__(self, index):
        self._read()
        return list.__getitem__(self, index)

    def __contains__(self, item: object) -> bool:
        self._read()
        return list.__contains__(self, item)

    def __reversed__(self):
        self._read()
        return list.__reversed__(self)


def render(ws: Workspace, org: Organisation, sources: dict[str, Source] | None = None) -> RenderResult:
    """Render every issued document, the one way: whoever the pages are later written for, the bodies are the same, so
    what was approved (its fingerprint) is what every audience's site shows, less what that audience may not see.
    `sources` (the data files as read) place findings on applicability decisions at their lines."""
    templates, findings = discover(ws.template_dirs, ws.display)
    candidates, problems = expand(templates, org)
    findings += problems
    findings += template_findings(candidates, org.vocabulary)
    if findings.fatal:
        return RenderResult(candidates, findings, {})
    applicability, problems = decide(candidates, org, _decision_locator(ws, sources or {}))
    findings += problems
    documents = applicability.issued
    for doc in documents:
        if doc.vacant:
            findings.add("template.function-unheld", Severity.fatal, f"{doc.id}: {doc.vacant}", doc.template.display,
                         2, 1, hint="add the function to a role's `functions` in roles.yml, or exclude the document "
                                    "in applicability.yml")
    if findings.fatal:
        return RenderResult(documents, findings, {}, {}, applicability.not_issued, applicability.included)
    env = make_environment(ws)
    # dates in words as the organisation writes them, through the filter and wherever a template prints a date
    locale = date_locale(org.org.address.country)
    env.filters["longdate"] = functools.partial(longdate, locale=locale)
    env.finalize = functools.partial(finalize, locale=locale)
    # data built into Markup a macro marks safe (a bolded role title, a list of site names) is escaped first
    env.filters["md"] = env.finalize
    context = RenderContext(org, documents, applicability)
    # each data file as read, where the caller read them: a field of an unchanged file is not looked at again
    files = {name: fingerprint(sources[name].text if name in sources else None) for name in org.files} \
        if sources is not None else {}
    memo = RenderMemo.of(ws, memo_key(ws, locale), lambda: reads.Identities(org, candidates, templates), files) \
        if _MEMO_IN_USE else None
    try:
        if memo is not None:
            memo.prepare()
        with reads.recording_reads() if memo is not None else contextlib.nullcontext():
            # Role-expanded documents (job descriptions) go last: they list the tasks every other document assigns.
            phases = ([d for d in documents if not _lists_tasks(d)], [d for d in documents if _lists_tasks(d)])
            for number, phase in enumerate(phases, 1):
                if _render_phase(env, context, phase, findings, ws, _Memo(memo, number) if memo else None):
                    break
        if memo is not None:
            memo.save()
    finally:
        if memo is not None:
            memo.close()
    return RenderResult(documents, findings, context.tasks, context.figures, applicability.not_issued,
                        applicability.included, rendered=memo.rendered if memo is not None else len(documents))


def _lists_tasks(doc: Document) -> bool:
    return doc.template.meta is not None and doc.template.meta.expand == "role"


def _render_one(env: jinja2.Environment, context: RenderContext, docs: list[Document], index: int,
                ws: Workspace, memo: _Memo | None = None) -> Rendered:
    """Render one document of `docs`: what it did, to be done to the set by `_apply` (here, or in the process that
    forked this one), and with a memo what it read."""
    doc, found = docs[index], Findings()
    body, stopped, whole = "", False, False
    with reads.reading(memo.memo.identities if memo else None, doc, memo.phase if memo else 0) as reading:
        variables = context.for_document(doc)
        try:
            body = normalise_markdown(_body(env, doc, variables, found))
            whole = True
        except jinja2.TemplateSyntaxError as exc:   # ends the set's rendering
            found.add("template.syntax", Severity.fatal, f"template syntax error: {exc.message}",
                      ws.display(Path(exc.filename)) if exc.filename else doc.template.display, exc.lineno or 0, 1)
            stopped = True
        except Exception as exc:  # noqa: BLE001 - any failure inside a template is the template's, reported as such
            found.append(_render_failure(exc, doc, ws))
    for target in dict.fromkeys(context.unknown if whole else ()):
        found.append(_unknown_ref(doc, target, context.by_ref))
    for target in dict.fromkeys(context.not_issued_refs if whole else ()):
        found.append(_not_issued_ref(doc, target, applicability=context.applicability))
    facts = reading.facts() if reading is not None and not found else None
    return Rendered(index, body, doc.references, context.given, context.drawn, found, stopped, context.read_tasks,
                    facts)


def _render_run(env: jinja2.Environment, context: RenderContext, docs: list[Document], ws: Workspace,
                memo: _Memo | None, run: list[int]) -> tuple[tuple | None, list[Rendered]]:
    """The documents `run` (indexes into `docs`), until one ends the set's rendering; nothing done to the set yet.
    With a memo, also the facts this process digested meanwhile (the documents name theirs by number)."""
    table = memo.memo.identities.table if memo else None
    start = len(table.rows) if table else 0
    out = []
    for index in run:
        out.append(_render_one(env, context, docs, index, ws, memo))
        if out[-1].stopped:
            break
    return (table.since(start) if table else None), out


# documents per process below which a fork saves nothing (measured, runs handed out as processes finish: the
# reference set's first 100 documents render in 0.15 s one by one and 0.13 s in two processes; the ~1000 set's
# 395 in 1.07 s and 0.62 s)
FORK_MIN = 40
RUNS_PER_PROCESS = 8


@dataclass
class _Memo:
    """The render memo, with the phase being rendered."""
    memo: RenderMemo
    phase: int


# off: every document rendered on every build (the tests that compare the memo's set with a whole rendering)
_MEMO_IN_USE = True


def _render_phase(env: jinja2.Environment, context: RenderContext, docs: list[Document], findings: Findings,
                  ws: Workspace, memo: _Memo | None) -> bool:
    """Render `docs`; True if a syntax error ended the set's rendering. Each document's rendering is recorded, then
    what each did is done to the set in the order of `docs` (`_apply`): on several cores the documents are shared
    out to forked processes, and the set is the one rendering them one by one gives, the same bodies, references,
    figures, findings, and tasks in the same order. Unless one document read the tasks another gave in the same phase
    (a custom template may): then the order matters, and they are rendered again one by one, each done to the set
    before the next renders. With a memo, the documents whose last rendering read nothing that has changed are
    taken from it instead of rendered, and what the others read is kept for the next build."""
    kept = memo.memo.reusable(docs, memo.phase, context.lookup) if memo else {}
    fresh = _render_all(env, context, docs, ws, [i for i in range(len(docs)) if i not in kept], memo)
    if fresh is not None:
        done = sorted([*kept.values(), *fresh], key=lambda r: r.index)
        if not (any(r.read_tasks for r in done) and any(r.given for r in done)):
            if memo:
                memo.memo.keep(docs, fresh)
            return _apply(done, context, docs, findings)
    if memo:
        memo.memo.forget(docs)
    return any(_apply([_render_one(env, context, docs, index, ws)], context, docs, findings)
               for index in range(len(docs)))


def _render_all(env: jinja2.Environment, context: RenderContext, docs: list[Document], ws: Workspace,
                indexes: list[int], memo: _Memo | None) -> list[Rendered] | None:
    """The documents `indexes` of `docs` rendered, in forked processes where that pays; None if one of those died."""
    processes = min(cores(), len(indexes) // FORK_MIN)
    if processes <= 1 or not can_fork():
        return _numbered(memo, [_render_run(env, context, docs, ws, memo, indexes)])
    # several runs per process, each a spread of the set, handed out as processes finish: one document can take a
    # hundred times another (a checklist over 300 sites), and two fixed halves finished 0.15 s apart
    runs = processes * RUNS_PER_PROCESS
    try:
        return _numbered(memo, forked_map(functools.partial(_render_run, env, context, docs, ws, memo),
                                          [indexes[i::runs] for i in range(runs)]))
    except BrokenProcessPool:   # a process that died (out of memory): render here
        return None


def _numbered(memo: _Memo | None, runs: list[tuple[tuple | None, list[Rendered]]]) -> list[Rendered]:
    """The documents of every run, in the order of the set, each with the run whose facts its numbers name."""
    done = []
    for since, rendered in runs:
        run = memo.memo.run(since) if memo and since else -1
        for r in rendered:
            r.run = run
        done += rendered
    return sorted(done, key=lambda r: r.index)


def _apply(done: list[Rendered], context: RenderContext, docs: list[Document], findings: Findings) -> bool:
    """Do to the set, in the order of `docs`, what rendering each document did, up to the one that ended the set's
    rendering, if one did (True then)."""
    stop = next((i for i, r in enumerate(done) if r.stopped), len(done))
    for r in done[:stop + 1]:
        doc = docs[r.index]
        doc.body, doc.references = r.body, r.references
        doc.figures.update(name for name, _ in r.drawn)   # a figure is published only with a page that draws it
        for key, text in r.given:
            context.tasks[key].append(Task(doc, text))
        context.figures.update(r.drawn)
        findings += r.findings
    return stop < len(done)


def _body(env: jinja2.Environment, doc: Document, variables: dict, findings: Findings) -> str:
    """The document's Markdown: its template's, or for a section override the default's with the workspace's
    sections in place of those with the same headings (a heading the default lacks is reported)."""
    template = doc.template
    if template.patch is None:
        return env.get_template(template.relpath).render(variables)
    base = env.get_template(DEFAULT_PREFIX + template.relpath).render(variables)
    body, missing = splice(base, env.get_template(template.relpath).render(variables))
    headings = [s.heading for s in sections(base)[1:]]
    for heading in missing:
        close = difflib.get_close_matches(heading, headings, n=1)
        findings.add("template.section", Severity.error, f"{doc.id}: the default template has no section "
                     f"'{heading}' to replace", template.patch_display, 0, 0,
                     hint=(f"did you mean '{close[0]}'? " if close else "") + "the default's headings: "
                     + "; ".join(headings))
    return body


def _decision_locator(ws: Workspace, sources: dict[str, Source]):
    """Findings on decision i of applicability.yml, at its line when the file was read."""
    source = sources.get(APPLICABILITY_FILE) or Source(ws.display(ws.data_dir / APPLICABILITY_FILE))

    def locate(i: int, field: str, message: str, hint: str, severity: Severity) -> Finding:
        return source.finding(("decisions", i, field), message, "applicability.decision", hint, severity)
    return locate


def _not_issued_ref(doc: Document, target: str, applicability: Applicability) -> Finding:
    missing = applicability.reason(target)
    assert missing is not None
    lines = doc.template.file.read_text(encoding="utf-8").splitlines()
    line = next((n for n, text in enumerate(lines, 1) if target in text), 0)
    return Finding("document.not-issued-ref", Severity.error,
                   f"{doc.id} refers to {missing.document.label}, which is not issued ({missing.reason})",
                   doc.template.display, line, 1,
                   hint=f"write the sentence only where it applies: {{% if issued('{missing.document.key}') %}}")


def _render_failure(exc: Exception, doc: Document, ws: Workspace) -> Finding:
    """Point at the template line that failed, found in the traceback Jinja rewrites to template frames."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    where = frames[-1] if frames else None
    path = ws.display(Path(where.filename)) if where else doc.template.display
    message = str(exc) if isinstance(exc, jinja2.UndefinedError) else f"{type(exc).__name__}: {exc}"
    subject = f" (rendering {doc.id})" if doc.subject is not None else ""
    line = (where.lineno or 0) if where else 0
    hint = "add the function to a role in roles.yml, or write the line only where a role holds it: " \
           "{% if 'FUNCTION' in fn %}" if "no role holds" in message else \
           "check the variable name against the data model; `smsgen schema` shows every field"
    return Finding("template.render", Severity.fatal, f"{message}{subject}", path, line, 1, hint=hint)


def _unknown_ref(doc: Document, target: str, by_ref: dict[str, Document]) -> Finding:
    lines = doc.template.file.read_text(encoding="utf-8").splitlines()
    line = next((n for n, text in enumerate(lines, 1) if target in text), 0)
    close = difflib.get_close_matches(target, list(by_ref), n=1)
    return Finding("document.unknown-ref", Severity.error, f"reference to unknown document '{target}'",
                   doc.template.display, line, 1, hint=f"did you mean '{close[0]}'?" if close else
                   "reference documents by their template key or their full ID")
