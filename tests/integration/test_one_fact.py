"""One fact, one place (issue 14): every document of the reference organisation that states how often a recurring
SMS activity happens states the same value, and it is the value in data/cycle.yml. The facts are read back from the
generated Markdown of every document, as an auditor reading the whole set would."""
from __future__ import annotations

import re

import pytest

from generator.checks.assess import assess as run
from generator.render.markdown import md_escape

from ..conftest import edit

pytestmark = pytest.mark.integration

FREQUENCY = (r"(every (\d+) months|every month|monthly|once a year|annually|every year|yearly|twice a year|"
             r"every six months|every quarter|quarterly|every three months|every two years|every three years)")
IN_WORDS = {"every month": 1, "monthly": 1, "once a year": 12, "annually": 12, "every year": 12, "yearly": 12,
            "twice a year": 6, "every six months": 6, "every quarter": 3, "quarterly": 3, "every three months": 3,
            "every two years": 24, "every three years": 36}


def months(text: str) -> int:
    number = re.match(r"every (\d+) months", text, re.I)
    return int(number.group(1)) if number else IN_WORDS[text.lower()]


def sentences(body: str) -> list[str]:
    """Paragraphs unwrapped (a wrapped line does not split a statement) and cut into sentences and table cells."""
    out = []
    for block in re.split(r"\n\s*\n", body):
        for line in (block.splitlines() if block.lstrip().startswith("|") else [" ".join(block.split())]):
            out += re.split(r"(?<=[.;!?])\s+|\|", line)
    return out


def stated(documents, keyword: str) -> dict[int, list[str]]:
    """Each frequency a document states right after `keyword` (within the same sentence), with where."""
    found: dict[int, list[str]] = {}
    for doc in documents:
        for sentence in sentences(doc.body):
            for hit in re.finditer(keyword, sentence, re.I):
                match = re.search(FREQUENCY, sentence[hit.end():hit.end() + 60], re.I)
                if match:
                    found.setdefault(months(match.group(1)), []).append(f"{doc.id}: {sentence.strip()[:120]}")
    return found


def test_each_recurring_activity_has_one_frequency_everywhere(reference_outcome):
    cycle = reference_outcome.org.cycle
    facts = {
        "management review": (r"\bmanagement reviews?\b(?! inputs)", cycle.management_review_months),
        "plan exercise": (r"\bplans? (is |are )?exercised\b|\bexercises? (at|of) (each|every) site",
                          cycle.exercise_months),
        "internal audit of every clause and site": (r"\b(is|are) audited\b", cycle.internal_audit_months),
        "security survey": (r"\bsurveyed in full\b|\bsurvey of the site\b[^.]*?\bmade\b", cycle.survey_months),
        "high-risk partner review": (r"\bhigh[- ]risk partners?\b|\bhigh risk\b", cycle.partner_review_months.high),
        "medium-risk partner review": (r"\bmedium\b", cycle.partner_review_months.medium),
        "low-risk partner review": (r"\blow\b(?= every)", cycle.partner_review_months.low),
    }
    problems = []
    for fact, (keyword, expected) in facts.items():
        found = stated(reference_outcome.documents, keyword)
        assert found, f"no document states the {fact} frequency: the test no longer reads the set"
        if set(found) != {expected}:
            problems.append(f"{fact}: cycle.yml says every {expected} months; the set says "
                            + "; ".join(f"{m} months in {len(w)} ({w[0]})" for m, w in sorted(found.items())))
    assert not problems, "\n".join(problems)


def test_the_partner_count_is_the_register_count(reference_outcome):
    """A number of business partners stated anywhere is the number in the partner register."""
    count = len(reference_outcome.org.partners)
    claims = [(doc.id, int(m.group(1))) for doc in reference_outcome.documents
              for m in re.finditer(r"\b(\d+) (?:business )?partners\b", doc.body)]
    assert claims and all(n == count for _, n in claims), [c for c in claims if c[1] != count]


def test_a_frequency_typed_into_data_is_caught(mini):
    """The reading is not blind: a role whose data says it chairs the review twice a year contradicts cycle.yml."""
    edit(mini.data_dir / "roles.yml", "responsibilities: [Leads the SMS]",
         "responsibilities: [Leads the SMS, Chairs the management review twice a year]")
    found = stated(run(mini).documents, r"\bmanagement reviews?\b(?! inputs)")
    assert set(found) == {6, 12} and any("twice a year" in w for w in found[6])


def test_an_internal_auditor_never_audits_their_own_area(mini):
    """The mini organisation's operations manager leads the internal audit and owns the operational documents: the
    data names the external auditor who audits that area, and the programme says so; without it, check fails."""
    outcome = run(mini)
    programme = next(d for d in outcome.documents if d.key == "internal-audit-programme")
    assert "An external ISO 28000 auditor engaged each year audits the yard" in programme.body
    assert not [f for f in outcome.findings if f.code == "consistency.auditor-independence"]
    edit(mini.data_dir / "roles.yml", "    audited_by: An external ISO 28000 auditor engaged each year audits the yard "
         "and the security function\n", "")
    found = [f for f in run(mini).findings if f.code == "consistency.auditor-independence"]
    assert len(found) == 1 and "Operations Manager leads the internal audit and owns" in found[0].message
    assert found[0].path == "data/roles.yml" and found[0].line == 14


def test_a_planned_control_is_never_described_as_in_place(reference_outcome):
    """Wherever the set names a control that a risk treatment has yet to bring, it says it is planned and by when."""
    org = reference_outcome.org
    planned = org.planned_controls()
    assert planned
    unmarked = []
    for _, control in planned:
        text = md_escape(control.control)
        for doc in reference_outcome.documents:
            start = doc.body.find(text)
            while start != -1:
                after = doc.body[start + len(text):start + len(text) + 40]
                if not after.startswith(f" (planned under {control.planned}, due "):
                    unmarked.append(f"{doc.id}: {control.control}")
                start = doc.body.find(text, start + 1)
    assert not unmarked, unmarked


ASSESSES_RISK = re.compile(r"^(re)?assesses\b[^.;]*\brisks?\b|\b(runs|conducts|carries out|leads)\b[^.;]*"
                           r"\brisk assessments?\b", re.I)


@pytest.mark.parametrize("outcome", ["reference_outcome", "mini_outcome", "pharma_outcome", "broker_outcome",
                                     "port_outcome"])
def test_who_assesses_risk_is_one_role_in_every_document(outcome, request):
    """Who assesses risk is stated one way: every task of assessing or reassessing risks, in every document of every
    organisation, falls to the role holding the risk coordinator function."""
    result = request.getfixturevalue(outcome)
    coordinator = result.org.function["risk_coordinator"].key
    assessors = {role: [f"{t.document.id}: {t.text}"[:100] for t in tasks if ASSESSES_RISK.search(str(t.text))]
                 for role, tasks in result.result.tasks.items()}
    assert {role for role, found in assessors.items() if found} == {coordinator}, assessors
