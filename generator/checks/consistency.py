"""Consistency of the data with itself and with time: what cannot be made impossible by construction, reported at
the data file line it comes from (issue: one fact, one place)."""
from __future__ import annotations

import datetime as dt
import functools
import re

from generator.base.findings import Finding, Findings, Severity
from generator.model.datafiles import Notification
from generator.model.organisation import Organisation
from generator.model.programmes import programmes
from generator.model.yaml_source import PathKey, Source
from generator.render.document import Document
from generator.render.markdown import md_escape
from generator.render.render import Functions


def _at(source: Source | None, file: str, loc: PathKey, message: str, code: str, hint: str,
        severity: Severity) -> Finding:
    """A finding at its line in the data file when the file was read with positions (check), else at the file (the
    readiness report, which works from the organisation alone)."""
    return (source or Source(f"data/{file}")).finding(loc, message, code, hint, severity)


def consistency(org: Organisation, sources: dict[str, Source], today: dt.date) -> Findings:
    findings = Findings()
    findings += _partner_evidence(org, sources.get("partners.yml"), today)
    findings += _risk_acceptance(org, sources.get("risks.yml"), today)
    findings += _partner_review_interval(org, sources.get("partners.yml"))
    findings += _claimed_in_place(org, sources)
    findings += _site_holders(org, sources.get("roles.yml"))
    return findings


def _site_holders(org: Organisation, source: Source | None) -> Findings:
    """Work done at a site (the seal store, gate checks, the site's exercises) falls to whoever `in_charge` names
    there, the same rule the templates use. When nobody holding that role works at the site, the set hands site
    work to a head-office role whose people are elsewhere: a task no one at the site can carry out."""
    findings = Findings()
    for site in org.sites_in_scope:
        if not org.people_at(site.code):
            continue   # an unmanned site: its work is done by visiting staff, as its plan says
        here = Functions(org).at(site)
        for security in (False, True):
            role = here.in_charge(security)
            if org.works_at(role, site.code):
                continue
            based = sorted({p.site for p in role.holders})
            message = f"site {site.code} ({site.name}): its site-level {'security ' if security else ''}work " \
                      f"falls to {role.title}, whose holders work at {', '.join(based) or 'no site'}, not here"
            hint = f"give a role based at {site.code} (roles.yml: site: {site.code}) the function " \
                   f"{'security_supervisor' if security and site.has('guard_force') else 'site_lead'}, or name a " \
                   f"holder of {role.title} who works at {site.code}"
            findings.append(_at(source, "roles.yml", ("roles", org.roles.index(role)), message,
                                "consistency.site-holder", hint, Severity.warning))
            break   # one finding per site: the same missing person
    return findings


# Words that say nothing about which control a sentence means
STOPWORDS = frozenset({
    "a", "an", "and", "any", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "its", "of",
    "on", "or", "the", "to", "with", "without", "all", "every", "each", "only", "than", "then", "that", "this",
    "these", "those", "their", "them", "they", "when", "where", "which", "while", "who", "not", "no", "per", "via",
    "before", "after", "within", "other", "same", "such", "more", "most", "less", "also"
})


@functools.lru_cache(maxsize=65536)
def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower().rstrip("s") for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9-]+", text)) - STOPWORDS


