"""Audience sites: one approved text, many views. With everything approved, a controlled build and a release for
employees pass; nothing from a document above an audience's level reaches its site (pages, links, search, figures,
job-description lines); the blank forms employees must fill in are published; role pages and registers stay off the
public site; duties from hidden documents are counted, never quoted and never dropped."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from generator.checks.assess import assess as run
from generator.model.clauses import catalogue
from generator.publish.audience import Audience

from ..conftest import clone_workspace, edit, smsgen

# `approved` (tests/conftest.py): the reference set with every document approved, once per session; read only here
NOW = "2026-11-02T09:00:00+00:00"
TEXT_FILES = (".html", ".json", ".xml", ".md", ".txt", ".js")


@pytest.fixture(scope="module")
def audience_sites(approved, tmp_path_factory):
    """A copy of the approved set built (controlled) for employees and for the public, each site and its docs/
    kept. Returns the workspace, its canonical assessment, and audience -> (site dir, docs dir)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SMSGEN_NOW", NOW)
    root = tmp_path_factory.mktemp("audiences")
    ws = clone_workspace(approved, root / "ws")
    sites = {}
    for audience in ("employees", "public"):
        site = root / f"{audience}-site"
        assert smsgen(ws, "build", "--controlled", "--audience", audience, "--site-dir", str(site)) == 0, audience
        docs = root / f"{audience}-docs"
        shutil.copytree(ws.docs_dir, docs)
        sites[audience] = (site, docs)
    outcome = run(ws)
    mp.undo()
    return ws, outcome, sites


def texts(*folders: Path) -> dict[str, str]:
    return {str(p): p.read_text(encoding="utf-8", errors="replace") for folder in folders for p in folder.rglob("*")
            if p.is_file() and p.suffix in TEXT_FILES}


def control(page: Path) -> dict:
    return yaml.safe_load(page.read_text(encoding="utf-8").split("---\n")[1])["control"]


def hidden_from(outcome, audience: str):
    level = outcome.org.documents.audiences[audience].level
    return [d for d in outcome.documents if d.classification.level > level]


def test_controlled_build_and_release_for_employees_pass_once_everything_is_approved(approved, audience_sites,
                                                                                      tmp_path, monkeypatch):
    ws, outcome, sites = audience_sites   # the controlled builds passed in the fixture
    assert not outcome.findings.errors and all(s.status == "approved" for s in outcome.states.values())
    _, docs = sites["employees"]
    shown = [d for d in outcome.documents if (docs / d.docs_path).exists()]
    assert len(shown) == sum(d.classification.level <= 1 for d in outcome.documents)
    # approved documents are not shown as drafts: the employees' pages carry the approved text's control data
    assert {control(docs / d.docs_path)["status"] for d in shown} == {"approved"}
    monkeypatch.setenv("SMSGEN_NOW", NOW)
    copy = clone_workspace(approved, tmp_path / "ws")
    top = run(copy).org.function["top_management"].holders[0].id
    assert smsgen(copy, "release", "1.0", "--by", top, "--audience", "employees", "--commit") == 0
    released = tmp_path / "published"
    assert smsgen(copy, "publish", "--to", str(released)) == 0
    leaked = [d.id for d in hidden_from(outcome, "employees") for text in texts(released).values() if d.id in text]
    assert not leaked
    register = yaml.safe_load(copy.register_file.read_text(encoding="utf-8"))
    assert set(register["releases"][-1]["documents"]) == {d.id for d in outcome.documents
                                                          if d.classification.level <= 1}


@pytest.mark.parametrize("audience", ["employees", "public"])
def test_nothing_above_the_audience_reaches_its_site(audience_sites, audience):
    ws, outcome, sites = audience_sites
    site, docs = sites[audience]
    hidden = hidden_from(outcome, audience)
    assert any(d.classification.value == "restricted" for d in hidden)
    assert any(d.classification.value == "confidential" for d in hidden)
    everything = texts(site, docs)
    # the public clause catalogue has titles of its own: "Supply chain security plan" is also an ISO 28001 element
    standard = " ".join(f"{c.title} {c.what} {c.intent}" for c in catalogue().values())
    for doc in hidden:
        marks = [doc.id, doc.label] + ([doc.title] if doc.title not in standard else [])
        found = [(mark, name) for mark in marks for name, text in everything.items() if mark in text]
        assert not found, found
        assert not (site / doc.folder / doc.id).exists() and not (docs / doc.docs_path).exists()
    # distinctive text: every task a hidden document gives, anywhere (job descriptions and role pages included)
    quoted = [str(t.text) for tasks in outcome.result.tasks.values() for t in tasks if t.document in hidden]
    assert quoted
    leaks = [(task[:60], name) for task in quoted for name, text in everything.items() if task in text]
    assert not leaks, leaks
    # figures: exactly those drawn by a document the audience gets; a restricted plan's heat map is not even a file
    drawn = {name for d in outcome.documents if d not in hidden for name in d.figures}
    only_hidden = {name for d in hidden for name in d.figures} - drawn
    assert only_hidden, "the reference set draws heat maps in confidential and restricted documents"
    published = {p.name for p in (site / "figures").glob("*")} if (site / "figures").is_dir() else set()
    assert published == drawn & set(outcome.result.figures)
    assert not only_hidden & {p.name for p in docs.rglob("*.svg")}
    # search covers only the pages published
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = {entry["location"].split("#")[0].rstrip("/") for entry in index["docs"]}
    assert not [p for p in pages for d in hidden if d.id in p]


