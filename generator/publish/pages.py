"""The Markdown pages of the site: one per document (control data in front matter), and the generated indexes.

These files in docs/ are the intermediate form every output reads: the site, DOCX and PDF all take their control
metadata from the same front matter.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

from generator.base.jsonable import json_faithful
from generator.checks.matrix import ClauseRow, coverage
from generator.checks.report import Check
from generator.control.acknowledgements import Obligation
from generator.control.meta import ControlMeta
from generator.control.register import Register
from generator.control.revisions import revision_after
from generator.control.state import ControlState, due_for_review
from generator.model.clauses import catalogue
from generator.model.datafiles import Decision, DocumentsFile, Role
from generator.model.organisation import Organisation
from generator.model.yaml_source import FastDumper
from generator.publish.audience import View
from generator.publish.masterlist import COLUMNS, EXTERNAL_COLUMNS, external_rows, rows
from generator.render.applicability import NotIssued
from generator.render.document import Document, Task, task_groups, withheld
from generator.render.markdown import html_text, md_escape, page_link, resolve_link

# A page's front matter is written as JSON, which is YAML: json writes the ~1000 set's 1641 in 25 ms where PyYAML's
# C dumper took 160 ms, and `read_page` reads them back with json in 10 ms (PyYAML's C loader: 170 ms). A character
# YAML does not take unescaped in a quoted scalar (controls and separators json leaves alone, a byte-order mark, a
# lone surrogate) is escaped as both read it; a value json would write otherwise than YAML reads it back (a date, a
# number key, a float YAML 1.1 reads as text) sends the whole page to PyYAML.
YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def front_matter(meta: dict) -> str:
    if json_faithful(meta, _yaml_reads_back):
        return "---\n" + YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", _json_text(meta)) + "\n---\n\n"
    return "---\n" + yaml.dump(meta, Dumper=FastDumper, sort_keys=False, allow_unicode=True, width=1000) + "---\n\n"


def _json_text(meta: dict) -> str:
    """JSON with a line for each key of the page's meta, each value on its line: json's C encoder writes only one
    line; asking it to indent runs its Python encoder, 8 times slower."""
    if not meta:
        return "{}"
    return "{\n" + ",\n".join(f" {json.dumps(key, ensure_ascii=False)}: {json.dumps(item, ensure_ascii=False)}"
                               for key, item in meta.items()) + "\n}"


def _yaml_reads_back(number: float) -> bool:
    """1e+20, inf and nan, as json writes them, have no decimal point: YAML 1.1 reads them as text."""
    return "." in (written := json.dumps(number)) and "e" not in written


def control_meta(doc: Document, state: ControlState, names: DocumentsFile) -> ControlMeta:
    """The control data every output shows, the classification named as the organisation names it."""
    record = doc.record_classification
    return {
        "id": doc.id, "title": doc.title, "key": doc.key, "type": doc.type, "type_label": doc.type_def.label,
        "revision": state.revision, "status": state.status, "status_label": state.status_label,
        "owner": doc.owner.title, "approver": doc.approver.title,
        "effective": state.effective, "next_review": state.next_review, "review_months": doc.review_months,
        "review_overdue": state.overdue, "approved_by": state.approved_by,
        "classification": doc.classification.value, "clauses": list(doc.clauses),
        "retention": doc.retention or "", "template": doc.template.relpath,
        "record_classification": record.value if record else "",
        "classification_label": names.label(doc.classification),
        "record_classification_label": names.label(record) if record else "",
        "marking": names.marking(doc.classification),
        "compensating_control": (doc.owner.compensating_control or "") if doc.owner.key == doc.approver.key else "",
        "history": [dict(vars(h)) for h in state.history],   # its fields are text: no deep copy
    }


def document_page(doc: Document, state: ControlState, names: DocumentsFile, changes_from: str = "") -> str:
    # MkDocs and Material print title and description unescaped: they are escaped here, once (export unescapes).
    # The page title carries the ID, so the browser tab and search results name the document by it.
    control = control_meta(doc, state, names)
    if changes_from:   # its control block links the redline page beside it (publish/redline/site.py)
        control["changes_from"] = changes_from
    if state.signature:    # only while signatures are on (documents.yml), so other sets' pages stay as they were
        control["signature"] = state.signature
    if state.signed_pdf:   # the exporters use this signed PDF instead of rendering (publish/export/signed.py)
        control["signed_pdf"] = state.signed_pdf
    meta = {"title": html_text(doc.label), "description": html_text(doc.summary), "control": control}
    return front_matter(meta) + doc.body


def _row(*cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _link(doc: Document, page: str) -> str:
    """A link to a document's page from the page at `page` (a path inside docs/)."""
    return f"[{md_escape(doc.id)}]({page_link(page, doc.docs_path)})"


