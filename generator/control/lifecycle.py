"""Lifecycle actions on documents: submit, approve, reject, revise, withdraw.

Every action is checked in full before anything is written: a refused action (unknown person, no authority,
approving one's own revision, wrong state) names its reasons and leaves the register and the audit log untouched.
A bulk action is all or nothing, and it is one transaction of the control store (store.py).

Who may do what follows the document, not the document type: a document is approved (rejected, withdrawn) by a
holder of its approver function, the `approver:` of its template, or by someone a holder has delegated that function
to (delegation.py). Segregation of duties: the author (who prepared the revision: for a first issue a holder of the
owner function unless `submit --author` names someone else, for a later revision whoever revised it) and the
reviewer (who submitted it) may not approve it.

Under a change request (`--change-request CR`, change_requests.py) an action works on the request's documents
together, through the same `transition`: all or nothing, each document checked as if it were acted on alone.
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
from generator.control.audit import ActionEntry, ChangeRequestStatusEntry
from generator.control.change_requests import acting_on, alone_refusal, known, moved, prefixed, progress, request_of
from generator.control.delegation import holds, in_force_for
from generator.control.register import ChangeRequest, Delegation, Entry, Event, Register, Revision, fingerprint
from generator.control.revisions import first_revision, next_revision
from generator.control.store import Transaction
from generator.model.organisation import Organisation
from generator.render.document import Document


def approver_function(doc: Document) -> str:
    """The SMS function that approves the document: the first of its template's `approver:` that a role holds."""
    return doc.approver_function


def owner_function(doc: Document) -> str:
    return doc.owner_function


