"""Lifecycle actions on documents: submit, approve, reject, revise, withdraw.

Every action is checked in full before anything is written: a refused action (unknown person, no authority,
approving one's own revision, wrong state) names its reasons and leaves the register and the audit log untouched.
A bulk action is all or nothing.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from generator.base.clock import now
from generator.base.errors import UserError
from generator.base.findings import Finding, Findings, Severity
from generator.base.workspace import Workspace
from generator.control import audit
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

    # --- actions ------------------------------------------------------------------------------------------------

    def submit(self, docs: list[Document], by: str, comment: str = "") -> list[str]:
        self.person(by)
        problems, plan = Findings(), []
        for doc in docs:
            entry = self.register.documents.get(doc.id)
            status = entry.current.status if entry else "draft"
            if status != "draft":
                problems.append(_refused(f"{doc.id}: cannot submit a document that is {status.replace('_', ' ')}",
                                         "only a draft can be submitted; revise an approved document first"))
            plan.append(doc)
        self._refuse_if(problems)
        at, log = now().isoformat(), []
        for doc in plan:
            entry = self._entry(doc, by, at)
            rev = entry.current
            rev.status, rev.reviewer, rev.submitted = "in_review", by, at[:10]
            rev.submitted_fingerprint = fingerprint(doc.body)
            rev.events.append(Event(action="submit", by=by, at=at, comment=comment))
            log.append(self._log("submit", doc, rev, "draft", "in_review", by, at, rev.submitted_fingerprint, comment))
        self._commit(log)
        return [f"{d.id} revision {self.register.documents[d.id].current.revision}: submitted for approval"
                for d in plan]

    def approve(self, docs: list[Document], by: str, comment: str = "", effective: str | None = None) -> list[str]:
        self.person(by)
        problems = Findings()
        for doc in docs:
            entry = self.register.documents.get(doc.id)
            if entry is None or entry.current.status != "in_review":
                state = entry.current.status.replace("_", " ") if entry else "draft"
                problems.append(_refused(f"{doc.id}: cannot approve a document that is {state}",
                                         f"submit it first: smsgen submit {doc.id} --by PERSON"))
                continue
            rev = entry.current
            if rev.author == by:
                problems.append(_refused(f"{doc.id}: {self.org.person[by].name} is the author of revision "
                                         f"{rev.revision} and cannot approve it",
                                         "segregation of duties: another person with approval authority must "
                                         "approve"))
            if (found := self._authority(by, doc, "approve")) is not None:
                problems.append(found)
            if fingerprint(doc.body) != rev.submitted_fingerprint:
                problems.append(_refused(f"{doc.id}: content changed after it was submitted for approval",
                                         "reject it and submit again, so the approver sees what is approved"))
        self._refuse_if(problems)
        at, log = now().isoformat(), []
        day = at[:10]
        for doc in docs:
            entry = self.register.documents[doc.id]
            for older in entry.revisions[:-1]:
                if older.status == "approved":
                    older.status = "superseded"
                    log.append(self._log("supersede", doc, older, "approved", "superseded", by, at,
                                         older.fingerprint, f"superseded by revision {entry.current.revision}"))
            rev = entry.current
            rev.status, rev.approver, rev.approved = "approved", by, day
            rev.effective = effective or day
            rev.fingerprint = fingerprint(doc.body)
            rev.events.append(Event(action="approve", by=by, at=at, comment=comment))
            self._snapshot(doc, rev.revision)
            log.append(self._log("approve", doc, rev, "in_review", "approved", by, at, rev.fingerprint, comment))
        self._commit(log)
        return [f"{d.id} revision {self.register.documents[d.id].current.revision}: approved, effective "
                f"{self.register.documents[d.id].current.effective}" for d in docs]

    def reject(self, docs: list[Document], by: str, comment: str) -> list[str]:
        self.person(by)
        problems = Findings()
        if not comment.strip():
            problems.append(_refused("a rejection needs a comment saying what to change", "use --comment"))
        for doc in docs:
            entry = self.register.documents.get(doc.id)
            if entry is None or entry.current.status != "in_review":
                problems.append(_refused(f"{doc.id}: only a document in review can be rejected"))
            elif (found := self._authority(by, doc, "reject")) is not None:
                problems.append(found)
        self._refuse_if(problems)
        at, log = now().isoformat(), []
        for doc in docs:
            rev = self.register.documents[doc.id].current
            rev.status, rev.submitted, rev.submitted_fingerprint, rev.reviewer = "draft", None, None, None
            rev.events.append(Event(action="reject", by=by, at=at, comment=comment))
            log.append(self._log("reject", doc, rev, "in_review", "draft", by, at, None, comment))
        self._commit(log)
        return [f"{d.id}: returned to draft" for d in docs]

    def revise(self, docs: list[Document], by: str, change: str) -> list[str]:
        self.person(by)
        problems = Findings()
        if not change.strip():
            problems.append(_refused("a revision needs a description of the change", "use --change"))
        for doc in docs:
            entry = self.register.documents.get(doc.id)
            if entry is None or entry.current.status != "approved":
                state = entry.current.status.replace("_", " ") if entry else "a draft of its first issue"
                problems.append(_refused(f"{doc.id}: only an approved document can be revised; it is {state}",
                                         "a draft is already open for changes"))
        self._refuse_if(problems)
        at, log = now().isoformat(), []
        scheme = self.org.documents.revision_scheme
        for doc in docs:
            entry = self.register.documents[doc.id]
            rev = Revision(revision=next_revision(entry.current.revision, scheme), status="draft", change=change,
                           author=by, created=at[:10], events=[Event(action="revise", by=by, at=at, comment=change)])
            entry.revisions.append(rev)
            entry.title = doc.title
            log.append(self._log("revise", doc, rev, "approved", "draft", by, at, None, change))
        self._commit(log)
        return [f"{d.id}: revision {self.register.documents[d.id].current.revision} opened as a draft" for d in docs]

    def withdraw(self, docs: list[Document], by: str, reason: str) -> list[str]:
        self.person(by)
        problems = Findings()
        if not reason.strip():
            problems.append(_refused("a withdrawal needs a reason", "use --reason"))
        for doc in docs:
            entry = self.register.documents.get(doc.id)
            if entry is None or entry.current.status in ("obsolete", "superseded"):
                problems.append(_refused(f"{doc.id}: nothing to withdraw (it was never issued, or is already "
                                         "withdrawn)"))
            elif (found := self._authority(by, doc, "withdraw")) is not None:
                problems.append(found)
        self._refuse_if(problems)
        at, log = now().isoformat(), []
        for doc in docs:
            entry = self.register.documents[doc.id]
            for rev in entry.revisions:
                if rev.status in ("approved", "draft", "in_review"):
                    before = rev.status
                    rev.status, rev.withdrawn_by, rev.withdrawn, rev.reason = "obsolete", by, at[:10], reason
                    log.append(self._log("withdraw", doc, rev, before, "obsolete", by, at, rev.fingerprint, reason))
        self._commit(log)
        return [f"{d.id}: withdrawn (obsolete)" for d in docs]

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

    def _snapshot(self, doc: Document, revision: str) -> None:
        write_snapshot(self.ws, doc.id, revision, doc.body)

    def _log(self, action: str, doc: Document, rev: Revision, before: str, after: str, by: str, at: str,
             print_: str | None, comment: str) -> dict:
        return {"action": action, "document": doc.id, "revision": rev.revision, "from": before, "to": after,
                "by": by, "by_name": self.org.person[by].name, "at": at, "fingerprint": print_ or "",
                "comment": comment}

    def _refuse_if(self, problems: Findings) -> None:
        if problems:
            raise UserError(problems)

    def _commit(self, log: list[dict]) -> None:
        self.register.documents = dict(sorted(self.register.documents.items()))
        save_register(self.ws.register_file, self.register)
        audit.append(self.ws.audit_file, log)


def _refused(message: str, hint: str = "") -> Finding:
    return Finding("control.refused", Severity.fatal, message, hint=hint)
