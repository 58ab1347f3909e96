"""Delegation of approval: the one, recorded way for a person to approve documents for someone else.

A document is approved by whoever holds its approver function (the template's `approver:`). When an organisation
wants another person to approve for that function (absence, or an owner who would otherwise approve their own
work), a holder of the function records a delegation: to whom, why, and until when. It is a document-control action
like any other: checked in full, written to the register and the hash-chained audit log in one transaction, shown by
`status` and `verify`, and named on every approval made under it. A delegation ends on its `until` date, when it is
revoked, or when the person who granted it no longer holds the function.
"""
from __future__ import annotations

import datetime as dt
import difflib

from generator.base.clock import now, today
from generator.base.errors import UserError
from generator.base.findings import Finding, Findings, Severity
from generator.control.audit import DelegationEntry
from generator.control.register import Delegation, Register
from generator.control.store import Transaction
from generator.model.organisation import Organisation


def holds(org: Organisation, person_id: str, function: str) -> bool:
    """Whether the person holds the role that holds the SMS function."""
    role = org.function.get(function)
    person = org.person.get(person_id)
    return role is not None and person is not None and role.key in person.roles


def in_force_for(register: Register, org: Organisation, function: str, person_id: str, at: str) -> Delegation | None:
    """The delegation under which `person_id` may act for `function` at time `at`, if any."""
    for grant in reversed(register.delegations):
        if grant.function == function and grant.to == person_id and grant.in_force(at) \
                and holds(org, grant.by, function):
            return grant
    return None


def describe(grant: Delegation, org: Organisation, at: str) -> str:
    name = lambda pid: org.person[pid].name if pid in org.person else pid  # noqa: E731
    if grant.revoked:
        state = f"revoked {grant.revoked[:10]} by {name(grant.revoked_by or '')}"
    elif grant.until and at[:10] > grant.until:
        state = f"expired {grant.until}"
    elif not holds(org, grant.by, grant.function):
        state = f"lapsed: {name(grant.by)} no longer holds {grant.function}"
    else:
        state = f"in force until {grant.until}" if grant.until else "in force, no end date"
    return (f"{grant.id}: {grant.function} approvals delegated to {name(grant.to)} by {name(grant.by)} on "
            f"{grant.granted[:10]} ({state}): {grant.reason}")


def delegate(txn: Transaction, org: Organisation, function: str, to: str, by: str, reason: str,
             until: str | None) -> str:
    """Record a delegation of `function` from `by` (a holder) to `to`; refused, writing nothing, unless valid."""
    problems = Findings()
    for person_id in (by, to):
        if person_id not in org.person:
            problems.append(unknown_person(org, person_id))
    if function not in org.function:
        problems.append(_refused(f"unknown SMS function '{function}'", "functions: " + ", ".join(org.function)))
    if not reason.strip():
        problems.append(_refused("a delegation needs a reason", "use --reason"))
    if until is not None:
        day = _iso_date(until)
        if day is None:
            problems.append(_refused(f"'{until}' is not a date in the form YYYY-MM-DD", "e.g. --until 2026-12-31"))
        elif day < today():
            problems.append(_refused(f"--until {until} is in the past", "give the last day the delegation applies"))
    if problems:
        raise UserError(problems)
    role = org.function[function]
    holders = ", ".join(f"{p.name} ({p.id})" for p in role.holders) or "nobody"
    if not holds(org, by, function):
        problems.append(_refused(f"{org.person[by].name} does not hold {function} ({role.title}) and cannot delegate "
                                 "it", f"a holder of the function records the delegation: {holders}"))
    if to == by or holds(org, to, function):
        problems.append(_refused(f"{org.person[to].name} already holds {function} ({role.title})",
                                 "delegate to someone who does not hold the function"))
    at = now().isoformat()
    existing = in_force_for(txn.register, org, function, to, at)
    if existing is not None:
        problems.append(_refused(f"{function} is already delegated to {org.person[to].name} ({existing.id})",
                                 f"revoke it first: smsgen delegate --revoke {existing.id} --by PERSON --reason TEXT"))
    if problems:
        raise UserError(problems)
    grant = Delegation(id=f"D{len(txn.register.delegations) + 1}", function=function, to=to, by=by,
                       reason=reason.strip(), granted=at, until=until)
    txn.register.delegations.append(grant)
    txn.commit([_entry("delegate", grant, by, org, at, grant.reason)])
    return describe(grant, org, at)


def revoke(txn: Transaction, org: Organisation, delegation_id: str, by: str, reason: str) -> str:
    """End a delegation early: by its grantor, a holder of the function, or the delegate."""
    if by not in org.person:
        raise UserError(unknown_person(org, by))
    grant = next((d for d in txn.register.delegations if d.id == delegation_id), None)
    if grant is None:
        known = ", ".join(d.id for d in txn.register.delegations) or "none recorded"
        raise UserError(_refused(f"unknown delegation '{delegation_id}'", f"delegations: {known} (smsgen status)"))
    problems = Findings()
    if grant.revoked:
        problems.append(_refused(f"{grant.id} was already revoked on {grant.revoked[:10]}"))
    if by not in (grant.by, grant.to) and not holds(org, by, grant.function):
        problems.append(_refused(f"{org.person[by].name} may not revoke {grant.id}",
                                 "its grantor, its delegate or a holder of the function may"))
    if not reason.strip():
        problems.append(_refused("a revocation needs a reason", "use --reason"))
    if problems:
        raise UserError(problems)
    at = now().isoformat()
    grant.revoked, grant.revoked_by, grant.revoke_reason = at, by, reason.strip()
    txn.commit([_entry("revoke", grant, by, org, at, reason.strip())])
    return describe(grant, org, at)


def _entry(action: str, grant: Delegation, by: str, org: Organisation, at: str, comment: str) -> DelegationEntry:
    return {"action": action, "delegation": grant.id, "function": grant.function, "to": grant.to, "by": by,
            "by_name": org.person[by].name, "at": at, "until": grant.until or "", "comment": comment}


def unknown_person(org: Organisation, person_id: str) -> Finding:
    close = difflib.get_close_matches(person_id, list(org.person), n=1)
    return _refused(f"unknown person '{person_id}'", (f"did you mean '{close[0]}'? " if close else "")
                    + "people are the ids in data/people.yml")


def _refused(message: str, hint: str = "") -> Finding:
    return Finding("control.refused", Severity.fatal, message, hint=hint)


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
