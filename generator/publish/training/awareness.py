"""The awareness deck for everyone who works for or on behalf of the organisation (clause 7.3): the standard and the
SMS in a few words, then the organisation's own scope, sites, policy, threats, duties, reporting route, objectives,
people, documents and what is at stake. Ratings are the model's (risk.rating, risk.score), never typed; only
threats and ratings are shown, never vulnerabilities or treatments, which belong to classified documents."""
from __future__ import annotations

from generator.model.fields import Classification
from generator.model.organisation import Organisation
from generator.publish.training.facts import (
    SMS_FUNCTIONS,
    capital,
    contact,
    holder,
    names,
    rated,
    rating,
    report_to,
    site_role,
    top_threats,
    who,
)
from generator.publish.training.slides import (
    Bullet,
    Chip,
    Cover,
    Deck,
    Slide,
    bullet,
    bullet_slides,
    cells,
    count,
    shorten,
    table_slides,
)
from generator.render.markdown import every, join_and

THREATS_SHOWN = 5
SITE_SLIDES_UP_TO = 8   # one short slide per site; an organisation with more sites gets the table only
NOTIFICATIONS_SHOWN = 5
TITLE_CHARS = 60


def awareness_deck(org: Organisation) -> Deck:
    short = org.org.short_name
    cover = Cover("Security awareness", f"{org.org.name}: our security management system",
                  (f"For everyone who works for or on behalf of {short}",
                   f"ISO 28000:2022 · {count(len(org.sites_in_scope), 'site')} in scope",
                   f"Refreshed for everyone {every(org.cycle.awareness_months)}"))
    slides = [_outline(), *_standard(org), *_scope(org), *_sites(org), *_policy(org), *_threats(org),
              *_duties(org), *_reporting(org), *_objectives(org), *_people(org), *_documents(org),
              *_consequences(org), *_close(org)]
    return Deck("awareness-deck", "Security awareness", cover, tuple(slides))


def _outline() -> Slide:
    return Slide("What this session covers", bullets=tuple(Bullet(t) for t in (
        "ISO 28000 and our security management system (SMS)",
        "What the SMS covers: our scope and sites",
        "Our security policy, and who signed it",
        "The main threats we face",
        "What each of us must do, and how to report an incident",
        "Our security objectives, and who is who in the SMS",
        "Where the documents are, and why following them matters")))


def _protects(org: Organisation) -> str:
    things = ["people", "premises"]
    if org.has("goods"):
        things.append("goods")
    if org.has("vehicles"):
        things.append("vehicles")
    return join_and([*things, "information"])


def _standard(org: Organisation) -> list[Slide]:
    section = "ISO 28000 and our SMS"
    standard = Slide("ISO 28000 in brief", section, bullets=(
        Bullet("ISO 28000:2022 sets out what a security management system must do. Any organisation can use it, and "
               "the 2022 edition covers the security of the whole organisation, its supply chain included.",
               "An international standard."),
        Bullet("It asks us to understand our situation and the threats we face, assess the risks they pose, and put "
               "controls and plans in place in proportion to them.", "Built on risk."),
        Bullet("Set a policy and objectives, run the controls, check them through monitoring, internal audits and "
               "management review, and put right what falls short.", "Plan, do, check, act."),
        Bullet("An independent certification body audits the system: first its documents and readiness (Stage 1), "
               "then how it works in practice (Stage 2), then every year.", "Independently certified.")))
    sm, tm = org.function["sms_manager"], org.function["top_management"]
    cycle = org.cycle
    ours = Slide("Our security management system", section, bullets=(
        bullet(f"The policy, risk assessment, objectives, procedures, site security plans and records by which "
               f"{org.org.short_name} keeps {_protects(org)} secure.", "What it is."),
        bullet(f"{capital(who(org, sm))}, runs it for the {tm.title}, who leads it and reviews "
               f"it at least {every(cycle.management_review_months)}.", "Who runs it."),
        bullet(f"{count(len(org.sites_in_scope), 'site')}, {count(len(org.processes), 'process', 'processes')}, "
               f"{count(len(org.risks), 'assessed risk')} and {count(len(org.objectives), 'security objective')}.",
               "What it covers."),
        bullet(f"Everyone who works for or on behalf of {org.org.short_name}: employees, agency workers and "
               "contractors. The duties in this session apply to you.", "Who it applies to."),
        bullet(f"Security awareness is refreshed for everyone {every(cycle.awareness_months)}, and the training "
               f"for your role {every(cycle.refresher_months)}.", "Training.")))
    return [standard, ours]


