"""Rules across data files: every reference resolves, every identifier is unique, scales, bands and functions are
coherent. Each rule is a small function of one data file's concern; `cross_check` runs them all and collects every
finding, so one run reports every mistake."""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.base.findings import Findings, Severity
from generator.model.clauses import catalogue
from generator.model.datafiles import PlannedControl, Role
from generator.model.fields import Function
from generator.model.gap import questionnaire_clauses
from generator.model.organisation import Organisation
from generator.model.records import NONCONFORMITIES
from generator.model.yaml_source import PathKey, Source


@dataclass
class Report:
    """Where findings go, with the positions of every value in the files they came from."""
    org: Organisation
    sources: dict[str, Source]
    also_known: dict[str, set] = field(default_factory=dict)   # identifiers of entries that failed validation
    out: Findings = field(default_factory=Findings)

    def bad(self, file: str, loc: PathKey, message: str, hint: str = "", code: str = "data.unknown-ref",
            severity: Severity = Severity.fatal) -> None:
        self.out.append(self.sources[file].finding(loc, message, code, hint, severity))

    def ref(self, file: str, loc: PathKey, value: Any, known: Collection, what: str) -> None:
        """`value` must be one of `known` (or the identifier of an entry already reported as invalid)."""
        if value is None or value in known or value in self.also_known.get(what, ()) \
                or value in self.also_known.get("ID", ()):
            return
        close = difflib.get_close_matches(str(value), [str(k) for k in known], n=1, cutoff=0.6)
        hint = (f"did you mean '{close[0]}'? " if close else "") + f"known {what}s: {', '.join(sorted(known))}"
        self.bad(file, loc, f"unknown {what} '{value}'", hint)

    def refs(self, file: str, loc: PathKey, values: Iterable, known: Collection, what: str) -> None:
        for j, value in enumerate(values):
            self.ref(file, (*loc, j), value, known, what)

    def unique(self, file: str, top: str, items: list, attr: str, what: str) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            value = getattr(item, attr)
            if value in seen:
                self.bad(file, (top, i, attr), f"duplicate {what} '{value}' (also {top}[{seen[value]}])",
                         "every entry needs its own identifier", "data.duplicate-id")
            seen.setdefault(value, i)


def unique_identifiers(r: Report) -> None:
    org = r.org
    r.unique("sites.yml", "sites", org.sites, "code", "site code")
    r.unique("roles.yml", "roles", org.roles, "key", "role key")
    r.unique("roles.yml", "roles", org.roles, "code", "role code")
    r.unique("people.yml", "people", org.people, "id", "person id")
    for file, top, items in (("context.yml", "issues", org.context), ("interested_parties.yml", "parties", org.parties),
                             ("legal.yml", "requirements", org.legal), ("objectives.yml", "objectives", org.objectives),
                             ("risks.yml", "risks", org.risks), ("processes.yml", "processes", org.processes),
                             ("partners.yml", "partners", org.partners), ("scenarios.yml", "scenarios", org.scenarios)):
        r.unique(file, top, items, "id", "ID")
    codes = [t.code for t in org.documents.types.values()]
    for key, doc_type in org.documents.types.items():
        if codes.count(doc_type.code) > 1:
            r.bad("documents.yml", ("types", key, "code"), f"type code '{doc_type.code}' is used by two types",
                  "document IDs would collide", "data.duplicate-id")


def scope_and_context(r: Report) -> None:
    org = r.org
    r.refs("scope.yml", ("scope", "sites"), org.scope.sites, org.site, "site code")
    for i, party in enumerate(org.parties):
        r.ref("interested_parties.yml", ("parties", i, "owner"), party.owner, org.role, "role key")
        r.refs("interested_parties.yml", ("parties", i, "legal_requirements"), party.legal_requirements,
               org.legal_by_id, "legal requirement ID")
    for i, req in enumerate(org.legal):
        r.ref("legal.yml", ("requirements", i, "owner"), req.owner, org.role, "role key")
        r.refs("legal.yml", ("requirements", i, "applies_to"), req.applies_to, org.site, "site code")
    r.ref("policy.yml", ("policy", "signed_by"), org.policy.signed_by, org.role, "role key")


