"""The internal-auditor course deck (clauses 7.2 and 9.2): why and how the organisation audits under its internal
audit procedure, its programme cycle and grades, who may audit whom, the clause structure of ISO 28000 with
questions from the audit question bank, how to write a nonconformity and follow it into a corrective action (with
a real one from the records where there is one), and an exercise that plans an audit of one of its own processes."""
from __future__ import annotations

from generator.model.clauses import Clause, catalogue, iso28000
from generator.model.datafiles import Process
from generator.model.organisation import Organisation
from generator.model.records import NONCONFORMITIES, AuditFinding, CorrectiveAction, InternalAudit
from generator.publish.training.facts import (
    GRADES,
    above_acceptance,
    capital,
    control_text,
    exercise_process,
    functions_of,
    holder,
    independence,
    names,
    rated,
    rating,
    top_threats,
    who,
)
from generator.publish.training.slides import (
    LINES,
    Bullet,
    Cover,
    Deck,
    Slide,
    Table,
    bullet,
    bullet_slides,
    cells,
    count,
    shorten,
    table_slides,
)
from generator.render.markdown import every, join_and

SAMPLE_CLAUSES = ("6.1.2", "8.4", "10.2")   # risk assessment, controls, corrective action: what every audit tests
SECTION_PROCESS = "Our audit process"
SECTION_STANDARD = "The standard"
SECTION_FINDINGS = "Findings"
ROWS_PER_CLAUSE_SLIDE = 7


def auditor_deck(org: Organisation) -> Deck:
    ial = org.function["internal_audit_lead"]
    cover = Cover("Internal auditor training", f"{org.org.name}: auditing our SMS against ISO 28000:2022",
                  (f"For the internal audit team, led by {who(org, ial)}",
                   f"Every clause, process and site audited {every(org.cycle.internal_audit_months)}"))
    example = _example(org)
    slides = [_outline(org), *_why(org), *_programme(org), *_steps(org), *_grades(org), *_independence(org),
              *_structure(), *_questions(org), *_writing(org), *_from_records(org, example),
              *_corrective_action(org), *_exercise(org), *_close(org)]
    return Deck("auditor-deck", "Internal auditor training", cover, tuple(slides), quotes_records=example is not None)


def _outline(org: Organisation) -> Slide:
    return Slide("What this course covers", bullets=tuple(Bullet(t) for t in (
        f"Why {org.org.short_name} audits, and the audit programme",
        "The audit, step by step, and how findings are graded",
        "Independence: who may audit whom",
        "The clause structure of ISO 28000:2022, and questions to ask",
        "Writing a nonconformity, and following it into a corrective action",
        "Exercise: plan an audit of one of our own processes")))


def _why(org: Organisation) -> list[Slide]:
    tm = org.function["top_management"]
    return [Slide("Why we audit", SECTION_PROCESS, bullets=(
        bullet(catalogue()["9.2"].intent, "What the standard asks (9.2)."),
        Bullet("Objective evidence that the SMS meets the standard and our own requirements, and that controls work "
               "where the work is done, not only that documents exist.", "What we look for."),
        bullet(f"ISO 28000:2022, our SMS manual, procedures and site security plans, and the "
               f"{len(org.legal)} legal and other requirements in our legal register.", "The audit criteria."),
        bullet(f"The {tm.title} gets an impartial view of where the system falls short; every finding feeds "
               "corrective action and the management review.", "Who uses the results.")))]