def _scope(org: Organisation) -> list[Slide]:
    scope = org.scope
    out = [e.item for e in scope.exclusions] or scope.activities_out
    items = [bullet(org.org.description, "Who we are.", 330), bullet(scope.statement, "The scope.", 500)]
    if out:
        items.append(bullet("; ".join(out), "Outside the scope.", 150))
    return bullet_slides(Slide("Who we are and what the SMS covers", "Scope and sites"), items)


def _sites(org: Organisation) -> list[Slide]:
    sites = org.sites_in_scope
    rows = [cells(f"{s.name} ({s.code})", "; ".join(s.activities), str(s.headcount)) for s in sites]
    slides = table_slides(Slide("Our sites", "Scope and sites",
                                intro=f"{count(len(sites), 'site')} {'is' if len(sites) == 1 else 'are'} in the "
                                      "scope of the SMS."),
                          ("Site", "What happens there", "People"), rows, (4, 9, 2))
    if 1 < len(sites) <= SITE_SLIDES_UP_TO:
        for site in sites:
            lead = site_role(org, "site_lead", site)
            threats = top_threats(org, 2, site)
            items = [bullet(who(org, lead), "In charge:")] if lead else []
            fso = org.function_at.get(("facility_security_officer", site.code))
            if fso is not None:   # a regulated port facility's own security officer
                items.append(bullet(who(org, fso), "Facility security officer:"))
            items.append(bullet(report_to(org, site), "Report incidents to"))
            if threats:
                items.append(bullet("; ".join(rated(shorten(t.text, 90), t.risk) for t in threats),
                                    "Main threats here:", 260))
            # a site's security measures are its security plan's (restricted): an internal deck says only where
            # the plan is, as the manual does, never what it holds
            items.append(bullet("the site security plan, which your manager briefs you on", "What protects it:"))
            slides += bullet_slides(Slide(shorten(site.name, TITLE_CHARS), "Our sites"), items)
    return slides


def _policy(org: Organisation) -> list[Slide]:
    policy = org.policy
    section = "Our security policy"
    signer = org.role[policy.signed_by]
    if signer.collective:
        chair = org.person[signer.chair].name if signer.chair in org.person else "its chair"
        signed = f"Adopted by the {signer.title} and signed for {org.org.legal_entity} by its chair, {chair}."
    else:
        signed = f"Signed for {org.org.legal_entity} by {who(org, signer)}."
    tm = org.function["top_management"]
    why = Slide("Why we have a security policy", section, bullets=(
        bullet(policy.purpose, "Its purpose.", 300),
        bullet(signed, "Who signed it."),
        bullet(f"The {tm.title} reviews it at every management review, at least "
               f"{every(org.cycle.management_review_months)}, and after any major incident or change.",
               "Kept current."),
        bullet(policy.communication, "How it reaches you.", 230)))
    commitments = [bullet(c.text, c.topic.replace("_", " ").capitalize() + ".", 240) for c in policy.commitments]
    return [why, *bullet_slides(Slide("What the policy commits us to", section), commitments, most=4)]


def _threats(org: Organisation) -> list[Slide]:
    criteria = org.criteria
    threats = top_threats(org, THREATS_SHOWN)
    rows = [cells(t.text, t.where, Chip(rating(t.risk), t.risk.rating.colour), limit=150) for t in threats]
    bands = join_and([b.name for b in criteria.bands])
    intro = (f"The highest-rated threats in our risk register. Each risk is scored likelihood × impact and rated "
             f"{bands}, as our risk criteria set out.")
    note = (f"Every risk rated above {criteria.acceptance} is treated until it falls to {criteria.acceptance}. "
            "Your controls are part of that treatment.")
    return table_slides(Slide("The main threats we face", "Threats", intro=intro, note=note),
                        ("Threat", "Where", "Rating"), rows, (8, 2, 3))