def reporting_lines(r: Report) -> None:
    org = r.org
    for i, role in enumerate(org.roles):
        r.ref("roles.yml", ("roles", i, "reports_to"), role.reports_to, org.role, "role key")
        r.ref("roles.yml", ("roles", i, "site"), role.site, org.site, "site code")
        r.refs("roles.yml", ("roles", i, "approves"), role.approves, org.documents.types, "document type")
        if role.reports_to == role.key:
            r.bad("roles.yml", ("roles", i, "reports_to"), "a role cannot report to itself", code="data.reporting-line")
    tops = [role for role in org.roles if role.reports_to is None]
    if len(tops) != 1:
        r.bad("roles.yml", ("roles",), f"exactly one role must have no reports_to (the top role); found {len(tops)}",
              "give every role except top management a reports_to", "data.reporting-line")
    for i, role in enumerate(org.roles):
        chain: set[str] = set()
        current: Role | None = role
        while current and current.reports_to and current.key not in chain:
            chain.add(current.key)
            current = org.role.get(current.reports_to)
        if current and current.key in chain:
            r.bad("roles.yml", ("roles", i, "reports_to"), f"reporting line of '{role.key}' loops back on itself",
                  code="data.reporting-line")


# Every SMS has these: they own and approve the documents the standard requires. The rest are needed only where
# an issued document gives them work (render reports a function no role holds, naming the document).
CORE_FUNCTIONS = (Function.top_management, Function.sms_manager, Function.document_controller,
                  Function.risk_coordinator, Function.internal_audit_lead)


def functions_held_once(r: Report) -> None:
    """Templates assign work to SMS functions: the core ones must be held, and none by more than one role."""
    org = r.org
    holders: dict[str, list[int]] = {}
    for i, role in enumerate(org.roles):
        for fn in role.functions:
            holders.setdefault(fn.value, []).append(i)
    for fn in Function:
        if fn.value not in holders and fn in CORE_FUNCTIONS:
            r.bad("roles.yml", ("roles",), f"no role fulfils the SMS function '{fn.value}'",
                  "add it to the `functions` of the role that does this work: templates assign tasks by function",
                  "data.function-unassigned")
        elif len(holders.get(fn.value, ())) > 1:
            # several holders are fine when each holds it at its own site (plus, at most, one for the organisation)
            roles = [org.roles[j] for j in holders[fn.value]]
            sites = [role.site for role in roles if role.site is not None]
            if len(roles) - len(sites) > 1 or len(set(sites)) < len(sites):
                r.bad("roles.yml", ("roles", holders[fn.value][1], "functions"), f"function '{fn.value}' is held by "
                      f"more than one role ({', '.join(role.key for role in roles)})",
                      "give each function to one role, or to one role per site (roles with `site:`)",
                      "data.function-duplicate")


def vocabulary_words(r: Report) -> None:
    """Sites declare features and the organisation operations in the vocabulary (built-in and sector overlays')."""
    words = r.org.vocabulary
    for i, site in enumerate(r.org.sites):
        r.refs("sites.yml", ("sites", i, "features"), site.features or [], words.of_kind("site"), "site feature")
    r.refs("organisation.yml", ("organisation", "operations"), r.org.org.operations or [],
           words.of_kind("operation"), "operation")


def people_and_roles(r: Report) -> None:
    org = r.org
    for i, person in enumerate(org.people):
        r.ref("people.yml", ("people", i, "site"), person.site, org.site, "site code")
        r.refs("people.yml", ("people", i, "roles"), person.roles, org.role, "role key")
    for i, role in enumerate(org.roles):
        if not role.holders and not role.external:   # an external party's people are its own to name
            r.bad("roles.yml", ("roles", i, "key"), f"no person in people.yml holds role '{role.key}'",
                  "name at least one holder so documents can say who does the work", "data.vacant-role",
                  Severity.error)


def objectives(r: Report) -> None:
    for i, obj in enumerate(r.org.objectives):
        r.ref("objectives.yml", ("objectives", i, "owner"), obj.owner, r.org.role, "role key")
        for j, action in enumerate(obj.plan):
            r.ref("objectives.yml", ("objectives", i, "plan", j, "owner"), action.owner, r.org.role, "role key")


def risk_criteria(r: Report) -> None:
    crit = r.org.criteria
    for scale in ("likelihood", "impact"):
        levels = [lv.level for lv in getattr(crit, scale)]
        if levels != list(range(1, len(levels) + 1)):
            r.bad("risk_criteria.yml", ("criteria", scale), f"{scale} levels must run 1, 2, 3 ... in order",
                  code="data.risk-scale")
    top_score = len(crit.likelihood) * len(crit.impact)
    covered = sorted(s for b in crit.bands for s in range(b.min_score, b.max_score + 1))
    if covered != list(range(1, top_score + 1)):
        r.bad("risk_criteria.yml", ("criteria", "bands"),
              f"bands must cover every score from 1 to {top_score} exactly once", code="data.risk-scale")
    r.ref("risk_criteria.yml", ("criteria", "acceptance"), crit.acceptance, {b.name for b in crit.bands}, "band")


