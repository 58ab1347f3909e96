"""Change requests: one change to the SMS that covers several documents, revised, reviewed and approved together and
released as one (ISO 28000 clause 6.3, planning of changes; clause 7.5.2, control of changes).

A change request (CR-001, CR-002, ...) records what changes and why, and the management-of-change assessment: what the
change affects, the security risks it touches (ids of data/risks.yml) and how, the resources and responsibilities it
needs, when it is made and what keeps security in place meanwhile. It is opened with `smsgen change-request open`,
one transaction of the control store whose log entry holds the whole record, so `verify` finds any later edit.

Its documents then move together through the lifecycle (lifecycle.py, `--change-request CR`): `revise` opens a draft
of every one at once, `submit` submits them, `approve` approves all or none, with one effective date. Each revision
records the request (`change_request`) and so does every log entry of an action on it. Status: open (drafts being
prepared) -> in_review (every document submitted) -> released (every document approved); a rejection sends it back to
open. While a request is open or in review its documents change only through it: submitting, approving, revising or
withdrawing one on its own is refused, naming the request (rejecting one is allowed: it holds the request back).

A document not yet approved may be in a request too: `revise --change-request` records the draft of its first issue
(authored by whoever revised, like any revision), and a draft opened on its own joins the request. A document in review
or withdrawn cannot join one.

Cancelling (`smsgen change-request cancel`) leaves the revisions as they are: the register keeps every revision and has
no way to discard one (withdrawing would make the whole document obsolete, the revision in force included), and a
draft never replaces the revision in force. The drafts it opened, still naming it, carry on as ordinary revisions:
submitted and approved on their own, or left as drafts.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.base.clock import now
from generator.base.errors import UserError
from generator.base.findings import Finding, Findings, Severity
from generator.base.workspace import Workspace
from generator.control.audit import DOCUMENT_ACTIONS, ChangeRequestEntry, ChangeRequestStatusEntry
from generator.control.delegation import holds, unknown_person
from generator.control.register import ChangeAssessment, ChangeRequest, Register, RequestStatus
from generator.model.fields import MAX_NAME, MAX_TEXT
from generator.model.organisation import Organisation
from generator.model.yaml_source import read
from generator.render.document import Document

ACTIVE = ("open", "in_review")          # a request whose documents change only through it
STATUS_LABELS = {"open": "Open", "in_review": "In review", "released": "Released", "cancelled": "Cancelled"}
# The fields of a request as given on the command line (--risk-effect) or in a --from-file YAML (risk_effect), with
# what each asks, in the order the assessment is read.
TEXT_FIELDS = {
    "title": "a title",
    "reason": "why the change is made",
    "impact": "what the change affects and what could follow from it, the SMS as a whole included",
    "risk_effect": "how the change alters the security risks it touches, and any risk it creates ('none' if so)",
    "resources": "the resources the change needs",
    "responsibilities": "who is responsible for making it, and any responsibility or authority it moves",
    "timing": "when the change is to be made",
    "interim_controls": "the controls that keep security in place while it is under way ('none needed' if so)",
}
LIST_FIELDS = {"documents": "the documents the change covers (IDs or template keys)",
               "risks": "the ids of the risks in data/risks.yml the change affects"}
ASSESSMENT_LABELS = {"impact": "Impact", "risks": "Security risks affected", "risk_effect": "Effect on security risks",
                     "resources": "Resources", "responsibilities": "Responsibilities", "timing": "Timing",
                     "interim_controls": "Interim controls"}
# who may cancel a request besides whoever opened it: the functions that own the management of change
CANCELLERS = ("sms_manager", "top_management")


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def option(name: str) -> str:
    """The command-line option of a field: risk_effect -> --risk-effect."""
    return "--" + name.replace("_", "-")


# --- finding requests and their documents --------------------------------------------------------------------------

def find(register: Register, cr_id: str) -> ChangeRequest | None:
    return next((cr for cr in register.change_requests if cr.id == cr_id.strip().upper()), None)


def request_of(register: Register, doc_id: str) -> ChangeRequest | None:
    """The open (or in review) change request the document belongs to, if any."""
    return next((cr for cr in register.change_requests if cr.status in ACTIVE and doc_id in cr.documents), None)


def known(register: Register, cr_id: str) -> ChangeRequest:
    """The request `cr_id`, or the refusal naming the ones there are."""
    cr = find(register, cr_id)
    if cr is None:
        ids = ", ".join(c.id for c in register.change_requests) or "none opened yet"
        raise UserError(_refused(f"unknown change request '{cr_id}'", f"change requests: {ids} "
                                 "(smsgen change-request list)"))
    return cr


def progress(cr: ChangeRequest, register: Register) -> RequestStatus:
    """Where an active request stands, from the current revisions of its documents: released when every one is
    approved under it, in review when every one is in review under it, open otherwise. A released or cancelled
    request stays so."""
    if cr.status not in ACTIVE:
        return cr.status
    states = []
    for doc_id in cr.documents:
        entry = register.documents.get(doc_id)
        states.append(entry.current.status if entry is not None and entry.current.change_request == cr.id else None)
    if all(s == "approved" for s in states):
        return "released"
    return "in_review" if all(s == "in_review" for s in states) else "open"


def acting_on(cr: ChangeRequest, register: Register, action: str) -> list[str]:
    """The documents of the request an action under it works on, or the refusals (every one) saying why it cannot
    run. revise: all, none opened under it yet; submit: its drafts; approve: all, every one in review; reject: those
    in review."""
    problems = Findings()
    if cr.status not in ACTIVE:
        raise UserError(_refused(f"{cr.id} is {status_label(cr.status).lower()}: its documents can no longer be "
                                 f"{_done(action)} through it", "open a new change request: smsgen change-request "
                                 "open ..."))
    under, chosen = {}, []
    for doc_id in cr.documents:
        entry = register.documents.get(doc_id)
        under[doc_id] = entry.current if entry is not None and entry.current.change_request == cr.id else None
    if action == "revise":
        for doc_id, rev in under.items():
            if rev is not None:
                problems.append(_refused(f"{doc_id}: revision {rev.revision} is already open under {cr.id}",
                                         f"submit them: smsgen submit --change-request {cr.id} --by PERSON"))
        chosen = list(cr.documents)
    else:
        for doc_id, rev in under.items():
            if rev is None:
                problems.append(_refused(f"{doc_id}: no revision is open under {cr.id} yet",
                                         f"open them all first: smsgen revise --change-request {cr.id} --by PERSON"))
            elif action == "approve" and rev.status != "in_review":
                said = "still a draft" if rev.status == "draft" else rev.status.replace("_", " ")
                problems.append(_refused(f"{doc_id}: revision {rev.revision} is {said}, so {cr.id} cannot be "
                                         "approved: its documents are approved all together",
                                         f"submit it: smsgen submit --change-request {cr.id} --by PERSON"))
        wanted = {"submit": "draft", "approve": "in_review", "reject": "in_review"}[action]
        chosen = [d for d, rev in under.items() if rev is not None and rev.status == wanted]
        if not problems and not chosen:
            problems.append(_refused(f"nothing to {action} in {cr.id}: none of its documents is "
                                     f"{wanted.replace('_', ' ')}", "smsgen change-request show " + cr.id))
    if problems:
        raise UserError(problems)
    return chosen


def alone_refusal(cr: ChangeRequest, doc_id: str, action: str) -> Finding:
    """Why a document of an active request is not submitted, approved, revised or withdrawn on its own."""
    how = {"revise": f"smsgen revise --change-request {cr.id} --by PERSON",
           "submit": f"smsgen submit --change-request {cr.id} --by PERSON",
           "approve": f"smsgen approve --change-request {cr.id} --by PERSON",
           "withdraw": f"cancel the request first: smsgen change-request cancel {cr.id} --by PERSON --reason TEXT"}
    return _refused(f"{doc_id} belongs to change request {cr.id} ({status_label(cr.status).lower()}: "
                    f"{cr.title}) and cannot be {_done(action)} on its own: its {len(cr.documents)} documents are "
                    "revised, submitted and approved together", how[action])


def prefixed(cr_id: str, text: str) -> str:
    """The change text of a revision made under a request names it: "CR-001: Yard renamed"."""
    return text if text.startswith(f"{cr_id}: ") else f"{cr_id}: {text}"


def moved(cr: ChangeRequest, to: RequestStatus, by: str, by_name: str, at: str,
          comment: str = "") -> ChangeRequestStatusEntry:
    """Move the request to `to`, returning its log entry."""
    entry: ChangeRequestStatusEntry = {"action": "change-request-status", "change_request": cr.id,
                                       "from": cr.status, "to": to, "by": by, "by_name": by_name, "at": at,
                                       "comment": comment}
    cr.status = to
    if to == "released":
        cr.released = at[:10]
    return entry


# --- opening a request ------------------------------------------------------------------------------------------------

@dataclass
class Given:
    """One value of a request as given: a command-line option, or a key of the --from-file YAML (with its line)."""
    value: object
    path: str = ""
    line: int = 0
    name: str = ""        # the option (--reason) or the key (reason)


@dataclass
class Request:
    """What `change-request open` was given, field by field, and the problems of reading it."""
    values: dict[str, Given] = field(default_factory=dict)
    problems: Findings = field(default_factory=Findings)
    readable: bool = True      # False when the --from-file could not be read: its fields are not reported missing

    def finding(self, name: str, message: str, hint: str = "") -> Finding:
        given = self.values.get(name)
        if given is None or not given.path:
            return Finding("control.refused", Severity.fatal, message, field=given.name if given else option(name),
                           hint=hint)
        return Finding("control.refused", Severity.fatal, message, given.path, given.line, 1, given.name, hint)


def from_file(path: Path, display: str) -> Request:
    """The fields of a request from a YAML mapping (keys as TEXT_FIELDS and LIST_FIELDS name them). Every problem is
    a finding at its line."""
    request = Request()
    if not path.is_file():
        request.problems.add("control.refused", Severity.fatal, f"{display}: no such file",
                             hint="--from-file names a YAML file of the request's fields")
        request.readable = False
        return request
    source, problems = read(path, display)
    request.problems += [Finding(f.code, Severity.fatal, f.message, f.path, f.line, f.col, f.field, f.hint)
                         for f in problems]
    if problems or not isinstance(source.data, dict):
        if not problems:
            request.problems.add("control.refused", Severity.fatal, "a change request file is a mapping of fields "
                                 "(key: value)", display, 1, 1, hint="keys: " + ", ".join([*TEXT_FIELDS, *LIST_FIELDS]))
        request.readable = False
        return request
    keys = [*TEXT_FIELDS, *LIST_FIELDS]
    for key, value in source.data.items():
        line = source.where((key,))[0]
        if key not in keys:
            close = difflib.get_close_matches(str(key), keys, n=1)
            request.problems.add("control.refused", Severity.fatal, f"unknown field '{key}'", display, line, 1,
                                 str(key), hint=f"did you mean '{close[0]}'?" if close else "keys: " + ", ".join(keys))
            continue
        if key in LIST_FIELDS and isinstance(value, str):
            value = [value]         # one document may be written without brackets
        request.values[key] = Given(value, display, line, key)
    return request


def open_request(txn_register: Register, org: Organisation, documents: list[Document], by: str,
                 request: Request) -> tuple[ChangeRequest, ChangeRequestEntry]:
    """Check a request in full (every problem reported at once, as findings) and add it to the register; returns it and
    its log entry for the caller's transaction to commit."""
    problems = Findings(request.problems)
    if by not in org.person:
        problems.append(unknown_person(org, by))
    texts: dict[str, str] = {}
    for name, asks in TEXT_FIELDS.items():
        given = request.values.get(name)
        value = given.value if given is not None else ""
        text = value.strip() if isinstance(value, str) else ""
        limit = MAX_NAME if name == "title" else MAX_TEXT
        if not isinstance(value, str):
            problems.append(request.finding(name, f"{name.replace('_', ' ')} is text, not {_kind(value)}",
                                            "put the value in quotes"))
        elif not text:
            if given is not None or request.readable:
                problems.append(request.finding(name, f"a change request needs {asks}: {name.replace('_', ' ')} "
                                                f"is {'empty' if given is not None else 'missing'}",
                                                f"give {option(name)} TEXT, or `{name}:` in the --from-file YAML"))
        elif len(text) > limit:
            problems.append(request.finding(name, f"{name.replace('_', ' ')} is longer than {limit} characters"))
        else:
            texts[name] = text
    doc_ids = _documents(request, txn_register, documents, problems)
    risk_ids = _risks(request, org, problems)
    if problems:
        raise UserError(problems)
    at = now().isoformat()
    cr = ChangeRequest(id=_next_id(txn_register), title=texts["title"], reason=texts["reason"], documents=doc_ids,
                       assessment=ChangeAssessment(impact=texts["impact"], risks=risk_ids,
                                                   risk_effect=texts["risk_effect"], resources=texts["resources"],
                                                   responsibilities=texts["responsibilities"], timing=texts["timing"],
                                                   interim_controls=texts["interim_controls"]),
                       status="open", opened_by=by, opened=at)
    txn_register.change_requests.append(cr)
    entry: ChangeRequestEntry = {"action": "change-request", "change_request": cr.id, "title": cr.title,
                                 "reason": cr.reason, "documents": list(cr.documents),
                                 "assessment": cr.assessment.model_dump(mode="json"), "by": by,
                                 "by_name": org.person[by].name, "at": at}
    return cr, entry