def _duties(org: Organisation) -> list[Slide]:
    """What every employee must do, as the job description of all employees says it for this organisation."""
    short = org.org.short_name
    items = [Bullet("Read the security policy at induction and whenever it changes, and follow the procedures and "
                    "instructions for your job.", "Know the policy.")]
    if org.has("perimeter") or org.has("gatehouse") or org.has("guard_force"):
        items.append(Bullet("Show your pass at all times within site boundaries, never lend it, never let anyone "
                            "follow you through a door or gate, and challenge or report people without a pass.",
                            "Wear your pass and control access."))
    else:
        items.append(Bullet("Never lend your key, fob or code, never let anyone you do not know in behind you, and "
                            "lock up if you are the last to leave.", "Control the door."))
    items.append(Bullet("Report anything suspicious at once, as the next slide shows. You will never be blamed "
                        "for a report made in good faith.", "Report at once."))
    if org.has("goods"):
        items.append(Bullet("Never open, move or release a load without the authorisation your procedure "
                            "requires, and check seals where your job requires it.", "Protect the goods in our care."))
    if org.has("customs_representation") or org.has("freight_forwarding"):
        items.append(Bullet("Act for a client, pass on a release reference or change payment details only on an "
                            "instruction you have verified; when in doubt, stop and ask.",
                            "Act only on verified instructions."))
    things = "consignment details, routes, schedules" if org.has("goods") else \
        "client and consignment details, release references, credentials"
    items.append(Bullet(f"Do not share {things}, codes or security arrangements with anyone who does not need them; "
                        "lock your screen and report phishing e-mails.", "Protect information."))
    items.append(Bullet(f"Attend security briefings and refresher training, and take part in exercises of "
                        f"{short}'s security plans.", "Take part."))
    return bullet_slides(Slide("What each of us must do", "Your part"), items, most=7)


def _reporting(org: Organisation) -> list[Slide]:
    lead = org.function["incident_lead"]
    items = [
        bullet(f"Anything suspicious or wrong: {_signs(org)}.", "What to report."),
        bullet(f"Tell {report_to(org)}, straight away.", "To whom."),
        Bullet("Say what happened, where and when, and what you have done. Do not investigate, confront anyone or "
               "touch what may be evidence.", "How."),
        Bullet("Where life or property is in immediate danger, call the emergency services first.", "Emergencies.")]
    it = org.function.get("it_security_lead")
    if it is not None and it.key != lead.key and org.has("information_systems"):
        items.append(bullet(f"A suspected cyber incident (a suspicious sign-in, ransomware, a mistaken payment) "
                            f"also goes at once to {who(org, it)}.", "Cyber."))
    reach = contact(org, lead)
    note = f"Incident lead: {holder(org, lead)}" + (f" · {reach}" if reach else "")
    slides = bullet_slides(Slide("Reporting an incident: how and to whom", "Your part", note=note), items)
    duties = org.notification_duties
    if duties:
        rows = [cells(capital(n.notify), n.when, capital(n.deadline), limit=120)
                for _, n in duties[:NOTIFICATIONS_SHOWN]]
        more = len(duties) - NOTIFICATIONS_SHOWN
        slides += table_slides(Slide(
            "Who tells the authorities", "Your part",
            intro=f"Some incidents must be notified to an authority, a regulator or a customer within a deadline. "
                  f"Making them is the job of the {lead.title}, not yours: your part is to report at once, so "
                  "that every deadline can be met.",
            note=f"And {count(more, 'more duty', 'more duties')} in our legal register." if more > 0 else ""),
            ("Who is told", "When", "Deadline"), rows, (3, 6, 2))
    else:
        slides.append(Slide("Who tells the authorities", "Your part", bullets=(
            bullet(f"The {lead.title} decides who outside {org.org.short_name} must be told of an incident (the "
                   "police, an authority, a customer or an insurer) and tells them.", "Not you."),
            Bullet("Report at once: whoever must be told can then be told in time.", "Your part."))))
    return slides


def _signs(org: Organisation) -> str:
    """The signs the job description of all employees tells everyone to report, for what this organisation has."""
    signs = []
    if org.has("vehicles"):
        signs.append("an unknown vehicle")
    if org.has("seals"):
        signs.append("a broken seal")
    signs.append("a request for " + ("load details" if org.has("goods") else
                                     "client, consignment or release details") + " from an unknown caller")
    if org.has("information_systems"):
        signs.append("an unexpected request to change bank details or to sign in")
    signs += ["a door left open", "anyone offering money or favours for information"]
    return join_and(signs)


