"""Document-control commands: submit, approve, reject, revise, withdraw, delegate, recover, status, review-due,
verify. Every command that changes the control records runs as one transaction of the control store."""
from __future__ import annotations

import argparse
import sys

from generator.base.clock import now
from generator.base.errors import UserError
from generator.base.findings import EXIT_CHECKS_FAILED, EXIT_OK, Finding, Severity
from generator.base.workspace import Workspace
from generator.checks.assess import Outcome, assess
from generator.control import change_requests, delegation, signing
from generator.control.audit import read_entries
from generator.control.lifecycle import Controller
from generator.control.register import Register, load_register
from generator.control.snapshots import approved_text
from generator.control.state import due_for_review
from generator.control.store import Store, Transaction, pending_journal
from generator.control.verify import verify
from generator.model.organisation import Organisation
from generator.publish.redline.compare import review_hint
from generator.publish.signed import require_on, sign_approvals


def assessed(ws: Workspace) -> Outcome:
    """The rendered set and its register; bad input stops here."""
    outcome = assess(ws)
    if outcome.findings.fatal or outcome.org is None:
        raise UserError([f for f in outcome.findings if f.severity >= Severity.error])
    return outcome


def lifecycle(ws: Workspace, args: argparse.Namespace) -> int:
    outcome = assessed(ws)
    assert outcome.org is not None
    action = args.command
    request = getattr(args, "change_request", None)    # withdraw has no --change-request
    if request and (args.ids or args.type or args.all):
        raise UserError(Finding("control.refused", Severity.fatal, "--change-request acts on the request's documents: "
                                "name no IDs, --type or --all with it", hint=f"smsgen {action} --change-request "
                                f"{request} --by PERSON"))
    who = None
    if action == "approve" and args.sign:    # the key and its passphrase are checked before anything is approved
        require_on(outcome.org)
        who = signing.credentials(ws, args.by, args.key, args.passphrase_env)
    with Store(ws).transaction(action) as txn:
        controller = Controller(ws, outcome.org, outcome.documents, txn)
        if request:
            docs = controller.for_request(request, action)
        else:
            docs = controller.select(args.ids, args.type or [], args.all)
        if action == "submit":
            lines = controller.submit(docs, args.by, args.comment or "", args.author)
        elif action == "approve":
            if args.all and not args.ids and not args.type:
                held = [cr.id for cr in txn.register.change_requests if cr.status == "in_review"]
                if held:        # their documents are left out: approved only together
                    print(f"change request(s) {', '.join(held)} in review: approve each with `smsgen approve "
                          "--change-request CR --by PERSON`")
                docs, others = controller.approvable(args.by, docs)
                if others:
                    print(f"{others} document(s) in review need another approver (see `smsgen status`)")
            lines = controller.approve(docs, args.by, args.comment or "", args.effective)
        elif action == "reject":
            lines = controller.reject(docs, args.by, args.comment or "")
        elif action == "revise":
            change = args.change or (controller.change_request.title if controller.change_request else "")
            lines = controller.revise(docs, args.by, change)
        else:
            lines = controller.withdraw(docs, args.by, args.reason)
    for line in lines + controller.notes:
        print(line)
    print(f"{action}: {len(lines)} document(s)")
    if who is not None:
        for line in sign_approvals(ws, outcome, who, [doc.id for doc in docs], False):
            print(line)
    if action == "submit" and outcome.register is not None:   # where the reviewer sees what each revision changed
        hint = review_hint(docs, outcome.register.documents, outcome.states, outcome.org, approved_text(ws))
        if hint:
            print(hint)
    return EXIT_OK


