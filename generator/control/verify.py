"""`smsgen verify`: the audit log is intact, it explains the register exactly, and every approved snapshot is the
text that was approved.

Everything here reads files a person may have edited by hand, so nothing in them is trusted to have a shape: a line
that is not a log entry, a register that the log does not explain, a snapshot changed or deleted, an interrupted
action still pending, each becomes a finding naming the file and, for the log, the line.
"""
from __future__ import annotations

from typing import Any

from generator.base.findings import Findings, Severity
from generator.base.workspace import Workspace
from generator.control import audit, change_requests
from generator.control.register import Register, fingerprint
from generator.control.signing import verify_signatures
from generator.control.snapshots import snapshot_path
from generator.control.store import pending_journal

LOG_HINT = "the audit log is append-only; restore it from version control or backup"


def verify(ws: Workspace, register: Register) -> Findings:
    findings = Findings()
    pending = pending_journal(ws)
    if pending is not None:
        findings.append(pending)
    log_display = ws.display(ws.audit_file)
    lines = audit.read_log(ws.audit_file)
    for line, problem in audit.verify_chain(lines):
        findings.add("audit.chain", Severity.error, problem, log_display, line, 1, hint=LOG_HINT)
    entries = [line.entry for line in lines if line.entry is not None]
    findings += _documents_explained(ws, register, entries)
    findings += _delegations_explained(ws, register, entries)
    findings += _releases_explained(ws, register, entries)
    findings += change_requests.explained(ws, register, entries)   # each request and each revision's link to one
    findings += _acknowledgements_explained(ws, register, lines)
    findings += _snapshots(ws, register)
    findings += verify_signatures(ws, register, entries)   # certificates, and every signed approval's PDF
    return findings


def _documents_explained(ws: Workspace, register: Register, entries: list[dict[str, Any]]) -> Findings:
    """Replay the log: the register must be exactly what the recorded actions produce."""
    findings = Findings()
    replayed: dict[tuple[str, str], dict] = {}
    for entry in entries:
        if entry["action"] not in audit.DOCUMENT_ACTIONS:
            continue
        state = replayed.setdefault((entry["document"], entry["revision"]), {})
        state["status"] = entry["to"]
        if entry["action"] == "approve":
            state["approval"] = (entry["by"], entry["fingerprint"], entry.get("delegation") or None)
    reg_display = ws.display(ws.register_file)
    recorded = set()
    for doc_id, doc in register.documents.items():
        for rev in doc.revisions:
            key = (doc_id, rev.revision)
            recorded.add(key)
            expected = replayed.get(key)
            where = f"{doc_id} revision {rev.revision}"
            if expected is None:
                findings.add("audit.unexplained", Severity.error, f"{where} is in the register but no logged action "
                             "created it", reg_display, hint="the register was edited outside smsgen")
                continue
            if expected["status"] != rev.status:
                findings.add("audit.unexplained", Severity.error, f"{where} is '{rev.status}' in the register but "
                             f"the log ends at '{expected['status']}'", reg_display,
                             hint="an action was interrupted (smsgen recover) or the register was edited")
            if rev.approver and (rev.approver, rev.fingerprint, rev.delegation) != expected.get("approval"):
                findings.add("audit.unexplained", Severity.error, f"{where}: approver, delegation or approved "
                             "fingerprint differs from the logged approval", reg_display)
    for key in sorted(set(replayed) - recorded):
        findings.add("audit.unexplained", Severity.error, f"{key[0]} revision {key[1]} is in the log but missing from "
                     "the register", reg_display, hint="the register was edited or restored from an older copy")
    return findings


def _delegations_explained(ws: Workspace, register: Register, entries: list[dict[str, Any]]) -> Findings:
    logged: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if entry["action"] == "delegate":
            logged[entry["delegation"]] = {"function": entry["function"], "to": entry["to"], "by": entry["by"],
                                           "until": entry["until"] or None, "revoked_by": None}
        elif entry["action"] == "revoke" and entry["delegation"] in logged:
            logged[entry["delegation"]]["revoked_by"] = entry["by"]
    findings, display = Findings(), ws.display(ws.register_file)
    for grant in register.delegations:
        recorded = {"function": grant.function, "to": grant.to, "by": grant.by, "until": grant.until,
                    "revoked_by": grant.revoked_by}
        if logged.pop(grant.id, None) != recorded:
            findings.add("audit.unexplained", Severity.error, f"delegation {grant.id} in the register differs from "
                         "the logged delegation, or none was logged", display,
                         hint="the register was edited outside smsgen")
    for missing in sorted(logged):
        findings.add("audit.unexplained", Severity.error, f"delegation {missing} is in the log but missing from the "
                     "register", display, hint="the register was edited or restored from an older copy")
    return findings


def _releases_explained(ws: Workspace, register: Register, entries: list[dict[str, Any]]) -> Findings:
    logged = [entry["version"] for entry in entries if entry["action"] == "release"]
    recorded = [release.version for release in register.releases]
    findings = Findings()
    if logged != recorded:
        findings.add("audit.unexplained", Severity.error, f"the register records the releases "
                     f"{', '.join(recorded) or 'none'} but the log {', '.join(logged) or 'none'}",
                     ws.display(ws.register_file), hint="the register or the log was edited outside smsgen")
    return findings


def _acknowledgements_explained(ws: Workspace, register: Register, lines: list[audit.LogLine]) -> Findings:
    """Each acknowledgement is of a revision the register records as approved, with the fingerprint approved."""
    findings = Findings()
    for line in lines:
        entry = line.entry
        if entry is None or entry["action"] != "acknowledge":
            continue
        doc = register.documents.get(entry["document"])
        rev = next((r for r in doc.revisions if r.revision == entry["revision"]), None) if doc is not None else None
        if rev is None or rev.fingerprint is None or rev.fingerprint != entry["fingerprint"]:
            findings.add("audit.unexplained", Severity.error, f"an acknowledgement of {entry['document']} revision "
                         f"{entry['revision']} by {entry['by']}, a revision the register does not record as approved "
                         "with that fingerprint", ws.display(ws.audit_file), line.number, 1,
                         hint="the register or the log was edited outside smsgen")
    return findings


def _snapshots(ws: Workspace, register: Register) -> Findings:
    """Each approved revision's snapshot exists and is the text whose fingerprint the register records."""
    findings = Findings()
    for doc_id, doc in register.documents.items():
        for rev in doc.revisions:
            if not (rev.approved and rev.fingerprint):
                continue
            path = snapshot_path(ws, doc_id, rev.revision)
            try:
                text: str | None = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                text = None
            except (OSError, UnicodeDecodeError):
                text = ""
            if text is None:
                findings.add("control.snapshot", Severity.error, f"{doc_id} revision {rev.revision}: the approved "
                             "text is missing", ws.display(path),
                             hint="restore control/approved/ from version control or backup")
            elif fingerprint(text) != rev.fingerprint:
                findings.add("control.snapshot", Severity.error, f"{doc_id} revision {rev.revision}: the approved "
                             "text differs from the fingerprint recorded when it was approved (edited)",
                             ws.display(path), hint="restore control/approved/ from version control or backup")
    return findings