def _where(r: Report, file: str, loc: PathKey, where: str | list[str]) -> None:
    """A site code, or a list of them, names sites that exist ("all" needs no check)."""
    if isinstance(where, list):
        r.refs(file, loc, where, r.org.site, "site code")
    elif where != "all":
        r.ref(file, loc, where, r.org.site, "site code")


def risks(r: Report) -> None:
    org, crit = r.org, r.org.criteria
    for i, risk in enumerate(org.risks):
        _where(r, "risks.yml", ("risks", i, "site"), risk.site)
        r.ref("risks.yml", ("risks", i, "owner"), risk.owner, org.role, "role key")
        for loc, rated in (((), risk), (("residual",), risk.residual)):
            for scale in ("likelihood", "impact"):
                value, size = getattr(rated, scale), len(getattr(crit, scale))
                if not 1 <= value <= size:
                    r.bad("risks.yml", ("risks", i, *loc, scale), f"{scale} {value} is outside the scale 1-{size}",
                          "scales are defined in risk_criteria.yml", "data.risk-scale")
        if risk.acceptance is not None:
            r.ref("risks.yml", ("risks", i, "acceptance", "by"), risk.acceptance.by, org.person, "person id")
            if risk.acceptance.until <= risk.acceptance.date:
                r.bad("risks.yml", ("risks", i, "acceptance", "until"), "the acceptance ends before it starts",
                      "`until` is the date the acceptance lapses, after `date`", "data.risk-acceptance")
        if risk.residual.score > risk.score:
            r.bad("risks.yml", ("risks", i, "residual"), f"residual score {risk.residual.score} is higher than the "
                  f"score before treatment ({risk.score})", "treatment should not make a risk worse",
                  "data.risk-residual", Severity.error)


def collective_bodies(r: Report) -> None:
    """A body's chair is one of its members; only a body has a chair."""
    for i, role in enumerate(r.org.roles):
        if role.chair is None:
            continue
        r.ref("roles.yml", ("roles", i, "chair"), role.chair, r.org.person, "person id")
        if not role.collective:
            r.bad("roles.yml", ("roles", i, "chair"), f"'{role.key}' is not a collective body (collective: true) "
                  "and so has no chair", "a chair belongs to a board or commission", "data.role-chair",
                  Severity.error)
        elif role.chair in r.org.person and role.key not in r.org.person[role.chair].roles:
            r.bad("roles.yml", ("roles", i, "chair"), f"the chair, {r.org.person[role.chair].name}, is not a member "
                  f"of the {role.title}", "add the role to the chair's roles in people.yml", "data.role-chair",
                  Severity.error)


def external_roles(r: Report) -> None:
    """A role an external party holds names that party in the partner register."""
    partners = {p.id for p in r.org.partners}
    for i, role in enumerate(r.org.roles):
        if role.provided_by is not None:
            r.ref("roles.yml", ("roles", i, "provided_by"), role.provided_by, partners, "partner ID")


def planned_controls(r: Report) -> None:
    """A planned control names the risk whose treatment brings it."""
    for i, site in enumerate(r.org.sites):
        for j, measure in enumerate(site.security_measures):
            if isinstance(measure, PlannedControl):
                r.ref("sites.yml", ("sites", i, "security_measures", j, "planned"), measure.planned, r.org.risk,
                      "risk ID")
    for i, process in enumerate(r.org.processes):
        for j, control in enumerate(process.security_controls):
            if isinstance(control, PlannedControl):
                r.ref("processes.yml", ("processes", i, "security_controls", j, "planned"), control.planned,
                      r.org.risk, "risk ID")


