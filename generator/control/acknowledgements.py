"""Read and understood (ISO 28000 clause 7.3, awareness): who must acknowledge which document, and the record of
the acknowledgements they make.

The rule lives in one place, `obligations`, which the command, the reports, the role pages and the readiness check
all call: when a revision of a document becomes effective, every holder of a role the document gives a task to owes
an acknowledgement that they have read and understood that revision, if the document's type asks for one
(documents.yml `acknowledge_days`, which is also the grace period after the effective date). Only the revision in
force counts: a new revision makes everyone owe it again, and an acknowledgement of an older one does not count.

An acknowledgement is a document-control action like an approval: checked in full, then written as hash-chained
entries of the audit log in one transaction of the control store (store.py), never overwriting anything. It changes
no register entry, so the log is its record; `smsgen verify` checks each against the register's approved revisions.
"""
from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path

from generator.base.clock import now, today
from generator.base.errors import UserError
from generator.base.findings import Finding, Findings, Severity
from generator.base.workspace import Workspace
from generator.control import audit
from generator.control.audit import AcknowledgementEntry
from generator.control.register import Register
from generator.control.store import Transaction
from generator.model.datafiles import Person
from generator.model.organisation import Organisation
from generator.render.document import Document, Task

ACTION = "acknowledge"
IMPORT_COLUMNS = ("person", "document", "revision", "date")


@dataclass(frozen=True)
class Acknowledgement:
    """One acknowledgement as the audit log records it."""
    person: str
    document: str
    revision: str
    fingerprint: str    # of the approved revision acknowledged
    date: str           # the day the person read it (ISO date)
    at: str             # when it was recorded (ISO 8601)


@dataclass(frozen=True)
class Obligation:
    """A person owes (or has made) the acknowledgement of the revision of a document in force."""
    person: Person
    document: Document
    revision: str
    fingerprint: str
    approved: str                       # ISO date the revision was approved: nobody read it as approved before
    effective: str                      # ISO date
    due: dt.date                        # effective + the type's acknowledge_days
    roles: tuple[str, ...]              # keys of the person's roles the document gives tasks to
    acknowledged: Acknowledgement | None
    overdue: bool                       # outstanding and past its due date

    @property
    def outstanding(self) -> bool:
        return self.acknowledged is None


def recorded(ws: Workspace) -> list[Acknowledgement]:
    """Every acknowledgement in the audit log, in the order recorded. A line that is not a valid entry is skipped
    here and reported by `smsgen verify`."""
    return [Acknowledgement(e["by"], e["document"], e["revision"], e["fingerprint"], e["date"], e["at"])
            for line in audit.read_log(ws.audit_file)
            if (e := line.entry) is not None and e["action"] == ACTION]


def giving_roles(tasks: dict[str, list[Task]]) -> dict[str, list[str]]:
    """Document ID -> the keys of the roles it gives tasks to, sorted."""
    out: dict[str, set[str]] = {}
    for role_key, given in tasks.items():
        for task in given:
            out.setdefault(task.document.id, set()).add(role_key)
    return {doc_id: sorted(keys) for doc_id, keys in out.items()}


def named_roles(org: Organisation, doc: Document) -> list[str]:
    """The roles a document names as its readers (its template's `acknowledge:`): those holding each function named,
    at every site; `everyone`, every role of the organisation's own people (not a partner's)."""
    named = doc.template.meta.acknowledge if doc.template.meta is not None else []
    if "everyone" in named:
        return [r.key for r in org.roles if not r.external]
    return [r.key for r in org.roles if not r.external and any(fn in r.functions for fn in named)]


def obligations(org: Organisation, documents: list[Document], tasks: dict[str, list[Task]], register: Register,
                acknowledgements: list[Acknowledgement], on: dt.date) -> list[Obligation]:
    """THE rule: who owes the acknowledgement of which document, and whether they have made it, by document ID then
    person id. Tasks come from the set as rendered now (a document changed since approval gives the tasks of its
    next draft); the revision owed is always the one in force."""
    giving = giving_roles(tasks)
    made: dict[tuple[str, str, str, str], Acknowledgement] = {}
    for record in acknowledgements:              # the first acknowledgement of a revision is the one that counts
        made.setdefault((record.person, record.document, record.revision, record.fingerprint), record)
    out = []
    for doc in sorted(documents, key=lambda d: d.id):
        entry = register.documents.get(doc.id)
        rev = entry.in_force if entry is not None else None
        days = doc.type_def.acknowledge_days
        if days is None or rev is None or not rev.effective or not rev.fingerprint:
            continue
        due = dt.date.fromisoformat(rev.effective) + dt.timedelta(days=days)
        owing: dict[str, tuple[Person, list[str]]] = {}
        for key in giving.get(doc.id, []) + named_roles(org, doc):
            role = org.role.get(key)
            for person in role.holders if role is not None else []:
                if key not in owing.setdefault(person.id, (person, []))[1]:
                    owing[person.id][1].append(key)
        for person_id, (person, roles) in sorted(owing.items()):
            ack = made.get((person_id, doc.id, rev.revision, rev.fingerprint))
            out.append(Obligation(person, doc, rev.revision, rev.fingerprint, rev.approved or rev.effective,
                                  rev.effective, due, tuple(roles), ack, ack is None and due < on))
    return out


