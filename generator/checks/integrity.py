"""Integrity checks over the rendered document set: coverage, links, forms, job descriptions, placeholders."""
from __future__ import annotations

import html
import re

from generator.base.findings import Findings, Severity
from generator.model.clauses import iso28000, parent
from generator.model.datafiles import Role
from generator.model.organisation import Organisation
from generator.render.document import Document

# Text that must never reach a controlled document: the signs of an unfinished template or data file.
PLACEHOLDER = re.compile(r"\b(TODO|TBD|TBC|FIXME|XXX+|lorem ipsum)\b|\[insert[^\]]*\]|<insert[^>]*>", re.I)
# Every match of PLACEHOLDER holds one of these once lower-cased. Searching a 10 MB set for them takes milliseconds,
# the regular expression a third of a second, so only a text holding one is searched with it. Case-blind, the
# expression also matches 'i' to dotted and dotless I and 's' to long s, which lower() does not turn into i and s:
# a text holding one of those is searched in full.
PLACEHOLDER_WORDS = ("todo", "tbd", "tbc", "fixme", "xxx", "lorem ipsum", "[insert", "<insert")
CASE_BLIND_EXTRAS = "\u0130\u0131\u017f"
CELL_SPLIT = re.compile(r"(?<!\\)\|")
# A table row has an empty cell only where two pipes on one line have nothing but spaces between them: a text without
# that has none, and its lines need not be split into cells
ADJACENT_PIPES = re.compile(r"\|[^\S\n]*\|")
PROCEDURE_TYPES = ("procedure", "operational", "plan", "manual", "work_instruction")


def check_documents(org: Organisation, documents: list[Document]) -> Findings:
    findings = Findings()
    findings += _clause_coverage(documents)
    findings += _placeholders(documents)
    findings += _link_schemes(documents)
    findings += _forms_used(documents)
    findings += _forms_readable(documents)
    findings += _job_descriptions(org, documents)
    findings += _approvers_have_authority(org, documents)
    findings += _owner_is_not_approver(documents)
    findings += _one_role_owns_and_approves(documents)
    return findings


def _one_role_owns_and_approves(documents: list[Document]) -> Findings:
    """The role that owns a document never approves it, whatever functions the organisation has merged into one
    role: every default template lists a fallback approver (top management last), so only a workspace's own template
    or a one-role organisation can get here."""
    findings = Findings()
    for doc in documents:
        if doc.owner.key == doc.approver.key and doc.owner.key != "vacant" and not doc.owner.compensating_control:
            findings.add("set.self-approval", Severity.warning,
                         f"{doc.id}: the {doc.owner.title} both owns and approves it (functions {doc.owner_function} "
                         f"and {doc.approver_function}): its holder would approve their own work",
                         doc.template.display, 2, 1,
                         hint="list a fallback approver in the template (approver: [sms_manager, top_management]), "
                              "give one of the functions to another role, or record the role's compensating_control "
                              "in roles.yml")
    return findings


def _approvers_have_authority(org: Organisation, documents: list[Document]) -> Findings:
    """The role a template names as approver must be allowed to approve that type, or nobody could approve it."""
    findings, seen = Findings(), set()
    for doc in documents:
        key = (doc.template.relpath, doc.approver.key, doc.type)
        if doc.type not in doc.approver.approves and key not in seen:
            seen.add(key)
            findings.add("set.approver-authority", Severity.error,
                         f"{doc.id}: its approver, {doc.approver.title}, may not approve {doc.type_def.label.lower()}",
                         doc.template.display, hint=f"add '{doc.type}' to `approves` of role '{doc.approver.key}' "
                                                    "in data/roles.yml, or name another approver function")
    return findings


def _owner_is_not_approver(documents: list[Document]) -> Findings:
    """A template must not name one function as both owner and approver: the owner's holder prepares the document, so
    the same person would approve their own work, which an auditor reads as no segregation of duties."""
    findings, seen = Findings(), set()
    for doc in documents:
        meta, template = doc.template.meta, doc.template
        if meta is None or meta.owner != meta.approver or template.relpath in seen:
            continue
        seen.add(template.relpath)
        message = f"the owner and the approver are the same SMS function, {meta.owner[0].value}: its holder would " \
                  "approve their own document"
        hint = "set `approver:` to the function that signs the document off: top_management for system-level " \
               "documents and the policy, the sms_manager for documents another function owns"
        if template.source is not None:
            findings.append(template.source.finding(("approver",), message, "set.owner-approves", hint,
                                                    Severity.error))
        else:
            findings.add("set.owner-approves", Severity.error, message, template.display, hint=hint)
    return findings


def _clause_coverage(documents: list[Document]) -> Findings:
    """Each clause 4.1-10.2 is addressed by a document, directly or through one of its subclauses."""
    addressed: set[str] = set()
    for doc in documents:
        for listed in doc.clauses:
            number: str | None = listed
            while number:
                addressed.add(number)
                number = parent(number)
    findings = Findings()
    for clause in iso28000():
        if clause.depth >= 1 and clause.number not in addressed:
            findings.add("set.clause-uncovered", Severity.error,
                         f"clause {clause.number} ({clause.title}) is addressed by no document",
                         hint="list the clause in the `clauses` of the template that addresses it")
    return findings


def may_hold_placeholder(text: str) -> bool:
    """False only when PLACEHOLDER cannot match anywhere in `text` (see PLACEHOLDER_WORDS)."""
    lowered = text.lower()
    return any(word in lowered for word in PLACEHOLDER_WORDS) or any(c in text for c in CASE_BLIND_EXTRAS)


