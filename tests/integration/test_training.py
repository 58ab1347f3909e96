"""`smsgen training` end to end: the four PDFs (and the quizzes as Markdown) for the reference organisation, read
back with pypdf: the awareness deck names the policy's signatory, the top threats with their computed ratings and
the incident lead; the answer key on its own last page matches the questions; decks are 16:9 landscape with the
classification on every page and one page per slide (nothing ran over); a second run gives the same bytes; hostile
and very long data print as written; other organisations build too."""
from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from generator.base.workspace import Workspace
from generator.model.fields import Classification
from generator.model.load import load
from generator.publish.training.auditor import auditor_deck
from generator.publish.training.awareness import awareness_deck
from generator.publish.training.facts import top_threats
from generator.publish.training.handout import LETTERS
from generator.publish.training.outputs import marking_of
from generator.publish.training.questions import auditor_quiz, awareness_quiz

from ..conftest import BROKER, MINI, PORT, copy_workspace, edit, smsgen

pytestmark = pytest.mark.integration
FILES = ("awareness-deck.pdf", "awareness-quiz.pdf", "awareness-quiz.md", "auditor-deck.pdf", "auditor-quiz.pdf",
         "auditor-quiz.md")


def flat(text: str) -> str:
    """Text as pypdf extracts it, on one line: a value that wrapped on the slide reads whole again."""
    return " ".join(text.replace("\u00ad", "").split())


def pages(path) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Workspace:
    """The reference organisation with its training material written once."""
    ws = copy_workspace(tmp_path_factory.mktemp("training") / "ws")
    assert smsgen(ws, "training") == 0
    return ws


def out(ws: Workspace, name: str):
    return ws.dist_dir / "training" / name


def test_training_writes_both_decks_both_quizzes_and_their_markdown(trained):
    for name in FILES:
        assert out(trained, name).stat().st_size > 1000, name
        if name.endswith(".pdf"):
            assert out(trained, name).read_bytes().startswith(b"%PDF")


def test_the_awareness_deck_states_the_organisations_own_facts(trained):
    org = load(trained)[0]
    text = " ".join(pages(out(trained, "awareness-deck.pdf")))
    signer = org.role[org.policy.signed_by]
    assert f"Signed for {org.org.legal_entity} by the {signer.title}, {signer.holders[0].name}" in text
    for threat in top_threats(org, 3):
        assert flat(threat.text) in text
        assert f"{threat.risk.rating.name} ({threat.risk.score})" in text   # computed by the model, never typed
    lead = org.function["incident_lead"]
    assert f"Incident lead: {lead.title}, {lead.holders[0].name}" in text
    assert f"Making them is the job of the {lead.title}, not yours" in text
    for site in org.sites_in_scope:
        assert site.name in text
    assert org.objectives[0].title in text and org.criteria.acceptance in text


def test_decks_are_16_9_landscape_one_page_a_slide_each_marked(trained):
    org = load(trained)[0]
    assert marking_of(org, auditor_deck(org)) == max(org.documents.pages.records, Classification.internal,
                                                     key=lambda c: c.level)
    for name, deck in (("awareness-deck.pdf", awareness_deck(org)), ("auditor-deck.pdf", auditor_deck(org))):
        marking = org.documents.label(marking_of(org, deck))   # the auditor deck quotes the records: theirs
        reader = PdfReader(out(trained, name))
        assert len(reader.pages) == len(deck.slides) + 1, name   # the cover, then one page each: nothing ran over
        for page in reader.pages:
            box = page.mediabox
            assert float(box.width) > float(box.height)
            assert abs(float(box.width) / float(box.height) - 16 / 9) < 0.01
        assert all(marking in page for page in pages(out(trained, name))), name


def test_each_answer_key_is_on_its_own_last_page_and_matches_the_questions(trained):
    org = load(trained)[0]
    for name, quiz in (("awareness-quiz.pdf", awareness_quiz(org)), ("auditor-quiz.pdf", auditor_quiz(org))):
        text = pages(out(trained, name))
        key = text[-1]
        questions = " ".join(text[:-1])
        assert "Answer key" in key and "Answer key" not in questions
        assert 8 <= len(quiz.questions) <= 12
        for n, q in enumerate(quiz.questions, 1):
            assert flat(q.text) in questions
            for i, option in enumerate(q.options):
                assert f"{LETTERS[i]} {flat(option)}" in questions
            assert re.search(rf"\b{n} {LETTERS[q.answer]} {re.escape(flat(q.right))}", key), (name, n, q.right)
        assert all("Internal" in page for page in text)
        markdown = out(trained, name.replace(".pdf", ".md")).read_text(encoding="utf-8")
        assert markdown.count("- [ ] ") == sum(len(q.options) for q in quiz.questions)


def test_a_second_run_gives_the_same_bytes(trained, tmp_path):
    before = {name: out(trained, name).read_bytes() for name in FILES}
    assert smsgen(trained, "training") == 0
    assert {name: out(trained, name).read_bytes() for name in FILES} == before


def test_only_one_kind(tmp_path):
    ws = copy_workspace(tmp_path / "mini", MINI)
    assert smsgen(ws, "training", "--only", "auditor") == 0
    assert sorted(p.name for p in (ws.dist_dir / "training").iterdir()) == ["auditor-deck.pdf", "auditor-quiz.md",
                                                                          "auditor-quiz.pdf"]


def test_data_with_errors_is_refused_and_nothing_is_written(tmp_path, capsys):
    ws = copy_workspace(tmp_path / "mini", MINI)
    edit(ws.data_dir / "policy.yml", "signed_by: director", "signed_by: nobody")
    assert smsgen(ws, "training") == 2
    assert "policy.yml" in capsys.readouterr().err
    assert not (ws.dist_dir / "training").exists()


def test_hostile_and_very_long_data_prints_as_written_and_fits(tmp_path):
    ws = copy_workspace(tmp_path / "mini", MINI)
    site, threat = "#set text(size: 90pt)", '*bold* $x$ <a> @ref _u_ #pagebreak() ] "quoted"'
    edit(ws.data_dir / "sites.yml", "name: Hull office", f"name: '{site}'")
    edit(ws.data_dir / "risks.yml", "threat: Theft of a loaded trailer", f"threat: '{threat}'")
    edit(ws.data_dir / "scope.yml", "  statement: Freight booking", "  statement: " + "Freight booking " * 300 + "x")
    assert smsgen(ws, "training") == 0
    org = load(ws)[0]
    deck = out(ws, "awareness-deck.pdf")
    text = " ".join(pages(deck))
    assert site in text and threat in text
    assert len(PdfReader(deck).pages) == len(awareness_deck(org).slides) + 1


@pytest.mark.parametrize("data", [BROKER, PORT], ids=["broker", "port"])
def test_other_organisations_get_their_own_material(tmp_path, data):
    ws = copy_workspace(tmp_path / "ws", data)
    assert smsgen(ws, "training") == 0
    org = load(ws)[0]
    for name, deck in (("awareness-deck.pdf", awareness_deck(org)), ("auditor-deck.pdf", auditor_deck(org))):
        reader = PdfReader(out(ws, name))
        assert len(reader.pages) == len(deck.slides) + 1
        text = " ".join(pages(out(ws, name)))
        assert org.org.name in text and org.documents.label(Classification.internal) in text
    assert org.function["incident_lead"].title in " ".join(pages(out(ws, "awareness-deck.pdf")))
