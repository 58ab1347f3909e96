"""Overrides that survive upgrades: a workspace replaces one section of a default template (`extends: default`)
and keeps the rest of the default as it is released; `smsgen templates --diff` shows how each override differs
from the current default."""
from __future__ import annotations

import pytest

from generator.base.workspace import DEFAULT_TEMPLATES
from generator.checks.assess import assess as run
from generator.render.sections import sections

from ..conftest import edit, smsgen

pytestmark = pytest.mark.integration

TEMPLATE = "procedures/management-review.md.j2"


def override(ws, text: str) -> None:
    path = ws.root / "sms_templates" / TEMPLATE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def body_of(outcome, key: str) -> str:
    return next(d.body for d in outcome.documents if d.key == key)


def test_a_section_override_replaces_one_section_and_keeps_the_rest(mini):
    default = body_of(run(mini), "management-review")
    heads = [s for s in sections(default)[1:] if s.level == 2]
    second = heads[1]
    override(mini, f"---\nextends: default\nreview_months: 12\n---\n## {second.heading}\n\n"
                   "Reviewed by {{ org.short_name }}'s directors every quarter.\n")
    outcome = run(mini)
    body = body_of(outcome, "management-review")
    assert "Reviewed by Mini's directors every quarter." in body
    assert second.text not in body
    for other in heads[:1] + heads[2:]:
        assert other.text in body           # the rest is the default's, as released
    doc = next(d for d in outcome.documents if d.key == "management-review")
    assert doc.review_months == 12 and doc.title   # front matter laid over the default's
    assert not [f for f in outcome.findings if f.code.startswith("template.")]


def test_a_section_the_default_lacks_is_an_error_naming_its_headings(mini):
    override(mini, "---\nextends: default\n---\n## 9 Escalaton\n\nText.\n")
    found = [f for f in run(mini).findings if f.code == "template.section"]
    assert len(found) == 1 and "no section '9 Escalaton'" in found[0].message
    assert found[0].path == f"sms_templates/{TEMPLATE}" and "1 Purpose" in found[0].hint


def test_extending_a_path_with_no_default_is_fatal(mini):
    path = mini.root / "sms_templates" / "procedures" / "own.md.j2"
    path.parent.mkdir(parents=True)
    path.write_text("---\nextends: default\n---\n## 1 Purpose\n", encoding="utf-8")
    found = [f for f in run(mini).findings if f.code == "template.extends"]
    assert found and found[0].path == "sms_templates/procedures/own.md.j2" and found[0].line == 2


def test_templates_diff_shows_each_override_against_the_default(mini, capsys):
    override(mini, "---\nextends: default\n---\n## 2 Scope\n\nEvery quarter.\n\n## 9 Extra\n\nMore.\n")
    whole = mini.root / "sms_templates" / "policies" / "security-policy.md.j2"
    whole.parent.mkdir(parents=True)
    whole.write_text((DEFAULT_TEMPLATES / "policies" / "security-policy.md.j2").read_text(encoding="utf-8")
                     + "\nOne more line.\n", encoding="utf-8")
    capsys.readouterr()
    smsgen(mini, "templates")
    listing = capsys.readouterr().out
    assert any(line.startswith(TEMPLATE) and " sections " in line for line in listing.splitlines())
    assert any(line.startswith("policies/security-policy.md.j2") and " override " in line
               for line in listing.splitlines())
    assert smsgen(mini, "templates", "--diff") == 0
    diff = capsys.readouterr().out
    assert f"--- default/{TEMPLATE}: 2 Scope" in diff and "+Every quarter." in diff
    assert "9 Extra: a section the default does not have" in diff
    assert "+One more line." in diff and "--- default/policies/security-policy.md.j2" in diff
    assert smsgen(mini, "templates", "--diff", TEMPLATE) == 0
    assert "security-policy" not in capsys.readouterr().out


def test_a_notification_duty_no_procedure_carries_is_an_error(mini):
    """The incident procedure carries every duty to notify in the legal register; a workspace version that drops the
    table leaves the duty with no step, and check says which."""
    edit(mini.data_dir / "legal.yml", "    obligations: [Protect personal data of drivers and consignees]\n",
         "    obligations:\n      - Protect personal data of drivers and consignees\n      - notify: the customer\n"
         "        within_hours: 2\n        when: a theft of its goods\n")
    assert not [f for f in run(mini).findings if f.code == "consistency.notification-step"]
    body = body_of(run(mini), "incident-management")
    assert "| the customer | a theft of its goods | Within 2 hours |" in body
    override(mini, "---\nextends: default\n---\n## 6 Procedure\n\nIncidents are reported to the director.\n")
    path = mini.root / "sms_templates" / TEMPLATE
    path.rename(path.with_name("incident-management.md.j2"))
    found = [f for f in run(mini).findings if f.code == "consistency.notification-step"]
    assert len(found) == 1 and "duty to notify the customer within 2 hours" in found[0].message
    assert found[0].path == "data/legal.yml" and found[0].line > 0
