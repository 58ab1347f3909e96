"""The Stage 1 pack: refused until everything is approved; deterministic; verifiable; restricted documents held back.
Also the clause matrix and readiness checks that go into it."""
from __future__ import annotations

import hashlib
import json
import shutil
import zipfile

import openpyxl
import pypdf
import pytest
import yaml

from generator.checks.assess import assess as run
from generator.checks.readiness import readiness
from generator.model.clauses import iso28000

from ..conftest import clone_workspace, copy_workspace, smsgen

# `approved` (tests/conftest.py): the reference set with every document approved, once per session


@pytest.fixture(scope="module")
def stage1_pack(approved, tmp_path_factory):
    """One Stage 1 pack of the approved reference set, read by the tests below (each writes its own packs beside)."""
    pack = tmp_path_factory.mktemp("stage1") / "pack.zip"
    assert smsgen(approved, "pack", "stage1", "--out", str(pack)) == 0
    return pack


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pack_is_written_verifiable_and_deterministic(approved, stage1_pack, tmp_path, capsys):
    first, second = stage1_pack, tmp_path / "b.zip"   # the first pack: written, exit status 0, by the fixture
    assert smsgen(approved, "verify-pack", str(first)) == 0
    assert smsgen(approved, "pack", "stage1", "--out", str(second)) == 0
    assert sha(first) == sha(second)
    with zipfile.ZipFile(first) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        assert {"README.txt", "readiness-report.pdf", "registers/clause-matrix.xlsx", "registers/clause-matrix.pdf",
                "registers/master-document-list.xlsx", "registers/master-document-list.csv"} <= names
        listed = {f["file"] for f in manifest["files"]}
        assert listed == names - {"manifest.json"}
        assert all(f["document_id"] and f["revision"] == "1" for f in manifest["files"]
                   if f["file"].startswith("documents/"))
        withheld = {w["document_id"] for w in manifest["withheld"]}
        restricted = {d.id for d in run(approved).documents if d.classification.value == "restricted"}
        assert withheld == restricted and restricted
        assert not any(d in n for d in restricted for n in names)
        book = openpyxl.load_workbook(archive.open("registers/clause-matrix.xlsx"))
        numbers = {row[0] for row in book["Clause to documents"].iter_rows(min_row=2, values_only=True)}
        assert {c.number for c in iso28000() if c.depth >= 1} <= numbers


def test_tampering_with_a_pack_is_detected(approved, stage1_pack, tmp_path, capsys):
    pack, tampered = stage1_pack, tmp_path / "t.zip"   # written, exit status 0, by the fixture
    with zipfile.ZipFile(pack) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "README.txt":
                data += b"\nAll documents were approved by the auditor.\n"
            dst.writestr(info, data)
    capsys.readouterr()
    assert smsgen(approved, "verify-pack", str(tampered)) == 1
    assert "README.txt: content does not match" in capsys.readouterr().err


def test_pack_is_refused_while_a_document_is_not_approved(approved, tmp_path, capsys):
    ws = copy_workspace(tmp_path / "ws2")
    shutil.copytree(approved.control_dir, ws.control_dir)
    target = next(d for d in run(ws).documents if d.key == "security-policy")
    assert smsgen(ws, "revise", target.id, "--by", run(ws).org.function["document_controller"].holders[0].id,
                  "--change", "Policy updated") == 0
    capsys.readouterr()
    assert smsgen(ws, "pack", "stage1", "--out", str(tmp_path / "x.zip")) == 1
    err = capsys.readouterr().err
    assert "refused" in err and target.id in err
    assert not (tmp_path / "x.zip").exists()


def test_readiness_checks_pass_on_the_reference_organisation(approved):
    outcome = run(approved)
    failed = [c for c in readiness(outcome.org, outcome.documents, outcome.states) if not c.passed]
    assert failed == []


@pytest.mark.parametrize("check, mutate", [
    ("scope-sites", lambda ws: _drop_scope_site(ws)),
    ("policy-commitments", lambda ws: _drop_commitment(ws, "improvement")),
    ("objectives", lambda ws: _unmeasurable_target(ws)),
    ("risk-register", lambda ws: _accept_high_risk(ws)),
])
def test_each_readiness_check_can_fail(workspace, check, mutate):
    mutate(workspace)
    outcome = run(workspace)
    result = next(c for c in readiness(outcome.org, outcome.documents, outcome.states) if c.key == check)
    assert not result.passed, result