def processes_partners_scenarios(r: Report) -> None:
    org = r.org
    for i, proc in enumerate(org.processes):
        r.ref("processes.yml", ("processes", i, "owner"), proc.owner, org.role, "role key")
        r.refs("processes.yml", ("processes", i, "sites"), proc.sites, org.site, "site code")
        r.refs("processes.yml", ("processes", i, "risks"), proc.risks, org.risk, "risk ID")
    for i, partner in enumerate(org.partners):
        r.ref("partners.yml", ("partners", i, "owner"), partner.owner, org.role, "role key")
        if partner.next_review < partner.last_review:
            r.bad("partners.yml", ("partners", i, "next_review"), "next review is before the last review",
                  code="data.dates")
    for i, sc in enumerate(org.scenarios):
        _where(r, "scenarios.yml", ("scenarios", i, "site"), sc.site)
        r.ref("scenarios.yml", ("scenarios", i, "lead"), sc.lead, org.role, "role key")
        r.refs("scenarios.yml", ("scenarios", i, "risks"), sc.risks, org.risk, "risk ID")
        for j, rid in enumerate(sc.risks):
            if rid in org.risk and not set(org.sites_of(org.risk[rid])) & set(org.sites_of(sc)):
                r.bad("scenarios.yml", ("scenarios", i, "risks", j), f"risk {rid} is assessed at "
                      f"{org.where(org.risk[rid])}, not where this scenario happens ({org.where(sc)})",
                      code="data.scenario-site", severity=Severity.error)


# --- records (data/records/*.yml) -----------------------------------------------------------------------------

AUDITS, REVIEWS, ACTIONS = "records/audits.yml", "records/management_reviews.yml", "records/corrective_actions.yml"
INCIDENTS, EXERCISES, TRAINING = "records/incidents.yml", "records/exercises.yml", "records/training.yml"
PARTNER_REVIEWS, MEASUREMENTS = "records/partner_reviews.yml", "records/measurements.yml"
EXTERNAL = "records/external_audits.yml"


def record_identifiers(r: Report) -> None:
    """Record IDs are unique across every kind: a corrective action names the audit or incident it came from by ID
    alone."""
    rec = r.org.records
    seen: dict[str, str] = {}
    kinds: tuple[tuple[str, str, list[Any]], ...] = ((AUDITS, "audits", rec.audits), (REVIEWS, "reviews", rec.reviews),
                             (ACTIONS, "actions", rec.actions), (INCIDENTS, "incidents", rec.incidents),
                             (EXERCISES, "exercises", rec.exercises), (TRAINING, "sessions", rec.training),
                             (PARTNER_REVIEWS, "reviews", rec.partner_reviews), (EXTERNAL, "audits",
                                                                                  rec.external_audits))
    for file, top, items in kinds:
        for i, item in enumerate(items):
            found = [(item.id, (top, i, "id"))] + [(f.id, (top, i, "findings", j, "id"))
                                                   for j, f in enumerate(getattr(item, "findings", []))]
            for value, loc in found:
                if value in seen:
                    r.bad(file, loc, f"duplicate record ID '{value}' (also in {seen[value]})",
                          "every record and finding needs its own ID", "data.duplicate-id")
                seen.setdefault(value, file)


def _clause(r: Report, file: str, loc: PathKey, number: str | None) -> None:
    r.ref(file, loc, number, catalogue(), "clause")


def _action(r: Report, file: str, loc: PathKey, action_id: str | None) -> None:
    r.ref(file, loc, action_id, r.org.records.action_by_id, "corrective action ID")


def audit_records(r: Report) -> None:
    org = r.org
    for i, audit in enumerate(org.records.audits):
        for field_name in ("lead_auditor", "auditors", "auditees"):
            value = getattr(audit, field_name)
            if isinstance(value, list):
                r.refs(AUDITS, ("audits", i, field_name), value, org.person, "person id")
            else:
                r.ref(AUDITS, ("audits", i, field_name), value, org.person, "person id")
        for j, number in enumerate(audit.clauses):
            _clause(r, AUDITS, ("audits", i, "clauses", j), number)
        r.refs(AUDITS, ("audits", i, "sites"), audit.sites, org.site, "site code")
        r.refs(AUDITS, ("audits", i, "processes"), audit.processes, {p.id for p in org.processes}, "process ID")
        if audit.end is not None and audit.end < audit.start:
            r.bad(AUDITS, ("audits", i, "end"), "the audit ends before it starts", code="data.dates")
        for j, finding in enumerate(audit.findings):
            loc = ("audits", i, "findings", j)
            _clause(r, AUDITS, (*loc, "clause"), finding.clause)
            r.ref(AUDITS, (*loc, "site"), finding.site, org.site, "site code")
            _action(r, AUDITS, (*loc, "action"), finding.action)
            if finding.grade in NONCONFORMITIES and finding.action is None:
                r.bad(AUDITS, (*loc, "action"), f"{finding.id} is a {finding.grade} nonconformity with no corrective "
                      "action", "raise one in records/corrective_actions.yml and give its ID here",
                      "data.record-action", Severity.error)


