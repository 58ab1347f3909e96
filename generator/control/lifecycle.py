"""Lifecycle actions on documents: submit, approve, reject, revise, withdraw.

Every action is checked in full before anything is written: a refused action (unknown person, no authority,
approving one's own revision, wrong state) names its reasons and leaves the register and the audit log untouched.
A bulk action is all or nothing.
"""
from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.base.clock import now
from generator.base.errors import UserError
from generator.base.findings import Finding, Findings, Severity
from generator.base.workspace import Workspace
from generator.control import audit
from generator.control.audit import ActionEntry
from generator.control.register import Entry, Event, Register, Revision, fingerprint, load_register, save_register
from generator.control.revisions import first_revision, next_revision
from generator.control.snapshots import write_snapshot
from generator.model.organisation import Organisation
from generator.render.document import Document


@dataclass
class Controller:
    ws: Workspace
    org: Organisation
    documents: list[Document]
    register: Register = field(init=False)

    def __post_init__(self):
        self.register = load_register(self.ws.register_file, self.ws.display(self.ws.register_file))
        self.by_ref = {d.id: d for d in self.documents} | {d.key: d for d in self.documents}

    # --- selection ----------------------------------------------------------------------------------------------

    def select(self, refs: list[str], types: list[str], everything: bool) -> list[Document]:
        problems = Findings()
        chosen: dict[str, Document] = {}
        for ref in refs:
            doc = self.by_ref.get(ref)
            if doc is None:
                problems.append(_refused(f"unknown document '{ref}'", "use a document ID such as "
                                         f"{self.documents[0].id}, or a template key"))
            else:
                chosen[doc.id] = doc
        for type_key in types:
            if type_key not in self.org.documents.types:
                problems.append(_refused(f"unknown document type '{type_key}'",
                                         "known types: " + ", ".join(self.org.documents.types)))
            chosen.update({d.id: d for d in self.documents if d.type == type_key})
        if everything:
            chosen.update({d.id: d for d in self.documents})
        if problems:
            raise UserError(problems)
        if not chosen:
            raise UserError(_refused("no document selected", "name document IDs, or use --type TYPE or --all"))
        return sorted(chosen.values(), key=lambda d: d.id)

    # --- checks shared by actions -------------------------------------------------------------------------------

    def person(self, person_id: str) -> None:
        if person_id not in self.org.person:
            close = difflib.get_close_matches(person_id, list(self.org.person), n=1)
            raise UserError(_refused(f"unknown person '{person_id}'",
                                     (f"did you mean '{close[0]}'? " if close else "") + "people are the ids in "
                                     "data/people.yml"))

    def may_approve(self, person_id: str, doc: Document) -> bool:
        return any(doc.type in self.org.role[r].approves for r in self.org.person[person_id].roles
                   if r in self.org.role)

    def approvable(self, person_id: str, docs: list[Document]) -> tuple[list[Document], int]:
        """Of `docs`, those in review that this person may approve and did not author; and how many others in review
        need another approver. `approve --all` approves the first and lists the count, rather than refusing."""
        self.person(person_id)
        waiting = [d for d in docs if (e := self.register.documents.get(d.id)) and e.current.status == "in_review"]
        mine = [d for d in waiting if self.may_approve(person_id, d)
                and self.register.documents[d.id].current.author != person_id]
        if not mine:
            raise UserError(_refused(f"nothing to approve: no document in review that '{person_id}' may approve",
                                     "submit documents first, or check `approves` in data/roles.yml"))
        return mine, len(waiting) - len(mine)

    def _authority(self, person_id: str, doc: Document, action: str) -> Finding | None:
        if self.may_approve(person_id, doc):
            return None
        holders = sorted({p.name for p in self.org.people for r in p.roles
                          if r in self.org.role and doc.type in self.org.role[r].approves})
        return _refused(f"{doc.id}: {self.org.person[person_id].name} has no authority to {action} "
                        f"{doc.type_def.label.lower()}",
                        "approval authority comes from `approves` in data/roles.yml; "
                        + (f"holders: {', '.join(holders)}" if holders else "no role may approve this type"))

    # --- actions: one transition function, driven by the table ACTIONS below ---------------------------------

    def submit(self, docs: list[Document], by: str, comment: str = "") -> list[str]:
        return self.transition("submit", docs, by, comment)

    def approve(self, docs: list[Document], by: str, comment: str = "", effective: str | None = None) -> list[str]:
        return self.transition("approve", docs, by, comment, effective)

    def reject(self, docs: list[Document], by: str, comment: str) -> list[str]:
        return self.transition("reject", docs, by, comment)

    def revise(self, docs: list[Document], by: str, change: str) -> list[str]:
        return self.transition("revise", docs, by, change)

    def withdraw(self, docs: list[Document], by: str, reason: str) -> list[str]:
        return self.transition("withdraw", docs, by, reason)

    def transition(self, name: str, docs: list[Document], by: str, text: str = "",
                   effective: str | None = None) -> list[str]:
        """Check the action on every document, then apply it to all and write the register and the log once.
        A refused action (any document, any reason) writes nothing."""
        action = ACTIONS[name]
        self.person(by)
        problems = Findings()
        if action.text_required and not text.strip():
            problems.append(_refused(action.text_required, f"use --{action.text_flag}"))
        if effective is not None and _iso_date(effective) is None:
            problems.append(_refused(f"effective date '{effective}' is not a date in the form YYYY-MM-DD",
                                     "e.g. --effective 2026-03-01"))
        for doc in docs:
            entry = self.register.documents.get(doc.id)
            status = entry.current.status if entry else None
            if (status or "draft") not in action.allowed_from or (entry is None and not action.from_nothing):
                problems.append(_refused(action.wrong_state(doc, status), action.wrong_state_hint(doc)))
                continue
            problems += action.checks(self, doc, entry, by)
        if problems:
            raise UserError(problems)
        at = now().isoformat()
        log: list[ActionEntry] = []
        for doc in docs:
            log += action.apply(self, doc, by, at, text, effective)
        self._commit(log)
        return [action.done(d, self.register.documents[d.id]) for d in docs]

    # --- what each action changes -------------------------------------------------------------------------------

    def _submit(self, doc: Document, by: str, at: str, comment: str, _: str | None) -> list[ActionEntry]:
        rev = self._entry(doc, by, at).current
        rev.status, rev.reviewer, rev.submitted = "in_review", by, at[:10]
        rev.submitted_fingerprint = fingerprint(doc.body)
        rev.events.append(Event(action="submit", by=by, at=at, comment=comment))
        return [self._log("submit", doc, rev, "draft", "in_review", by, at, rev.submitted_fingerprint, comment)]

    def _approve(self, doc: Document, by: str, at: str, comment: str, effective: str | None) -> list[ActionEntry]:
        entry, log = self.register.documents[doc.id], []
        for older in entry.revisions[:-1]:
            if older.status == "approved":
                older.status = "superseded"
                log.append(self._log("supersede", doc, older, "approved", "superseded", by, at, older.fingerprint,
                                     f"superseded by revision {entry.current.revision}"))
        rev = entry.current
        rev.status, rev.approver, rev.approved = "approved", by, at[:10]
        rev.effective = effective or at[:10]
        rev.fingerprint = fingerprint(doc.body)
        rev.events.append(Event(action="approve", by=by, at=at, comment=comment))
        write_snapshot(self.ws, doc.id, rev.revision, doc.body)
        return log + [self._log("approve", doc, rev, "in_review", "approved", by, at, rev.fingerprint, comment)]

    def _reject(self, doc: Document, by: str, at: str, comment: str, _: str | None) -> list[ActionEntry]:
        rev = self.register.documents[doc.id].current
        rev.status, rev.submitted, rev.submitted_fingerprint, rev.reviewer = "draft", None, None, None
        rev.events.append(Event(action="reject", by=by, at=at, comment=comment))
        return [self._log("reject", doc, rev, "in_review", "draft", by, at, None, comment)]

    def _revise(self, doc: Document, by: str, at: str, change: str, _: str | None) -> list[ActionEntry]:
        entry = self.register.documents[doc.id]
        rev = Revision(revision=next_revision(entry.current.revision, self.org.documents.revision_scheme),
                       status="draft", change=change, author=by, created=at[:10],
                       events=[Event(action="revise", by=by, at=at, comment=change)])
        entry.revisions.append(rev)
        entry.title = doc.title
        return [self._log("revise", doc, rev, "approved", "draft", by, at, None, change)]

    def _withdraw(self, doc: Document, by: str, at: str, reason: str, _: str | None) -> list[ActionEntry]:
        log = []
        for rev in self.register.documents[doc.id].revisions:
            if rev.status in ("approved", "draft", "in_review"):
                before = rev.status
                rev.status, rev.withdrawn_by, rev.withdrawn, rev.reason = "obsolete", by, at[:10], reason
                log.append(self._log("withdraw", doc, rev, before, "obsolete", by, at, rev.fingerprint, reason))
        return log

    # --- what each action requires beyond the state ---------------------------------------------------------------

    def _approval_checks(self, doc: Document, entry: Entry | None, by: str) -> list[Finding]:
        assert entry is not None
        rev, found = entry.current, []
        if rev.author == by:
            found.append(_refused(f"{doc.id}: {self.org.person[by].name} is the author of revision {rev.revision} "
                                  "and cannot approve it", "segregation of duties: another person with approval "
                                  "authority must approve"))
        if (missing := self._authority(by, doc, "approve")) is not None:
            found.append(missing)
        if fingerprint(doc.body) != rev.submitted_fingerprint:
            found.append(_refused(f"{doc.id}: content changed after it was submitted for approval",
                                  "reject it and submit again, so the approver sees what is approved"))
        return found


    # --- writing ------------------------------------------------------------------------------------------------

    def _entry(self, doc: Document, author: str, at: str) -> Entry:
        entry = self.register.documents.get(doc.id)
        if entry is None:
            first = Revision(revision=first_revision(self.org.documents.revision_scheme), status="draft",
                             change="First issue", author=author, created=at[:10])
            entry = Entry(title=doc.title, type=doc.type, revisions=[first])
            self.register.documents[doc.id] = entry
        entry.title = doc.title
        return entry

    def _log(self, action: str, doc: Document, rev: Revision, before: str, after: str, by: str, at: str,
             print_: str | None, comment: str) -> ActionEntry:
        return {"action": action, "document": doc.id, "revision": rev.revision, "from": before, "to": after,
                "by": by, "by_name": self.org.person[by].name, "at": at, "fingerprint": print_ or "",
                "comment": comment}

    def _refuse_if(self, problems: Findings) -> None:
        if problems:
            raise UserError(problems)

    def _commit(self, log: list[ActionEntry]) -> None:
        self.register.documents = dict(sorted(self.register.documents.items()))
        save_register(self.ws.register_file, self.register)
        audit.append(self.ws.audit_file, log)


