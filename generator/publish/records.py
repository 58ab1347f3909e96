"""The pages built from the records (data/records/): the records summary with the audit programme's status, one
report per internal audit, the minutes of each management review, the corrective-action log, the incident log,
certification-body findings with their closure, and the dashboard. Records name people and incidents, so each page
has a classification (documents.yml `pages`) and an audience build publishes only those it may see."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.checks.evidence import audited_clauses, audited_sites
from generator.model.clauses import catalogue, iso28000
from generator.model.datafiles import LegalRequirement
from generator.model.organisation import Organisation
from generator.model.records import (
    REVIEW_INPUTS,
    CorrectiveAction,
    Exercise,
    ExternalAudit,
    InternalAudit,
    ManagementReview,
    NotificationMade,
)
from generator.publish.pages import front_matter
from generator.render import charts
from generator.render.markdown import md_escape, page_link

GRADES = {"major": "Major nonconformity", "minor": "Minor nonconformity", "observation": "Observation",
          "opportunity": "Opportunity for improvement", "area_of_concern": "Area of concern"}
SECTIONS = {"4": "Context", "5": "Leadership", "6": "Planning", "7": "Support", "8": "Operation",
            "9": "Performance evaluation", "10": "Improvement"}


@dataclass
class RecordPages:
    pages: dict[str, str] = field(default_factory=dict)
    nav: list = field(default_factory=list)


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(header: tuple[str, ...], body: list[tuple]) -> list[str]:
    return [_row(*header), _row(*["---"] * len(header))] + [_row(*r) for r in body]


def _names(org: Organisation, ids: list[str]) -> str:
    return ", ".join(md_escape(org.person[i].name) for i in ids if i in org.person) or "—"


def _name(org: Organisation, person: str | None) -> str:
    return md_escape(org.person[person].name) if person in org.person else "—"


def action_state(action: CorrectiveAction, today: dt.date) -> str:
    if action.verification is not None:
        return "closed, verified effective" if action.verification.effective else "verified NOT effective"
    if action.completed is not None:
        return "completed, awaiting verification"
    return "**overdue**" if action.overdue(today) else "open"


def _action_link(page: str, action_id: str | None) -> str:
    return f"[{md_escape(action_id)}]({page_link(page, 'records/actions.md')}#{action_id.lower()})" if action_id \
        else "—"


def audit_page(org: Organisation, audit: InternalAudit) -> str:
    page = f"records/audits/{audit.id}.md"
    clauses = catalogue()
    lines = [f"# Internal audit report {md_escape(audit.id)}", "",
             *_table(("Field", "Entry"), [
                 ("Dates", f"{audit.start}" + (f" to {audit.end}" if audit.end else "")),
                 ("Lead auditor", _name(org, audit.lead_auditor)),
                 ("Other auditors", _names(org, audit.auditors) + (f"; {md_escape(audit.external_auditor)} "
                                                                   "(external)" if audit.external_auditor else "")),
                 ("Auditees", _names(org, audit.auditees)),
                 ("Sites", ", ".join(f"{c} {md_escape(org.site[c].name)}" for c in audit.sites if c in org.site)
                  or "—"),
                 ("Processes", ", ".join(md_escape(p) for p in audit.processes) or "—")]),
             "", "## Clauses audited", ""]
    lines += [f"- {md_escape(clauses[n].label)}" for n in audit.clauses if n in clauses]
    lines += ["", "## Findings", ""]
    if audit.findings:
        lines += _table(("ID", "Grade", "Clause", "Site", "Finding and evidence", "Corrective action"),
                        [(md_escape(f.id), GRADES[f.grade], md_escape(f.clause), md_escape(f.site or "—"),
                          md_escape(f.text), _action_link(page, f.action)) for f in audit.findings])
    else:
        lines.append("No findings.")
    lines += ["", "## Conclusion", "", md_escape(audit.conclusion), ""]
    return front_matter({"title": f"Audit {audit.id}"}) + "\n".join(lines)


def review_page(org: Organisation, review: ManagementReview) -> str:
    page = f"records/reviews/{review.id}.md"
    lines = [f"# Management review minutes {md_escape(review.id)}", "",
             *_table(("Field", "Entry"), [("Date", str(review.date)), ("Chair", _name(org, review.chair)),
                                          ("Attendees", _names(org, review.attendees))]),
             "", "## Inputs reviewed", "",
             *_table(("Input", "What was presented"),
                     [(md_escape(title), md_escape(review.inputs[key]) if key in review.inputs
                       else "**not considered**") for key, title in REVIEW_INPUTS.items()]),
             "", "## Conclusions", "",
             *_table(("Question", "Conclusion"), [
                 ("Is the SMS still suitable?", md_escape(review.conclusions.suitable)),
                 ("Is it adequate?", md_escape(review.conclusions.adequate)),
                 ("Is it effective?", md_escape(review.conclusions.effective))]),
             "", "## Decisions and actions", "",
             *_table(("Type", "Decision or action", "Owner", "Due", "Done", "Corrective action"),
                     [(d.kind.capitalize(), md_escape(d.decision), _name(org, d.owner), d.due or "—", d.done or "—",
                       _action_link(page, d.action)) for d in review.decisions]), ""]
    return front_matter({"title": f"Review {review.id}"}) + "\n".join(lines)


def actions_page(org: Organisation, today: dt.date) -> str:
    lines = ["# Corrective action log", "",
             f"Every nonconformity raised, its cause, the action, and whether the action worked (state on {today}).",
             ""]
    for a in sorted(org.records.actions, key=lambda a: a.raised):
        lines += [f"## {md_escape(a.id)} {{#{a.id.lower()}}}", "",
                  *_table(("Field", "Entry"), [
                      ("Raised", f"{a.raised}, from {a.source.replace('_', ' ')}"
                                 + (f" {md_escape(a.reference)}" if a.reference else "")),
                      ("Clause and site", f"{md_escape(a.clause or '—')}, {md_escape(a.site or 'all sites')}"),
                      ("Nonconformity", md_escape(a.nonconformity)),
                      ("Correction", md_escape(a.correction or "—")),
                      ("Root cause", md_escape(a.cause or "not yet found")),
                      ("Action", md_escape(a.action)),
                      ("Owner and due date", f"{_name(org, a.owner)}, due {a.due}"),
                      ("Completed", str(a.completed or "—")),
                      ("Verification", f"{_name(org, a.verification.by)} on {a.verification.date}: "
                                       f"{md_escape(a.verification.evidence)}" if a.verification else "—"),
                      ("State", action_state(a, today))]), ""]
    return front_matter({"title": "Corrective actions"}) + "\n".join(lines)


def incidents_page(org: Organisation) -> str:
    """One section per incident: what happened, and each notification against the deadline of its legal duty."""
    duties = {req.id: req for req in org.legal}
    page = "records/incidents.md"
    lines = ["# Security incident log", ""]
    for i in sorted(org.records.incidents, key=lambda i: i.occurred):
        told = "<br>".join(f"{md_escape(n.to)} ({md_escape(n.requirement)}) at {n.made:%Y-%m-%d %H:%M}"
                           + _late(i.discovered or i.occurred, n, duties.get(n.requirement))
                           for n in i.notifications) or "none required"
        site = f"{i.site} {md_escape(org.site[i.site].name)}" if i.site in org.site else "in transit or online"
        lines += [f"## {md_escape(i.id)}: {md_escape(i.category)}", "",
                  *_table(("Field", "Entry"), [
                      ("Occurred", f"{i.occurred:%Y-%m-%d %H:%M}" + (f", discovered {i.discovered:%Y-%m-%d %H:%M}"
                                                                      if i.discovered else "")),
                      ("Site", site), ("Severity", i.severity.capitalize()),
                      ("Reported by", _name(org, i.reported_by)),
                      ("What happened", md_escape(i.description)),
                      ("Risks", ", ".join(md_escape(r) for r in i.risks) or "—"),
                      ("Notified", told),
                      ("Corrective action", _action_link(page, i.action)),
                      ("Closed", str(i.closed or "open"))]), ""]
    return front_matter({"title": "Incidents"}) + "\n".join(lines)


def _late(start: dt.datetime, note: NotificationMade, requirement: LegalRequirement | None) -> str:
    """Whether a notification met the deadline of the duty it discharged: the duty of the requirement that names
    the same party, else its strictest one."""
    duties = requirement.notifications if requirement is not None else []
    duty = next((d for d in duties if d.notify.lower() == note.to.lower()), None) or \
        min((d for d in duties if d.within_hours is not None), key=lambda d: d.within_hours or 0, default=None)
    if duty is None or duty.within_hours is None:
        return ""
    hours = (note.made.replace(tzinfo=None) - start.replace(tzinfo=None)).total_seconds() / 3600
    return " — **late**" if hours > duty.within_hours else f" ({duty.deadline}: met)"


def external_page(org: Organisation, audits: list[ExternalAudit], today: dt.date) -> str:
    lines = ["# Certification body findings", "",
             "Each finding of the certification body's audits and the evidence that it is closed.", ""]
    for audit in sorted(audits, key=lambda a: a.start):
        lines += [f"## {md_escape(audit.id)}: {audit.stage.replace('stage', 'Stage ')} by {md_escape(audit.body)}",
                  "", f"{audit.start}" + (f" to {audit.end}" if audit.end else "") +
                  f", lead auditor {md_escape(audit.lead_auditor)}. " + md_escape(audit.outcome or ""), ""]
        body = []
        for f in audit.findings:
            action = org.records.action(f.action) if f.action else None
            body.append((md_escape(f.id), GRADES[f.grade], md_escape(f.clause), md_escape(f.text),
                         _action_link("records/external-audits.md", f.action),
                         action_state(action, today) if action else "—",
                         md_escape(action.verification.evidence) if action and action.verification else "—"))
        lines += _table(("ID", "Grade", "Clause", "Finding", "Action", "State", "Closure evidence"), body)
        lines.append("")
    return front_matter({"title": "Certification audits"}) + "\n".join(lines)


def programme_page(org: Organisation, today: dt.date) -> str:
    """The internal audit programme as carried out: each clause and site with when it was last audited, by which
    audits, and the findings raised against it."""
    page, since = "records/audit-programme.md", org.cycle.internal_audit_months
    done = audited_clauses(org, today)
    lines = ["# Internal audit programme: status", "",
             f"Every clause and every site in scope is audited within {since} months (cycle.yml). State on {today}.",
             "", "## Clauses", ""]
    body = []
    for clause in (c for c in iso28000() if c.depth >= 1):
        audits = [a for a in org.records.audits if any(clause.number == n or clause.number.startswith(n + ".")
                                                       for n in a.clauses)]
        found = [f for a in org.records.audits for f in a.findings if f.clause == clause.number]
        body.append((md_escape(clause.label), done.get(clause.number, "**not audited**"),
                     ", ".join(f"[{md_escape(a.id)}]({page_link(page, f'records/audits/{a.id}.md')})"
                               for a in audits) or "—",
                     ", ".join(f"{md_escape(f.id)} ({GRADES[f.grade].lower()})" for f in found) or "none"))
    lines += _table(("Clause", "Last audited in the cycle", "Audits", "Findings"), body)
    sites = audited_sites(org, today, since)
    lines += ["", "## Sites", "", *_table(("Site", "Last audited", "Audits"), [
        (f"{code} {md_escape(org.site[code].name)}", sites.get(code, "**not audited**"),
         ", ".join(md_escape(a.id) for a in org.records.audits if code in a.sites) or "—")
        for code in org.scope.sites if code in org.site]), ""]
    return front_matter({"title": "Audit programme status"}) + "\n".join(lines)


def exercise_page(org: Organisation, exercise: Exercise) -> str:
    page = f"records/exercises/{exercise.id}.md"
    scenarios = {s.id: s for s in org.scenarios}
    lines = [f"# Exercise report {md_escape(exercise.id)}", "",
             *_table(("Field", "Entry"), [
                 ("Date and site", f"{exercise.date}, {exercise.site} "
                                   f"{md_escape(org.site[exercise.site].name) if exercise.site in org.site else ''}"),
                 ("Kind", exercise.kind.capitalize()),
                 ("Scenarios", "<br>".join(f"{md_escape(i)} {md_escape(scenarios[i].title)}" for i in exercise.scenarios
                                           if i in scenarios)),
                 ("Led by", _name(org, exercise.led_by)),
                 ("Participants", _names(org, exercise.participants)),
                 ("Outside parties", md_escape(exercise.external or "none")),
                 ("Corrective actions", ", ".join(_action_link(page, a) for a in exercise.actions) or "none")]),
             "", "## Outcome", "", md_escape(exercise.outcome), "", "## Lessons", ""]
    lines += [f"- {md_escape(lesson)}" for lesson in exercise.lessons] or ["None recorded."]
    return front_matter({"title": f"Exercise {exercise.id}"}) + "\n".join(lines) + "\n"


def coverage_rows(org: Organisation, today: dt.date) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """Audit coverage in the cycle: per clause section (clauses audited of all), and per site in scope (0 or 1)."""
    done = audited_clauses(org, today)
    numbers = [c.number for c in iso28000() if c.depth >= 1]
    by_section = [(f"{s} {title}", sum(n in done for n in numbers if n.split(".")[0] == s),
                   sum(n.split(".")[0] == s for n in numbers)) for s, title in SECTIONS.items()]
    sites = audited_sites(org, today, org.cycle.internal_audit_months)
    by_site = [(code, int(code in sites), 1) for code in org.scope.sites]
    return by_section, by_site


def summary_page(org: Organisation, today: dt.date, sees: Callable[[str], bool]) -> str:
    rec, page = org.records, "records/index.md"
    by_section, by_site = coverage_rows(org, today)
    done = audited_clauses(org, today)
    sites = audited_sites(org, today, org.cycle.internal_audit_months)
    lines = ["# Records summary", "",
             f"What the SMS of {md_escape(org.org.legal_entity)} has done, from its records, on {today}.", "",
             "## Internal audit programme status", "",
             f"Cycle: every clause and site within {org.cycle.internal_audit_months} months. Clause by clause: "
             f"[audit programme status]({page_link(page, 'records/audit-programme.md')}).", "",
             *_table(("Clause section", "Clauses audited in the cycle"),
                     [(md_escape(label), f"{n} of {total}") for label, n, total in by_section]), "",
             *_table(("Site", "Last audited"),
                     [(f"{code} {md_escape(org.site[code].name)}", sites.get(code, "**not audited**"))
                      for code, _, _ in by_site]), ""]
    missing = [c.label for c in iso28000() if c.depth >= 1 and c.number not in done]
    if missing:
        lines += ["Not yet audited in this cycle: " + md_escape("; ".join(missing)) + ".", ""]
    lines += ["## Internal audits", ""]
    lines += _table(("Audit", "Dates", "Lead auditor", "Sites", "Clauses", "Findings"),
                    [(f"[{md_escape(a.id)}]({page_link(page, f'records/audits/{a.id}.md')})",
                      f"{a.start}" + (f" to {a.end}" if a.end else ""), _name(org, a.lead_auditor),
                      ", ".join(a.sites) or "—", len(a.clauses), _grade_counts(a)) for a in rec.audits]) \
        if rec.audits else ["No internal audit recorded yet."]
    lines += ["", "## Management reviews", ""]
    lines += _table(("Review", "Date", "Chair", "Inputs considered", "Decisions"),
                    [(f"[{md_escape(r.id)}]({page_link(page, f'records/reviews/{r.id}.md')})", r.date,
                      _name(org, r.chair), f"{len(r.inputs)} of {len(REVIEW_INPUTS)}", len(r.decisions))
                     for r in rec.reviews]) if rec.reviews else ["No management review recorded yet."]
    lines += ["", "## Corrective actions", ""]
    states = Counter(action_state(a, today) for a in rec.actions)
    lines += [f"{len(rec.actions)} raised: " + ", ".join(f"{n} {s}" for s, n in sorted(states.items())) +
              f". See the [corrective action log]({page_link(page, 'records/actions.md')}).", ""] \
        if rec.actions else ["No corrective action raised yet.", ""]
    lines += ["## Exercises", ""]
    lines += _table(("Exercise", "Date", "Site", "Kind", "Scenarios", "Led by", "Outcome"),
                    [(f"[{md_escape(e.id)}]({page_link(page, f'records/exercises/{e.id}.md')})", e.date, e.site,
                      e.kind, ", ".join(e.scenarios), _name(org, e.led_by), md_escape(e.outcome))
                     for e in rec.exercises]) if rec.exercises else ["None recorded yet."]
    lines += ["", "## Training and awareness", ""]
    lines += _table(("Session", "Date", "Title", "Kind", "Trainer", "Attendees"),
                    [(md_escape(t.id), t.date, md_escape(t.title), t.kind.replace("_", " "), md_escape(t.trainer),
                      len(t.attendees)) for t in rec.training]) if rec.training else ["None recorded yet."]
    lines += ["", "## Business partner reviews", ""]
    lines += _table(("Review", "Date", "Partner", "Result", "Reviewer"),
                    [(md_escape(p.id), p.date, md_escape(p.partner), p.result.replace("_", " "), _name(org, p.by))
                     for p in rec.partner_reviews]) if rec.partner_reviews else ["None recorded yet."]
    if rec.incidents and sees("incidents"):
        lines += ["", f"{len(rec.incidents)} security incidents are recorded in the "
                  f"[incident log]({page_link(page, 'records/incidents.md')})."]
    return front_matter({"title": "Records summary"}) + "\n".join(lines) + "\n"


def _grade_counts(audit: InternalAudit) -> str:
    counts = [f"{sum(f.grade == g for f in audit.findings)} {label.lower()}" for g, label in GRADES.items()
              if any(f.grade == g for f in audit.findings)]
    return ", ".join(counts) or "none"


def dashboard(org: Organisation, today: dt.date) -> tuple[str, dict[str, str]]:
    """The dashboard page and its figures: objectives against target, corrective actions, audit coverage."""
    page, figures = "records/dashboard.md", {}
    objectives = {o.id: o for o in org.objectives}
    lines = ["# SMS dashboard", "", f"From the records, on {today}.", "", "## Objectives against target", ""]
    for series in org.records.measurements:
        objective = objectives.get(series.objective)
        if objective is None:
            continue
        name = f"objective-{series.objective.lower()}.svg"
        figures[name] = charts.objective_trend(series, f"{objective.id} {objective.title}")
        latest = max(series.readings, key=lambda r: r.date)
        lines += [f"![{md_escape(objective.id)} readings against target]"
                  f"({page_link(page, 'records/figures/' + name)})", "",
                  f"Latest ({latest.date}): {latest.value:g} {md_escape(series.unit)}, target "
                  f"{md_escape(objective.target)}: **{'met' if series.met(latest.value) else 'not yet met'}**.", ""]
    if not org.records.measurements:
        lines += ["No objective measured yet.", ""]
    figures["actions.svg"] = charts.action_states(org.records.actions, today, "Corrective actions by state")
    by_section, by_site = coverage_rows(org, today)
    figures["coverage-clauses.svg"] = charts.coverage(by_section, "Clauses audited in the cycle, by section")
    figures["coverage-sites.svg"] = charts.coverage(by_site, "Sites audited in the cycle")
    overdue = [a for a in org.records.actions if a.overdue(today)]
    lines += ["## Corrective actions", "", f"![Corrective actions by state]"
              f"({page_link(page, 'records/figures/actions.svg')})", "",
              (f"Overdue: {', '.join(md_escape(a.id) for a in overdue)}." if overdue else "None overdue."), "",
              "## Audit coverage", "",
              f"![Clauses audited]({page_link(page, 'records/figures/coverage-clauses.svg')})", "",
              f"![Sites audited]({page_link(page, 'records/figures/coverage-sites.svg')})", ""]
    return front_matter({"title": "Dashboard"}) + "\n".join(lines), figures


def record_pages(org: Organisation, today: dt.date, sees: Callable[[str], bool]) -> RecordPages:
    """Every records page the audience may see (`sees` a key of documents.yml `pages`), with its navigation."""
    out = RecordPages()
    if org.records.empty or not sees("records"):
        return out
    rec = org.records
    nav: list = ["records/index.md"]
    out.pages["records/index.md"] = summary_page(org, today, sees)
    if sees("dashboard"):
        text, figures = dashboard(org, today)
        out.pages["records/dashboard.md"] = text
        out.pages.update({f"records/figures/{n}": svg for n, svg in figures.items()})
        nav.append({"Dashboard": "records/dashboard.md"})
    out.pages["records/audit-programme.md"] = programme_page(org, today)
    nav.append({"Audit programme status": "records/audit-programme.md"})
    if rec.audits:
        for a in rec.audits:
            out.pages[f"records/audits/{a.id}.md"] = audit_page(org, a)
        nav.append({"Internal audits": [{a.id: f"records/audits/{a.id}.md"} for a in rec.audits]})
    if rec.reviews:
        for r in rec.reviews:
            out.pages[f"records/reviews/{r.id}.md"] = review_page(org, r)
        nav.append({"Management reviews": [{r.id: f"records/reviews/{r.id}.md"} for r in rec.reviews]})
    if rec.exercises:
        for e in rec.exercises:
            out.pages[f"records/exercises/{e.id}.md"] = exercise_page(org, e)
        nav.append({"Exercises": [{e.id: f"records/exercises/{e.id}.md"} for e in rec.exercises]})
    if rec.actions:
        out.pages["records/actions.md"] = actions_page(org, today)
        nav.append({"Corrective actions": "records/actions.md"})
    if rec.incidents and sees("incidents"):
        out.pages["records/incidents.md"] = incidents_page(org)
        nav.append({"Incidents": "records/incidents.md"})
    if rec.external_audits:
        out.pages["records/external-audits.md"] = external_page(org, rec.external_audits, today)
        nav.append({"Certification audits": "records/external-audits.md"})
    out.nav = [{"Records": nav}]
    return out


def pack_summary(org: Organisation, today: dt.date, sees: Callable[[str], bool]) -> str | None:
    """The records summary of the Stage 1 pack, as one Markdown text: the summary with the audit programme's status,
    the management review minutes, the internal audit reports, the corrective-action log and certification-body
    findings; the incident log only where the pack's audience may see it. None when there is nothing to give."""
    built = record_pages(org, today, lambda page: page != "dashboard" and sees(page))   # charts are not printed
    order = ["records/index.md", "records/audit-programme.md"] \
        + sorted(p for p in built.pages if p.startswith("records/reviews/")) \
        + sorted(p for p in built.pages if p.startswith("records/audits/")) \
        + sorted(p for p in built.pages if p.startswith("records/exercises/")) \
        + [p for p in ("records/actions.md", "records/incidents.md", "records/external-audits.md") if p in built.pages]
    if not built.pages:
        return None
    texts = [built.pages[p].split("---\n", 2)[2] for p in order]
    # one printed document: links between the site's pages become their words
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", "\n\n".join(texts))