def review_and_action_records(r: Report) -> None:
    org = r.org
    for i, review in enumerate(org.records.reviews):
        r.ref(REVIEWS, ("reviews", i, "chair"), review.chair, org.person, "person id")
        r.refs(REVIEWS, ("reviews", i, "attendees"), review.attendees, org.person, "person id")
        for j, decision in enumerate(review.decisions):
            r.ref(REVIEWS, ("reviews", i, "decisions", j, "owner"), decision.owner, org.person, "person id")
            _action(r, REVIEWS, ("reviews", i, "decisions", j, "action"), decision.action)
    for i, action in enumerate(org.records.actions):
        loc = ("actions", i)
        r.ref(ACTIONS, (*loc, "owner"), action.owner, org.person, "person id")
        r.ref(ACTIONS, (*loc, "site"), action.site, org.site, "site code")
        _clause(r, ACTIONS, (*loc, "clause"), action.clause)
        if action.verification is not None:
            r.ref(ACTIONS, (*loc, "verification", "by"), action.verification.by, org.person, "person id")
        for field_name, date in (("due", action.due), ("completed", action.completed)):
            if date is not None and date < action.raised:
                r.bad(ACTIONS, (*loc, field_name), f"{field_name} ({date}) is before the action was raised "
                      f"({action.raised})", code="data.dates")
        if action.verification is not None and action.completed is None:
            r.bad(ACTIONS, (*loc, "verification"), "an action is verified only once it is completed",
                  "give the date it was completed", "data.dates")


def event_records(r: Report) -> None:
    org, rec = r.org, r.org.records
    scenario_ids = {s.id for s in org.scenarios}
    for i, incident in enumerate(rec.incidents):
        r.ref(INCIDENTS, ("incidents", i, "site"), incident.site, org.site, "site code")
        r.ref(INCIDENTS, ("incidents", i, "reported_by"), incident.reported_by, org.person, "person id")
        r.refs(INCIDENTS, ("incidents", i, "risks"), incident.risks, org.risk, "risk ID")
        _action(r, INCIDENTS, ("incidents", i, "action"), incident.action)
        for j, note in enumerate(incident.notifications):
            r.ref(INCIDENTS, ("incidents", i, "notifications", j, "requirement"), note.requirement,
                  org.legal_by_id, "legal requirement ID")
    for i, exercise in enumerate(rec.exercises):
        r.ref(EXERCISES, ("exercises", i, "site"), exercise.site, org.site, "site code")
        r.ref(EXERCISES, ("exercises", i, "led_by"), exercise.led_by, org.person, "person id")
        r.refs(EXERCISES, ("exercises", i, "participants"), exercise.participants, org.person, "person id")
        r.refs(EXERCISES, ("exercises", i, "scenarios"), exercise.scenarios, scenario_ids, "scenario ID")
        for j, action_id in enumerate(exercise.actions):
            _action(r, EXERCISES, ("exercises", i, "actions", j), action_id)
    for i, session in enumerate(rec.training):
        r.refs(TRAINING, ("sessions", i, "attendees"), session.attendees, org.person, "person id")
    for i, review in enumerate(rec.partner_reviews):
        r.ref(PARTNER_REVIEWS, ("reviews", i, "partner"), review.partner, {p.id for p in org.partners}, "partner ID")
        r.ref(PARTNER_REVIEWS, ("reviews", i, "by"), review.by, org.person, "person id")
        for j, action_id in enumerate(review.actions):
            _action(r, PARTNER_REVIEWS, ("reviews", i, "actions", j), action_id)
    objectives_by_id = {o.id: o for o in org.objectives}
    for i, series in enumerate(rec.measurements):
        r.ref(MEASUREMENTS, ("objectives", i, "objective"), series.objective, objectives_by_id, "objective ID")
        objective = objectives_by_id.get(series.objective)
        if objective is not None and not _states_number(objective.target, series.target):
            r.bad(MEASUREMENTS, ("objectives", i, "target"), f"target {series.target:g} is not the target "
                  f"{objective.id} states in objectives.yml ('{objective.target}')",
                  "the number and the objective's text must say the same", "data.target-mismatch", Severity.error)
    for i, audit in enumerate(rec.external_audits):
        for j, finding in enumerate(audit.findings):
            loc = ("audits", i, "findings", j)
            _clause(r, EXTERNAL, (*loc, "clause"), finding.clause)
            r.ref(EXTERNAL, (*loc, "site"), finding.site, org.site, "site code")
            _action(r, EXTERNAL, (*loc, "action"), finding.action)
            if finding.grade in ("area_of_concern", "major", "minor") and finding.action is None:
                r.bad(EXTERNAL, (*loc, "action"), f"{finding.id} ({finding.grade.replace('_', ' ')}) has no "
                      "corrective action", "raise one in records/corrective_actions.yml and give its ID here",
                      "data.record-action", Severity.error)


