"""The document-control register: per document, every revision with its author, reviewer, approver, dates and the
fingerprint of the content approved. Human-readable YAML in control/register.yml, written only by smsgen, atomically.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError

from generator.base.errors import UserError
from generator.model.fields import Strict
from generator.model.validation import from_pydantic
from generator.model.yaml_source import read

Status = Literal["draft", "in_review", "approved", "superseded", "obsolete"]
RequestStatus = Literal["open", "in_review", "released", "cancelled"]   # of a change request


class Event(Strict):
    action: str
    by: str
    at: str
    comment: str = ""


class Signature(Strict):
    """An approval signed with the approver's own key (`smsgen sign`, generator/control/signing.py): a PAdES signature
    in the approved revision's PDF, control/signed/<ID>/<REV>.pdf, each an incremental update over the one before."""
    by: str = Field(description="Person id of the signer: the person who made the approval")
    function: str = Field(description="The SMS function the approval was made for")
    field: str = Field(description="The PDF signature field holding it")
    reason: str = Field(description="What the signature means, as the PDF states it")
    certificate_sha256: str = Field(description="SHA-256 of the signer's certificate (DER)")
    pdf_sha256: str = Field(description="SHA-256 of the signed PDF once this signature was added")
    at: str = Field(description="ISO 8601 signing time")


class Revision(Strict):
    revision: str
    status: Status
    change: str
    author: str = Field(description="Person id of whoever prepared the revision")
    created: str
    reviewer: str | None = Field(None, description="Person id of whoever reviewed it and submitted it for approval")
    submitted: str | None = None
    submitted_fingerprint: str | None = None
    approver: str | None = None
    delegation: str | None = Field(None, description="Id of the delegation the approver acted under, when the "
                                   "approver does not hold the document's approver function")
    approved: str | None = None
    effective: str | None = None
    fingerprint: str | None = Field(None, description="SHA-256 of the content as approved")
    withdrawn_by: str | None = None
    withdrawn: str | None = None
    reason: str | None = None
    change_request: str | None = Field(None, description="Id of the change request (CR-001) the revision was made "
                                       "under, when it was")
    events: list[Event] = []
    signatures: list[Signature] = Field([], description="The approval's signatures, in the order made")


class Entry(Strict):
    title: str
    type: str
    review_months: int | None = Field(None, description="Overrides the review period of the document's type")
    revisions: list[Revision] = Field(min_length=1)

    @property
    def current(self) -> Revision:
        return self.revisions[-1]

    @property
    def in_force(self) -> Revision | None:
        """The approved revision users must follow, if any (a newer draft does not replace it until approved)."""
        for rev in reversed(self.revisions):
            if rev.status == "approved":
                return rev
        return None


class Release(Strict):
    version: str
    date: str
    by: str
    documents: dict[str, str] = Field(description="Document ID -> the revision this release contains")
    source: str | None = Field(None, description="The git commit of the data, templates and control records the "
                                                 "release was built from")


class Delegation(Strict):
    """A holder of an SMS function lets another person approve (and reject, withdraw) the documents that function
    approves: recorded by `smsgen delegate`, in force from `granted` until `until` (inclusive) or until revoked."""
    id: str = Field(description="D1, D2, ... in the order granted")
    function: str = Field(description="The SMS function whose approvals are delegated")
    to: str = Field(description="Person id of the delegate")
    by: str = Field(description="Person id of the holder of the function who granted it")
    reason: str
    granted: str = Field(description="ISO 8601 time the delegation was recorded")
    until: str | None = Field(None, description="Last day (ISO date) the delegation is in force")
    revoked: str | None = Field(None, description="ISO 8601 time the delegation was revoked")
    revoked_by: str | None = None
    revoke_reason: str | None = None

    def in_force(self, at: str) -> bool:
        """Whether the delegation may be used at the ISO 8601 time `at`."""
        return self.granted <= at and self.revoked is None and (self.until is None or at[:10] <= self.until)


class ChangeAssessment(Strict):
    """The management-of-change assessment (ISO 28000 clause 6.3, in our words): a change to the SMS is planned,
    weighing what it is for and what could follow from it, the security risks it touches, whether the SMS keeps
    working while it is made, the resources it needs and who is responsible for what."""
    impact: str = Field(description="What the change affects and what could follow from it, the SMS as a whole "
                                    "included")
    risks: list[str] = Field([], description="Ids of the risks of data/risks.yml the change affects")
    risk_effect: str = Field(description="How the change alters those risks, and any security risk it creates")
    resources: str = Field(description="The people, money, time and equipment the change needs")
    responsibilities: str = Field(description="Who is responsible for making the change, and any responsibility or "
                                              "authority it moves")
    timing: str = Field(description="When the change is to be made, and any date it depends on")
    interim_controls: str = Field(description="The controls that keep security in place while the change is under "
                                              "way")


class ChangeRequest(Strict):
    """One change covering several documents: revised, reviewed and approved together, released as one. Recorded by
    `smsgen change-request open`; generator/control/change_requests.py keeps the rules."""
    id: str = Field(description="CR-001, CR-002, ... in the order opened")
    title: str
    reason: str = Field(description="Why the change is made")
    documents: list[str] = Field(min_length=1, description="IDs of the documents the change covers")
    assessment: ChangeAssessment
    status: RequestStatus = Field(
        description="open (being drafted), in_review (every document submitted), released (every document approved "
                    "together) or cancelled")
    opened_by: str = Field(description="Person id of whoever opened it")
    opened: str = Field(description="ISO 8601 time it was opened")
    released: str | None = Field(None, description="ISO date its documents were approved")
    cancelled_by: str | None = None
    cancelled: str | None = Field(None, description="ISO 8601 time it was cancelled")
    cancel_reason: str | None = None


class Register(Strict):
    documents: dict[str, Entry] = {}
    releases: list[Release] = []
    delegations: list[Delegation] = []
    change_requests: list[ChangeRequest] = Field([], description="Change requests (CR-001, ...), in the order opened")


def fingerprint(text: str) -> str:
    """SHA-256 of a document's content, insensitive to trailing whitespace and line-ending differences."""
    normal = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().splitlines())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def load_register(path: Path, display: str) -> Register:
    if not path.exists():
        return Register()
    source, problems = read(path, display)
    if problems:
        raise UserError(problems)
    try:
        return Register.model_validate(source.data or {})
    except ValidationError as exc:
        raise UserError([from_pydantic(e, source, Register) for e in exc.errors()]) from None


HEADER = ("# Document-control register, written by smsgen (submit, approve, reject, revise, withdraw, delegate,\n"
          "# release). Do not edit by hand: `smsgen verify` checks it against the audit log in audit.jsonl.\n")


def register_text(register: Register) -> str:
    """The register as written to control/register.yml (and into the control store's journal)."""
    data = register.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
    for key in ("releases", "delegations", "change_requests"):
        if not data.get(key):
            data.pop(key, None)
    for entry in data["documents"].values():
        for rev in entry["revisions"]:
            for key in ("events", "signatures"):
                if not rev.get(key):
                    rev.pop(key, None)
        if entry.get("review_months") is None:
            entry.pop("review_months", None)
    return HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