def _claimed_in_place(org: Organisation, sources: dict[str, Source]) -> Findings:
    """A control a risk treatment has yet to bring (its action, due in the future) must not be stated as in place
    in a site's measures or a process's controls at the risk's sites: mark it there as planned (`{control, planned:
    risk ID}`). Matched by the words the two sentences share, so it is a warning to look at, not a verdict. Each
    sentence is read once and compared only with what is said about the same sites, so a set of hundreds of sites
    costs what its sites do, not their square."""
    findings = Findings()
    by_site: dict[str, list[tuple[str, PathKey, str, str, frozenset[str]]]] = {}

    def claim(file: str, loc: PathKey, where: str, text: str, sites: list[str]) -> None:
        entry = (file, loc, where, text, _words(text))
        for code in sites:
            by_site.setdefault(code, []).append(entry)
    for i, site in enumerate(org.sites):
        for j, text in enumerate(site.security_measures):
            if isinstance(text, str):
                claim("sites.yml", ("sites", i, "security_measures", j), f"site {site.code}", text, [site.code])
    for i, process in enumerate(org.processes):
        for j, text in enumerate(process.security_controls):
            if isinstance(text, str):
                claim("processes.yml", ("processes", i, "security_controls", j), f"process {process.id}", text,
                      process.sites)
    # a scenario's response relies on what it names being there (a refuge, a hold-up alarm)
    for i, sc in enumerate(org.scenarios):
        for j, text in enumerate(sc.actions):
            claim("scenarios.yml", ("scenarios", i, "actions", j), f"scenario {sc.id}", text, org.sites_of(sc))
    for risk in org.risks:
        candidates = {id(c): c for code in org.sites_of(risk) for c in by_site.get(code, [])}.values()
        for action in risk.treatment.actions:
            planned = _words(action)
            for file, loc, where, text, stated in candidates:
                common = planned & stated
                if len(common) >= 3 and len(common) >= 0.6 * min(len(planned), len(stated)):
                    findings.append(_at(sources.get(file), file,
                        loc, f"{where} states as in place \"{text}\", which {risk.id}'s treatment has yet to bring "
                        f"(\"{action}\", due {risk.treatment.due.isoformat()})", "consistency.control-claimed",
                        f"if it is not yet in place, write it as {{control: ..., planned: {risk.id}}} (a scenario: say "
                        f"what is done until then); if it is, take the action out of {risk.id}'s treatment",
                        Severity.warning))
    return findings


def _partner_review_interval(org: Organisation, source: Source | None) -> Findings:
    """A partner's next review falls within the interval cycle.yml sets for its risk level."""
    findings = Findings()
    for i, partner in enumerate(org.partners):
        allowed = getattr(org.cycle.partner_review_months, partner.risk_level)
        last, nxt = partner.last_review, partner.next_review
        months = (nxt.year - last.year) * 12 + nxt.month - last.month + (1 if nxt.day > last.day else 0)
        if months > allowed:
            findings.append(_at(source, "partners.yml",
                ("partners", i, "next_review"), f"{partner.name}: next review {nxt.isoformat()} is {months} months "
                f"after the last, longer than the {allowed} months cycle.yml sets for a {partner.risk_level}-risk "
                "partner", "consistency.partner-review", "bring the review forward, or change the partner's risk "
                "level with a reason", Severity.error))
    return findings


def _risk_acceptance(org: Organisation, source: Source | None, today: dt.date) -> Findings:
    """A residual risk above the acceptance threshold needs a recorded acceptance by top management, in force; one
    within the threshold needs none (an acceptance there says the criteria are misread)."""
    findings = Findings()
    top = org.function.get("top_management")
    for i, risk in enumerate(org.risks):
        above = not org.criteria.acceptable(risk.residual.score)
        accepted = risk.acceptance
        if above and accepted is None:
            findings.append(_at(source, "risks.yml",
                ("risks", i, "residual"), f"{risk.id}: residual rating {risk.residual_rating.name} is above the "
                f"acceptance threshold ({org.criteria.acceptance}) and no acceptance is recorded",
                "consistency.risk-acceptance", "treat it further, or record who in top management accepted it, "
                "when and until when (risks[].acceptance)", Severity.error))
        elif above and accepted is not None and accepted.until < today:
            findings.append(_at(source, "risks.yml",
                ("risks", i, "acceptance", "until"),
                f"{risk.id}: its acceptance lapsed on {accepted.until.isoformat()}",
                "consistency.risk-acceptance", "decide the risk again and record the new acceptance or treatment",
                Severity.error))
        if accepted is not None and top is not None and accepted.by in org.person \
                and top.key not in org.person[accepted.by].roles:
            findings.append(_at(source, "risks.yml",
                ("risks", i, "acceptance", "by"), f"{risk.id}: accepted by {org.person[accepted.by].name}, who is not "
                f"in top management ({top.title})", "consistency.risk-acceptance",
                "a risk above the threshold is accepted by top management", Severity.error))
    return findings


