"""A document's control data as its generated page carries it (the `control:` front matter every exporter reads
back), and the words for its statuses. Kept apart from the control state (state.py, which loads the register and the
organisation's model) so that a conversion worker, which only reads pages, loads neither."""
from __future__ import annotations

from typing import TypedDict

STATUS_LABELS = {"draft": "Draft", "in_review": "In review", "approved": "Approved",
                 "changed": "Changed since approval", "superseded": "Superseded", "obsolete": "Obsolete"}


def status_label(status: str) -> str:
    """The words every output uses for a status: site, DOCX, PDF, registers and the command line."""
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


class ControlMeta(TypedDict, total=False):
    """A document's control data as its generated page carries it in front matter (`control:`): written by the
    pages stage, read back by every exporter. A document's page has every key; a page that is no document (an
    index) reads back as {}."""
    id: str
    title: str          # the title alone (the page's `title` is "ID Title", so search results show the ID)
    key: str
    type: str
    type_label: str
    revision: str
    status: str
    status_label: str
    owner: str
    approver: str
    effective: str
    next_review: str
    review_months: int
    review_overdue: bool
    approved_by: str
    classification: str
    clauses: list[str]
    retention: str
    record_classification: str   # forms: the classification of completed records ("" for other documents)
    classification_label: str    # the level as the organisation names it (documents.yml classification_names)
    record_classification_label: str
    marking: str                 # the legend documents of this level carry ("" if none)
    compensating_control: str    # how segregation is kept when one role owns and approves it ("" otherwise)
    template: str
    history: list[dict[str, str]]   # HistoryEntry fields
    changes_from: str   # the revision the site's "changes from revision N" page compares with (absent: no page)
    signature: str      # the "Signature" row of the control block (absent while signatures are off, or unapproved)
    signed_pdf: dict[str, str]   # the approved revision's signed PDF: file, sha256, fingerprint (absent: none)