def _programme(org: Organisation) -> list[Slide]:
    cycle = org.cycle
    ial = org.function["internal_audit_lead"]
    sites = org.sites_in_scope
    top2 = [b.name for b in org.criteria.bands[-2:]]
    items = [bullet(f"Every ISO 28000 clause, each of our {len(org.processes)} processes and "
                    f"{'every one of our ' + str(len(sites)) + ' sites' if len(sites) > 1 else 'our site'} audited "
                    f"at least {every(cycle.internal_audit_months)}.", "The cycle.")]
    if len(sites) > 1:
        hot = [s.code for s in sites if any(r.rating.name in top2 for r in org.risks_at(s.code))]
        today = f": today {join_and(hot)}" if hot else ": none today"
        items.append(bullet(f"A site whose highest risk before treatment is rated {' or '.join(top2)} is visited "
                            f"{every(cycle.high_risk_site_audit_months)}{today}.", "High-risk sites."))
    items += [
        bullet(f"{capital(who(org, ial))}, draws up the programme, appoints the auditors and "
               f"reports the results to the {org.function['top_management'].title}.", "Its owner."),
        Bullet("Within a month after a major incident, a major finding by an external audit, a significant change "
               "to a site or process, a recurring nonconformity, or when top management or the SMS manager asks.",
               "Extra audits.")]
    held = org.records.audits
    if held:
        listed = "; ".join(f"{a.id} ({', '.join(a.sites) or 'no site visit'}, {a.start.isoformat()})"
                           for a in held[:3])
        items.append(bullet(f"{len(held)} internal audit{'s' if len(held) != 1 else ''} recorded: {listed}"
                            + ("…" if len(held) > 3 else "."), "So far."))
    return bullet_slides(Slide("Our audit programme", SECTION_PROCESS), items)


def _steps(org: Organisation) -> list[Slide]:
    ial, sm = org.function["internal_audit_lead"], org.function["sms_manager"]
    acceptance = org.criteria.acceptance
    steps = [
        bullet(f"The {ial.title} confirms the quarter's audits, agrees dates four weeks ahead and sends the audit "
               "plan (scope, criteria, auditors, auditees, timetable) two weeks before.", "Plan."),
        bullet(f"Read the documents for the clauses in scope, the last report and its open actions, and the area's "
               f"incidents and changes; add questions on the site's security plan and its risks above "
               f"{acceptance}.", "Prepare."),
        Bullet("Confirm scope, timetable and grades; agree how security-sensitive information seen will be handled "
               "(restricted documents are read on site).", "Open."),
        Bullet("Interview the people doing the work, observe controls where they operate, sample records from the "
               "whole period since the last audit.", "Audit."),
        Bullet("Answer each checklist question with the evidence seen, precisely enough for someone else to find "
               "it again, and grade it.", "Record."),
        Bullet("Present every finding before leaving and record whether the auditees agree; make safe at once "
               "anything that puts security at risk now.", "Close."),
        bullet(f"Issue the report within five working days to the auditees and the {sm.title}; a major "
               f"nonconformity goes to the {org.function['top_management'].title} the same day.", "Report."),
        Bullet("Verify that each corrective action was done and worked before closing the finding: on site for a "
               "major nonconformity.", "Follow up.")]
    return bullet_slides(Slide("The audit, step by step", SECTION_PROCESS, numbered=True), steps, most=4)


def _grades(org: Organisation) -> list[Slide]:
    tm, sm = org.function["top_management"], org.function["sms_manager"]
    follows = {"major": f"Corrective action report within two working days; {tm.title} told the same day; "
                        "verified on site",
               "minor": "Corrective action report; action by the agreed date; checked at the next audit",
               "observation": f"Recorded in the report; the auditee decides whether to act; {sm.title} told",
               "opportunity": f"Passed to the {sm.title} as an opportunity for improvement"}
    rows = [cells(label, meaning, follows[grade], limit=160) for grade, (label, meaning) in GRADES.items()]
    needs = join_and([GRADES[g][0].split()[0].lower() for g in NONCONFORMITIES])
    return table_slides(Slide("Grading what you find", SECTION_PROCESS,
                              note=f"Only {needs} nonconformities need a corrective action. Grade on the evidence, "
                                   "not on how the auditee will feel."),
                        ("Grade", "What it means", "What follows"), rows, (3, 6, 5))