def section_index(label: str, docs: list[Document], states: dict[str, ControlState]) -> str:
    lines = [f"# {md_escape(label)}", "", f"{len(docs)} controlled document(s) of this type.", "",
             _row("ID", "Title", "Revision", "Status", "Owner", "Purpose"), _row(*["---"] * 6)]
    for doc in sorted(docs, key=lambda d: d.id):
        state = states[doc.id]
        lines.append(_row(_link(doc, f"{doc.folder}/index.md"), md_escape(doc.title), state.revision,
                          state.status_label, md_escape(doc.owner.title), md_escape(doc.summary)))
    return front_matter({"title": html_text(label), "search": {"boost": 0.5}}) + "\n".join(lines) + "\n"


def _with_hidden(links: list[str], docs: list[Document], view: View) -> list[str]:
    """A list of links to the documents the audience gets, ending with a count of those it does not."""
    hidden = view.count_hidden(docs)
    return links + ([md_escape(hidden + " (not published on this site)")] if hidden else [])


def clause_index(view: View) -> str:
    """Clause -> documents, for every ISO 28000 clause 4-10 and every ISO 28001 element. Documents the audience does
    not get are counted, so a clause never looks unaddressed because its documents are classified."""
    by_clause: dict[str, list[Document]] = {}
    for doc in view.all:
        for number in doc.clauses:
            by_clause.setdefault(number, []).append(doc)
    lines = ["# Clause index", "",
             "Every clause of ISO 28000:2022 and every ISO 28001 element, with the documents that address it. "
             "Clause titles are public; the requirements themselves are paraphrased in the intent column.", ""]
    for standard in ("ISO 28000", "ISO 28001"):
        lines += [f"## {standard}", "", _row("Clause", "Title", "Documented information", "Intent", "Documents"),
                  _row(*["---"] * 5)]
        for clause in (c for c in catalogue().values() if c.standard == standard):
            docs = sorted(by_clause.get(clause.number, []), key=lambda d: d.id)
            anchor = f'<span id="clause-{clause.number}"></span>'
            di = clause.documented_information if clause.documented_information != "none" else "—"
            if clause.what:
                di += f": {clause.what}"
            title = f"**{clause.title}**" if clause.depth == 0 else clause.title
            links = [_link(d, "clauses.md") + " " + md_escape(d.title) for d in docs if view.sees(d)]
            lines.append(_row(anchor + clause.number, title, md_escape(di), md_escape(clause.intent),
                              "<br>".join(_with_hidden(links, docs, view)) or "—"))
        lines.append("")
    return front_matter({"title": "Clause index"}) + "\n".join(lines)


# reviews falling due within this many days are listed on the home page
REVIEW_SOON_DAYS = 60