NUMBER_WORDS = {w: n for n, w in enumerate(("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                            "nine", "ten", "eleven", "twelve"))}


def _states_number(text: str, number: float) -> bool:
    """Whether `text` states `number` (2, 2.0 and 2.00 are the same number; 1,000 is a thousand; "two" is 2)."""
    found = [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]
    found += [float(NUMBER_WORDS[w]) for w in re.findall(r"[a-z]+", text.lower()) if w in NUMBER_WORDS]
    return any(abs(n - number) < 1e-9 for n in found)


# --- gap_analysis.yml (optional) -------------------------------------------------------------------------------

GAP = "gap_analysis.yml"


def gap_analysis(r: Report) -> None:
    """Every answer names a clause of the questionnaire once and an owner who exists; the dates can be planned from;
    what the report would otherwise take on trust (in place with no evidence, not applicable with no reason) is
    flagged."""
    gap = r.org.gap
    if gap is None:
        return
    asked = [c.number for c in questionnaire_clauses()]
    seen: dict[str, int] = {}
    for i, answer in enumerate(gap.clauses):
        loc = ("gap_analysis", "clauses", i)
        r.ref(GAP, (*loc, "clause"), answer.clause, asked, "ISO 28000 clause")
        if answer.clause in seen:
            r.bad(GAP, (*loc, "clause"), f"clause {answer.clause} is answered twice (also "
                  f"clauses[{seen[answer.clause]}])", "keep one answer per clause", "data.duplicate-id")
        seen.setdefault(answer.clause, i)
        r.ref(GAP, (*loc, "owner"), answer.owner, r.org.person, "person id")
        if answer.status == "in_place" and answer.evidence is None:
            r.bad(GAP, (*loc, "status"), f"{answer.clause} is in place with no evidence", "say what was seen in "
                  "`evidence:` (a document, a record, an interview): a certification body asks", "data.gap-evidence",
                  Severity.warning)
        if answer.status == "not_applicable" and answer.notes is None:
            r.bad(GAP, (*loc, "status"), f"{answer.clause} is not applicable with no reason", "give the reason in "
                  "`notes:`: ISO 28000 lets no clause be left out without a justification", "data.gap-evidence",
                  Severity.warning)
    missing = [n for n in asked if n not in seen]
    if missing:
        r.bad(GAP, ("gap_analysis", "clauses"), f"{len(missing)} clause(s) not in the gap analysis: "
              + ", ".join(missing), "the report counts them as not assessed and plans them as absent",
              "data.gap-missing", Severity.warning)
    for name, date, after, what in (("stage1_target", gap.stage1_target, gap.kickoff, "the kickoff"),
                                    ("stage2_target", gap.stage2_target, gap.stage1_target, "the Stage 1 target")):
        if date is not None and after is not None and date <= after:
            r.bad(GAP, ("gap_analysis", name), f"{name} ({date}) is not after {what} ({after})",
                  "the audits come after the implementation they assess", "data.dates", Severity.error)


RULES: tuple[Callable[[Report], None], ...] = (
    unique_identifiers, scope_and_context, reporting_lines, functions_held_once, vocabulary_words, people_and_roles,
    objectives, risk_criteria, risks, planned_controls, collective_bodies, external_roles,
    processes_partners_scenarios, record_identifiers, audit_records, review_and_action_records, event_records,
    gap_analysis)


def cross_check(org: Organisation, sources: dict[str, Source], also_known: dict[str, set] | None = None) -> Findings:
    """Every reference between files resolves; every ID is unique; scales, bands and functions are coherent."""
    report = Report(org, sources, also_known or {})
    for rule in RULES:
        rule(report)
    return report.out
