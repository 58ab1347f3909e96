"""Rendering: data is text, never template code or HTML; template mistakes name their file and line.
The Markdown helpers (escaping, blank lines) are in tests/unit/test_markdown.py."""
from __future__ import annotations

from generator.checks.assess import assess as run
from generator.publish.docs import write_outcome

from ..conftest import REPO, edit, smsgen


def test_jinja_and_html_in_data_appear_literally(mini):
    edit(mini.data_dir / "organisation.yml", "short_name: Mini", 'short_name: "{{ 7*7 }}"')
    edit(mini.data_dir / "sites.yml", "name: Hull office", 'name: "<script>alert(1)</script>"')
    assert smsgen(mini, "build") in (0, 1)
    page = next((mini.site_dir / "procedures").glob("MF-PR-01/index.html")).read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in page and "49" not in page.split("{{ 7*7 }}")[0][-20:]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    # not in any page: navigation, titles and descriptions included
    for html_file in mini.site_dir.rglob("*.html"):
        assert "<script>alert(1)" not in html_file.read_text(encoding="utf-8"), html_file


def test_undefined_variable_names_template_file_and_line(mini, tmp_path):
    override = mini.root / "sms_templates" / "procedures" / "document-control.md.j2"
    override.parent.mkdir(parents=True)
    default = REPO / "sms_templates" / "procedures" / "document-control.md.j2"
    text = default.read_text(encoding="utf-8").replace("{{ org.short_name }} creates", "{{ org.shortname }} creates")
    override.write_text(text, encoding="utf-8")
    outcome = run(mini)
    hit = next(f for f in outcome.findings if f.code == "template.render")
    assert hit.path == "sms_templates/procedures/document-control.md.j2"
    line = next(n for n, source in enumerate(text.splitlines(), 1) if "org.shortname" in source)
    assert hit.line == line and "shortname" in hit.message


def test_unknown_document_reference_is_a_check_error(mini):
    override = mini.root / "sms_templates" / "forms" / "extra.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text("---\nkey: extra\nnumber: '99'\ntitle: Extra\nsummary: A test form.\ntype: form\n"
                        "clauses: ['7.5.3']\nowner: sms_manager\napprover: sms_manager\n---\n"
                        "See {{ ref('no-such-document') }}.\n", encoding="utf-8")
    outcome = run(mini)
    hit = next(f for f in outcome.findings if f.code == "document.unknown-ref")
    assert hit.path == "sms_templates/forms/extra.md.j2" and hit.line == 11
    assert any(f.code == "set.form-unused" and "MF-F-99" in f.message for f in outcome.findings)


def test_bad_front_matter_is_reported_with_its_line(mini):
    override = mini.root / "sms_templates" / "forms" / "bad.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text("---\nkey: bad\nnumber: '98'\ntitle: Bad\nsummary: x\ntype: form\n"
                        "clauses: ['7.5.9']\nowner: sms_managr\napprover: sms_manager\n---\nBody\n", encoding="utf-8")
    outcome = run(mini)
    owner = next(f for f in outcome.findings if f.field == "owner")
    assert owner.line == 8 and "sms_manager" in owner.hint
    clause = next(f for f in outcome.findings if f.code == "template.clause")
    assert clause.line == 7


def test_workspace_override_replaces_the_default_template(mini):
    override = mini.root / "sms_templates" / "procedures" / "document-control.md.j2"
    override.parent.mkdir(parents=True)
    default = REPO / "sms_templates" / "procedures" / "document-control.md.j2"
    override.write_text(default.read_text(encoding="utf-8").replace("## 1 Purpose", "## 1 Our purpose"),
                        encoding="utf-8")
    outcome = run(mini)
    doc = next(d for d in outcome.documents if d.key == "document-control")
    assert "## 1 Our purpose" in doc.body


def test_a_task_every_site_plan_gives_is_listed_once(pharma):
    """The incident lead has the same two steps in each of the five site plans: its role page names the five plans
    once and lists each step once; its job description (internal) may not quote the restricted plans, and counts the
    two steps once, naming no plan."""
    outcome = run(pharma)
    assert write_outcome(pharma, outcome) is not None
    plans = sorted(d.id for d in outcome.documents if d.key.startswith("site-plan-"))
    lead = outcome.org.function["incident_lead"]
    jd = next(d for d in outcome.documents if d.type == "job_description" and d.subject is lead)
    tasks = jd.body.split("## 5 Tasks", 1)[1].split("## 6", 1)[0]
    assert f"2 tasks from {len(plans)} restricted documents are not reproduced here" in tasks
    assert not any(plan in tasks for plan in plans)
    assert "decides whether to activate the site security plan" not in tasks
    page = (pharma.docs_dir / "roles" / f"{lead.key}.md").read_text(encoding="utf-8")
    assert f"### The same tasks in {len(plans)} documents" in page
    assert page.count("decides whether to activate the site security plan") == 1