def not_owed(org: Organisation, doc: Document, register: Register, tasks: dict[str, list[Task]],
             person_id: str) -> str:
    """Why `person_id` owes no acknowledgement of `doc` (the rule above, read backwards, for a refusal)."""
    entry = register.documents.get(doc.id)
    if entry is None or entry.in_force is None:
        status = entry.current.status.replace("_", " ") if entry is not None else "a draft of its first issue"
        return f"{doc.id} is not approved (it is {status}): there is nothing to acknowledge until it is"
    if doc.type_def.acknowledge_days is None:
        return (f"{doc.id}: {doc.type_def.label} need no acknowledgement (documents.yml sets no acknowledge_days "
                f"for type '{doc.type}')")
    roles = [org.role[k] for k in giving_roles(tasks).get(doc.id, []) if k in org.role]
    who = ", ".join(r.title for r in roles) or "no role: it gives no task"
    return (f"{org.person[person_id].name} owes no acknowledgement of {doc.id}: it gives no task to a role they hold "
            f"(it is owed by the holders of: {who})")


def acknowledge(txn: Transaction, org: Organisation, documents: list[Document], tasks: dict[str, list[Task]],
                refs: list[str], by: str, day: str | None, all_due: bool) -> list[str]:
    """Record that `by` has read and understood the documents `refs` (or, with `all_due`, everything they owe), on
    `day` (default today). Checked in full first: a refusal writes nothing. A revision already acknowledged is
    reported and not recorded again."""
    if by not in org.person:
        raise UserError(_refused(_unknown_person(org, by), "people are the ids in data/people.yml"))
    on = today()
    read_on, problem = _day(day or on.isoformat(), on)
    problems = Findings([_refused(f"--date {day}: {problem}", "e.g. --date 2026-03-01")] if problem else [])
    mine = {ob.document.id: ob for ob in obligations(org, documents, tasks, txn.register, recorded(txn.store.ws), on)
            if ob.person.id == by}
    chosen = {doc_id: ob for doc_id, ob in mine.items() if all_due and ob.outstanding}
    by_ref = {d.id: d for d in documents} | {d.key: d for d in documents}
    lines = []
    for ref in refs:
        doc = by_ref.get(ref)
        ob = mine.get(doc.id) if doc is not None else None
        if doc is None:
            problems.append(_refused(f"unknown document '{ref}'", "use a document ID as `smsgen status` lists them"))
        elif ob is None:
            problems.append(_refused(not_owed(org, doc, txn.register, tasks, by)))
        elif ob.acknowledged is not None:
            lines.append(f"{doc.id} revision {ob.revision}: already acknowledged on {ob.acknowledged.date} by "
                         f"{ob.person.name}; not recorded again")
        else:
            chosen[doc.id] = ob
    if read_on is not None:
        problems += [_refused(f"{ob.document.id}: --date {read_on} is before revision {ob.revision} was approved "
                              f"({ob.approved})", "the day the person read the approved revision") for ob in
                     chosen.values() if read_on.isoformat() < ob.approved]
    if problems:
        raise UserError(problems)
    if not refs and not chosen:
        return [f"{org.person[by].name} owes no acknowledgement: nothing is due"]
    assert read_on is not None
    at = now().isoformat()
    entries = [_entry(ob, read_on.isoformat(), at, "command") for _, ob in sorted(chosen.items())]
    if entries:
        txn.commit(entries)
    return lines + [f"{e['document']} revision {e['revision']}: acknowledged by {e['by_name']} on {e['date']}"
                    for e in entries]


