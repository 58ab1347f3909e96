"""`smsgen verify`: the audit log is intact, and it explains the register exactly."""
from __future__ import annotations

from generator.base.findings import Findings, Severity
from generator.base.workspace import Workspace
from generator.control import audit
from generator.control.register import Register


def verify(ws: Workspace, register: Register) -> Findings:
    findings = Findings()
    log_display = ws.display(ws.audit_file)
    entries = audit.read_entries(ws.audit_file)
    for problem in audit.verify_chain(entries):
        line = int(problem.split(":")[0].split()[1])
        findings.add("audit.chain", Severity.error, problem.split(": ", 1)[1], log_display, line, 1,
                     hint="the audit log is append-only; restore it from version control or backup")
    # Replay the log: the register must be exactly what the recorded actions produce.
    replayed: dict[tuple[str, str], dict] = {}
    for entry in entries:
        if "_unreadable" in entry or "document" not in entry:
            continue
        state = replayed.setdefault((entry["document"], entry["revision"]), {})
        state["status"] = entry["to"]
        if entry["action"] == "approve":
            state["approver"], state["fingerprint"] = entry["by"], entry["fingerprint"]
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
                             f"the log ends at '{expected['status']}'", reg_display)
            logged = (expected.get("approver"), expected.get("fingerprint"))
            if rev.approver and (rev.approver, rev.fingerprint) != logged:
                findings.add("audit.unexplained", Severity.error, f"{where}: approver or approved fingerprint differs "
                             "from the logged approval", reg_display)
    for key in sorted(set(replayed) - recorded):
        findings.add("audit.unexplained", Severity.error, f"{key[0]} revision {key[1]} is in the log but missing from "
                     "the register", reg_display, hint="the register was edited or restored from an older copy")
    return findings