def _strings(request: Request, name: str, problems: Findings) -> list[str]:
    given = request.values.get(name)
    if given is None:
        return []
    if not isinstance(given.value, list) or not all(isinstance(v, str) for v in given.value):
        problems.append(request.finding(name, f"{name} is a list of ids, not {_kind(given.value)}",
                                        f"e.g. {name}: [ID, ID]"))
        return []
    return [v.strip() for v in given.value]


def _documents(request: Request, register: Register, documents: list[Document], problems: Findings) -> list[str]:
    refs = _strings(request, "documents", problems)
    given = request.values.get("documents")
    if given is not None and given.value == [] or given is None and request.readable:   # a wrong kind: _strings
        problems.append(request.finding("documents", "a change request needs " + LIST_FIELDS["documents"],
                                        "give --documents ID [ID ...], or `documents:` in the --from-file YAML"))
    by_ref = {d.id: d for d in documents} | {d.key: d for d in documents}
    chosen: list[str] = []
    for ref in refs:
        doc = by_ref.get(ref)
        if doc is None:
            close = difflib.get_close_matches(ref, [d.id for d in documents], n=1)
            problems.append(request.finding("documents", f"unknown document '{ref}'",
                                            (f"did you mean '{close[0]}'? " if close else "") +
                                            "use document IDs or template keys (smsgen status)"))
            continue
        if doc.id in chosen:
            problems.append(request.finding("documents", f"{doc.id} is named twice" +
                                            (f" (as '{ref}')" if ref != doc.id else ""), "name each document once"))
            continue
        chosen.append(doc.id)
        other = request_of(register, doc.id)
        entry = register.documents.get(doc.id)
        if other is not None:
            problems.append(request.finding("documents", f"{doc.id} already belongs to change request {other.id} "
                                            f"({status_label(other.status).lower()}: {other.title})",
                                            f"a document is in one open change request at a time: complete or "
                                            f"cancel {other.id} first"))
        elif entry is not None and entry.current.status == "obsolete":
            problems.append(request.finding("documents", f"{doc.id} is withdrawn (obsolete) and cannot be changed"))
        elif entry is not None and entry.current.status == "in_review":
            problems.append(request.finding("documents", f"{doc.id}: revision {entry.current.revision} is in review "
                                            "on its own", f"approve or reject it first (smsgen approve {doc.id} ...)"))
    return chosen