def delegate(ws: Workspace, args: argparse.Namespace) -> int:
    """Record (or with --revoke, end) a delegation of an SMS function's approvals."""
    outcome = assessed(ws)
    assert outcome.org is not None
    if args.revoke:
        if args.function or args.to or args.until:
            raise UserError(_usage("--revoke ID takes only --by and --reason"))
        with Store(ws).transaction("revoke") as txn:
            line = delegation.revoke(txn, outcome.org, args.revoke, args.by, args.reason)
        print(line)
        return EXIT_OK
    if not args.function or not args.to:
        raise UserError(_usage("a delegation needs --function F and --to PERSON (or --revoke ID)"))
    with Store(ws).transaction("delegate") as txn:
        line = delegation.delegate(txn, outcome.org, args.function, args.to, args.by, args.reason, args.until)
    print(line)
    return EXIT_OK


def recover(ws: Workspace, args: argparse.Namespace) -> int:
    for line in Store(ws).recover(discard=args.discard):
        print(line)
    return EXIT_OK


def _usage(message: str) -> Finding:
    return Finding("control.refused", Severity.fatal, message,
                   hint="smsgen delegate --function F --to PERSON --by PERSON --reason TEXT [--until YYYY-MM-DD]")


def delegations(register: Register, org: Organisation) -> list[str]:
    """One line per recorded delegation, the ones in force first."""
    at = now().isoformat()
    grants = sorted(register.delegations, key=lambda d: (not (d.in_force(at) and
                                                              delegation.holds(org, d.by, d.function)), d.id))
    return [delegation.describe(d, org, at) for d in grants]


def status(ws: Workspace, args: argparse.Namespace) -> int:
    outcome = assessed(ws)
    assert outcome.org is not None and outcome.register is not None
    # selection only: a transaction that is never committed, so no lock is needed
    controller = Controller(ws, outcome.org, outcome.documents, Transaction(Store(ws), "status", outcome.register))
    docs = controller.select(args.ids, args.type or [], not args.ids and not args.type)
    print(f"{'ID':24} {'Rev':8} {'Status':22} {'Effective':11} {'Next review':12} Title")
    counts: dict[str, int] = {}
    for doc in docs:
        st = outcome.states[doc.id]
        flag = " OVERDUE" if st.overdue else ""
        print(f"{doc.id:24} {st.revision:8} {st.status_label:22} {st.effective or '-':11} "
              f"{(st.next_review or '-') + flag:12} {doc.title}"
              + (f"  [{st.change_request}]" if st.change_request else ""))
        counts[st.status_label] = counts.get(st.status_label, 0) + 1
    print(", ".join(f"{n} {label.lower()}" for label, n in sorted(counts.items())))
    for line in delegations(outcome.register, outcome.org):
        print(f"delegation {line}")
    for cr in outcome.register.change_requests:
        if cr.status in change_requests.ACTIVE:
            print(f"change request {change_requests.summary(cr)}")
    pending = pending_journal(ws)
    if pending is not None:
        print(f"warning: {pending.message} ({pending.path}); {pending.hint}", file=sys.stderr)
    return EXIT_OK


def review_due(ws: Workspace, args: argparse.Namespace) -> int:
    outcome = assessed(ws)
    rows = due_for_review(outcome.documents, outcome.states, args.within)
    for due, doc, late in rows:
        print(f"{'OVERDUE ' if late else 'due     '}{due.isoformat()}  {doc.id:24} {doc.title}  "
              f"(owner: {doc.owner.title})")
    print(f"{len(rows)} document(s) overdue or due within {args.within} days")
    return EXIT_CHECKS_FAILED if any(late for _, _, late in rows) else EXIT_OK


def verify_command(ws: Workspace, args: argparse.Namespace) -> int:
    register = load_register(ws.register_file, ws.display(ws.register_file))
    findings = verify(ws, register)
    findings.report(sys.stderr)
    if not findings:
        print(f"audit log intact: {len(read_entries(ws.audit_file))} entries, and it explains the register; every "
              "approved snapshot matches its fingerprint")
    if register.delegations:
        outcome = assess(ws)
        if outcome.org is not None:
            for line in delegations(register, outcome.org):
                print(f"delegation {line}")
    return findings.exit_code()