def import_rows(txn: Transaction, org: Organisation, documents: list[Document], tasks: dict[str, list[Task]],
                header: list[str], rows: list[tuple[int, dict[str, str]]],
                display: str) -> tuple[list[str], Findings]:
    """Record the acknowledgements of a sign-off sheet or a learning-system export (columns person: id or e-mail,
    document, revision, date). Every bad row is reported at FILE:ROW with its column, all at once, and nothing is
    written unless every row is good. A row for a revision not in force, or one already acknowledged, is reported
    (a warning) and not recorded. Returns what was recorded and those warnings."""
    findings = Findings()
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing or not rows:
        found = ", ".join(h for h in header if h) or "none"
        raise UserError(Finding("acknowledge.columns", Severity.fatal, f"no column {', '.join(missing)} (columns: "
                                f"{found})" if missing else "no rows after the header", display, 1, field="header",
                                hint="a header row naming person (id or e-mail), document (ID), revision and date "
                                     "(YYYY-MM-DD), then one row per acknowledgement"))
    on = today()
    owed = {(ob.person.id, ob.document.id): ob
            for ob in obligations(org, documents, tasks, txn.register, recorded(txn.store.ws), on)}
    by_ref = {d.id: d for d in documents} | {d.key: d for d in documents}
    by_email = {p.email.lower(): p for p in org.people}
    name = Path(display).name
    at = now().isoformat()
    entries: list[AcknowledgementEntry] = []
    seen: dict[tuple[str, str], str] = {}     # (person, document) -> the day an earlier row of this file gives

    def report(number: int, column: str, message: str, severity: Severity = Severity.fatal, hint: str = "") -> None:
        findings.append(Finding("acknowledge.row", severity, message, display, number, field=column, hint=hint))

    for number, cells in rows:
        text = {c: cells.get(c, "") for c in IMPORT_COLUMNS}
        person = org.person.get(text["person"]) or by_email.get(text["person"].lower())
        doc = by_ref.get(text["document"])
        read_on, problem = _day(text["date"], on)
        if person is None:
            report(number, "person", _unknown_person(org, text["person"]) if text["person"] else "missing",
                   hint="a person id or e-mail address from data/people.yml")
        if doc is None:
            report(number, "document", f"unknown document '{text['document']}'" if text["document"] else "missing")
        if not text["revision"]:
            report(number, "revision", "missing: the revision the person read")
        if problem:
            report(number, "date", problem, hint="YYYY-MM-DD, the day the person read the document")
        if person is None or doc is None or read_on is None or not text["revision"]:
            continue
        ob = owed.get((person.id, doc.id))
        if ob is None:
            report(number, "document", not_owed(org, doc, txn.register, tasks, person.id))
            continue
        if text["revision"] != ob.revision:
            known = [r.revision for r in txn.register.documents[doc.id].revisions]
            if text["revision"] in known:
                report(number, "revision", f"revision {text['revision']} of {doc.id} is not the one in force "
                       f"({ob.revision}, effective {ob.effective}): not recorded; {person.name} owes revision "
                       f"{ob.revision}", Severity.warning)
            else:
                report(number, "revision", f"{doc.id} has no revision '{text['revision']}' (revisions: "
                       f"{', '.join(known)})")
            continue
        if read_on.isoformat() < ob.approved:
            report(number, "date", f"{read_on} is before revision {ob.revision} of {doc.id} was approved "
                   f"({ob.approved})")
            continue
        first = ob.acknowledged.date if ob.acknowledged is not None else seen.get((person.id, doc.id))
        if first is not None:
            report(number, "person", f"{person.name} already acknowledged {doc.id} revision {ob.revision} on "
                   f"{first}: not recorded again", Severity.warning)
            continue
        seen[(person.id, doc.id)] = read_on.isoformat()
        entries.append(_entry(ob, read_on.isoformat(), at, f"import {name}:{number}"))
    if findings.fatal:
        raise UserError(findings)
    if entries:
        txn.commit(entries)
    return [f"{e['document']} revision {e['revision']}: acknowledged by {e['by_name']} on {e['date']}"
            for e in entries], findings


def _entry(ob: Obligation, day: str, at: str, source: str) -> AcknowledgementEntry:
    return {"action": ACTION, "document": ob.document.id, "revision": ob.revision, "fingerprint": ob.fingerprint,
            "by": ob.person.id, "by_name": ob.person.name, "at": at, "date": day, "source": source}


def _day(text: str, on: dt.date) -> tuple[dt.date | None, str]:
    """The day a document was read, or why `text` is not one (not a date, or later than today)."""
    if not text:
        return None, "missing"
    try:
        day = dt.date.fromisoformat(text[:10]) if len(text) == 10 or text[10:11] == "T" else None
    except ValueError:
        day = None
    if day is None:
        return None, f"'{text}' is not a date in the form YYYY-MM-DD"
    if day > on:
        return None, f"{day} is in the future (today is {on})"
    return day, ""


def _unknown_person(org: Organisation, person_id: str) -> str:
    close = difflib.get_close_matches(person_id, list(org.person), n=1)
    return f"unknown person '{person_id}'" + (f" (did you mean '{close[0]}'?)" if close else "")


def _refused(message: str, hint: str = "") -> Finding:
    return Finding("control.refused", Severity.fatal, message, hint=hint)