def _risks(request: Request, org: Organisation, problems: Findings) -> list[str]:
    ids = _strings(request, "risks", problems)
    seen: list[str] = []
    for risk_id in ids:
        if risk_id in seen:
            problems.append(request.finding("risks", f"risk {risk_id} is named twice", "name each risk once"))
            continue
        seen.append(risk_id)
        # the organisation's risk register is the reference, when its data has one
        if org.risks and risk_id not in org.risk:
            close = difflib.get_close_matches(risk_id, list(org.risk), n=1)
            problems.append(request.finding("risks", f"unknown risk '{risk_id}'",
                                            (f"did you mean '{close[0]}'? " if close else "") +
                                            "risks are the ids in data/risks.yml"))
    return seen


def _next_id(register: Register) -> str:
    numbers = [int(cr.id[3:]) for cr in register.change_requests if cr.id[3:].isdigit()]
    return f"CR-{max(numbers, default=0) + 1:03d}"


# --- cancelling -------------------------------------------------------------------------------------------------------

def cancel(register: Register, org: Organisation, cr_id: str, by: str,
           reason: str) -> tuple[ChangeRequest, ChangeRequestStatusEntry]:
    """Cancel an open or in-review request: its revisions stay as they are (see the module's docstring)."""
    problems = Findings()
    if by not in org.person:
        problems.append(unknown_person(org, by))
    if not reason.strip():
        problems.append(_refused("a cancellation needs a reason", "use --reason"))
    cr = find(register, cr_id)
    if cr is None:
        problems.append(_refused(f"unknown change request '{cr_id}'", "smsgen change-request list"))
    elif cr.status not in ACTIVE:
        problems.append(_refused(f"{cr.id} is already {status_label(cr.status).lower()}"))
    elif by in org.person and by != cr.opened_by and not any(holds(org, by, f) for f in CANCELLERS):
        titles = ", ".join(dict.fromkeys(org.function[f].title for f in CANCELLERS if f in org.function))
        problems.append(_refused(f"{org.person[by].name} may not cancel {cr.id}",
                                 f"whoever opened it ({cr.opened_by}) or a holder of the {' or '.join(CANCELLERS)} "
                                 f"function ({titles}) may"))
    if problems:
        raise UserError(problems)
    assert cr is not None
    at = now().isoformat()
    entry = moved(cr, "cancelled", by, org.person[by].name, at, reason.strip())
    cr.cancelled_by, cr.cancelled, cr.cancel_reason = by, at, reason.strip()
    return cr, entry


