"""The questions of the two quizzes, each asked only where the organisation's data gives a right answer and enough
wrong ones of the same kind: the incident lead among the other roles, a rating among the other bands, an interval
among the other intervals of the SMS cycle. Questions are tried in a fixed order and the first twelve the data can
ask are kept; a question whose answer could be argued (a role that shares the duty asked about) is not offered."""
from __future__ import annotations

from collections.abc import Iterator

from generator.model.clauses import catalogue, iso28000
from generator.model.datafiles import Role
from generator.model.organisation import Organisation
from generator.publish.training.facts import (
    GRADES,
    exercise_process,
    holder,
    independence,
    names,
    top_threats,
)
from generator.publish.training.quiz import Question, Quiz, ask, quiz, same
from generator.publish.training.slides import shorten
from generator.render.markdown import every

OPTION_CHARS = 120
KEY_INTRO = ("Every answer is a fact from the organisation's own SMS data, named beside it; every wrong option is "
             "another fact of the same kind from that data.")


def _titles(org: Organisation, *leave_out: Role | None) -> list[str]:
    """Every role title in roles.yml order, without the roles left out (whose title could also be right)."""
    keys = {r.key for r in leave_out if r is not None}
    return [r.title for r in org.roles if r.key not in keys]


def _cycle(org: Organisation) -> list[str]:
    """Every interval the SMS cycle sets, as documents state it: the pool for "how often" questions."""
    c = org.cycle
    months = [c.management_review_months, c.internal_audit_months, c.high_risk_site_audit_months, c.exercise_months,
              c.scenario_months, c.survey_months, c.awareness_months, c.refresher_months, c.evidence_months]
    return [every(m) for m in months]


def _function_roles(org: Organisation, *functions: str) -> list[Role]:
    return [r for f in functions for r in [org.function.get(f), *(v for (fn, _), v in org.function_at.items()
                                                                    if fn == f)] if r is not None]


# --- awareness ------------------------------------------------------------------------------------------------------

def awareness_quiz(org: Organisation) -> Quiz:
    return quiz("awareness-quiz", "Security awareness quiz",
                f"Tick one answer for each question. Every question is about {org.org.short_name}'s own security "
                "management system.", KEY_INTRO, _awareness(org, org.org.name))


def _awareness(org: Organisation, seed: str) -> Iterator[Question | None]:
    il = org.function["incident_lead"]
    # the person in charge at a site takes charge at the scene; classifying and investigating is the lead's alone
    yield ask(seed, "incident-lead", "Who classifies every security incident, leads its investigation and makes "
              "the notifications it requires?", il.title, _titles(org, il),
              f"roles.yml: the {il.title} holds the incident lead function (incident procedure)")
    yield _notification(org, seed, il)
    yield from _threat_questions(org, seed)
    criteria = org.criteria
    yield ask(seed, "acceptance", "Up to which rating may a risk be accepted without treatment?", criteria.acceptance,
              [b.name for b in criteria.bands], "risk_criteria.yml: acceptance")
    signer = org.role[org.policy.signed_by]
    yield ask(seed, "policy-signer", "Who signed our security policy?", holder(org, signer),
              [holder(org, r) for r in org.roles if r.holders and r.key != signer.key],
              f"policy.yml: signed_by {signer.key}")
    sm = org.function["sms_manager"]
    yield ask(seed, "sms-manager", "Who runs the SMS day to day as its SMS manager?", names(org, sm),
              [p.name for p in org.people if sm.key not in p.roles],
              f"roles.yml: the {sm.title} holds the SMS manager function; people.yml names the holder")
    yield _site_activity(org, seed)
    yield ask(seed, "awareness-cycle", "How often is security awareness refreshed for everyone?",
              every(org.cycle.awareness_months), _cycle(org), "cycle.yml: awareness_months")
    dc = org.function["document_controller"]
    yield ask(seed, "document-controller", "Who publishes approved SMS documents and withdraws obsolete ones?",
              dc.title, _titles(org, dc), f"roles.yml: the {dc.title} holds the document controller function")
    it = org.function.get("it_security_lead")
    if it is not None and it.key != il.key and org.has("information_systems"):
        yield ask(seed, "cyber", f"Besides the {il.title}, who must hear at once of a suspected cyber incident?",
                  it.title, _titles(org, it, il), f"roles.yml: the {it.title} holds the IT security lead function")
    yield _objective(org, seed)
    top = criteria.bands[-1]
    yield ask(seed, "band-action", f"What do our risk criteria require for a risk rated {top.name}?",
              shorten(top.action, OPTION_CHARS), [shorten(b.action, OPTION_CHARS) for b in criteria.bands],
              f"risk_criteria.yml: the action of the {top.name} band")
    sec = org.function.get("security_manager")
    if sec is not None:
        yield ask(seed, "security-manager", f"Who is our {sec.title}?", names(org, sec),
                  [p.name for p in org.people if sec.key not in p.roles], f"people.yml: the holders of {sec.key}")