def test_job_descriptions_count_the_tasks_they_may_not_quote(audience_sites):
    ws, outcome, sites = audience_sites
    _, docs = sites["employees"]
    by_id = {d.id: d for d in outcome.documents}
    restricted_tasks = {role: [t for t in tasks if t.document.classification.value == "restricted"]
                        for role, tasks in outcome.result.tasks.items()}
    role = next(r for r, tasks in restricted_tasks.items() if tasks)
    jd = next(d for d in outcome.documents if d.type == "job_description" and getattr(d.subject, "key", None) == role)
    # the approved (canonical) text quotes no restricted task and counts them instead, with whom to ask
    assert not [t for t in restricted_tasks[role] if str(t.text) in jd.body]
    assert "restricted document" in jd.body and "not reproduced here" in jd.body
    owner = restricted_tasks[role][0].document.owner.title
    assert owner in jd.body
    page = (docs / jd.docs_path).read_text(encoding="utf-8")
    assert "not reproduced here" in page
    # and the employees' role page lists the duty as withheld instead of dropping it
    role_page = (docs / "roles" / f"{role}.md").read_text(encoding="utf-8")
    assert "In documents not published on this site" in role_page and "restricted document" in role_page
    assert not [t for t in restricted_tasks[role] if str(t.text) in role_page]
    assert by_id[jd.id].classification.value == "internal"


def test_every_form_an_employee_document_uses_is_published(audience_sites):
    ws, outcome, sites = audience_sites
    site, docs = sites["employees"]
    visible = [d for d in outcome.documents if d.classification.level <= 1]
    by_id = {d.id: d for d in outcome.documents}
    used = {ref for d in visible for ref in d.references if by_id[ref].type == "form"}
    assert len(used) > 20
    for form_id in used:
        form = by_id[form_id]
        assert (docs / form.docs_path).is_file() and (site / form.folder / form.id / "index.html").is_file(), form_id
    # a blank form is internal; its completed records keep their classification, shown on the page and the list
    incident = next(d for d in outcome.documents if d.key == "form-incident-report")
    meta = control(docs / incident.docs_path)
    assert (meta["classification"], meta["record_classification"]) == ("internal", "confidential")
    assert "Completed records" in (site / incident.folder / incident.id / "index.html").read_text(encoding="utf-8")
    master = (docs / "master-list.md").read_text(encoding="utf-8")
    row = next(line for line in master.splitlines() if f"[{incident.id}]" in line)
    assert "| Internal | Confidential |" in row
    # no instruction tells employees to record anything on a document they cannot open (the forms were confidential)
    for doc in visible:
        if doc.type == "work_instruction":
            assert "confidential document (not published" not in (docs / doc.docs_path).read_text(encoding="utf-8")


def test_public_site_has_no_role_pages_registers_or_readiness(audience_sites):
    ws, outcome, sites = audience_sites
    site, docs = sites["public"]
    for page in ("roles", "master-list", "readiness", "clause-matrix"):
        assert not (site / page).exists() and not (docs / f"{page}.md").exists() and not (docs / page).exists()
    assert (site / "clauses" / "index.html").is_file() and (site / "changes" / "index.html").is_file()
    home = (docs / "index.md").read_text(encoding="utf-8")
    assert "master-list.md" not in home
    # no holder's name outside the policy, which top management signs
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = {e["location"]: e["text"] + e["title"] for e in index["docs"]}
    for person in outcome.org.people:
        assert not [loc for loc, text in pages.items() if person.name in text and not loc.startswith("policies/")]
        assert not [n for n, text in texts(site).items() if person.name in text
                    and "/policies/" not in n and not n.endswith("search_index.json")]
    # the employees' site has them (role pages are internal), the readiness report is not (confidential)
    employees, _ = sites["employees"]
    assert (employees / "roles").is_dir() and (employees / "master-list").is_dir()
    assert not (employees / "readiness").exists()


def test_audience_rule_is_the_classification_rule(audience_sites):
    ws, outcome, _ = audience_sites
    for name, classification in outcome.org.documents.audiences.items():
        view = Audience.of(outcome.org, name).view(outcome.documents)
        assert {d.id for d in view.documents} == {d.id for d in outcome.documents
                                                  if d.classification.visible_at(classification.level)}


def test_a_form_classified_above_its_users_is_reported(mini):
    source = Path(__file__).resolve().parents[2] / "sms_templates" / "forms" / "incident-report.md.j2"
    override = mini.root / "sms_templates" / "forms" / "incident-report.md.j2"
    override.parent.mkdir(parents=True)
    shutil.copy2(source, override)
    edit(override, "record_classification: confidential", "classification: confidential")
    found = [f for f in run(mini).findings if f.code == "set.form-hidden"]
    assert found and "record_classification" in (found[0].hint or "")


def test_records_are_published_only_to_audiences_cleared_for_them(audience_sites):
    """Records name people and incidents: confidential (the incident log restricted), so neither the employees'
    nor the public site has a records page, nor a link to one."""
    _, _, sites = audience_sites
    for audience, (site, docs) in sites.items():
        assert not (site / "records").exists() and not (docs / "records").exists(), audience
        assert "records/index" not in (site / "index.html").read_text(encoding="utf-8"), audience