def home_page(org: Organisation, view: View, sections: list[tuple[str, str, int]],
              states: dict[str, ControlState] | None = None, register: Register | None = None,
              version: str | None = None) -> str:
    """The landing page: where each kind of reader starts, the role pages, what changed since the last release and
    the reviews falling due. It links only pages this audience's site has, and names only documents it may see."""
    o = org.org
    states = states or {}
    documents = view.documents
    sees = view.audience.sees_page
    by_type = {d.type: d for d in sorted(documents, key=lambda d: d.id, reverse=True)}
    folders = {folder for _, folder, _ in sections}
    lines = [f"# {md_escape(o.name)} Security Management System", "",
             md_escape(o.description), "",
             f"This site is the controlled copy of the documentation of the security management system of "
             f"{md_escape(o.legal_entity)}, aligned with ISO 28000:2022. Printed or downloaded copies are "
             "uncontrolled.", ""]

    def doc_link(key: str) -> str | None:
        doc = by_type.get(key)
        return f"{_link(doc, 'index.md')} {md_escape(doc.title)}" if doc else None

    def section_link(key: str, text: str) -> str | None:
        type_def = org.documents.types.get(key)
        if type_def is None or type_def.folder not in folders or not sees("sections"):
            return None
        return f"[{text}]({page_link('index.md', f'{type_def.folder}/index.md')})"

    starts = {
        "Employees": [
            "[Your role page](roles/index.md): your tasks, forms and work instructions" if sees("roles") else None,
            doc_link("policy"), doc_link("manual"), section_link("form", "Forms"),
            section_link("work_instruction", "Work instructions")],
        "Document controllers": [
            "[Master document list](master-list.md): revision, status and review date of every document"
            if sees("master_list") else None,
            f"[Reviews due](#reviews-due) within the next {REVIEW_SOON_DAYS} days" if states else None,
            "[What changed](changes.md) since the last release" if sees("changes") else None],
        "Auditors": [
            "[Clause index](clauses.md): where each clause of ISO 28000 is addressed" if sees("clause_index") else None,
            "[Clause matrix](clause-matrix.md): clauses against documents" if sees("clause_matrix") else None,
            "[Readiness report](readiness.md): the Stage 1 readiness findings" if sees("readiness") else None,
            "[Applicability register](applicability.md): documents not issued, and why"
            if sees("applicability") else None,
            doc_link("manual")],
    }
    lines += ["## Where to start", ""]
    for reader, links in starts.items():
        present = [link for link in links if link]
        if present:
            lines += [f"**{reader}**", ""] + [f"- {link}" for link in present] + [""]
    if sees("roles"):
        lines += ["## Role pages", "", "What each role does in the SMS: its tasks, forms and instructions.", ""]
        lines += [f"- [{md_escape(r.title)}]({page_link('index.md', f'roles/{r.key}.md')})" for r in org.roles]
        lines.append("")
    if sees("changes") and states:
        previous, before, now = release_diff(view, states, register, version)
        added = len(set(now) - set(before))
        revised = len([i for i in set(now) & set(before) if now[i] != before[i]])
        withdrawn = len([i for i in before if i not in now])
        summary = (f"Since release {md_escape(previous.version)} of {previous.date}: {added} added, {revised} "
                   f"revised, {withdrawn} withdrawn." if previous else
                   f"No release yet: {len(now)} document(s) approved so far.")
        lines += ["## What changed", "", summary + " [See what changed](changes.md).", ""]
    if states:
        due = due_for_review(documents, states, REVIEW_SOON_DAYS)
        lines += ["## Reviews due", "", f"Periodic reviews overdue or due within {REVIEW_SOON_DAYS} days: {len(due)}.",
                  ""]
        if due:
            lines += [_row("Document", "Title", "Review due"), _row(*["---"] * 3)]
            lines += [_row(_link(doc, "index.md"), md_escape(doc.title),
                           day.isoformat() + (" **overdue**" if late else "")) for day, doc, late in due]
            lines.append("")
    lines += ["## Scope", "", md_escape(org.scope.statement), "",
              _row("Site", "Type", "Address", "Activities"), _row(*["---"] * 4)]
    for code in org.scope.sites:
        site = org.site[code]
        lines.append(_row(f"**{md_escape(site.code)}** {md_escape(site.name)}",
                          site.type_label,
                          md_escape(str(site.address)), md_escape("; ".join(site.activities))))
    lines += ["", "## Document set", "", _row("Type", "Documents"), _row("---", "---")]
    for label, folder, count in sections:
        name = f"[{md_escape(label)}]({page_link('index.md', f'{folder}/index.md')})" if sees("sections") \
            else md_escape(label)
        lines.append(_row(name, count))
    lines.append(f"| **Total** | **{len(documents)}** |")
    return front_matter({"title": "Home"}) + "\n".join(lines) + "\n"


