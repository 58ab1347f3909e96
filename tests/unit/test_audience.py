"""The audience view's text rules, on stand-in documents: links to pages an audience does not get become plain text
naming neither ID nor title; hidden documents are counted; withheld tasks are summed in one sentence."""
from __future__ import annotations

from types import SimpleNamespace

from generator.model.fields import Classification
from generator.publish.audience import Audience, a_document
from generator.render.document import Withheld


def doc(doc_id: str, folder: str, classification: Classification, title: str = "Night gate codes"):
    return SimpleNamespace(id=doc_id, title=title, classification=classification, docs_path=f"{folder}/{doc_id}.md",
                           figures=set())


PLAN = doc("X-PL-HQ", "plans", Classification.restricted)
FORM = doc("X-F-01", "forms", Classification.internal, "Visitor log")
POLICY = doc("X-POL-01", "policies", Classification.public, "Security policy")


def test_links_to_hidden_pages_become_plain_text_and_others_stay():
    view = Audience(level=Classification.internal.level).view([PLAN, FORM])
    text = ("See [X-PL-HQ Night \\[gate\\] codes](../plans/X-PL-HQ.md#3-response) and "
            "[X-F-01 Visitor log](../forms/X-F-01.md); ![Heat map](../figures/heatmap-hq.svg)")
    out = view.unlink("procedures/X-PR-01.md", text)
    assert out == ("See a restricted document (not published on this site) and "
                   "[X-F-01 Visitor log](../forms/X-F-01.md); ![Heat map](../figures/heatmap-hq.svg)")
    assert view.unlink("roles/a.md", "[the plan](../plans/X-PL-HQ.md)") == a_document(Classification.restricted)
    assert view.unlink("index.md", "[X-PL-HQ](plans/X-PL-HQ.md)") == a_document(Classification.restricted)


def test_hidden_documents_are_counted_and_redacted():
    view = Audience(level=Classification.public.level).view([PLAN, FORM, POLICY])
    assert view.documents == [POLICY] and view.limited
    assert view.count_hidden([PLAN, FORM, POLICY]) == "1 internal document and 1 restricted document"
    assert a_document(Classification.internal) == "an internal document (not published on this site)"
    assert view.redact("X-PL-HQ Night gate codes references X-F-01") == (
        "a restricted document (not published on this site) references an internal document (not published on "
        "this site)")
    assert not Audience().view([PLAN]).limited


def test_withheld_tasks_read_as_one_sentence():
    officer = SimpleNamespace(title="Head of Security")
    lead = SimpleNamespace(title="Incident Lead")
    one = Withheld(Classification.restricted, 1, 1, [officer]).sentence
    assert one == ("1 task from 1 restricted document is not reproduced here. The Head of Security, who owns that "
                   "document, briefs the holders of this role on it.")
    many = Withheld(Classification.confidential, 3, 2, [officer, lead]).sentence
    assert many.startswith("3 tasks from 2 confidential documents are not reproduced here. The Head of Security and "
                           "the Incident Lead, who own those documents, brief")


def test_a_hidden_link_names_the_level_as_the_organisation_does():
    audience = Audience(level=Classification.internal.level,
                        labels=((Classification.restricted, "Sensitive Security Information"),))
    view = audience.view([PLAN, FORM])
    assert view.unlink("roles/a.md", "[the plan](../plans/X-PL-HQ.md)") == \
        "a Sensitive Security Information document (not published on this site)"
    assert view.redact("see X-PL-HQ") == "see a Sensitive Security Information document (not published on this site)"
