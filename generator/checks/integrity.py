"""Integrity checks over the rendered document set: coverage, links, forms, job descriptions, placeholders."""
from __future__ import annotations

import re

from generator.base.findings import Findings, Severity
from generator.model.clauses import iso28000, parent
from generator.model.datafiles import Role
from generator.model.organisation import Organisation
from generator.render.document import Document

# Text that must never reach a controlled document: the signs of an unfinished template or data file.
PLACEHOLDER = re.compile(r"\b(TODO|TBD|TBC|FIXME|XXX+|lorem ipsum)\b|\[insert[^\]]*\]|<insert[^>]*>", re.I)
CELL_SPLIT = re.compile(r"(?<!\\)\|")
PROCEDURE_TYPES = ("procedure", "operational", "plan", "manual", "work_instruction")


def check_documents(org: Organisation, documents: list[Document]) -> Findings:
    findings = Findings()
    findings += _clause_coverage(documents)
    findings += _placeholders(documents)
    findings += _forms_used(documents)
    findings += _job_descriptions(org, documents)
    findings += _approvers_have_authority(org, documents)
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


def _placeholders(documents: list[Document]) -> Findings:
    findings = Findings()
    for doc in documents:
        for number, line in enumerate(doc.body.splitlines(), 1):
            hit = PLACEHOLDER.search(line)
            if hit:
                findings.add("set.placeholder", Severity.error,
                             f"{doc.id}: placeholder text '{hit.group(0)}' in line {number} of the rendered document",
                             doc.template.display, hint="write the real content, or take it from the data")
            elif doc.type != "form" and _has_empty_cell(line):
                findings.add("set.placeholder", Severity.error,
                             f"{doc.id}: empty table cell in line {number} of the rendered document",
                             doc.template.display, hint="a table cell for an organisation fact is empty: fill the data")
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


def _job_descriptions(org: Organisation, documents: list[Document]) -> Findings:
    # a job description expanded over sites describes no role (its subject is a Site, which has no key)
    described = {doc.subject.key for doc in documents
                 if doc.type == "job_description" and isinstance(doc.subject, Role)}
    findings = Findings()
    for role in org.roles:
        if role.key not in described:
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
