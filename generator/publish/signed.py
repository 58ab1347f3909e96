"""Signing approvals (`smsgen sign`, `smsgen approve --sign`), and the signed PDFs in the Stage 1 pack.

What a signature covers is the approved revision's PDF exactly as a build would write it once the approval is signed:
the pages stage writes the page (its control block saying who signs it, with which certificate), the PDF exporter
converts it, and generator/control/signing.py signs the bytes. The signed file goes into the control store in the
same transaction as the register's record of the signature and its log entry; from then on every build copies it to
dist/pdf/ instead of rendering (export/signed.py).
"""
from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.base.clock import now
from generator.base.errors import UserError
from generator.base.files import digest
from generator.base.findings import Finding, Findings, Severity
from generator.base.workspace import Workspace
from generator.checks.assess import Outcome
from generator.control.audit import SignEntry
from generator.control.lifecycle import Controller
from generator.control.register import Register, Revision, Signature, fingerprint, load_register
from generator.control.signatures import PACK_CERTIFICATES, reason, sha256, signed_path, signed_relpath
from generator.control.signing import Credentials, field_name, registered, sign_entry, sign_pdf
from generator.control.state import states
from generator.control.store import Store
from generator.model.organisation import Organisation
from generator.publish.docs import write_outcome
from generator.publish.export.base import ExportContext
from generator.publish.export.plan import brand_of
from generator.publish.export.registry import EXPORTERS
from generator.publish.export.scheduler import Job, run_jobs
from generator.render.document import Document


def _refused(message: str, hint: str = "") -> Finding:
    return Finding("control.refused", Severity.fatal, message, hint=hint)


def require_on(org: Organisation) -> None:
    if org.documents.signatures == "off":
        raise UserError(_refused("signatures are off for this set", "set `signatures: optional` (or required) in "
                                 "data/documents.yml"))


def sign_approvals(ws: Workspace, outcome: Outcome, who: Credentials, refs: list[str], everything: bool) -> list[str]:
    """Sign every approval `who` made of the documents named (or all) that they have not signed yet: one
    transaction, all or nothing. Naming a document the person did not approve is refused."""
    org = outcome.org
    assert org is not None
    require_on(org)
    with Store(ws).transaction("sign") as txn:
        chosen = Controller(ws, org, outcome.documents, txn).select(refs, [], everything)
        targets, notes = _targets(txn.register, outcome, chosen, who.person, named=not everything)
        if not targets:
            return notes + [f"nothing to sign: no approval by {who.person} awaits a signature"]
        at = now()
        for doc, rev in targets:
            function = doc.approver_function
            rev.signatures.append(Signature(
                by=who.person, function=function, field=field_name(len(rev.signatures) + 1),
                reason=reason(doc.approver.title, function, doc.id, rev.revision, rev.fingerprint or ""),
                certificate_sha256=who.sha, pdf_sha256="", at=at.isoformat()))
        try:
            rendered = _render(ws, outcome, txn.register, [doc for doc, rev in targets if len(rev.signatures) == 1])
            files: dict[str, bytes] = {}
            log: list[SignEntry] = []
            for doc, rev in targets:
                sig = rev.signatures[-1]
                # a further signature is an incremental update of the file the one before left
                base = rendered[doc.id] if len(rev.signatures) == 1 else _previous(ws, doc.id, rev)
                signed = sign_pdf(base, who, sig.field, sig.reason, at)
                sig.pdf_sha256 = sha256(signed)
                files[signed_relpath(doc.id, rev.revision)] = signed
                log.append(sign_entry(doc.id, rev, sig, org.person[who.person].name))
            txn.commit(log, files=files)
        finally:    # the pages as the register on disk has it (signed now, or as before when refused)
            _pages(ws, outcome, load_register(ws.register_file, ws.display(ws.register_file)))
    return notes + [f"{doc.id} revision {rev.revision}: signed by {org.person[who.person].name} "
                    f"({ws.display(signed_path(ws, doc.id, rev.revision))})" for doc, rev in targets]


def _targets(register: Register, outcome: Outcome, chosen: list[Document], person: str,
             named: bool) -> tuple[list[tuple[Document, Revision]], list[str]]:
    """The approvals to sign; refusals for documents named that cannot be, notes for those signed already."""
    problems, notes, targets = Findings(), [], []
    for doc in chosen:
        entry = register.documents.get(doc.id)
        rev = entry.current if entry is not None else None
        if rev is None or rev.status != "approved":
            if named:
                problems.append(_refused(f"{doc.id} has no approved revision to sign "
                                         f"({outcome.states[doc.id].status_label.lower()})"))
            continue
        if rev.approver != person:
            if named:
                problems.append(_refused(f"{doc.id} revision {rev.revision} was approved by {rev.approver}, not "
                                         f"{person}: a person signs only their own approvals",
                                         f"{rev.approver} signs it: smsgen sign {doc.id} --by {rev.approver}"))
            continue
        if any(s.by == person for s in rev.signatures):
            if named:
                notes.append(f"{doc.id} revision {rev.revision}: signed by {person} already")
            continue
        if rev.fingerprint != fingerprint(doc.body):
            why = f"{doc.id} has changed since revision {rev.revision} was approved, so it can no longer be rendered " \
                  "as approved to sign"
            if named:
                problems.append(_refused(why, "restore the data or template it was approved with, or revise it"))
            else:
                notes.append(f"skipped: {why}")
            continue
        targets.append((doc, rev))
    if problems:
        raise UserError(problems)
    return targets, notes


