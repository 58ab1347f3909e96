"""Readiness from evidence: what the records (data/records/) show the SMS has done, against what a certification
body expects before Stage 1 (every clause and site audited within the cycle, a management review covering every
input, nonconformities raised and tracked, the SMS seen operating for the last months, objectives measured, plans
exercised). Documents say what will be done; these checks ask whether it was."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from generator.base.findings import Findings, Severity
from generator.checks.report import Check
from generator.control.revisions import add_months
from generator.model.clauses import iso28000
from generator.model.organisation import Organisation
from generator.model.records import NONCONFORMITIES, REVIEW_INPUTS
from generator.model.yaml_source import Source
from generator.render.document import Document
from generator.render.render import Functions

SHOWN = 8


def _listed(items: list[str]) -> str:
    return ", ".join(items[:SHOWN]) + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")


def audited_clauses(org: Organisation, today: dt.date) -> dict[str, dt.date]:
    """Clause number -> the last day it was audited within the internal audit cycle. An audit of a clause covers its
    sub-clauses (auditing 9.3 audits 9.3.1 to 9.3.3)."""
    since = add_months(today, -org.cycle.internal_audit_months)
    clauses = iso28000()
    out: dict[str, dt.date] = {}
    for audit in org.records.audits:
        if not since <= audit.last_day <= today:
            continue
        for number in audit.clauses:
            for clause in clauses:
                if clause.number == number or clause.number.startswith(number + "."):
                    out[clause.number] = max(out.get(clause.number, audit.last_day), audit.last_day)
    return out


def audited_sites(org: Organisation, today: dt.date, months: int) -> dict[str, dt.date]:
    since = add_months(today, -months)
    out: dict[str, dt.date] = {}
    for audit in org.records.audits:
        if since <= audit.last_day <= today:
            for code in audit.sites:
                out[code] = max(out.get(code, audit.last_day), audit.last_day)
    return out


def _audits(org: Organisation, today: dt.date) -> Check:
    cycle = org.cycle.internal_audit_months
    clauses = [c.number for c in iso28000() if c.depth >= 1]
    done = audited_clauses(org, today)
    missing = [n for n in clauses if n not in done]
    sites = audited_sites(org, today, cycle)
    high = audited_sites(org, today, org.cycle.high_risk_site_audit_months)
    top_bands = {b.name for b in org.criteria.bands[-2:]}
    details = []
    if missing:
        details.append(f"{len(missing)} of {len(clauses)} clauses not audited in the last {cycle} months: "
                       + _listed(missing))
    details += [f"site {code} not audited in the last {cycle} months" for code in org.scope.sites if code not in sites]
    details += [f"site {code} has a risk rated {band} and was not audited in the last "
                f"{org.cycle.high_risk_site_audit_months} months" for code in org.scope.sites if code in sites
                and code not in high and (band := next((r.rating.name for r in org.risks_at(code)
                                                        if r.rating.name in top_bands), None))]
    return Check("audits-held", "Internal audits have covered every clause and site within the cycle", not details,
                 details or [f"{len(org.records.audits)} audits covered all {len(clauses)} clauses and "
                             f"{len(org.scope.sites)} sites in the last {cycle} months"])


def _review(org: Organisation, today: dt.date) -> Check:
    months = org.cycle.management_review_months
    since = add_months(today, -months)
    held = sorted((r for r in org.records.reviews if since <= r.date <= today), key=lambda r: r.date)
    if not held:
        return Check("review-held", "A management review was held within its interval and covered every input",
                     False, [f"no management review recorded in the last {months} months"])
    last = held[-1]
    absent = [REVIEW_INPUTS[k].lower() for k in REVIEW_INPUTS if k not in last.inputs]
    return Check("review-held", "A management review was held within its interval and covered every input",
                 not absent, [f"{last.id} ({last.date}) did not consider: {i}" for i in absent]
                 or [f"{last.id} held on {last.date}: every input considered, {len(last.decisions)} decisions"])


def _actions(org: Organisation, today: dt.date) -> Check:
    rec = org.records
    raised = [(a.id, f.id, f.action) for a in rec.audits for f in a.findings if f.grade in NONCONFORMITIES]
    raised += [(a.id, f.id, f.action) for a in rec.external_audits for f in a.findings
               if f.grade not in ("observation", "opportunity")]
    details = [f"{finding} ({audit}) has no corrective action" for audit, finding, action in raised if action is None]
    details += [f"{a.id} is overdue: due {a.due}, owner {org.person[a.owner].name}" for a in rec.actions
                if a.overdue(today)]
    details += [f"{a.id} was found not effective on {a.verification.date}: act again" for a in rec.actions
                if a.verification is not None and not a.verification.effective]
    if not rec.actions:
        details.append("no corrective action has been raised yet: a running SMS finds and acts on nonconformities")
    open_ = sum(1 for a in rec.actions if not a.closed)
    return Check("actions-tracked", "Nonconformities are raised, acted on by their due date and verified",
                 not details, details or [f"{len(rec.actions)} corrective actions: {len(rec.actions) - open_} "
                                          f"closed and verified, {open_} open and within their due date"])


def _operating(org: Organisation, today: dt.date) -> Check:
    months = org.cycle.evidence_months
    dates = org.records.dates()
    silent = []
    for back in range(months):
        start = add_months(today, -back - 1)
        end = add_months(today, -back)
        if not any(start < d <= end for d in dates):
            silent.append(f"{start + dt.timedelta(days=1)} to {end}")
    return Check("operating", f"Records show the SMS operating in each of the last {months} months", not silent,
                 [f"no record dated {period}" for period in silent] or
                 [f"{len(dates)} dated records, the earliest {min(dates)}"])


def _objectives(org: Organisation, today: dt.date) -> Check:
    measured = {m.objective: m for m in org.records.measurements}
    since = add_months(today, -org.cycle.evidence_months)
    details, met = [], 0
    for obj in org.objectives:
        series = measured.get(obj.id)
        recent = [r for r in series.readings if since <= r.date <= today] if series else []
        if not recent:
            details.append(f"{obj.id} has no measurement in the last {org.cycle.evidence_months} months")
        elif series is not None and series.met(max(recent, key=lambda r: r.date).value):
            met += 1
    return Check("objectives-measured", "Every objective is measured, and progress is recorded", not details,
                 details or [f"{len(org.objectives)} objectives measured; {met} at target in the latest reading"])


def _exercises(org: Organisation, today: dt.date) -> Check:
    months = org.cycle.exercise_months
    since = add_months(today, -months)
    exercised = {e.site for e in org.records.exercises if since <= e.date <= today}
    details = [f"site {code}: its security plan was not exercised in the last {months} months"
               for code in org.scope.sites if code not in exercised]
    return Check("plans-exercised", "Every site's security plan was exercised within its interval", not details,
                 details or [f"{len(org.records.exercises)} exercises; every site exercised in the last "
                             f"{months} months"])


def _independence(org: Organisation, today: dt.date) -> Check:
    """An internal auditor must not audit their own work: a site they are in charge of, or a process their role
    owns. An external auditor on the team (`external_auditor`) audits those parts instead."""
    details = []
    for audit in org.records.audits:
        if audit.external_auditor:
            continue
        for person_id in [audit.lead_auditor, *audit.auditors]:
            person = org.person.get(person_id)
            if person is None:
                continue
            own = [f"site {s}" for s in audit.sites if s in org.site
                   and Functions(org).at(org.site[s]).in_charge().key in person.roles]
            own += [f"process {p.id}" for p in org.processes if p.id in audit.processes and p.owner in person.roles]
            if own:
                details.append(f"{audit.id}: {person.name} audited their own area ({', '.join(own)})")
    return Check("auditors-independent", "No internal auditor audited their own work", not details,
                 details or [f"{len(org.records.audits)} audits, each by auditors independent of the area"])


EVIDENCE: tuple[Callable[[Organisation, dt.date], Check], ...] = (
    _audits, _independence, _review, _actions, _operating, _objectives, _exercises)


def evidence(org: Organisation, today: dt.date) -> list[Check]:
    return [replace(check(org, today), evidence=True) for check in EVIDENCE]


def record_documents(org: Organisation, documents: list[Document], source: Source | None) -> Findings:
    """Documents a training record says were briefed must be documents of the set (by key or ID)."""
    findings = Findings()
    known = {d.key for d in documents} | {d.id for d in documents}
    for i, session in enumerate(org.records.training):
        for j, name in enumerate(session.documents):
            if name not in known:
                findings.append((source or Source("data/records/training.yml")).finding(
                    ("sessions", i, "documents", j), f"no document has the key or ID '{name}'",
                    "data.unknown-ref", "use a document key (its template's key:) or its ID", Severity.error))
    return findings