def _refused(message: str, hint: str = "") -> Finding:
    return Finding("control.refused", Severity.fatal, message, hint=hint)


def _said(status: str | None) -> str:
    return (status or "draft").replace("_", " ")


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _no_checks(controller: Controller, doc: Document, entry: Entry | None, by: str) -> list[Finding]:
    return []


def _authority_to(verb: str) -> Callable[[Controller, Document, Entry | None, str], list[Finding]]:
    def check(controller: Controller, doc: Document, entry: Entry | None, by: str) -> list[Finding]:
        found = controller._authority(by, doc, verb)
        return [found] if found is not None else []
    return check


@dataclass(frozen=True)
class Action:
    """One lifecycle action: from which states it may run, what else it requires, what it changes, what it says."""
    name: str
    allowed_from: tuple[str, ...]
    wrong_state: Callable[[Document, str | None], str]   # status None: no register entry yet
    wrong_state_hint: Callable[[Document], str]
    checks: Callable[[Controller, Document, Entry | None, str], list[Finding]]
    apply: Callable[[Controller, Document, str, str, str, str | None], list[ActionEntry]]
    done: Callable[[Document, Entry], str]
    from_nothing: bool = False      # may run on a document with no register entry yet (a first issue's draft)
    text_required: str = ""         # the refusal when the comment / change / reason is empty
    text_flag: str = "comment"