def _independence(org: Organisation) -> list[Slide]:
    ial, sm, tm = (org.function[f] for f in ("internal_audit_lead", "sms_manager", "top_management"))
    items = [Bullet("No one audits their own work, the area they manage, or the work of the function they report "
                    "to.", "The rule."),
             bullet(f"{capital(who(org, ial))}, appoints the auditors of each audit and records "
                    "on the audit plan that none is responsible for the area audited.", "Appointing auditors.")]
    others = [f for f in functions_of(ial) if f != "internal audit lead"]
    owned = [p for p in org.processes if p.owner == ial.key]
    if others or owned:
        runs = join_and([count(len(others), "other SMS function")] * bool(others)
                        + [count(len(owned), "process", "processes")] * bool(owned))
        by = ial.audited_by or f"another trained auditor, or an external auditor engaged by the {tm.title}"
        items.append(bullet(f"The {ial.title} also holds {runs} and never audits them. {capital(by.rstrip('.'))}.",
                            "The lead's own areas.", 300))
    if sm.key != ial.key:
        items.append(bullet(f"The internal audit process itself is audited by the {sm.title} or by an external "
                            f"auditor, never by the {ial.title}.", "Auditing the audit."))
    items.append(bullet(f"The {ial.title} reports results directly to the {tm.title}; no auditee may change a "
                        "finding.", "Reporting line."))
    items.append(bullet(f"Where no one inside is independent of an area, the {tm.title} engages an external auditor, "
                        "and the programme names who.", "No one independent?"))
    slides = bullet_slides(Slide("Independence: who audits whom", SECTION_PROCESS), items)
    rows = []
    for process in org.processes:
        barred = independence(org, process)
        if barred:
            rows.append(cells(process.name, barred[0].title, join_and([r.title for r in barred[1:]]) or "—",
                              limit=120))
    slides += table_slides(Slide("Who may not audit each process", SECTION_PROCESS,
                                 intro="The owner is the auditee. Neither the owner, nor the owner's line manager, "
                                       "nor anyone reporting to the owner may audit the process."),
                           ("Process", "Owner (auditee)", "Also may not audit it"), rows, (4, 4, 5))
    return slides


def _structure() -> list[Slide]:
    clauses = iso28000()
    top = [c for c in clauses if c.depth == 0]
    header, widths = ("Clause", "What it asks for"), (5, 9)
    # clauses 1 to 3 introduce the standard; 4 to 10, in the structure ISO 9001, 14001 and 27001 share, require
    slides = table_slides(Slide("ISO 28000:2022: the requirements in clauses 4 to 10", SECTION_STANDARD), header,
                          [cells(c.label, c.intent, limit=110) for c in top], widths, most=7)
    groups = [[c for c in clauses if c.depth == 1 and c.number.split(".")[0] == t.number] for t in top]
    runs: list[list[list[Clause]]] = [[]]
    for group in groups:   # whole clause groups on a slide, as many as fit
        rows = [cells(c.label, c.intent, limit=140) for g in [*runs[-1], group] for c in g]
        if runs[-1] and (len(rows) > ROWS_PER_CLAUSE_SLIDE or
                         Slide("", table=Table(header, tuple(rows), widths)).height > LINES):
            runs.append([])
        runs[-1].append(group)
    for run in runs:
        numbers = [g[0].number.split(".")[0] for g in run]
        title = f"Clause {numbers[0]}" if len(numbers) == 1 else \
            f"Clauses {', '.join(numbers[:-1])} and {numbers[-1]}"
        rows = [cells(c.label, c.intent, limit=140) for g in run for c in g]
        slides += table_slides(Slide(title, SECTION_STANDARD), header, rows, widths, most=ROWS_PER_CLAUSE_SLIDE)
    return slides


def _questions(org: Organisation) -> list[Slide]:
    slides: list[Slide] = []
    bank = catalogue()
    for number in SAMPLE_CLAUSES:
        clause = bank.get(number)
        if clause is None or not clause.questions:
            continue
        slides += bullet_slides(Slide(f"Questions to ask: {clause.number} {shorten(clause.title, 45)}",
                                      "The question bank", intro=clause.intent),
                                [bullet(q) for q in clause.questions[:5]], most=5)
    site_slide = _own_questions(org)
    return slides + ([site_slide] if site_slide else [])


