"""Training material as built objects (no typst): the quizzes ask the organisation's own facts and change with them,
wrong options are the data's and never the answer, everything is reproducible, long lists continue on further
slides that each fit, and a data value reaches the typst source only as a string literal."""
from __future__ import annotations

import json

import pytest

from generator.model.load import load
from generator.publish.training.auditor import auditor_deck
from generator.publish.training.awareness import awareness_deck
from generator.publish.training.handout import quiz_markdown
from generator.publish.training.questions import auditor_quiz, awareness_quiz
from generator.publish.training.quiz import MAX_QUESTIONS, MIN_QUESTIONS, ask, same
from generator.publish.training.slides import LINES, MAX_BULLETS, MAX_ROWS, Bullet, Slide, bullet_slides, shorten
from generator.publish.training.typeset import Style, deck_source, lit, quiz_source

from ..conftest import BROKER, MINI, PHARMA, PORT, REPO, copy_workspace, edit

ORGANISATIONS = {"reference": REPO / "data", "mini": MINI, "pharma": PHARMA, "broker": BROKER, "port": PORT}
STYLE = Style("Org", "#1F3A5F", "#E07A1F", "Liberation Sans", None, "Internal")
HOSTILE = ["#set text(size: 90pt)", '*bold* $x$ <a> @ref _u_ \\ "quoted" #pagebreak() ] ) //', "`raw` = heading"]


def loaded(ws):
    org, findings, _ = load(ws)
    assert org is not None and not findings.errors, [str(f) for f in findings]
    return org


@pytest.fixture(scope="module")
def organisations(tmp_path_factory):
    root = tmp_path_factory.mktemp("training")
    return {name: loaded(copy_workspace(root / name, data)) for name, data in ORGANISATIONS.items()}


def question(quiz, key):
    found = [q for q in quiz.questions if q.key == key]
    assert found, f"{quiz.stem} asks no {key} question: {[q.key for q in quiz.questions]}"
    return found[0]


# --- the questions come from the data ---------------------------------------------------------------------------

def test_the_incident_lead_question_follows_the_role_title_in_the_data(mini):
    org = loaded(mini)
    before = question(awareness_quiz(org), "incident-lead")
    assert before.right == org.function["incident_lead"].title == "Operations Manager"
    edit(mini.data_dir / "roles.yml", "title: Operations Manager", "title: Yard and Security Manager")
    after = question(awareness_quiz(loaded(mini)), "incident-lead")
    assert after.right == "Yard and Security Manager"
    assert not any(same(o, "Operations Manager") for o in after.options)
    assert "Yard and Security Manager" in "".join(s.note for s in awareness_deck(loaded(mini)).slides)


def test_answers_are_the_organisations_facts(organisations):
    org = organisations["reference"]
    quiz = awareness_quiz(org)
    top = max(org.risks, key=lambda r: (r.score, -org.risks.index(r)))
    assert question(quiz, "top-rating").right == top.rating.name == "Critical"   # the model's rating, not typed
    assert question(quiz, "acceptance").right == org.criteria.acceptance
    assert question(quiz, "policy-signer").right == "Managing Director, Richard Hartley"
    # notifications are the incident lead's to make, never a role that shares them on site
    notification = question(quiz, "notification")
    assert notification.right == org.function["incident_lead"].title
    assert not {"Security Supervisor", "IT and Information Security Manager"} & set(notification.options)
    auditor = auditor_quiz(org)
    assert question(auditor, "audit-cycle").right == f"every {org.cycle.internal_audit_months} months"
    assert question(auditor, "audit-lead").right == org.function["internal_audit_lead"].title


