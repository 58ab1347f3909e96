"""The internal audit question bank (issue 14): catalogue/audit_questions.yml gives every ISO 28000 clause and
sub-clause from 4.1 to 10.2, and every ISO 28001 element, 3 to 6 questions an auditor can ask and answer with
evidence; the internal audit checklist is generated from it, so a clause without questions would drop out of it."""
from __future__ import annotations

import re

import yaml

from generator.model.clauses import CATALOGUE_DIR, catalogue, iso28000

BANK = CATALOGUE_DIR / "audit_questions.yml"


def audited() -> list:
    """The clauses an internal audit tests: every ISO 28000 clause below a top-level heading (4.1 ... 10.2), every
    clause requiring documented information, and every ISO 28001 element."""
    return [c for c in catalogue().values()
            if c.standard == "ISO 28001" or c.depth >= 1 or c.documented_information != "none"]


def all_questions() -> list[tuple[str, str]]:
    return [(c.number, q) for c in catalogue().values() for q in c.questions]


def test_every_audited_clause_has_three_to_six_questions():
    wrong = {c.number: len(c.questions) for c in audited() if not 3 <= len(c.questions) <= 6}
    assert wrong == {}
    numbers = [c.number for c in iso28000() if c.questions]
    assert numbers[0] == "4.1" and numbers[-1] == "10.2"


def test_top_level_headings_have_no_questions_of_their_own():
    assert [c.number for c in iso28000() if c.depth == 0 and c.questions] == []


def test_the_bank_names_catalogue_clauses_by_quoted_number():
    raw = yaml.safe_load(BANK.read_text(encoding="utf-8"))
    assert all(isinstance(key, str) for key in raw), "quote every clause number: 10.1 unquoted is a float"
    assert set(raw) <= set(catalogue())


def test_every_question_is_a_question_or_an_instruction():
    bad = [(n, q) for n, q in all_questions() if not q.strip() or q != q.strip() or not q.endswith(("?", "."))]
    assert bad == []
    assert [(n, q) for n, q in all_questions() if not q[0].isupper()] == []


def test_no_question_is_longer_than_300_characters():
    assert [(n, len(q)) for n, q in all_questions() if len(q) > 300] == []


def test_no_question_is_asked_twice():
    seen: dict[str, str] = {}
    repeated = []
    for number, question in all_questions():
        key = re.sub(r"\s+", " ", question).strip().lower()
        if key in seen:
            repeated.append((seen[key], number, question))
        seen.setdefault(key, number)
    assert repeated == []


def test_no_placeholders_or_american_spelling():
    text = BANK.read_text(encoding="utf-8")
    assert not re.search(r"\b(TODO|TBD|XXX|lorem)\b|\[insert", text, re.I)
    # clause titles keep the standard's spelling; the questions are in British English
    assert not re.search(r"\b(organization|program|authorized|analyze|behavior)\b", text, re.I)
