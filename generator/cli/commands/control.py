"""Document-control commands: submit, approve, reject, revise, withdraw, status, review-due, verify."""
from __future__ import annotations

import argparse
import sys

from generator.base.errors import UserError
from generator.base.findings import EXIT_CHECKS_FAILED, EXIT_OK, Severity
from generator.base.workspace import Workspace
from generator.checks.assess import Outcome, assess
from generator.control.audit import read_entries
from generator.control.lifecycle import Controller
from generator.control.register import load_register
from generator.control.state import due_for_review
from generator.control.verify import verify


def open_controller(ws: Workspace) -> tuple[Controller, Outcome]:
    """The rendered set and its register, ready for a lifecycle action; bad input stops here."""
    outcome = assess(ws)
    if outcome.findings.fatal or outcome.org is None:
        raise UserError([f for f in outcome.findings if f.severity >= Severity.error])
    return Controller(ws, outcome.org, outcome.documents), outcome


def lifecycle(ws: Workspace, args: argparse.Namespace) -> int:
    controller, _ = open_controller(ws)
    docs = controller.select(args.ids, args.type or [], args.all)
    action = args.command
    if action == "submit":
        lines = controller.submit(docs, args.by, args.comment or "")
    elif action == "approve":
        if args.all and not args.ids and not args.type:
            docs, others = controller.approvable(args.by, docs)
            if others:
                print(f"{others} document(s) in review need another approver (see `smsgen status`)")
        lines = controller.approve(docs, args.by, args.comment or "", args.effective)
    elif action == "reject":
        lines = controller.reject(docs, args.by, args.comment or "")
    elif action == "revise":
        lines = controller.revise(docs, args.by, args.change)
    else:
        lines = controller.withdraw(docs, args.by, args.reason)
    for line in lines:
        print(line)
    print(f"{action}: {len(lines)} document(s)")
    return EXIT_OK


def status(ws: Workspace, args: argparse.Namespace) -> int:
    controller, outcome = open_controller(ws)
    docs = controller.select(args.ids, args.type or [], not args.ids and not args.type)
    print(f"{'ID':24} {'Rev':8} {'Status':22} {'Effective':11} {'Next review':12} Title")
    counts: dict[str, int] = {}
    for doc in docs:
        st = outcome.states[doc.id]
        flag = " OVERDUE" if st.overdue else ""
        print(f"{doc.id:24} {st.revision:8} {st.status_label:22} {st.effective or '-':11} "
              f"{(st.next_review or '-') + flag:12} {doc.title}")
        counts[st.status_label] = counts.get(st.status_label, 0) + 1
    print(", ".join(f"{n} {label.lower()}" for label, n in sorted(counts.items())))
    return EXIT_OK


def review_due(ws: Workspace, args: argparse.Namespace) -> int:
    _, outcome = open_controller(ws)
    rows = due_for_review(outcome.documents, outcome.states, args.within)
    for due, doc, late in rows:
        print(f"{'OVERDUE ' if late else 'due     '}{due.isoformat()}  {doc.id:24} {doc.title}  "
              f"(owner: {doc.owner.title})")
    print(f"{len(rows)} document(s) overdue or due within {args.within} days")
    return EXIT_CHECKS_FAILED if any(late for _, _, late in rows) else EXIT_OK


def verify_command(ws: Workspace, args: argparse.Namespace) -> int:
    findings = verify(ws, load_register(ws.register_file, ws.display(ws.register_file)))
    findings.report(sys.stderr)
    if not findings:
        print(f"audit log intact: {len(read_entries(ws.audit_file))} entries, and it explains the register")
    return findings.exit_code()