def master_list_page(view: View, states: dict[str, ControlState], org: Organisation) -> str:
    documents = view.documents
    by_id = {d.id: d for d in documents}
    hidden = view.count_hidden(view.all)
    lines = ["# Master document list", "",
             f"Every controlled document of the {md_escape(org.org.name)} SMS with its current control data. "
             "Export it with `smsgen master-list --csv FILE --xlsx FILE`. A form has two classifications: the blank "
             "form's, and the one its completed records take.", ""]
    if hidden:
        lines += [f"{md_escape(hidden)} are not published on this site and not listed here.", ""]
    lines += [_row(*COLUMNS), _row(*["---"] * len(COLUMNS))]
    for row in rows(documents, states, org.documents):
        cells = [md_escape(c) if c else "—" for c in row]
        cells[0] = _link(by_id[row[0]], "master-list.md")
        if states[row[0]].overdue:
            cells[9] += " **overdue**"
        lines.append(_row(*cells))
    lines += ["", "## Documents of external origin", "",
              "Standards, legislation and contractual requirements the SMS relies on. Each is kept current by the "
              "role shown and re-evaluated at the interval given in the legal register.", "",
              _row(*EXTERNAL_COLUMNS), _row(*["---"] * len(EXTERNAL_COLUMNS))]
    for row in external_rows(org):
        lines.append(_row(*(md_escape(c) for c in row)))
    return front_matter({"title": "Master document list"}) + "\n".join(lines) + "\n"


def applicability_page(org: Organisation, not_issued: list[NotIssued],
                       included: list[tuple[Document, Decision]]) -> str:
    """The applicability register: every document the template library offers that this SMS does not issue, with
    the reason (what the data says, or who decided and why), and the documents issued by decision against the data.
    Titles only: a document not issued has no content to protect."""
    lines = ["# Applicability register", "",
             f"The document set of the {md_escape(org.org.name)} SMS is derived from what its sites are and do and "
             "what the organisation does (sites.yml `features`, organisation.yml `operations`), and from the "
             "decisions recorded in applicability.yml. This register lists every document not issued, with why, "
             "so the set can be shown to fit the organisation. Documents the standard requires cannot be excluded.",
             "", "## Documents not issued", ""]
    if not not_issued:
        lines += ["Every document of the library applies: none is excluded.", ""]
    else:
        lines += [_row("Document", "Title", "Type", "Reason", "Decided by", "Date"), _row(*["---"] * 6)]
        for entry in sorted(not_issued, key=lambda n: n.document.id):
            doc, decision = entry.document, entry.decision
            who = org.person[decision.decided_by].name if decision and decision.decided_by in org.person else ""
            lines.append(_row(md_escape(doc.id), md_escape(doc.title), md_escape(doc.type_def.label),
                              md_escape(entry.reason[0].upper() + entry.reason[1:]),
                              md_escape(who) if decision else "From the data",
                              decision.date.isoformat() if decision else "—"))
        lines.append("")
    lines += ["## Documents issued by decision", ""]
    if not included:
        lines += ["None: every issued document applies by the data.", ""]
    else:
        lines += [_row("Document", "Title", "Justification", "Decided by", "Date"), _row(*["---"] * 5)]
        for doc, decision in sorted(included, key=lambda pair: pair[0].id):
            who = org.person[decision.decided_by].name if decision.decided_by in org.person else decision.decided_by
            lines.append(_row(_link(doc, "applicability.md"), md_escape(doc.title), md_escape(decision.justification),
                              md_escape(who), decision.date.isoformat()))
        lines.append("")
    return front_matter({"title": "Applicability register"}) + "\n".join(lines)