def _objectives(org: Organisation) -> list[Slide]:
    rows = [cells(o.title, o.target, org.role[o.owner].title if o.owner in org.role else o.owner, limit=150)
            for o in org.objectives]
    return table_slides(Slide("Our security objectives", "Objectives",
                              intro="Each objective serves a commitment of the policy, is measured and is reviewed "
                                    "by top management. Ask your manager how your work contributes."),
                        ("Objective", "Target", "Owner"), rows, (4, 5, 3))


def _people(org: Organisation) -> list[Slide]:
    seen: dict[str, list[str]] = {}
    for function, label in SMS_FUNCTIONS.items():
        role = org.function.get(function)
        if role is not None:
            seen.setdefault(role.key, []).append(label if not seen.get(role.key) else label.lower())
    rows = [cells("; ".join(labels), org.role[key].title, names(org, org.role[key])) for key, labels in seen.items()]
    return table_slides(Slide("Who is who in the SMS", "People",
                              intro="The roles that lead and run the SMS, and who holds them today."),
                        ("Role in the SMS", "Title", "Held by"), rows, (3, 4, 4))


def _documents(org: Organisation) -> list[Slide]:
    docs = org.documents
    where = f"the SMS site, {org.org.site_url}" if org.org.site_url else "the SMS site"
    levels = join_and([docs.label(c) for c in Classification]).replace(" and ", " or ")
    dc = org.function["document_controller"]
    jd = docs.types.get("job_description")
    duties = f" ({org.org.document_prefix}-{jd.code}-ALL)" if jd else ""
    return [Slide("Where to find the documents", "Documents", bullets=(
        bullet(f"Every approved SMS document is on {where}. Start at its home page: your role's page, the security "
               "policy, the SMS manual and the forms.", "The SMS site."),
        bullet(f"Your role's page lists the documents you follow and the records you keep. \"Security duties of "
               f"all employees\"{duties} applies to everyone.", "Your role."),
        Bullet("Printed copies are uncontrolled: check the site before relying on one. Every page shows its "
               "revision, status and next review date.", "Always the current version."),
        bullet(f"Each document is marked {levels}. Share it only with people its marking allows.",
               "Classification."),
        bullet(f"Tell {who(org, dc)}, who keeps the documents controlled and current.", "A question or a mistake?")))]


def _consequences(org: Organisation) -> list[Slide]:
    criteria = org.criteria
    worst = criteria.impact[-1]
    top = top_threats(org, 1)
    items = []
    if top:
        risk = top[0].risk
        items.append(bullet(f"If our highest-rated threat happened ({risk.id}, {rating(risk)}): "
                            f"{risk.consequence[:1].lower()}{risk.consequence[1:]}", "What is at stake.", 260))
    items.append(bullet(f"At the top of our impact scale ({worst.name}): {worst.description}", "At worst.", 240))
    items += [
        Bullet("A lapse an internal or certification audit finds becomes a nonconformity that must be put right; "
               "our certificate depends on it.", "Audits find it."),
        Bullet("Failing to follow security rules can lead to disciplinary action; theft, collusion or deliberate "
               "breaches are reported to the police.", "For each of us."),
        bullet(f"If a rule cannot be followed in practice, tell your manager or the "
               f"{org.function['sms_manager'].title}: changing the procedure is better than working around it.",
               "Speak up.")]
    return bullet_slides(Slide("If the SMS is not followed", "Why it matters"), items)


def _close(org: Organisation) -> list[Slide]:
    rows = []
    for what, function in (("A security incident", "incident_lead"), ("The SMS", "sms_manager"),
                           ("Documents", "document_controller"), ("Training", "training_coordinator")):
        role = org.function.get(function)
        if role is not None:
            reach = contact(org, role)
            rows.append(cells(what, holder(org, role) + (f"\n{reach}" if reach else "")))
    return table_slides(Slide("Key contacts", "Summary",
                              note="Report at once, protect what we hold, follow your procedures. Thank you."),
                        ("For", "Who, and how to reach them"), rows, (2, 7))