def test_every_quiz_has_eight_to_twelve_questions_with_distinct_data_drawn_wrong_options(organisations):
    for name, org in organisations.items():
        for quiz in (awareness_quiz(org), auditor_quiz(org)):
            assert MIN_QUESTIONS <= len(quiz.questions) <= MAX_QUESTIONS, (name, quiz.stem, len(quiz.questions))
            assert len({q.key for q in quiz.questions}) == len(quiz.questions)
            for q in quiz.questions:
                assert 3 <= len(q.options) <= 4 and 0 <= q.answer < len(q.options), (name, q)
                wrong = [o for i, o in enumerate(q.options) if i != q.answer]
                assert not any(same(o, q.right) for o in wrong), (name, q)
                assert len({" ".join(o.split()).casefold() for o in q.options}) == len(q.options), (name, q)
                assert all(o.strip() for o in q.options) and q.source


def test_a_question_the_data_cannot_ask_is_left_out():
    assert ask("Org", "k", "Which?", "A", ["A", "a ", "B"], "why") is None   # one wrong option: a coin toss
    q = ask("Org", "k", "Which?", "A", ["B", "b", "A", "C", "D", "E"], "why")
    assert q is not None and q.right == "A" and len(q.options) == 4
    assert sum(same(o, "B") for o in q.options) <= 1


def test_the_quizzes_and_decks_are_reproducible_and_seeded_from_the_organisation(organisations):
    org = organisations["reference"]
    assert awareness_quiz(org) == awareness_quiz(org) and auditor_quiz(org) == auditor_quiz(org)
    assert deck_source(awareness_deck(org), STYLE) == deck_source(awareness_deck(org), STYLE)
    assert quiz_source(auditor_quiz(org), STYLE) == quiz_source(auditor_quiz(org), STYLE)
    pool = [f"Option {i}" for i in range(8)]
    orders = {ask(name, "k", "Which?", "Right", pool, "why").options for name in ("Org A", "Org B", "Org C", "Org D")}
    assert len(orders) > 1   # another organisation, another draw
    answers = [q.answer for q in awareness_quiz(org).questions]
    assert len(set(answers)) > 1   # the right answer is not always in the same place


# --- slides -----------------------------------------------------------------------------------------------------

def test_every_slide_of_every_organisation_fits(organisations):
    for name, org in organisations.items():
        for deck in (awareness_deck(org), auditor_deck(org)):
            for slide in deck.slides:
                assert len(slide.bullets) <= max(MAX_BULLETS, 7), (name, slide.title)
                assert slide.table is None or len(slide.table.rows) <= max(MAX_ROWS, 7), (name, slide.title)
                assert slide.height <= LINES, (name, deck.stem, slide.title, slide.height)
                assert slide.bullets or slide.table or slide.intro, (name, slide.title)


def test_a_long_list_continues_on_further_slides(mini):
    commitment = ("    - topic: people\n      text: We will train every driver, yard guard and office worker in what "
                  "security requires of them and check that they understood it, every year without fail.\n")
    edit(mini.data_dir / "policy.yml", "  commitments:\n", "  commitments:\n" + commitment * 14)
    org = loaded(mini)
    slides = [s for s in awareness_deck(org).slides if s.title.startswith("What the policy commits us to")]
    assert len(slides) >= 3 and slides[0].title.endswith(f"(1 of {len(slides)})")
    assert sum(len(s.bullets) for s in slides) == len(org.policy.commitments)
    assert all(len(s.bullets) <= MAX_BULLETS and s.height <= LINES for s in slides)
    assert max(len(s.bullets) for s in slides) - min(len(s.bullets) for s in slides) <= 1   # shared out evenly


def test_long_values_are_shortened_at_a_clause_or_word():
    text = "We will screen everyone before access, train them for their role, and protect them from coercion."
    assert shorten(text, 200) == text
    cut = shorten(text, 70)
    assert len(cut) <= 70 and cut == "We will screen everyone before access, train them for their role…"
    assert shorten("x" * 5000, 100).endswith("…") and len(shorten("word " * 1000, 100)) <= 100
    slides = bullet_slides(Slide("Many"), [Bullet(shorten("y " * 500, 230)) for _ in range(20)])
    assert all(s.height <= LINES for s in slides) and len(slides) > 3