def clause_matrix_page(view: View, rows: list[ClauseRow], states: dict[str, ControlState],
                       not_issued: list[NotIssued] | None = None, applicability_shown: bool = False) -> str:
    """The matrix of the whole set (`rows`: a clause addressed only by classified documents is still addressed),
    naming only the documents the audience gets, and how many documents of the library this organisation does not
    issue."""
    lines = ["# Clause cross-reference matrix", "",
             "Two-way cross-reference between ISO 28000:2022 (with the ISO 28001 elements) and the document set. "
             "For each clause where the standard expects documented information, the status says whether it is "
             "approved, present but not yet approved, or missing.", ""]
    if not_issued:
        register = "[applicability register](applicability.md)" if applicability_shown else "applicability register"
        lines += [f"{len(not_issued)} document{'s' if len(not_issued) != 1 else ''} of the template library "
                  f"{'do' if len(not_issued) != 1 else 'does'} not apply to this organisation and "
                  f"{'are' if len(not_issued) != 1 else 'is'} not issued; the {register} gives each reason.", ""]
    lines += ["## Coverage", "",
             _row("Measure", "Clauses"), _row("---", "---")]
    lines += [_row(k.capitalize(), v) for k, v in coverage(rows).items()]
    lines += ["", "## Clause to documents", "", _row("Clause", "Title", "Documented information", "Status",
                                                       "Documents and sections"), _row(*["---"] * 5)]
    for row in rows:
        parts = []
        for doc in sorted(row.documents, key=lambda d: d.id):
            if not view.sees(doc):
                continue
            sections = "; ".join(md_escape(s) for s in row.sections.get(doc.id, []))
            parts.append(_link(doc, "clause-matrix.md") + (f" ({sections})" if sections else ""))
        di = row.clause.documented_information
        lines.append(_row(row.clause.number, md_escape(row.clause.title), di if di != "none" else "—",
                          f"**{row.status}**" if row.status == "missing" else row.status,
                          "<br>".join(_with_hidden(parts, row.documents, view)) or "—"))
    lines += ["", "## Document to clauses", "", _row("Document", "Title", "Status", "Clauses"), _row(*["---"] * 4)]
    for doc in sorted(view.documents, key=lambda d: d.id):
        lines.append(_row(_link(doc, "clause-matrix.md"), md_escape(doc.title), states[doc.id].status_label,
                          ", ".join(doc.clauses)))
    return front_matter({"title": "Clause matrix"}) + "\n".join(lines) + "\n"


def readiness_page(org: Organisation, view: View, checks: list[Check], rows: list[ClauseRow],
                   states: dict[str, ControlState]) -> str:
    """The checks over the whole set and its clause matrix (`rows`), computed on what is approved, not on what this
    audience gets, naming only the documents the audience gets."""
    passed = sum(c.passed for c in checks)
    lines = ["# Stage 1 readiness report", "",
             f"{passed} of {len(checks)} readiness checks pass for {md_escape(org.org.legal_entity)}. Each check is "
             "computed from the organisation data and the documents as rendered for this build.", ""]
    for evidence, heading, intro in (
            (False, "The documentation", "What a certification body reads at the Stage 1 documentation review."),
            (True, "The SMS in operation", "What the records (data/records/) show the SMS has done: a certification "
                                           "body expects a full internal audit cycle, a management review and "
                                           "corrective actions before Stage 1.")):
        lines += [f"## {heading}", "", intro, "", _row("Result", "Check", "Findings"), _row(*["---"] * 3)]
        for check in (c for c in checks if c.evidence is evidence):
            lines.append(_row("✅ pass" if check.passed else "❌ **fail**", md_escape(check.title),
                              "<br>".join(md_escape(view.redact(d)) for d in check.details)))
        lines.append("")
    lines += ["", "## Clauses, documents, status and review dates", "",
              _row("Clause", "Title", "Document", "Revision", "Status", "Effective", "Next review"),
              _row(*["---"] * 7)]
    for row in rows:
        if row.clause.standard != "ISO 28000":
            continue
        if not row.documents:
            lines.append(_row(row.clause.number, md_escape(row.clause.title), "—", "—",
                              "**missing**" if row.required else "—", "—", "—"))
        hidden = view.count_hidden(row.documents)
        if hidden:
            lines.append(_row(row.clause.number, md_escape(row.clause.title),
                              md_escape(hidden + " (not published on this site)"), "—", "—", "—", "—"))
        for doc in sorted((d for d in row.documents if view.sees(d)), key=lambda d: d.id):
            st = states[doc.id]
            lines.append(_row(row.clause.number, md_escape(row.clause.title), _link(doc, "readiness.md"), st.revision,
                              st.status_label, st.effective or "—",
                              (st.next_review or "—") + (" **overdue**" if st.overdue else "")))
    return front_matter({"title": "Readiness report"}) + "\n".join(lines) + "\n"