def _notification(org: Organisation, seed: str, il: Role) -> Question | None:
    """The notification duty with the longest deadline (a regulator's, rarely also a specialist's): it is the
    incident lead's to make, as the incident procedure says; roles that share notifications are not offered."""
    duties = [(req, n) for req, n in org.notification_duties if n.within_hours]
    if not duties:
        return None
    req, duty = duties[-1]
    sharing = _function_roles(org, "customs_compliance_lead", "compliance_lead", "it_security_lead", "site_lead",
                              "security_supervisor")
    return ask(seed, "notification", f"{duty.notify[0].upper()}{duty.notify[1:]} must be told {duty.deadline} of "
               f"{shorten(duty.when, 110)}. Who makes that notification?", il.title, _titles(org, il, *sharing),
               f"legal.yml {req.id}; the incident procedure gives every notification to the {il.title}")


def _threat_questions(org: Organisation, seed: str) -> Iterator[Question | None]:
    threats = top_threats(org, len(org.risks))
    if not threats:
        return
    top = threats[0]
    lower = [shorten(t.text, OPTION_CHARS) for t in threats if t.risk.score < top.risk.score]
    yield ask(seed, "top-threat", "Which of these threats is rated highest in our risk register?",
              shorten(top.text, OPTION_CHARS), lower, f"risks.yml {top.risk.id}: score {top.risk.score}, the highest")
    risk = top.risk
    band = risk.rating
    yield ask(seed, "top-rating", f"How is the threat \"{shorten(risk.threat, 90)}\" rated in our risk register?",
              band.name, [b.name for b in org.criteria.bands],
              f"risks.yml {risk.id}: likelihood {risk.likelihood} × impact {risk.impact} = {risk.score}, "
              f"in the {band.name} band ({band.min_score} to {band.max_score})")


def _site_activity(org: Organisation, seed: str) -> Question | None:
    """An activity done at only one site: which site is it? Asked where there are three sites or more."""
    sites = org.sites_in_scope
    if len(sites) < 3:
        return None
    for site in sites:
        for activity in site.activities:
            elsewhere = [s for s in sites if s is not site and any(same(activity, a) for a in s.activities)]
            if not elsewhere:
                return ask(seed, "site-activity", f"At which of our sites does this happen: "
                           f"\"{shorten(activity, 110)}\"?", site.name, [s.name for s in sites],
                           f"sites.yml {site.code}: activities")
    return None


def _objective(org: Organisation, seed: str) -> Question | None:
    objectives = org.objectives
    if len(objectives) >= 3:
        o = objectives[0]
        return ask(seed, "objective", f"What is the target of our objective \"{shorten(o.title, 90)}\"?",
                   shorten(o.target, OPTION_CHARS), [shorten(x.target, OPTION_CHARS) for x in objectives],
                   f"objectives.yml {o.id}: target")
    o = objectives[0]
    owner = org.role[o.owner]
    return ask(seed, "objective", f"Who owns our objective \"{shorten(o.title, 90)}\"?", owner.title,
               _titles(org, owner), f"objectives.yml {o.id}: owner")


# --- internal auditors ------------------------------------------------------------------------------------------

