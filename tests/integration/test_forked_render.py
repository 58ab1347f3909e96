"""Rendering shared out to forked processes gives the set that rendering one document after another gives: the same
bodies, references, figures, findings, and tasks in the same order, for organisations of every shape; and where the
order matters (a custom template that reads the tasks others give in the same phase) the documents are rendered one
by one."""
from __future__ import annotations

import pytest

from generator.checks.assess import assess
from generator.render import render

from ..conftest import BROKER, MINI, PHARMA, PORT, REPO, copy_workspace


def rendered(ws, monkeypatch, forked: bool):
    """The set assessed with rendering forked into processes of a few documents each, or all of it here."""
    monkeypatch.setattr(render, "can_fork", lambda: forked)
    monkeypatch.setattr(render, "cores", lambda: 3)     # more processes than the machine may have: still the same set
    monkeypatch.setattr(render, "FORK_MIN", 2)
    outcome = assess(ws)
    return ([(d.id, d.body, sorted(d.references), sorted(d.figures)) for d in outcome.documents],
            [str(f) for f in outcome.findings],
            {role: [(t.document.id, str(t.text)) for t in tasks] for role, tasks in outcome.result.tasks.items()},
            list(outcome.result.figures.items()))


@pytest.mark.parametrize("data", [REPO / "data", MINI, PHARMA, BROKER, PORT],
                         ids=["reference", "mini", "pharma", "broker", "port"])
def test_a_forked_rendering_is_the_one_by_one_rendering(tmp_path, monkeypatch, data):
    ws = copy_workspace(tmp_path / "ws", data)
    forked, alone = rendered(ws, monkeypatch, True), rendered(ws, monkeypatch, False)
    assert forked[0] and all(body for _, body, _, _ in forked[0])
    assert forked == alone


def test_a_template_that_reads_tasks_given_in_its_own_phase_is_rendered_in_order(mini, monkeypatch):
    """A custom procedure that lists the SMS manager's tasks sees those given by the documents before it, as it
    always did; forked, it would see only those its own process gave."""
    custom = mini.root / "sms_templates" / "procedures"
    custom.mkdir(parents=True)
    (custom / "zz-duties.md.j2").write_text(
        "---\nkey: duties\nnumber: \"99\"\ntitle: Duties so far\nsummary: The duties given before this page.\n"
        "type: procedure\nclauses: [\"5.3\"]\nowner: sms_manager\napprover: top_management\n---\n"
        "{% for role in data.roles %}- {{ role.title }}: {{ tasks_of(role) | length }}\n{% endfor %}\n",
        encoding="utf-8")
    forked, alone = rendered(mini, monkeypatch, True), rendered(mini, monkeypatch, False)
    assert any(doc_id.endswith("99") and ": 0" not in body for doc_id, body, _, _ in alone[0])
    assert forked == alone


def test_a_syntax_error_stops_the_set_where_it_stopped_before(mini, monkeypatch):
    broken = mini.root / "sms_templates" / "procedures"
    broken.mkdir(parents=True)
    source = (REPO / "sms_templates" / "procedures" / "communication.md.j2").read_text(encoding="utf-8")
    (broken / "communication.md.j2").write_text(source + "\n{% if %}\n", encoding="utf-8")
    forked, alone = rendered(mini, monkeypatch, True), rendered(mini, monkeypatch, False)
    assert any("template syntax error" in f for f in alone[1])
    assert forked == alone