def release_diff(view: View, states: dict[str, ControlState], register: Register | None, version: str | None):
    """The release compared with (None: none earlier), and the approved revision of each document this audience may
    see in it and now."""
    hidden = {d.id for d in view.hidden}
    releases = register.releases if register is not None else []
    previous = releases[-1] if releases and (version is None or releases[-1].version != version) else \
        (releases[-2] if len(releases) > 1 else None)
    # documents this audience may not see are left out altogether, not reported as withdrawn
    before = {k: v for k, v in (previous.documents if previous else {}).items() if k not in hidden}
    now = {d.id: states[d.id].revision for d in view.documents if states[d.id].status == "approved"}
    return previous, before, now


def changes_page(view: View, states: dict[str, ControlState], register: Register | None, version: str | None) -> str:
    """What changed in this release (or, outside a release, since the last one): added, revised, withdrawn."""
    documents = view.documents
    previous, before, now = release_diff(view, states, register, version)
    by_id = {d.id: d for d in documents}
    title = f"What changed in release {version}" if version else "Changes since the last release"
    since = f"release {previous.version} of {previous.date}" if previous else "no earlier release"
    lines = [f"# {md_escape(title)}", "", f"Compared with {md_escape(since)}.", ""]

    def changes(doc_id: str, after: str | None) -> str:
        entry = register.documents.get(doc_id) if register is not None else None
        if entry is None:
            return ""
        revs = [r for r in entry.revisions if (after is None or revision_after(r.revision, after))
                and r.status in ("approved", "superseded")]
        return "; ".join(f"rev. {r.revision}: {md_escape(r.change)}" for r in revs)

    added = sorted(set(now) - set(before))
    revised = sorted(i for i in set(now) & set(before) if now[i] != before[i])
    withdrawn = sorted(i for i in before if i not in now)
    # a document gone from the set has no classification any more: a limited audience gets only how many
    unnamed = [i for i in withdrawn if i not in by_id] if view.limited else []
    withdrawn = [i for i in withdrawn if i not in unnamed]
    for heading, ids, after in (("Added", added, None), ("Revised", revised, "before"), ("Withdrawn", withdrawn, None)):
        count = len(ids) + (len(unnamed) if heading == "Withdrawn" else 0)
        lines += [f"## {heading} ({count})", ""]
        if heading == "Withdrawn" and unnamed:
            lines += [f"{len(unnamed)} document{'' if len(unnamed) == 1 else 's'} withdrawn from the set "
                      f"{'is' if len(unnamed) == 1 else 'are'} not named on this site.", ""]
        if not ids:
            lines += ["None.", ""] if not count else []
            continue
        lines += [_row("Document", "Title", "Revision", "Changes"), _row(*["---"] * 4)]
        for doc_id in ids:
            doc = by_id.get(doc_id)
            label = _link(doc, "changes.md") if doc else md_escape(doc_id)
            gone = register.documents.get(doc_id) if register is not None and doc is None else None
            title_ = md_escape(doc.title) if doc else md_escape(gone.title if gone else "")
            revision = f"{before.get(doc_id, '—')} → {now.get(doc_id, 'withdrawn')}"
            lines.append(_row(label, title_, revision,
                              changes(doc_id, before.get(doc_id) if after else None) or "—"))
        lines.append("")
    return front_matter({"title": "What changed"}) + "\n".join(lines)


@dataclass
class RoleSources:
    """What every role page looks up in the whole set, found once for all of them (a page per role, each searching
    the set three times, took 0.1 s on the ~1000 set)."""
    job_descriptions: dict[int, Document]   # by the identity of the role each describes: the first, as the set runs
    forms: list[Document]
    instructions: list[Document]

    @classmethod
    def of(cls, view: View) -> RoleSources:
        described: dict[int, Document] = {}
        for doc in view.all:
            if doc.type == "job_description":
                described.setdefault(id(doc.subject), doc)
        return cls(described, [d for d in view.all if d.type == "form"],
                   [d for d in view.all if d.type == "work_instruction"])