def _own_questions(org: Organisation) -> Slide | None:
    """Questions the procedure tells the auditor to add for the site audited: its risks above the acceptance band,
    its security plan, its open corrective actions. For the site with the highest-rated risk."""
    threats = [t for t in top_threats(org, 10) if above_acceptance(org, t.risk)]
    if not threats:
        return None
    risk = threats[0].risk
    codes = org.sites_of(risk)
    site = org.site[codes[0]] if codes and codes[0] in org.site else org.sites_in_scope[0]
    here = [t.risk for t in top_threats(org, 10, site) if above_acceptance(org, t.risk)][:2]
    items = [bullet(f"{r.id} ({shorten(r.threat, 70)}) is rated {rating(r)}: is its treatment on track for "
                    f"{r.treatment.due.isoformat()}? Show the evidence for each action completed.") for r in here]
    items.append(bullet(f"Is the security plan of {site.name} current, and was it exercised within the last "
                        f"{org.cycle.exercise_months} months? Show the exercise report."))
    open_actions = [a for a in org.records.actions if a.site == site.code and not a.closed][:1]
    items += [bullet(f"{a.id} (due {a.due.isoformat()}): {shorten(a.action, 90)} Was it done, and did it work?")
              for a in open_actions]
    return Slide(f"Add questions of your own: {shorten(site.name, 40)}", "The question bank",
                 intro="Besides the checklist, the procedure asks you to test the site's risks above "
                       f"{org.criteria.acceptance}, its security plan and every earlier finding still open. For "
                       f"{site.code}:", bullets=tuple(items), numbered=True)


def _writing(org: Organisation) -> list[Slide]:
    return [Slide("Writing a nonconformity", SECTION_FINDINGS, bullets=(
        Bullet("What should happen, and where it is written: the clause, the procedure, the process control or "
               "the legal requirement.", "1. The requirement."),
        Bullet("What you saw, heard or read: the records sampled with their IDs and dates, how many of how many "
               "fell short, who told you what.", "2. The evidence."),
        Bullet("The gap between the two, stated as a fact the auditee can check: no opinion, no blame, no "
               "solution.", "3. The finding."),
        bullet("Grade it (major, minor, observation, opportunity) and agree it with the auditees at the closing "
               "meeting.", "Then.")),
        note="Test: could someone who was not there find the same evidence again from what you wrote?")]


def _example(org: Organisation) -> tuple[InternalAudit, AuditFinding, CorrectiveAction | None] | None:
    """The first nonconformity in the audit records, with its corrective action: a real finding to learn from."""
    for audit in org.records.audits:
        for finding in audit.findings:
            if finding.grade in NONCONFORMITIES:
                return audit, finding, org.records.action(finding.action) if finding.action else None
    return None


def _from_records(org: Organisation,
                  example: tuple[InternalAudit, AuditFinding, CorrectiveAction | None] | None) -> list[Slide]:
    if example is None:
        return []
    audit, finding, action = example
    lead = org.person[audit.lead_auditor].name if audit.lead_auditor in org.person else audit.lead_auditor
    items = [bullet(f"{audit.id}, {audit.start.isoformat()}, led by {lead}"
                    + (f", at {', '.join(audit.sites)}" if audit.sites else "") + ".", "The audit."),
             bullet(f"{GRADES[finding.grade][0]} against clause {finding.clause}.", "The grade."),
             bullet(finding.text, "What was found.", 560)]
    slides = bullet_slides(Slide(f"A real finding: {finding.id}", SECTION_FINDINGS,
                                 note="Find the requirement, the evidence and the finding in it."), items)
    if action is not None:
        owner = org.person[action.owner].name if action.owner in org.person else action.owner
        steps = [bullet(action.correction or "None recorded.", "Correction (at once).", 200),
                 bullet(action.cause or "Not yet found.", "Root cause.", 200),
                 bullet(action.action, "Corrective action.", 200),
                 bullet(f"{owner}, due {action.due.isoformat()}"
                        + (f", completed {action.completed.isoformat()}" if action.completed else ", not yet "
                           "completed") + ".", "Owner.")]
        if action.verification is not None:
            v = action.verification
            by = org.person[v.by].name if v.by in org.person else v.by
            steps.append(bullet(f"{by}, {v.date.isoformat()}: {'effective' if v.effective else 'not effective'}. "
                                f"{v.evidence}", "Verified.", 200))
        slides += bullet_slides(Slide(f"Its corrective action: {action.id}", SECTION_FINDINGS), steps)
    return slides