def test_values_at_their_longest_still_fit(mini):
    edit(mini.data_dir / "scope.yml", "  statement: Freight booking", "  statement: " + "Freight booking " * 300 + "x")
    edit(mini.data_dir / "sites.yml", "name: Hull office", "name: " + "Hull office " * 16 + "end")
    org = loaded(mini)
    for deck in (awareness_deck(org), auditor_deck(org)):
        assert all(s.height <= LINES and len(s.title) < 90 for s in deck.slides)


# --- data is text ---------------------------------------------------------------------------------------------

def test_lit_writes_a_string_literal_that_reads_back_as_the_value():
    for value in [*HOSTILE, "line one\nline two", "plain", "é – ü · ×"]:
        literal = lit(value)
        assert literal.startswith('"') and literal.endswith('"')
        assert json.loads(literal) == value   # typst's string escapes for these are JSON's
    assert lit("bell\x07") == '"bell\\u{7}"'
    assert lit(["a", 1, None, True, {"k": "v"}, {}]) == '("a", 1, none, true, ("k": "v"), (:), )'


def test_hostile_data_reaches_the_typst_source_only_as_string_literals(mini):
    edit(mini.data_dir / "sites.yml", "name: Hull office", f"name: '{HOSTILE[0]}'")
    edit(mini.data_dir / "risks.yml", "threat: Theft of a loaded trailer",
         "threat: '" + HOSTILE[1].replace("'", "''") + "'")
    edit(mini.data_dir / "roles.yml", "title: Operations Manager", f"title: '{HOSTILE[2]}'")
    org = loaded(mini)
    sources = [deck_source(awareness_deck(org), STYLE), deck_source(auditor_deck(org), STYLE),
               quiz_source(awareness_quiz(org), STYLE), quiz_source(auditor_quiz(org), STYLE)]
    assert lit(HOSTILE[0]) in sources[0] and lit(HOSTILE[2]) in sources[2]
    assert json.dumps(HOSTILE[1], ensure_ascii=False)[1:-1] in sources[0]   # inside a longer literal, escaped
    for source in sources:
        # outside string literals the source is smsgen's own: no data value appears there
        code = _outside_literals(source)
        for value in HOSTILE:
            assert value not in code
        assert "@preview" not in source and "#import" not in source   # nothing from the internet


def test_the_quiz_markdown_escapes_data(mini):
    edit(mini.data_dir / "roles.yml", "title: Operations Manager", "title: '*Ops* <b>Manager</b> | lead'")
    org = loaded(mini)
    text = quiz_markdown(awareness_quiz(org), "Internal")
    assert "*Ops*" not in text and "<b>" not in text and r"\*Ops\*" in text
    assert text.index("## Answer key") > text.rindex("- [ ]")


def test_a_deck_quoting_records_says_so(organisations):
    assert auditor_deck(organisations["reference"]).quotes_records          # a real finding from records/audits.yml
    assert not auditor_deck(organisations["mini"]).quotes_records           # no records: nothing quoted
    assert not awareness_deck(organisations["reference"]).quotes_records


def _outside_literals(source: str) -> str:
    """The typst source with every string literal blanked: what typst reads as code and markup."""
    out, i = [], 0
    while i < len(source):
        if source[i] == '"':
            j = i + 1
            while source[j] != '"':
                j += 2 if source[j] == "\\" else 1
            out.append('""')
            i = j + 1
        else:
            out.append(source[i])
            i += 1
    return "".join(out)


def test_outside_literals_blanks_escaped_quotes():
    assert _outside_literals('#f("a \\" b", x)') == '#f("", x)'


def test_the_awareness_deck_never_quotes_a_site_s_security_measures(organisations):
    """A site's security measures are its security plan's content (restricted); the awareness deck is internal, so
    it says where the plan is, as the manual does, and never what it holds."""
    for name, org in organisations.items():
        deck = awareness_deck(org)
        text = json.dumps([[s.title, s.intro, s.note, [vars(b) for b in s.bullets],
                            repr(s.table)] for s in deck.slides])
        for site in org.sites:
            for measure in site.security_measures:
                words = str(measure)[:40]
                assert words not in text, (name, site.code, words)
