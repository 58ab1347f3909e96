"""Document-control state as every output shows it: computed from the register and the content as rendered now.

A document with no register entry is the draft of its first revision. An approved document whose content no longer
matches the approved fingerprint is "changed since approval": shown as a draft of the next revision in a preview
build, and refused by a controlled build.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator.base.clock import today
from generator.control.meta import status_label
from generator.control.register import Entry, Register, fingerprint
from generator.control.revisions import add_months, first_revision, next_revision
from generator.control.signatures import signature_line, signed_copy
from generator.model.organisation import Organisation
from generator.render.document import Document


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
    change_request: str = ""   # the change request the revision was made under (its change text names it too)


@dataclass
class ControlState:
    revision: str
    status: str                # draft | in_review | approved | changed | superseded | obsolete
    effective: str = ""        # ISO date, empty until approved
    next_review: str = ""      # ISO date, empty until approved
    approved_by: str = ""
    change_request: str = ""   # of the current revision
    overdue: bool = False
    changed: bool = False      # content differs from the approved fingerprint
    history: list[HistoryEntry] = field(default_factory=list)
    signature: str = ""        # who signed the approved revision, or "not signed" ("" when signatures are off)
    signed_pdf: dict[str, str] = field(default_factory=dict)   # signatures.signed_copy: its signed PDF, if any

    @property
    def status_label(self) -> str:
        return status_label(self.status)


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
                            approved=r.approved or "", effective=r.effective or "", status=r.status,
                            change_request=r.change_request or "")
               for r in entry.revisions]
    in_force = entry.in_force
    state = ControlState(revision=current.revision, status=current.status, history=history,
                         change_request=current.change_request or "")
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
    elif current.status == "approved" and org.documents.signatures != "off":
        state.signature = signature_line(current, org)
        state.signed_pdf = signed_copy(current, doc.id)
    return state


def states(documents: list[Document], register: Register, org: Organisation) -> dict[str, ControlState]:
    return {d.id: state_of(d, register.documents.get(d.id), org) for d in documents}


def due_for_review(documents: list[Document], computed: dict[str, ControlState], within_days: int,
                   on: dt.date | None = None) -> list[tuple[dt.date, Document, bool]]:
    """Documents whose periodic review falls within `within_days` (or is overdue), by date then ID, each with
    whether it is overdue."""
    day = on or today()
    horizon = day + dt.timedelta(days=within_days)
    rows = []
    for doc in documents:
        due = computed[doc.id].next_review
        if due and dt.date.fromisoformat(due) <= horizon:
            rows.append((dt.date.fromisoformat(due), doc, dt.date.fromisoformat(due) < day))
    return sorted(rows, key=lambda row: (row[0], row[1].id))