def role_page(role: Role, org: Organisation, view: View, tasks: dict[str, list[Task]], sources: RoleSources,
              owed: list[Obligation] | None = None) -> str:
    """'What is mine': a role's job description, the documents that give it tasks, its forms and instructions.

    Everything the role is given is accounted for: tasks from documents this audience does not get are counted with
    whom to ask (`Withheld`), never quoted, and forms and instructions it does not get are counted, so a duty is never
    dropped without a word."""
    jd = sources.job_descriptions.get(id(role))
    given = tasks.get(role.key, [])
    mine = [t for t in given if view.sees(t.document)]
    kept = withheld([t for t in given if not view.sees(t.document)])
    giving = {task.document.id for task in mine}
    functions = {f.value for f in role.functions}
    here = f"roles/{role.key}.md"
    linked = {m for task in mine for m in re_links(str(task.text), task.document.docs_path)}
    forms = [d for d in sources.forms if d.docs_path in linked or d.owner is role]
    instructions = [d for d in sources.instructions if d.id in giving or d.owner is role or d.docs_path in linked]
    holders = ", ".join(md_escape(p.name) for p in role.holders) or "vacant"
    job = "—" if jd is None else _link(jd, here) + " " + md_escape(jd.title) if view.sees(jd) else \
        md_escape(view.count_hidden([jd]) + " (not published on this site)")
    groups = task_groups(mine)
    count = sum(len(items) for _, items in groups) + sum(w.tasks for w in kept)
    lines = [f"# {md_escape(role.title)}", "", md_escape(role.purpose), "", _row("Item", "Detail"), _row("---", "---"),
             _row("**Held by**", holders), _row("**Job description**", job),
             _row("**SMS functions**", md_escape(", ".join(sorted(f.replace("_", " ") for f in functions))) or "—")]
    lines += ["", f"## Tasks given by SMS documents ({count})", ""]
    if not given:
        lines.append("No procedure or plan assigns a task to this role.")
    for docs, items in groups:
        if len(docs) == 1:
            lines += [f"### {_link(docs[0], here)} {md_escape(docs[0].title)}", ""]
        else:
            lines += [f"### The same tasks in {len(docs)} documents", "", ", ".join(_link(d, here) for d in docs), ""]
        lines += [f"- {task.text}" for task in items]   # its links work here too: see RenderContext.ref
        lines.append("")
    if kept:
        lines += ["### In documents not published on this site", ""]
        lines += [f"- {md_escape(w.sentence)}" for w in kept]
        lines.append("")
    for heading, docs in (("Forms this role completes or keeps", forms), ("Work instructions", instructions)):
        hidden = view.count_hidden(docs)
        lines += [f"## {heading} ({len(docs)})", ""]
        lines += [f"- {_link(d, here)} {md_escape(d.title)}" for d in docs if view.sees(d)]
        lines += [f"- {md_escape(hidden)} (not published on this site)"] if hidden else []
        lines += [] if docs else ["None."]
        lines.append("")
    lines += still_to_read(role, view, [o for o in owed or [] if role.key in o.roles], here)
    return front_matter({"title": html_text(role.title)}) + "\n".join(lines)


def _due(ob: Obligation) -> str:
    return ob.due.isoformat() + (" **overdue**" if ob.overdue else "")