def _placeholders(documents: list[Document]) -> Findings:
    findings = Findings()
    for doc in documents:
        placeholders = may_hold_placeholder(doc.body) and PLACEHOLDER.search(doc.body) is not None
        cells = doc.type != "form" and ADJACENT_PIPES.search(doc.body) is not None
        if not (placeholders or cells):   # nothing to report line by line
            continue
        for number, line in enumerate(doc.body.splitlines(), 1):
            hit = PLACEHOLDER.search(line) if placeholders else None
            if hit:
                findings.add("set.placeholder", Severity.error,
                             f"{doc.id}: placeholder text '{hit.group(0)}' in line {number} of the rendered document",
                             doc.template.display, hint="write the real content, or take it from the data")
            elif cells and _has_empty_cell(line):
                findings.add("set.placeholder", Severity.error,
                             f"{doc.id}: empty table cell in line {number} of the rendered document",
                             doc.template.display, hint="a table cell for an organisation fact is empty: fill the data")
    return findings


# Where a rendered page says where to go: Markdown links and images, and href/src of HTML tags a template writes
# itself (text from data has its brackets escaped and its '<' as '&lt;', so it forms neither).
# The look-behind follows the bracket, not precedes it: a pattern that starts with a character is searched for that
# character, one that starts with a look-behind is tried at every position (four times slower).
LINK_TARGET = re.compile(r"\](?<!\\\])\(\s*<?([^)\s>]*)"
                         r"|<[a-zA-Z][^<>]*?\s(?:href|src|action|formaction|xlink:href)\s*=\s*[\"']?([^\"'\s>]*)", re.I)
SAFE_SCHEMES = ("http", "https", "mailto")


def _link_schemes(documents: list[Document]) -> Findings:
    """Every link leads to a page of the set or to an http(s)/mailto address: a javascript: or data: link (from a
    template, or data a template put in a link) would run in the reader's browser. Fatal: such a page is never
    written."""
    findings = Findings()
    for doc in documents:
        # over the whole body: a link target may follow its brackets on the next line, and a tag span lines
        for match in LINK_TARGET.finditer(doc.body):
            target = match.group(1) or match.group(2) or ""
            if ":" not in target and "&" not in target:   # no scheme, and no entity that could decode to one
                continue
            # browsers decode entities and drop tabs, newlines and controls before reading the scheme
            target = re.sub(r"[\x00-\x20]", "", html.unescape(target))
            scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", target)
            if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
                number = doc.body.count("\n", 0, match.start()) + 1
                findings.add("set.link-scheme", Severity.fatal, f"{doc.id}: a link to '{scheme.group(1)}:' in "
                             f"line {number} of the rendered document", doc.template.display,
                             hint="links go to pages of the set (ref()) or to http(s) and mailto addresses; "
                                  "data is never a link target")
    return findings


def _forms_used(documents: list[Document]) -> Findings:
    """Every form is named by at least one procedure, plan or instruction, so no record is orphaned."""
    used = {ref for doc in documents if doc.type in PROCEDURE_TYPES for ref in doc.references}
    findings = Findings()
    for doc in documents:
        if doc.type == "form" and doc.id not in used:
            findings.add("set.form-unused", Severity.error, f"form {doc.id} ({doc.title}) is used by no procedure",
                         doc.template.display, hint="reference it with ref('" + doc.key + "') from the procedure "
                                                    "that produces the record")
    return findings


def _forms_readable(documents: list[Document]) -> Findings:
    """A blank form is readable by everyone who reads a document telling them to fill it in: otherwise their site
    says "record it on a confidential document (not published on this site)". The completed record may be classified
    higher (`record_classification`); the blank form may not."""
    by_id = {d.id: d for d in documents}
    findings, seen = Findings(), set()
    for doc in documents:
        for form in (by_id[r] for r in sorted(doc.references) if r in by_id and by_id[r].type == "form"):
            if form is doc or form.classification.visible_at(doc.classification.level) or form.id in seen:
                continue
            seen.add(form.id)
            findings.add("set.form-hidden", Severity.error,
                         f"form {form.id} is classified {form.classification.value}, but {doc.id} "
                         f"({doc.classification.value}) tells its readers to use it: they cannot see the blank form",
                         form.template.display,
                         hint="classify the blank form no higher than the documents that use it; put the completed "
                              "record's classification in `record_classification`")
    return findings


def _job_descriptions(org: Organisation, documents: list[Document]) -> Findings:
    # a job description expanded over sites describes no role (its subject is a Site, which has no key)
    described = {doc.subject.key for doc in documents
                 if doc.type == "job_description" and isinstance(doc.subject, Role)}
    findings = Findings()
    for role in org.roles:
        if role.key not in described and not role.external:
            findings.add("set.role-undescribed", Severity.error, f"role '{role.key}' has no job description",
                         "data/roles.yml", hint="a job-description template with `expand: role` covers every role")
    return findings


def _has_empty_cell(line: str) -> bool:
    """A Markdown table row with an empty cell. Forms are exempt: their blank cells are for the person filling them."""
    line = line.strip()
    if not line.startswith("|"):
        return False
    cells = [c.strip() for c in CELL_SPLIT.split(line.strip("|"))]
    return "" in cells and not all(set(c) <= set(":-") for c in cells)
