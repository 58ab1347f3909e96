"""Stage 1 readiness: the pitfalls certification auditors raise at the documentation review, each computed from the
data and the rendered documents, with what was found."""
from __future__ import annotations

import re

from generator.base.clock import today
from generator.base.findings import Finding
from generator.checks.consistency import auditor_independence, consistency, notification_steps
from generator.checks.evidence import evidence
from generator.checks.report import Check
from generator.control.acknowledgements import Obligation
from generator.control.state import ControlState
from generator.model.clauses import iso28000
from generator.model.organisation import Organisation
from generator.model.yaml_source import Source
from generator.render.document import Document

# What a security policy is expected to commit to (ISO 28000 5.2, in our words): meeting requirements, a framework
# for objectives, continual improvement, managing security risk and meeting legal obligations.
POLICY_TOPICS = {"requirements": "meet applicable requirements", "objectives": "a framework for security objectives",
                 "improvement": "continual improvement of the SMS", "risk": "managing security-related risk",
                 "legal": "legal, regulatory and other obligations"}
MEASURABLE = re.compile(r"\d")


def readiness(org: Organisation, documents: list[Document], states: dict[str, ControlState],
              owed: list[Obligation] | None = None, contradictions: list[Finding] | None = None) -> list[Check]:
    """The readiness checks. `owed` (generator.control.acknowledgements.obligations) adds the awareness check: a
    caller that has not read the acknowledgements from the audit log leaves it out rather than guess.
    `contradictions`: what find_contradictions finds, when the caller has found it already."""
    by_key = {d.key: d for d in documents}
    checks = []

    missing = [s.code for s in org.sites if s.code not in org.scope.sites]
    unnamed = [org.site[c].name for c in org.scope.sites
               if c in org.site and org.site[c].name not in org.scope.statement and c not in org.scope.statement]
    checks.append(Check("scope-sites", "The scope names every site with its physical and logical boundaries",
                        not missing and not unnamed,
                        [f"site {c} is in sites.yml but not in the scope" for c in missing] +
                        [f"the scope statement does not name {n}" for n in unnamed] or
                        [f"{len(org.scope.sites)} sites in scope, each with physical and logical boundaries"]))

    topics = {c.topic for c in org.policy.commitments}
    absent = [text for topic, text in POLICY_TOPICS.items() if topic not in topics]
    checks.append(Check("policy-commitments", "The security policy makes the commitments the standard expects",
                        not absent, [f"no commitment to {t}" for t in absent] or
                        [f"{len(org.policy.commitments)} commitments covering {', '.join(sorted(topics))}"]))

    weak = [f"{o.id}: target '{o.target}' is not measurable" for o in org.objectives if not MEASURABLE.search(o.target)]
    late = [f"{o.id}: due {o.due.isoformat()} has passed" for o in org.objectives if o.due < today()]
    checks.append(Check("objectives", "Every objective has a measure, a measurable target, an owner and a date",
                        bool(org.objectives) and not weak and not late,
                        weak + late or [f"{len(org.objectives)} objectives, each measured and owned"]))

    uncovered = [s.code for s in org.sites if s.code in org.scope.sites and not org.risks_at(s.code)]
    untreated = [f"{r.id}: rated {r.rating.name} but the treatment is to accept it" for r in org.risks
                 if r.treatment.option == "accept" and not org.criteria.acceptable(r.score)]
    checks.append(Check("risk-register", "The risk register covers every site; every risk has a treatment and owner",
                        not uncovered and not untreated,
                        [f"no risk assessed at site {c}" for c in uncovered] + untreated or
                        [f"{len(org.risks)} risks over {len(org.scope.sites)} sites, all treated and owned"]))

    programme = by_key.get("internal-audit-programme")
    clause_numbers = [c.number for c in iso28000() if c.depth == 1]
    not_audited = [n for n in clause_numbers if programme is None or not re.search(rf"\b{re.escape(n)}\b",
                                                                                   programme.body)]
    checks.append(Check("audit-programme", "The internal audit programme covers every clause within its cycle",
                        programme is not None and not not_audited,
                        ["no internal audit programme"] if programme is None else
                        [f"clause {n} is not in the programme" for n in not_audited] or
                        [f"{programme.id} covers clauses {clause_numbers[0]} to {clause_numbers[-1]}"]))

    review = [d for d in documents if any(c.startswith("9.3") for c in d.clauses) and d.type == "procedure"]
    minutes = [d for d in documents if "9.3.3" in d.clauses and d.type == "form"]
    checks.append(Check("management-review", "A management review is planned, with its inputs and minutes",
                        bool(review) and bool(minutes),
                        ([] if review else ["no management review procedure (clause 9.3)"]) +
                        ([] if minutes else ["no management review minutes form (clause 9.3.3)"]) or
                        [f"{review[0].id} and {minutes[0].id}"]))

    corrective = [d for d in documents if "10.2" in d.clauses and d.type == "procedure"]
    checks.append(Check("corrective-action", "A nonconformity and corrective-action process exists",
                        bool(corrective), [f"{d.id} {d.title}" for d in corrective] or
                        ["no procedure addresses clause 10.2"]))

    stale = [f"{d.id} references {ref} which is {states[ref].status_label.lower()}" for d in documents
             for ref in sorted(d.references) if ref in states and states[ref].status in ("obsolete", "superseded")]
    checks.append(Check("no-obsolete-references", "No document refers to an obsolete document", not stale,
                        stale or ["every reference points at a current document"]))

    unapproved = [d.id for d in documents if states[d.id].status != "approved"]
    checks.append(Check("approved", "Every document is approved and unchanged since approval", not unapproved,
                        [f"{len(unapproved)} of {len(documents)} documents are not approved: "
                         + ", ".join(unapproved[:12]) + (" ..." if len(unapproved) > 12 else "")] if unapproved
                        else [f"all {len(documents)} documents approved"]))
    overdue = [d.id for d in documents if states[d.id].overdue]
    checks.append(Check("reviews-current", "No periodic review is overdue", not overdue,
                        [f"overdue: {', '.join(overdue)}"] if overdue else ["all reviews are within their period"]))
    # the set says one thing once: the consistency checks `check` runs, summarised for the auditor's page
    inconsistent = contradictions if contradictions is not None else find_contradictions(org, documents)
    checks.append(Check("consistency", "The set never contradicts itself: controls, acceptances, intervals, "
                        "notification duties and auditor independence agree", not inconsistent,
                        [f.message for f in inconsistent] or ["no contradiction found"]))
    checks += evidence(org, today())
    if owed is not None:
        checks.append(awareness(owed, states))
    return checks