# --- what the request is, in words --------------------------------------------------------------------------------

def document_states(cr: ChangeRequest, register: Register) -> list[tuple[str, str, str]]:
    """Each document of the request: (ID, revision under the request or "", its status under it or "not opened")."""
    rows: list[tuple[str, str, str]] = []
    for doc_id in cr.documents:
        entry = register.documents.get(doc_id)
        rev = next((r for r in reversed(entry.revisions) if r.change_request == cr.id), None) if entry else None
        rows.append((doc_id, rev.revision if rev else "", rev.status if rev else "not opened"))
    return rows


def summary(cr: ChangeRequest) -> str:
    return (f"{cr.id} ({status_label(cr.status).lower()}): {cr.title} - {len(cr.documents)} document(s): "
            f"{', '.join(cr.documents)}")


def details(cr: ChangeRequest, register: Register, org: Organisation) -> list[str]:
    """`change-request show`: the request, its assessment and its documents with their states."""
    name = lambda pid: org.person[pid].name if pid in org.person else pid  # noqa: E731
    lines = [f"{cr.id}: {cr.title}", f"  status:  {status_label(cr.status)}"
             + (f" {cr.released}" if cr.released else "")
             + (f" {cr.cancelled[:10]} by {name(cr.cancelled_by or '')}: {cr.cancel_reason}" if cr.cancelled else ""),
             f"  opened:  {cr.opened[:10]} by {name(cr.opened_by)}", f"  reason:  {cr.reason}"]
    for key, label in ASSESSMENT_LABELS.items():
        value = getattr(cr.assessment, key)
        lines.append(f"  {label.lower()}: {', '.join(value) or 'none named' if isinstance(value, list) else value}")
    lines.append("  documents:")
    for doc_id, revision, status in document_states(cr, register):
        title = register.documents[doc_id].title if doc_id in register.documents else ""
        lines.append(f"    {doc_id:24} {('rev. ' + revision) if revision else '':9} {status.replace('_', ' '):12} "
                     f"{title}")
    return lines