def _drop_scope_site(ws):
    path = ws.data_dir / "scope.yml"
    data = yaml.safe_load(path.read_text())
    data["scope"]["sites"] = data["scope"]["sites"][:-1]
    path.write_text(yaml.safe_dump(data))


def _drop_commitment(ws, topic):
    path = ws.data_dir / "policy.yml"
    data = yaml.safe_load(path.read_text())
    data["policy"]["commitments"] = [c for c in data["policy"]["commitments"] if c["topic"] != topic]
    path.write_text(yaml.safe_dump(data))


def _unmeasurable_target(ws):
    path = ws.data_dir / "objectives.yml"
    data = yaml.safe_load(path.read_text())
    data["objectives"][0]["target"] = "Much better than before"
    path.write_text(yaml.safe_dump(data))


def _accept_high_risk(ws):
    path = ws.data_dir / "risks.yml"
    data = yaml.safe_load(path.read_text())
    worst = max(data["risks"], key=lambda r: r["likelihood"] * r["impact"])
    worst["treatment"]["option"] = "accept"
    path.write_text(yaml.safe_dump(data))


def test_stage1_pack_leaves_the_combined_pdfs_of_an_earlier_build(approved, tmp_path):
    """pack stage1 converts documents only: the packs `build --packs` made, and files smsgen never made, are not its
    to delete."""
    approved = clone_workspace(approved, tmp_path / "copy")
    assert smsgen(approved, "build", "--controlled", "--all") == 0
    packs = sorted((approved.root / "dist" / "pdf").glob("*-full-set.pdf"))
    assert packs
    before = {p: p.read_bytes() for p in packs}
    (approved.root / "dist" / "pdf" / "my-notes.pdf").write_bytes(b"%PDF mine")
    assert smsgen(approved, "pack", "stage1") == 0
    assert {p: p.read_bytes() for p in packs} == before
    assert (approved.root / "dist" / "pdf" / "my-notes.pdf").read_bytes() == b"%PDF mine"


def test_the_risk_register_prints_its_table_on_landscape_pages(approved, stage1_pack):
    """Thirteen columns do not fit across a portrait page: the register's table turns the page, the rest stays
    portrait (the pack fixture converted every document)."""
    register = next(d for d in run(approved).documents if d.key == "risk-register")
    pages = pypdf.PdfReader(approved.root / "dist" / "pdf" / f"{register.id}.pdf").pages
    landscape = [n for n, page in enumerate(pages) if page.mediabox.width > page.mediabox.height]
    assert pages[0].mediabox.width < pages[0].mediabox.height and landscape
    text = " ".join(pages[n].extract_text() for n in landscape)
    assert "Vulnerability" in text and "Residual" in text


def test_every_register_page_carries_its_classification_and_the_uncontrolled_mark(approved, stage1_pack):
    """The registers and the readiness report are printed too: each of their pages says how it is classified and
    that a printed copy is uncontrolled, as every document does."""
    levels = run(approved).org.documents.pages
    with zipfile.ZipFile(stage1_pack) as archive:
        for name, level in (("registers/master-document-list.pdf", levels.master_list),
                            ("registers/clause-matrix.pdf", levels.clause_matrix),
                            ("registers/applicability-register.pdf", levels.applicability),
                            ("readiness-report.pdf", levels.readiness)):
            reader = pypdf.PdfReader(archive.open(name))
            for number, page in enumerate(reader.pages, 1):
                text = " ".join(page.extract_text().split())
                assert f"{level.value.capitalize()} · Uncontrolled when printed" in text, (name, number)


def test_the_pack_carries_the_records_summary_at_the_certification_body_s_level(approved, stage1_pack):
    """What the SMS has done (issue 15): audit programme status, audit reports, review minutes and the corrective
    action log, confidential like the readiness report; the incident log (restricted) stays out."""
    with zipfile.ZipFile(stage1_pack) as archive:
        reader = pypdf.PdfReader(archive.open("records/records-summary.pdf"))
        text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
        readme = archive.read("README.txt").decode("utf-8")
    org = run(approved).org
    assert "Internal audit programme status" in text and "Corrective action log" in text
    assert all(f"Management review minutes {r.id}" in text for r in org.records.reviews)
    assert all(f"Internal audit report {a.id}" in text for a in org.records.audits)
    assert all(a.id in text for a in org.records.actions)
    assert "Security incident log" not in text and not any(i.description[:40] in text for i in org.records.incidents)
    assert "Confidential" in text and "records/records-summary.pdf" in readme