def find_contradictions(org: Organisation, documents: list[Document],
                        sources: dict[str, Source] | None = None) -> list[Finding]:
    """Where the set contradicts itself: controls, acceptances, intervals, notification duties and auditor
    independence (placed at their lines in `sources`, the data files as read, when given)."""
    sources = sources or {}
    return list(consistency(org, sources, today()) + notification_steps(org, documents, sources.get("legal.yml"))
                + auditor_independence(org, documents, sources.get("roles.yml")))


AWARENESS_SHOWN = 8


def awareness(owed: list[Obligation], states: dict[str, ControlState]) -> Check:
    """Clause 7.3: the people who follow a document have acknowledged reading its revision in force, each within its
    type's grace period. Judged from the acknowledgements recorded (smsgen acknowledge), so it is evidence."""
    title = "People have read and understood the documents they follow"
    late = sorted((o for o in owed if o.overdue), key=lambda o: (o.due, o.document.id, o.person.id))
    if late:
        listed = [f"{o.person.name}: {o.document.id} revision {o.revision}, due {o.due}" for o in late]
        shown = listed[:AWARENESS_SHOWN] + ([f"and {len(late) - AWARENESS_SHOWN} more overdue"]
                                            if len(late) > AWARENESS_SHOWN else [])
        return Check("awareness", title, False, [f"{len(late)} acknowledgement(s) overdue"] + shown, evidence=True)
    if not owed:
        # a document is in force once approved: its state then has an effective date
        why = "no approved document needs one" if any(s.effective for s in states.values()) \
            else "no approved document yet"
        return Check("awareness", title, True, [f"{why}: nobody owes an acknowledgement"], evidence=True)
    waiting = sum(o.outstanding for o in owed)
    return Check("awareness", title, True, [f"{len(owed) - waiting} of {len(owed)} acknowledgement(s) made; "
                                            f"{waiting} outstanding, none overdue"], evidence=True)
