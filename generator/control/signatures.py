"""Signed approvals as the rest of smsgen sees them, without the cryptography: where the signed PDFs and certificates
live in the control store, what a signature says it means, the line a control block prints, and what a controlled
build requires when `signatures: required` (documents.yml).

The signing and the validation themselves (keys, certificates, pyHanko) are in signing.py, which only the commands
that sign or verify load: a build reads only what is here, so it needs no cryptography library to start.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from generator.base.findings import Findings, Severity
from generator.base.workspace import Workspace
from generator.control.register import Register, Revision
from generator.model.organisation import Organisation
from generator.render.document import Document

SIGNED = "signed"              # control/signed/<ID>/<REV>.pdf
CERTIFICATES = "certificates"  # control/certificates/<holder>.pem, and <holder>-<sha8>.pem once replaced
CA = "ca"                      # the holder name of the organisation's CA certificate
SHOWN = 16                     # hex digits of a certificate's SHA-256 a control block prints
PACK_CERTIFICATES = "signatures/certificates"   # where a Stage 1 pack carries the certificates


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def signed_relpath(doc_id: str, revision: str) -> str:
    """Where the signed PDF of a revision lives, under control/."""
    return f"{SIGNED}/{doc_id}/{revision}.pdf"


def signed_path(ws: Workspace, doc_id: str, revision: str) -> Path:
    return ws.control_dir / signed_relpath(doc_id, revision)


def certificate_relpath(holder: str, sha: str | None = None) -> str:
    """The holder's current certificate (control/certificates/ann.pem), or with `sha` one it replaced
    (ann-1a2b3c4d.pem): signatures made with it must still verify, so it is kept."""
    return f"{CERTIFICATES}/{holder}-{sha[:8]}.pem" if sha else f"{CERTIFICATES}/{holder}.pem"


def reason(function_title: str, function: str, doc_id: str, revision: str, fingerprint: str) -> str:
    """What an approval's signature means, as the PDF's signature states it and `verify` expects it."""
    return (f"Approved as {function_title} ({function}): {doc_id} revision {revision}, content SHA-256 "
            f"{fingerprint}")


def signature_line(rev: Revision, org: Organisation) -> str:
    """The control block's "Signature" row: who signed the revision with which certificate, or that nobody has."""
    if not rev.signatures:
        return "not signed"
    name = lambda pid: org.person[pid].name if pid in org.person else pid  # noqa: E731
    return "; ".join(f"digitally signed by {name(s.by)}, certificate SHA-256 {s.certificate_sha256[:SHOWN]}…"
                     for s in rev.signatures)


def signed_copy(rev: Revision, doc_id: str) -> dict[str, str]:
    """What a page's front matter says of the revision's signed PDF, for the exporters to use it instead of
    rendering (generator/publish/export/signed.py): {} when the revision has no signature."""
    if not rev.signatures or not rev.fingerprint or not rev.signatures[-1].pdf_sha256:
        return {}       # (a signature being made has no PDF yet)
    return {"file": f"control/{signed_relpath(doc_id, rev.revision)}", "sha256": rev.signatures[-1].pdf_sha256,
            "fingerprint": rev.fingerprint}


def intact(ws: Workspace, doc_id: str, rev: Revision) -> str:
    """Why the revision's signed PDF cannot stand for it ("" when it can): missing, or not the bytes the register
    records. The cryptographic check is `smsgen verify`'s (signing.py)."""
    path = signed_path(ws, doc_id, rev.revision)
    try:
        data = path.read_bytes()
    except OSError:
        return f"its signed PDF {ws.display(path)} is missing"
    if sha256(data) != rev.signatures[-1].pdf_sha256:
        return f"its signed PDF {ws.display(path)} is not the file the register records (changed)"
    return ""


def required_findings(ws: Workspace, org: Organisation, documents: list[Document], register: Register) -> Findings:
    """With `signatures: required`, every approved revision in force carries a signature whose PDF is intact: what a
    controlled build, a pack and a release demand."""
    findings = Findings()
    if org.documents.signatures != "required":
        return findings
    for doc in documents:
        entry = register.documents.get(doc.id)
        rev = entry.current if entry is not None else None
        if rev is None or rev.status != "approved":
            continue        # not approved: control.not-approved says so
        approver = rev.approver or "PERSON"
        if not rev.signatures:
            findings.add("control.unsigned", Severity.error, f"{doc.id} revision {rev.revision} is approved but not "
                         "signed, and data/documents.yml requires signed approvals", doc.template.display,
                         hint=f"the approver signs it: smsgen sign {doc.id} --by {approver} --key FILE")
        elif problem := intact(ws, doc.id, rev):
            findings.add("control.unsigned", Severity.error, f"{doc.id} revision {rev.revision}: {problem}, so it "
                         "has no valid signature", doc.template.display,
                         hint="restore control/signed/ from version control or backup; `smsgen verify` checks every "
                              "signature")
    return findings