ACTIONS = {action.name: action for action in (
    Action("submit", ("draft",),
           lambda doc, status: f"{doc.id}: cannot submit a document that is {_said(status)}",
           lambda doc: "only a draft can be submitted; revise an approved document first",
           _no_checks, Controller._submit,
           lambda doc, entry: f"{doc.id} revision {entry.current.revision}: submitted for approval", from_nothing=True),
    Action("approve", ("in_review",),
           lambda doc, status: f"{doc.id}: cannot approve a document that is {_said(status)}",
           lambda doc: f"submit it first: smsgen submit {doc.id} --by PERSON",
           Controller._approval_checks, Controller._approve,
           lambda doc, entry: f"{doc.id} revision {entry.current.revision}: approved, effective "
                         f"{entry.current.effective}"),
    Action("reject", ("in_review",),
           lambda doc, status: f"{doc.id}: only a document in review can be rejected", lambda doc: "",
           _authority_to("reject"), Controller._reject, lambda doc, entry: f"{doc.id}: returned to draft",
           text_required="a rejection needs a comment saying what to change"),
    Action("revise", ("approved",),
           lambda doc, status: f"{doc.id}: only an approved document can be revised; it is "
                               f"{_said(status) if status else 'a draft of its first issue'}",
           lambda doc: "a draft is already open for changes",
           _no_checks, Controller._revise,
           lambda doc, entry: f"{doc.id}: revision {entry.current.revision} opened as a draft",
           text_required="a revision needs a description of the change", text_flag="change"),
    Action("withdraw", ("approved", "draft", "in_review"),
           lambda doc, status: f"{doc.id}: nothing to withdraw (it was never issued, or is already withdrawn)",
           lambda doc: "", _authority_to("withdraw"), Controller._withdraw,
           lambda doc, entry: f"{doc.id}: withdrawn (obsolete)",
           text_required="a withdrawal needs a reason", text_flag="reason"),
)}