def still_to_read(role: Role, view: View, owed: list[Obligation], here: str) -> list[str]:
    """A role page's section on what each holder has still to acknowledge reading, among the documents that give the
    role tasks (none when no such document is in force yet). Documents the audience does not get are counted."""
    if not owed:
        return []
    lines = ["## Still to read", "",
             "Each holder confirms having read and understood the revision in force of every document that gives "
             "this role tasks (`smsgen acknowledge ID --by PERSON`), by the date due.", "",
             _row("Holder", "Document", "Title", "Revision", "Due"), _row(*["---"] * 5)]
    for person in role.holders:
        waiting = [o for o in owed if o.person.id == person.id and o.outstanding]
        hidden = view.count_hidden(o.document for o in waiting)
        rows = [_row(md_escape(person.name), _link(o.document, here), md_escape(o.document.title), o.revision,
                     _due(o)) for o in waiting if view.sees(o.document)]
        rows += [_row(md_escape(person.name), md_escape(hidden + " (not published on this site)"), "—", "—", "—")] \
            if hidden else []
        lines += rows or [_row(md_escape(person.name), "Nothing outstanding", "—", "—", "—")]
    return lines + [""]


def acknowledgements_page(view: View, owed: list[Obligation]) -> str:
    """Who has still to acknowledge reading what: by document, then by person. Names only the documents this
    audience gets; the others are counted."""
    waiting = [o for o in owed if o.outstanding]
    late = [o for o in waiting if o.overdue]
    people = sorted({o.person.id: o.person for o in waiting}.values(), key=lambda p: p.name)
    lines = ["# Acknowledgements", "",
             "ISO 28000 clause 7.3: the holders of every role a document gives tasks to confirm that they have read "
             "and understood its revision in force, within the days its type allows after the effective date "
             "(`acknowledge_days` in documents.yml). A new revision is owed again. Record them with `smsgen "
             "acknowledge ID --by PERSON`, or import a sign-off sheet with `smsgen acknowledge --import FILE`.", ""]
    if not owed:
        lines += ["No approved document needs an acknowledgement yet.", ""]
        return front_matter({"title": "Acknowledgements"}) + "\n".join(lines)
    lines += [f"{len(waiting)} outstanding ({len(late)} overdue) for {len(people)} person(s); "
              f"{len(owed) - len(waiting)} of {len(owed)} made.", "",
              "## By document", "", _row("Document", "Title", "Revision", "Effective", "Due", "Made", "Outstanding"),
              _row(*["---"] * 7)]
    by_doc: dict[str, list[Obligation]] = {}
    for ob in owed:
        by_doc.setdefault(ob.document.id, []).append(ob)
    hidden_docs = [obs[0].document for obs in by_doc.values() if not view.sees(obs[0].document)]
    for obs in by_doc.values():
        doc = obs[0].document
        if not view.sees(doc):
            continue
        open_ = [o for o in obs if o.outstanding]
        names = ", ".join(md_escape(o.person.name) + (" (**overdue**)" if o.overdue else "") for o in open_)
        lines.append(_row(_link(doc, "acknowledgements.md"), md_escape(doc.title), obs[0].revision,
                          obs[0].effective, obs[0].due.isoformat(), f"{len(obs) - len(open_)} of {len(obs)}",
                          names or "—"))
    if hidden_docs:
        open_hidden = sum(o.outstanding for o in owed if not view.sees(o.document))
        lines.append(_row(md_escape(view.count_hidden(hidden_docs) + " (not published on this site)"), "—", "—",
                          "—", "—", "—", f"{open_hidden} outstanding"))
    lines += ["", "## By person", "", _row("Person", "Site", "Outstanding", "Overdue", "Documents"),
              _row(*["---"] * 5)]
    for person in people:
        mine = [o for o in waiting if o.person.id == person.id]
        named = [f"{_link(o.document, 'acknowledgements.md')} (due {_due(o)})" for o in mine if view.sees(o.document)]
        hidden = view.count_hidden(o.document for o in mine)
        named += [md_escape(hidden + " (not published on this site)")] if hidden else []
        lines.append(_row(md_escape(person.name), md_escape(person.site), len(mine), sum(o.overdue for o in mine),
                          "<br>".join(named)))
    return front_matter({"title": "Acknowledgements"}) + "\n".join(lines) + "\n"


def re_links(text: str, page: str) -> set[str]:
    """The pages (paths inside docs/) that the links in `text`, written on the page at `page`, point to."""
    return {resolve_link(page, link) for link in re.findall(r"\]\((?![a-z][a-z0-9+.-]*:)([^)#\s]+\.md)", text)}