def auditor_quiz(org: Organisation) -> Quiz:
    return quiz("auditor-quiz", "Internal auditor quiz",
                f"Tick one answer for each question. The answers come from {org.org.short_name}'s internal audit "
                "procedure, its SMS data and ISO 28000:2022.", KEY_INTRO, _auditor(org, org.org.name))


def _auditor(org: Organisation, seed: str) -> Iterator[Question | None]:
    ial, tm, sm = (org.function[f] for f in ("internal_audit_lead", "top_management", "sms_manager"))
    cycle = org.cycle
    yield ask(seed, "audit-cycle", "How often must every clause, process and site be audited?",
              every(cycle.internal_audit_months), _cycle(org), "cycle.yml: internal_audit_months")
    yield ask(seed, "audit-lead", "Who owns the internal audit programme and appoints the auditors?", ial.title,
              _titles(org, ial), f"roles.yml: the {ial.title} holds the internal audit lead function")
    process = exercise_process(org)
    barred = independence(org, process)
    if len(barred) > 1 and barred[1].key != ial.key:
        yield ask(seed, "not-auditor", f"Which of these may not audit the process \"{shorten(process.name, 60)}\"?",
                  barred[1].title, _titles(org, *barred, ial, tm, *(r for r in org.roles if r.collective)),
                  f"processes.yml {process.id}: owner {barred[0].title}, who reports to the {barred[1].title}")
    yield ask(seed, "reports-to", f"To whom does the {ial.title} report audit results directly?", tm.title,
              _titles(org, tm, ial), "the internal audit procedure: results go directly to top management")
    labels = [label for label, _ in GRADES.values()]
    yield ask(seed, "grade-major", "You find that a control a risk relies on is not working at all. How do you "
              "grade it?", GRADES["major"][0], labels, "the internal audit procedure: grades")
    yield ask(seed, "grade-minor", "One record is missing from an otherwise complete set. How do you grade it?",
              GRADES["minor"][0], labels, "the internal audit procedure: grades")
    depth1 = [c for c in iso28000() if c.depth == 1]
    for number in ("9.2", "10.2"):
        clause = catalogue()[number]
        yield ask(seed, f"clause-{number}", f"Which clause of ISO 28000 covers \"{clause.title}\"?", clause.number,
                  [c.number for c in depth1], f"the clause catalogue: {clause.label}")
    yield _clause_by_intent(seed, depth1)
    owner = org.role.get(process.owner)
    if owner is not None:
        yield ask(seed, "auditee", f"Whose process is \"{shorten(process.name, 60)}\", and so who is your auditee?",
                  owner.title, _titles(org, owner), f"processes.yml {process.id}: owner")
    yield ask(seed, "own-questions", "The procedure asks you to add questions on a site's risks above which rating?",
              org.criteria.acceptance, [b.name for b in org.criteria.bands], "risk_criteria.yml: acceptance")
    if len(org.sites_in_scope) > 1:
        top2 = " or ".join(b.name for b in org.criteria.bands[-2:])
        yield ask(seed, "high-risk-cycle", f"How often is a site visited whose highest risk before treatment is "
                  f"rated {top2}?", every(cycle.high_risk_site_audit_months), _cycle(org),
                  "cycle.yml: high_risk_site_audit_months")
    if sm.key != ial.key:
        yield ask(seed, "audit-the-audit", "Apart from an external auditor, who may audit the internal audit "
                  "process itself?", sm.title, [ial.title, tm.title, *_titles(org, sm)],
                  "the internal audit procedure: independence")
    if ial.audited_by:
        yield ask(seed, "audited-by", f"Who audits the areas the {ial.title} runs besides the audits?",
                  shorten(ial.audited_by, OPTION_CHARS), [f"The {t}" for t in [ial.title, *_titles(org, ial)]],
                  f"roles.yml {ial.key}: audited_by")


def _clause_by_intent(seed: str, clauses: list) -> Question | None:
    clause = next((c for c in clauses if c.number == "8.4"), None)
    if clause is None:
        return None
    return ask(seed, "clause-intent", f"Which clause asks you to: \"{clause.intent}\"", clause.label,
               [c.label for c in clauses], f"the clause catalogue: {clause.label}")
