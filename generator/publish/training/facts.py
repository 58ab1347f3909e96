"""The organisation's facts as the training states them, computed once for the decks and the quizzes alike: who
holds a role, who an incident is reported to, which threats rate highest, who may not audit a process. The same
rules as the documents' templates (all-employees duties, incident and internal audit procedures), so that what is
taught is what the controlled documents say."""
from __future__ import annotations

from dataclasses import dataclass

from generator.model.datafiles import Control, PlannedControl, Process, Risk, Role, Site
from generator.model.organisation import Organisation
from generator.render.markdown import join_and

# The SMS roles everyone should know, in the order the awareness deck introduces them
SMS_FUNCTIONS = {
    "top_management": "Top management",
    "sms_manager": "SMS manager",
    "security_manager": "Security manager",
    "incident_lead": "Incident lead",
    "internal_audit_lead": "Internal audit lead",
    "document_controller": "Document controller",
}
NAMES_SHOWN = 3
GRADES = {   # the internal audit procedure's grades, in plain words
    "major": ("Major nonconformity", "A requirement not met at all, or a lapse that puts security at risk: a "
                                     "control a risk relies on that is absent or not working"),
    "minor": ("Minor nonconformity", "A single lapse that leaves the requirement working, such as one record "
                                     "missing from an otherwise complete set"),
    "observation": ("Observation", "Not a nonconformity: a weakness that could become one"),
    "opportunity": ("Opportunity for improvement", "Not a nonconformity: a better way of meeting the requirement"),
}


def names(org: Organisation, role: Role) -> str:
    """Who holds a role, as a slide names them: a body by its chair, a long list cut short, an external provider."""
    people = list(role.holders)
    if role.collective and role.chair in org.person:
        chair = org.person[role.chair]
        others = len([p for p in people if p.id != chair.id])
        return f"{chair.name} (chair)" + (f" and {others} members" if others else "")
    if role.external or not people:
        return org.holder_names(role)
    shown = [p.name for p in people[:NAMES_SHOWN]]
    rest = len(people) - len(shown)
    return join_and(shown + ([f"{rest} others"] if rest else []))


def holder(org: Organisation, role: Role) -> str:
    """"Head of Security, David McAllister"."""
    return f"{role.title}, {names(org, role)}"


def who(org: Organisation, role: Role) -> str:
    """"the Head of Security, David McAllister": mid-sentence."""
    return f"the {holder(org, role)}"


def capital(text: str) -> str:
    """A sentence that starts with a phrase: "the Head of ..." -> "The Head of ..."."""
    return text[:1].upper() + text[1:]


def contact(org: Organisation, role: Role) -> str:
    """The first holder's telephone and e-mail: how to reach the role now."""
    if not role.holders or role.collective:
        return ""
    person = role.holders[0]
    return f"{person.phone} · {person.email}"


def site_role(org: Organisation, function: str, site: Site) -> Role | None:
    """The role holding `function` at `site` (a per-site holder first, then the one for the whole organisation)."""
    return org.function_at.get((function, site.code)) or org.function.get(function)


def control_text(control: Control) -> str:
    if isinstance(control, PlannedControl):
        return f"{control.control} (planned)"
    return control


def guarded_sites(org: Organisation) -> list[Site]:
    """Sites with security officers on shift, where the security supervisor takes reports."""
    if "security_supervisor" not in org.function:
        return []
    return [s for s in org.sites_in_scope if s.has("guard_force")]


def report_to(org: Organisation, site: Site | None = None) -> str:
    """Whom anyone reports a security incident to, as the incident procedure says: the person in charge at the site
    (the security supervisor on shift where there are security officers) or the incident lead directly."""
    lead = org.function["incident_lead"]
    guarded = guarded_sites(org)
    if site is not None:
        first = f"the {org.function['security_supervisor'].title} on shift" if site in guarded else \
            _in_charge(org, site)
    elif len(org.sites_in_scope) == 1:
        first = f"the {org.function['security_supervisor'].title} on shift" if guarded else \
            _in_charge(org, org.sites_in_scope[0])
    else:
        first = "the person in charge at your site"
        if guarded:
            codes = join_and([s.code for s in guarded])
            first += f" (at {codes}, the {org.function['security_supervisor'].title} on shift)"
    if first == f"the {lead.title}":
        return first
    return f"{first}, or directly to the {lead.title}"


def _in_charge(org: Organisation, site: Site) -> str:
    role = site_role(org, "site_lead", site) or org.function.get("operations_lead") or org.function["incident_lead"]
    return f"the {role.title}"


@dataclass(frozen=True)
class Threat:
    """One threat as the risk register rates it: the highest-scored risk of that threat, and every site it is
    assessed at."""
    text: str
    risk: Risk
    where: str


def top_threats(org: Organisation, count: int, site: Site | None = None) -> list[Threat]:
    """The `count` highest-rated threats (at `site`, or anywhere), highest first; a threat assessed at several
    sites counts once, rated by its worst risk."""
    found: list[Threat] = []
    for threat, risks in org.risks_by_threat():
        here = [r for r in risks if site is None or site.code in org.sites_of(r)]
        if not here:
            continue
        codes = sorted({c for r in here for c in org.sites_of(r)}, key=lambda c: org.scope.sites.index(c)
                       if c in org.scope.sites else len(org.scope.sites))
        where = "All sites" if any(r.site == "all" for r in here) or len(codes) == len(org.scope.sites) > 1 \
            else ", ".join(codes)
        found.append(Threat(threat, max(here, key=lambda r: (r.score, -org.risks.index(r))), where))
    found.sort(key=lambda t: (-t.risk.score, org.risks.index(t.risk)))
    return found[:count]


def rating(risk: Risk) -> str:
    """"High (15)": the band the model computed and the score it is computed from."""
    return f"{risk.rating.name} ({risk.score})"


def rated(text: str, risk: Risk) -> str:
    """A threat named in a sentence with its rating: "Ransomware deployed after phishing (Critical, 20)"."""
    return f"{text} ({risk.rating.name}, {risk.score})"


def above_acceptance(org: Organisation, risk: Risk) -> bool:
    return not org.criteria.acceptable(risk.score)


def exercise_process(org: Organisation) -> Process:
    """The process the audit-planning exercise works on: the one bearing the highest-rated risk, then the one with
    most risks and controls, so the exercise has something to test; ties go to the first in processes.yml."""
    def weight(process: Process) -> tuple[int, int, int]:
        scores = [org.risk[r].score for r in process.risks if r in org.risk]
        return (max(scores, default=0), len(scores), len(process.security_controls))
    return max(org.processes, key=lambda p: (weight(p), -org.processes.index(p)))


def independence(org: Organisation, process: Process) -> list[Role]:
    """The roles that may not audit `process`, as the internal audit procedure rules: its owner (their own work), the
    owner's line manager (the area they manage) and the roles reporting to the owner (the function they report
    to)."""
    owner = org.role.get(process.owner)
    if owner is None:
        return []
    barred = [owner]
    if owner.reports_to in org.role:
        barred.append(org.role[owner.reports_to])
    barred += [r for r in org.reports(owner.key) if r not in barred]
    return barred


def functions_of(role: Role) -> list[str]:
    """A role's SMS functions in words: "SMS manager", "risk coordinator"."""
    acronyms = {"it": "IT", "hr": "HR", "sms": "SMS"}
    return [" ".join(acronyms.get(w, w) for w in f.value.split("_")) for f in role.functions]