def _pages(ws: Workspace, outcome: Outcome, register: Register) -> None:
    """The pages stage, for the set as `register` records it."""
    assert outcome.org is not None
    write_outcome(ws, dataclasses.replace(outcome, register=register,
                                          states=states(outcome.documents, register, outcome.org)))


def _render(ws: Workspace, outcome: Outcome, register: Register, documents: list[Document]) -> dict[str, bytes]:
    """Each document's PDF as a build would write it with `register`: its page written by the pages stage, converted
    by the PDF exporter (in parallel, as a build does)."""
    if not documents:
        return {}
    assert outcome.org is not None
    _pages(ws, outcome, register)
    exporter = EXPORTERS["pdf"]
    context = ExportContext(brand_of(outcome.org, ws), ws.docs_dir, ws.cache_dir)
    exporter.prepare(context)
    with tempfile.TemporaryDirectory(prefix="smsgen-sign-") as tmp:
        jobs = [Job(exporter.name, str(Path(tmp) / f"{doc.id}.pdf"), (str(ws.docs_dir / doc.docs_path),), doc.title,
                    "", exporter) for doc in documents]
        failed = [_refused(f"{Path(job.out).stem}: PDF conversion failed: {error}")
                  for job, error in run_jobs(jobs, context, None) if error is not None]
        if failed:
            raise UserError(failed)
        return {Path(job.out).stem: Path(job.out).read_bytes() for job in jobs}


def _previous(ws: Workspace, doc_id: str, rev: Revision) -> bytes:
    """The signed PDF a further signature goes over, refused unless it is the file the register records."""
    path = signed_path(ws, doc_id, rev.revision)
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    if sha256(data) != rev.signatures[-2].pdf_sha256:
        raise UserError(_refused(f"{doc_id} revision {rev.revision}: {ws.display(path)} is not the signed PDF the "
                                 "register records", "restore control/signed/ from version control or backup"))
    return data


# --- the Stage 1 pack ---------------------------------------------------------------------------------------------

@dataclass
class PackSignatures:
    """What the Stage 1 pack carries of the signatures: per signed PDF in it, its signatures for the manifest; the
    registered certificates; and what the README says of them."""
    by_file: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    certificates: dict[str, bytes] = field(default_factory=dict)
    readme: str = ""


def pack_signatures(ws: Workspace, outcome: Outcome, files: Mapping[str, bytes | Path], prefix: str) -> PackSignatures:
    """The signatures of the document PDFs in `files` (their bytes, or the files) that are their signed copies (byte
    for byte, as the export wrote them), and every registered certificate, for an auditor to validate them with."""
    found = PackSignatures()
    if outcome.org is None or outcome.register is None:
        return found
    names = {p.id: p.name for p in outcome.org.people}
    for doc in outcome.documents:
        name = f"documents/pdf/{doc.id}.pdf"
        copy = outcome.states[doc.id].signed_pdf
        if name not in files or not copy or digest(files[name])[0] != copy["sha256"]:
            continue
        rev = outcome.register.documents[doc.id].current
        found.by_file[name] = [{"signer": s.by, "signer_name": names.get(s.by, s.by), "function": s.function,
                                "field": s.field, "reason": s.reason, "certificate_sha256": s.certificate_sha256,
                                "signed": s.at} for s in rev.signatures]
    if not found.by_file:
        return found
    for item in registered(ws):
        if item.certificate is not None:
            found.certificates[f"{PACK_CERTIFICATES}/{Path(item.relpath).name}"] = \
                (ws.control_dir / item.relpath).read_bytes()
    found.readme = "\n".join([
        "Signed approvals",
        f"{len(found.by_file)} of the PDFs in documents/pdf carry their approver's digital signature (PAdES), one per "
        "approval, whose reason states the function approved for, the document ID, the revision and the SHA-256 of "
        "the approved content; manifest.json lists each file's signatures. The certificates are in "
        f"{PACK_CERTIFICATES}/ (ca.pem: the organisation's own certification authority, when it has one). Any "
        "PAdES validator checks them, e.g. pyHanko: pip install pyhanko-cli, then pyhanko sign validate "
        f"--pretty-print --trust {PACK_CERTIFICATES}/ca.pem documents/pdf/ID.pdf (or --trust the signer's own "
        "certificate when it is self-signed). smsgen verify-pack FILE validates every signature in the pack.",
        f"{prefix}-documentation-set.pdf is merged from the documents' PDFs page by page and cannot keep their "
        "signatures: the signed copies are the ones in documents/pdf.", ""])
    return found