# --- verify: the log explains every request and every revision's link to one ---------------------------------------

def explained(ws: Workspace, register: Register, entries: list[dict[str, Any]]) -> Findings:
    """Every change request of the register is the one logged when it was opened, at the status the log last gave
    it; every revision names the request the log's actions on it named."""
    findings, display = Findings(), ws.display(ws.register_file)
    opened: dict[str, dict[str, Any]] = {}
    last: dict[str, dict[str, Any]] = {}
    links: dict[tuple[str, str], str] = {}
    for entry in entries:
        if entry["action"] == "change-request":
            opened[entry["change_request"]] = {k: entry[k] for k in ("title", "reason", "documents", "assessment",
                                                                      "by", "at")}
        elif entry["action"] == "change-request-status":
            last[entry["change_request"]] = entry
        elif entry["action"] in DOCUMENT_ACTIONS and isinstance(entry.get("change_request"), str):
            links[(entry["document"], entry["revision"])] = entry["change_request"]
    by_id: dict[str, ChangeRequest] = {}
    for cr in register.change_requests:
        if cr.id in by_id:
            findings.add("audit.unexplained", Severity.error, f"change request {cr.id} is in the register twice",
                         display, hint="the register was edited outside smsgen")
            continue
        by_id[cr.id] = cr
        logged = opened.pop(cr.id, None)
        recorded = {"title": cr.title, "reason": cr.reason, "documents": list(cr.documents),
                    "assessment": cr.assessment.model_dump(mode="json"), "by": cr.opened_by, "at": cr.opened}
        if logged is None:
            findings.add("audit.unexplained", Severity.error, f"change request {cr.id} is in the register but no "
                         "logged action opened it", display, hint="the register was edited outside smsgen")
            continue
        if logged != recorded:
            fields = ", ".join(k for k in recorded if recorded[k] != logged.get(k))
            findings.add("audit.unexplained", Severity.error, f"change request {cr.id} differs from the request "
                         f"logged when it was opened ({fields})", display,
                         hint="the register was edited outside smsgen")
        status = last.get(cr.id)
        expected = status["to"] if status is not None else "open"
        if cr.status != expected:
            findings.add("audit.unexplained", Severity.error, f"change request {cr.id} is '{cr.status}' in the "
                         f"register but the log ends at '{expected}'", display,
                         hint="an action was interrupted (smsgen recover) or the register was edited")
        elif cr.status == "cancelled" and status is not None and \
                (cr.cancelled_by, cr.cancel_reason) != (status["by"], status["comment"]):
            findings.add("audit.unexplained", Severity.error, f"change request {cr.id}: who cancelled it, or why, "
                         "differs from the logged cancellation", display)
    for missing in sorted(opened):
        findings.add("audit.unexplained", Severity.error, f"change request {missing} is in the log but missing from "
                     "the register", display, hint="the register was edited or restored from an older copy")
    for doc_id, doc in register.documents.items():
        for rev in doc.revisions:
            logged_link = links.get((doc_id, rev.revision))
            if rev.change_request != logged_link:
                findings.add("audit.unexplained", Severity.error, f"{doc_id} revision {rev.revision} names change "
                             f"request {rev.change_request or 'none'} in the register but "
                             f"{logged_link or 'none'} in the log", display,
                             hint="the register was edited outside smsgen")
            elif rev.change_request and doc_id not in getattr(by_id.get(rev.change_request), "documents", ()):
                findings.add("audit.unexplained", Severity.error, f"{doc_id} revision {rev.revision} names change "
                             f"request {rev.change_request}, which does not cover it", display,
                             hint="the register was edited outside smsgen")
    return findings


# --- helpers ------------------------------------------------------------------------------------------------------

def _done(action: str) -> str:
    return {"revise": "revised", "submit": "submitted", "approve": "approved", "reject": "rejected",
            "withdraw": "withdrawn"}.get(action, action)


def _kind(value: object) -> str:
    return {list: "a list", dict: "a mapping", bool: "a yes/no value", int: "a number", float: "a number",
            type(None): "empty"}.get(type(value), type(value).__name__)


def _refused(message: str, hint: str = "") -> Finding:
    return Finding("control.refused", Severity.fatal, message, hint=hint)