def _partner_evidence(org: Organisation, source: Source | None, today: dt.date) -> Findings:
    """A partner's security status is evidence only while it is in force, and only if its programme audits security:
    an expired certificate, or AEO-C alone with no signed declaration, leaves the partner unvetted."""
    findings = Findings()
    catalogue = programmes()
    for i, partner in enumerate(org.partners):
        for j, held in enumerate(partner.programmes):
            if held.valid_until is not None and held.valid_until < today:
                findings.append(_at(source, "partners.yml",
                    ("partners", i, "programmes", j, "valid_until"),
                    f"{partner.name}: {catalogue[held.programme].short} expired on {held.valid_until.isoformat()}",
                    "consistency.partner-evidence-expired", "ask the partner for the renewed certificate and record "
                    "its new date, or review the partner as one without it", Severity.warning))
        non_security = [catalogue[h.programme].short for h in partner.held
                        if not catalogue[h.programme].security_evidence]
        if non_security and not partner.security_evidence(on=today) and not partner.security_declaration:
            findings.append(_at(source, "partners.yml",
                ("partners", i), f"{partner.name} holds only {', '.join(non_security)}, which audits no security "
                "criteria, and has no signed security declaration", "consistency.partner-unvetted",
                "have the partner complete the security questionnaire and sign the declaration", Severity.warning))
    return findings


STEP_TYPES = ("procedure", "operational", "work_instruction", "plan")


def notification_steps(org: Organisation, documents: list[Document], source: Source | None) -> Findings:
    """Every duty to notify in the legal register is carried by an issued procedure: some document names the
    requirement and the party to tell (the incident procedure's table does, unless a workspace's version dropped
    it). A duty no procedure carries is one nobody will meet in time."""
    findings = Findings()
    # the legal register itself states every duty: only a procedure, plan or instruction carries one out
    bodies = [d.body.casefold() for d in documents if d.type in STEP_TYPES]
    for i, req in enumerate(org.legal):
        for j, obligation in enumerate(req.obligations):
            if not isinstance(obligation, Notification):
                continue
            said = [req.id.casefold(), md_escape(obligation.notify).casefold(), obligation.deadline.casefold()]
            if any(all(part in body for part in said) for body in bodies):
                continue
            message = f"{req.id}: no issued procedure carries the duty to notify {obligation.notify} " \
                      f"{obligation.deadline}"
            hint = "the incident procedure lists every duty of the legal register in its notification duties: " \
                   "restore it in this workspace's version, or give the duty its own step"
            findings.append(_at(source, "legal.yml", ("requirements", i, "obligations", j), message,
                                "consistency.notification-step", hint, Severity.error))
    return findings


def auditor_independence(org: Organisation, documents: list[Document], source: Source | None) -> Findings:
    """The internal audit lead's role must not audit its own work: if it owns documents besides the audit ones, the
    data names who audits them instead (roles.yml `audited_by`), and the audit programme says so."""
    findings = Findings()
    auditor = org.function.get("internal_audit_lead")
    if auditor is None or auditor.audited_by:
        return findings
    own = sorted(d.id for d in documents if d.owner.key == auditor.key and d.owner_function != "internal_audit_lead")
    if not own:
        return findings
    i = org.roles.index(auditor)
    listed = ", ".join(own[:6]) + (f" and {len(own) - 6} more" if len(own) > 6 else "")
    message = f"{auditor.title} leads the internal audit and owns {len(own)} other documents ({listed}): it would " \
              "audit its own work"
    hint = "name who audits this role's area instead (roles.yml: audited_by, e.g. an external auditor), or give " \
           "the internal audit to a role that owns none of them"
    findings.append(_at(source, "roles.yml", ("roles", i), message, "consistency.auditor-independence", hint,
                        Severity.error))
    return findings