@dataclass
class Controller:
    """The lifecycle actions on one transaction of the control store: the register it read under the lock is the
    one the actions check and change, and the one committed."""
    ws: Workspace
    org: Organisation
    documents: list[Document]
    txn: Transaction
    register: Register = field(init=False)

    def __post_init__(self):
        self.register = self.txn.register
        self.by_ref = {d.id: d for d in self.documents} | {d.key: d for d in self.documents}
        self.at = now().isoformat()          # the time of the action: delegations are checked against it
        self.author: str | None = None       # `submit --author`
        self.snapshots: dict[tuple[str, str], str] = {}
        self.change_request: ChangeRequest | None = None   # `--change-request`: the request acted under
        self.notes: list[str] = []           # what an action did to change requests, for the command to print

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

    def for_request(self, cr_id: str, action: str) -> list[Document]:
        """Act under the change request `cr_id`: the documents of it the action works on (change_requests.acting_on)."""
        cr = known(self.register, cr_id)
        ids = acting_on(cr, self.register, action)
        gone = [doc_id for doc_id in ids if doc_id not in self.by_ref]
        if gone:
            raise UserError(_refused(f"{cr.id} covers {', '.join(gone)}, no longer in the document set",
                                     f"cancel it (smsgen change-request cancel {cr.id} --by PERSON --reason TEXT) and "
                                     "open a new one"))
        self.change_request = cr
        return [self.by_ref[doc_id] for doc_id in ids]

    # --- checks shared by actions -------------------------------------------------------------------------------

    def person(self, person_id: str) -> None:
        if person_id not in self.org.person:
            close = difflib.get_close_matches(person_id, list(self.org.person), n=1)
            raise UserError(_refused(f"unknown person '{person_id}'",
                                     (f"did you mean '{close[0]}'? " if close else "") + "people are the ids in "
                                     "data/people.yml"))

    def approves_as(self, person_id: str, doc: Document) -> tuple[bool, Delegation | None]:
        """Whether the person may approve the document: as a holder of its approver function, or under a delegation
        in force now (returned, so the approval names it)."""
        function = approver_function(doc)
        if holds(self.org, person_id, function):
            return True, None
        grant = in_force_for(self.register, self.org, function, person_id, self.at)
        return grant is not None, grant

    def may_approve(self, person_id: str, doc: Document) -> bool:
        return self.approves_as(person_id, doc)[0]

    def approvable(self, person_id: str, docs: list[Document]) -> tuple[list[Document], int]:
        """Of `docs`, those in review that this person may approve and neither authored nor submitted; and how many
        others in review need another approver. `approve --all` approves the first and lists the count, rather than
        refusing."""
        self.person(person_id)
        # a document of an open change request is approved only with the others (approve --change-request)
        waiting = [d for d in docs if (e := self.register.documents.get(d.id)) and e.current.status == "in_review"
                   and request_of(self.register, d.id) is None]
        mine = [d for d in waiting if self.may_approve(person_id, d)
                and person_id not in (self.register.documents[d.id].current.author,
                                      self.register.documents[d.id].current.reviewer)]
        if not mine:
            raise UserError(_refused(f"nothing to approve: no document in review that '{person_id}' may approve",
                                     "a document is approved by a holder of its approver function (`approver:` in "
                                     "its template) or under a delegation (smsgen delegate), never by its author or "
                                     "the person who submitted it; submit documents first"))
        return mine, len(waiting) - len(mine)

    def _authority(self, person_id: str, doc: Document, action: str) -> Finding | None:
        function = approver_function(doc)
        if doc.type not in doc.approver.approves:      # `smsgen check` reports it too (set.approver-authority)
            return _refused(f"{doc.id}: its approver function '{function}' is held by the {doc.approver.title}, who "
                            f"may not approve {doc.type_def.label.lower()}",
                            f"add '{doc.type}' to `approves` of role '{doc.approver.key}' in data/roles.yml, or name "
                            "another approver function in the template")
        if self.may_approve(person_id, doc):
            return None
        holders = ", ".join(p.name for p in doc.approver.holders) or "nobody"
        return _refused(f"{doc.id}: {self.org.person[person_id].name} has no authority to {action} it: its approver "
                        f"function '{function}' is held by the {doc.approver.title} ({holders})",
                        f"a holder may delegate it: smsgen delegate --function {function} --to {person_id} --by "
                        f"{doc.approver.holders[0].id if doc.approver.holders else 'HOLDER'} --reason TEXT")

    def _author_of(self, doc: Document, entry: Entry | None, submitter: str) -> str | None:
        """Who prepared the revision being submitted: `--author`, else whoever revised it (recorded when the
        revision was opened), else for a first issue a holder of the owner function (the submitter if they are
        one). None when nobody can be named."""
        if self.author is not None:
            return self.author
        if entry is not None:
            return entry.current.author
        if holds(self.org, submitter, owner_function(doc)):
            return submitter
        return doc.owner.holders[0].id if doc.owner.holders else None

    # --- actions: one transition function, driven by the table ACTIONS below ---------------------------------

    def submit(self, docs: list[Document], by: str, comment: str = "", author: str | None = None) -> list[str]:
        self.author = author
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
        if self.author is not None:
            self.person(self.author)
        problems = Findings()
        if action.text_required and not text.strip():
            problems.append(_refused(action.text_required, f"use --{action.text_flag}"))
        if effective is not None and _iso_date(effective) is None:
            problems.append(_refused(f"effective date '{effective}' is not a date in the form YYYY-MM-DD",
                                     "e.g. --effective 2026-03-01"))
        # under a change request some actions start from more states (revise: a first issue or a draft joins it)
        allowed = action.allowed_from + (action.under_request if self.change_request is not None else ())
        for doc in docs:
            entry = self.register.documents.get(doc.id)
            status = entry.current.status if entry else None
            if (status or "draft") not in allowed or (entry is None and not (action.from_nothing or "draft" in
                                                                              allowed)):
                problems.append(_refused(action.wrong_state(doc, status), action.wrong_state_hint(doc)))
                continue
            other = request_of(self.register, doc.id)
            if other is not None and other is not self.change_request and name != "reject":
                problems.append(alone_refusal(other, doc.id, name))
                continue
            problems += action.checks(self, doc, entry, by)
        if problems:
            raise UserError(problems)
        at = self.at
        log: list[ActionEntry | ChangeRequestStatusEntry] = []
        for doc in docs:
            log += action.apply(self, doc, by, at, text, effective)
        log += self._requests_moved(docs, by, at)
        self._commit(log)
        return [action.done(d, self.register.documents[d.id]) for d in docs]

    # --- what each action changes -------------------------------------------------------------------------------

    def _submit(self, doc: Document, by: str, at: str, comment: str, _: str | None) -> list[ActionEntry]:
        author = self._author_of(doc, self.register.documents.get(doc.id), by)
        assert author is not None          # checked by _submit_checks
        rev = self._entry(doc, author, at).current
        rev.author = author
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
        _, grant = self.approves_as(by, doc)
        rev.status, rev.approver, rev.approved = "approved", by, at[:10]
        rev.delegation = grant.id if grant is not None else None
        rev.effective = effective or at[:10]
        rev.fingerprint = fingerprint(doc.body)
        rev.events.append(Event(action="approve", by=by, at=at, comment=comment))
        self.snapshots[(doc.id, rev.revision)] = doc.body
        approval = self._log("approve", doc, rev, "in_review", "approved", by, at, rev.fingerprint, comment)
        if grant is not None:
            approval["delegation"] = grant.id
        return log + [approval]

    def _reject(self, doc: Document, by: str, at: str, comment: str, _: str | None) -> list[ActionEntry]:
        rev = self.register.documents[doc.id].current
        rev.status, rev.submitted, rev.submitted_fingerprint, rev.reviewer = "draft", None, None, None
        rev.events.append(Event(action="reject", by=by, at=at, comment=comment))
        return [self._log("reject", doc, rev, "in_review", "draft", by, at, None, comment)]

    def _revise(self, doc: Document, by: str, at: str, change: str, _: str | None) -> list[ActionEntry]:
        cr = self.change_request
        entry = self.register.documents.get(doc.id)
        if entry is None or entry.current.status == "draft":
            # only under a change request (Action.under_request): a first issue's draft is recorded now, authored by
            # whoever revised it; a draft opened on its own joins the request as it is
            assert cr is not None
            entry = self._entry(doc, by, at)
            rev = entry.current
            rev.change, rev.change_request = prefixed(cr.id, rev.change), cr.id
            rev.events.append(Event(action="revise", by=by, at=at, comment=change))
            return [self._log("revise", doc, rev, "draft", "draft", by, at, None, change)]
        rev = Revision(revision=next_revision(entry.current.revision, self.org.documents.revision_scheme),
                       status="draft", change=prefixed(cr.id, change) if cr else change, author=by, created=at[:10],
                       change_request=cr.id if cr else None,
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

    def _submit_checks(self, doc: Document, entry: Entry | None, by: str) -> list[Finding]:
        if self._author_of(doc, entry, by) is None:
            return [_refused(f"{doc.id}: nobody holds its owner function '{owner_function(doc)}' "
                             f"({doc.owner.title}), so its author cannot be recorded",
                             "name who prepared it: smsgen submit ... --author PERSON")]
        return []

    def _approval_checks(self, doc: Document, entry: Entry | None, by: str) -> list[Finding]:
        assert entry is not None
        rev, found = entry.current, []
        if rev.author == by:
            found.append(_refused(f"{doc.id}: {self.org.person[by].name} is the author of revision {rev.revision} "
                                  "and cannot approve it", "segregation of duties: another person with approval "
                                  "authority must approve (a holder of the approver function may delegate it: "
                                  "smsgen delegate)"))
        elif rev.reviewer == by:
            found.append(_refused(f"{doc.id}: {self.org.person[by].name} submitted revision {rev.revision} for "
                                  "approval and cannot also approve it", "segregation of duties: the reviewer and "
                                  "the approver are different people"))
        if (missing := self._authority(by, doc, "approve")) is not None:
            found.append(missing)
        if fingerprint(doc.body) != rev.submitted_fingerprint:
            found.append(_refused(f"{doc.id}: content changed after it was submitted for approval",
                                  "reject it and submit again, so the approver sees what is approved"))
        return found

    def _requests_moved(self, docs: list[Document], by: str, at: str) -> list[ChangeRequestStatusEntry]:
        """Move each open change request the action touched to where its documents now stand (in review once all
        are submitted, released once all are approved, open again after a rejection), logging each move."""
        log = []
        acted = {d.id for d in docs}
        for cr in self.register.change_requests:
            to = progress(cr, self.register)
            if to != cr.status and acted & set(cr.documents):
                log.append(moved(cr, to, by, self.org.person[by].name, at))
                self.notes.append(f"{cr.id}: {to.replace('_', ' ')}" + (f" ({len(cr.documents)} documents approved "
                                                                         "together)" if to == "released" else ""))
        return log

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
        entry: ActionEntry = {"action": action, "document": doc.id, "revision": rev.revision, "from": before,
                              "to": after, "by": by, "by_name": self.org.person[by].name, "at": at,
                              "fingerprint": print_ or "", "comment": comment}
        if rev.change_request:
            entry["change_request"] = rev.change_request
        return entry

    def _commit(self, log: list[ActionEntry | ChangeRequestStatusEntry]) -> None:
        self.register.documents = dict(sorted(self.register.documents.items()))
        self.txn.commit(log, self.snapshots)


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
    under_request: tuple[str, ...] = ()   # further states it may start from under a change request ("draft": also
    #                                       a first issue with no entry yet)
    text_required: str = ""         # the refusal when the comment / change / reason is empty
    text_flag: str = "comment"


ACTIONS = {action.name: action for action in (
    Action("submit", ("draft",),
           lambda doc, status: f"{doc.id}: cannot submit a document that is {_said(status)}",
           lambda doc: "only a draft can be submitted; revise an approved document first",
           Controller._submit_checks, Controller._submit,
           lambda doc, entry: f"{doc.id} revision {entry.current.revision}: submitted for approval (author "
                              f"{entry.current.author})", from_nothing=True),
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
           lambda doc, entry: f"{doc.id}: revision {entry.current.revision} opened as a draft"
                              + (f" under {entry.current.change_request}" if entry.current.change_request else ""),
           text_required="a revision needs a description of the change", text_flag="change",
           under_request=("draft",)),
    Action("withdraw", ("approved", "draft", "in_review"),
           lambda doc, status: f"{doc.id}: nothing to withdraw (it was never issued, or is already withdrawn)",
           lambda doc: "", _authority_to("withdraw"), Controller._withdraw,
           lambda doc, entry: f"{doc.id}: withdrawn (obsolete)",
           text_required="a withdrawal needs a reason", text_flag="reason"),
)}
