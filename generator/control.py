"""Document-control state as every output shows it: computed from the register and the content as rendered now.

A document with no register entry is the draft of its first revision. An approved document whose content no longer
matches the approved fingerprint is "changed since approval": shown as a draft of the next revision in a preview
build, and refused by a controlled build.
"""
from __future__ import annotations

import calendar
import datetime as dt
import difflib
import string
from dataclasses import dataclass, field

from .findings import Findings, Severity
from .model import Organisation
from .register import Entry, Register, fingerprint, today
from .render import Document


def first_revision(scheme: str) -> str:
    return "A" if scheme == "alpha" else "1"


def next_revision(revision: str, scheme: str) -> str:
    if scheme == "numeric":
        return str(int(revision) + 1)
    letters = string.ascii_uppercase
    # A..Z, then AA, AB ... like spreadsheet columns
    digits = [letters.index(c) for c in revision]
    i = len(digits) - 1
    while i >= 0 and digits[i] == 25:
        digits[i] = 0
        i -= 1
    if i < 0:
        digits.insert(0, 0)
    else:
        digits[i] += 1
    return "".join(letters[d] for d in digits)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class HistoryEntry:
    revision: str
    date: str
    change: str
    author: str = ""
    reviewer: str = ""
    approver: str = ""
    approved: str = ""
    effective: str = ""
    status: str = ""


@dataclass
class ControlState:
    revision: str
    status: str                # draft | in_review | approved | changed | superseded | obsolete
    effective: str = ""        # ISO date, empty until approved
    next_review: str = ""      # ISO date, empty until approved
    approved_by: str = ""
    overdue: bool = False
    changed: bool = False      # content differs from the approved fingerprint
    history: list[HistoryEntry] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return {"in_review": "In review", "changed": "Changed since approval"}.get(self.status,
                                                                                 self.status.capitalize())


def initial_state(scheme: str) -> ControlState:
    revision = first_revision(scheme)
    return ControlState(revision=revision, status="draft",
                        history=[HistoryEntry(revision=revision, date="", change="First issue (in preparation)",
                                              status="draft")])


def review_months(doc: Document, entry: Entry | None) -> int:
    return entry.review_months if entry and entry.review_months else doc.review_months


def state_of(doc: Document, entry: Entry | None, org: Organisation, on: dt.date | None = None) -> ControlState:
    if entry is None:
        return initial_state(org.documents.revision_scheme)
    name = lambda pid: org.person[pid].name if pid in org.person else (pid or "")  # noqa: E731
    current = entry.current
    history = [HistoryEntry(revision=r.revision, date=(r.approved or r.created), change=r.change,
                            author=name(r.author), reviewer=name(r.reviewer), approver=name(r.approver),
                            approved=r.approved or "", effective=r.effective or "", status=r.status)
               for r in entry.revisions]
    in_force = entry.in_force
    state = ControlState(revision=current.revision, status=current.status, history=history)
    if in_force is not None:
        state.effective = in_force.effective or ""
        state.approved_by = name(in_force.approver)
        if in_force.effective:
            due = add_months(dt.date.fromisoformat(in_force.effective), review_months(doc, entry))
            state.next_review = due.isoformat()
            state.overdue = due < (on or today())
    if current.status == "approved" and current.fingerprint != fingerprint(doc.body):
        state.changed = True
        state.status = "changed"
        state.revision = f"{next_revision(current.revision, org.documents.revision_scheme)} (draft)"
    return state


def states(documents: list[Document], register: Register, org: Organisation) -> dict[str, ControlState]:
    return {d.id: state_of(d, register.documents.get(d.id), org) for d in documents}


def control_findings(documents: list[Document], register: Register, computed: dict[str, ControlState],
                     approved_text, controlled: bool) -> Findings:
    """What stands between the set and a controlled build. In a preview these are warnings; controlled, errors."""
    findings = Findings()
    severity = Severity.error if controlled else Severity.warning
    for doc in documents:
        state, entry = computed[doc.id], register.documents.get(doc.id)
        if state.changed:
            old = approved_text(doc.id, entry.current.revision) or ""
            diff = "".join(difflib.unified_diff(old.splitlines(keepends=True), doc.body.splitlines(keepends=True),
                                                f"{doc.id} revision {entry.current.revision} (approved)",
                                                f"{doc.id} as rendered now", n=1))
            findings.add("control.changed-since-approval", severity,
                         f"{doc.id} ({doc.title}) has changed since revision {entry.current.revision} was approved"
                         + (f"\n{_indent(diff)}" if diff else ""), doc.template.display,
                         hint=f"revise it (`smsgen revise {doc.id} --by PERSON --change ...`), then submit and approve "
                              "the new revision; or restore the data or template it was approved with")
        elif controlled and state.status != "approved":
            findings.add("control.not-approved", Severity.error,
                         f"{doc.id} ({doc.title}) is {state.status_label.lower()}, not approved", doc.template.display,
                         hint="only approved documents reach a controlled build")
        if state.overdue:
            findings.add("control.review-overdue", Severity.warning,
                         f"{doc.id} ({doc.title}) was due for periodic review on {state.next_review}",
                         doc.template.display, hint="review it; if it still fits, revise and approve it again")
    return findings


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip("\n").splitlines())