def _corrective_action(org: Organisation) -> list[Slide]:
    ial, sm = org.function["internal_audit_lead"], org.function["sms_manager"]
    steps = [
        bullet(f"The {ial.title} raises each nonconformity as a corrective action in the corrective action log, "
               "with its ID on the audit report.", "Raise."),
        Bullet("Within ten working days of the report (five for a major), the auditee proposes the correction and "
               "the corrective action.", "Propose."),
        Bullet("The owner contains the problem at once, finds the root cause, and removes it by the due date.",
               "Act."),
        bullet(f"Someone other than the owner checks that the action worked, with evidence; the {sm.title} tracks "
               "every action to closure.", "Verify."),
        Bullet("Closed only when verified effective. An action that did not work keeps the finding open, and a "
               "minor one is regraded major.", "Close.")]
    actions = org.records.actions
    note = ""
    if actions:
        closed = sum(1 for a in actions if a.closed)
        note = (f"Our log holds {len(actions)} corrective action{'s' if len(actions) != 1 else ''}: {closed} "
                f"verified effective, {len(actions) - closed} still open.")
    return bullet_slides(Slide("From finding to corrective action", SECTION_FINDINGS, numbered=True, note=note),
                         steps)


def _exercise(org: Organisation) -> list[Slide]:
    process = exercise_process(org)
    owner = org.role.get(process.owner)
    sites = join_and([org.site[c].name if c in org.site else c for c in process.sites])
    facts = [bullet(f"{owner.title}, {names(org, owner)}." if owner else process.owner, "Owner (your auditee)."),
             bullet(f"{sites}.", "Where it runs."),
             bullet(process.description, "What it does.", 200),
             bullet("; ".join(control_text(c) for c in process.security_controls[:4]), "Its controls.", 240)]
    risks = [org.risk[r] for r in process.risks if r in org.risk]
    if risks:
        risks.sort(key=lambda r: -r.score)
        facts.append(bullet("; ".join(rated(f"{r.id} {shorten(r.threat, 60)}", r) for r in risks[:3]),
                            "Its risks.", 240))
    rows_slide = bullet_slides(Slide(f"Exercise: plan an audit of {shorten(process.name, 40)}", "Exercise",
                                     intro=f"Process {process.id}, from our process map."), facts)
    return rows_slide + [_tasks(org, process)]


def _tasks(org: Organisation, process: Process) -> Slide:
    barred = independence(org, process)
    risks = sorted((org.risk[r] for r in process.risks if r in org.risk), key=lambda r: -r.score)
    tasks = [Bullet("Which clauses will you audit? Start from 8.1, 8.2 and 8.4, and add those its risks and "
                    "controls lead you to."),
             bullet("Who may audit it? Not " + join_and([f"the {r.title}" for r in barred]) + "."
                    if barred else "Who may audit it, and who may not?"),
             bullet(f"Which records will you sample, and from which period? Its outputs: "
                    f"{'; '.join(process.outputs)}.", limit=200),
             Bullet("Write three questions of your own that test its controls where the work is done.")]
    if risks:
        r = risks[0]
        tasks.append(bullet(f"How will you test whether the treatment of {r.id} ({shorten(r.threat, 60)}, "
                            f"{rating(r)}) is on track?"))
    tasks.append(Bullet("Fill in the audit plan: scope, criteria, auditors, auditees and timetable."))
    return Slide("Exercise: your tasks", "Exercise", bullets=tuple(tasks[:7]), numbered=True,
                 note="Work in pairs for 20 minutes, then compare your plans.")


def _close(org: Organisation) -> list[Slide]:
    ial = org.function["internal_audit_lead"]
    return [Slide("Key points", "Summary", bullets=(
        bullet(f"Every clause, process and site {every(org.cycle.internal_audit_months)}; the programme is owned by "
               f"the {ial.title}.", "The programme."),
        Bullet("Never audit your own work, your own area, or the function you report to.", "Independence."),
        Bullet("Every finding states the requirement, the evidence and the gap, and is graded.", "Findings."),
        Bullet("Nonconformities become corrective actions, closed only when verified effective.", "Follow-up.")),
        note=f"Questions about the programme: {holder(org, ial)}.")]
