"""Redlines on the mini organisation: the set approved, then a site's boundary changed (with markup in it) so the
scope (internal) and the yard's security plan (restricted) change; both revised and submitted. The reviewer is told
the command; the site has a "changes from revision 1" page with the changed words as <ins>/<del>, linked from the
document; the PDF carries the old and the new words; the DOCX has native tracked changes; the restricted redline is
not on the employees' site; the Stage 1 pack carries the redline of each revised document it includes."""
from __future__ import annotations

import contextlib
import html
import io
import json
import re
import shutil
import subprocess
import zipfile

import pypandoc
import pypdf
import pytest
from docx import Document as DocxDocument
from docx.oxml.ns import qn

from generator.base.workspace import Workspace
from generator.cli import main

from ..conftest import MINI, approve_mini, copy_workspace, smsgen

pytestmark = pytest.mark.integration

INTERNAL, RESTRICTED = "MF-SYS-01", "MF-PL-YD"   # the scope (internal) and the yard's site security plan
OLD = "physical_boundary: The fenced yard with one vehicle gate."
NEW = "physical_boundary: The fenced <script>alert(1)</script> yard with two vehicle gates."
HOSTILE = "<script>alert(1)</script>"


def run(ws: Workspace, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["-C", str(ws.root), *args])
    return code, out.getvalue()


@pytest.fixture(scope="module")
def revised(tmp_path_factory):
    """The mini set approved on 2026-11-23 (as test_acknowledgements.py does it); on 2026-11-25 the yard gets a second
    gate, Bob Baker revises the two documents that say so and the guard submits them. Built with its site."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SMSGEN_NOW", "2026-11-23T10:00:00+00:00")
    ws = copy_workspace(tmp_path_factory.mktemp("redline") / "mini", MINI)
    approve_mini(ws)
    mp.setenv("SMSGEN_NOW", "2026-11-25T10:00:00+00:00")
    sites = ws.data_dir / "sites.yml"
    text = sites.read_text(encoding="utf-8")
    assert OLD in text
    sites.write_text(text.replace(OLD, NEW), encoding="utf-8")
    assert smsgen(ws, "revise", INTERNAL, RESTRICTED, "--by", "bob", "--change", "Second vehicle gate") == 0
    code, submitted = run(ws, "submit", INTERNAL, RESTRICTED, "--by", "cal")
    assert code == 0
    assert smsgen(ws, "build") == 0
    mp.undo()
    return ws, submitted


def marked(page: str, tag: str) -> list[str]:
    """The text of every <ins> or <del> of a built page, as a reader reads it (hidden announcements left out)."""
    found = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", page, re.S)
    texts = [re.sub(r'<span class="smsgen-sr-only">.*?</span>', "", t) for t in found]
    return [html.unescape(re.sub(r"<[^>]+>", "", t)).strip() for t in texts]


def test_submit_tells_the_reviewer_the_redline_command(revised):
    _, submitted = revised
    assert f"smsgen redline {RESTRICTED} {INTERNAL}" in submitted
    assert "changes from the revision in force of 2 document(s)" in submitted


def test_the_site_page_shows_the_changed_words_and_the_document_links_to_it(revised):
    ws, _ = revised
    page = (ws.site_dir / "core" / f"{INTERNAL}-changes" / "index.html").read_text(encoding="utf-8")
    inserted, deleted = marked(page, "ins"), marked(page, "del")
    # the legend's own examples come first; then the words that changed, and nothing else
    assert inserted[0] == "inserted text" and deleted[0] == "deleted text"
    assert " ".join(inserted[1:]).split() == [HOSTILE, "two", "gates."]
    assert " ".join(deleted[1:]).split() == ["one", "gate."]
    assert '<span class="smsgen-sr-only">[inserted: </span>' in page   # a screen reader hears which is which
    # data is text: the markup in the site's boundary is escaped, never a tag
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and HOSTILE not in page
    assert "Classification: <strong>Internal</strong>" in page and "A review aid, not a controlled copy" in page
    document = (ws.site_dir / "core" / INTERNAL / "index.html").read_text(encoding="utf-8")
    assert f'<a href="../{INTERNAL}-changes/">Changes from revision 1</a>' in document
    assert HOSTILE not in document
    # a document with no earlier revision has no changes page and no link
    assert not (ws.docs_dir / "core" / "MF-SYS-02-changes.md").exists()
    assert "Changes from revision" not in (ws.site_dir / "core" / "MF-SYS-02" / "index.html").read_text("utf-8")


def test_redline_writes_a_pdf_with_old_and_new_words_and_a_docx_with_tracked_changes(revised, tmp_path):
    ws, _ = revised
    code, out = run(ws, "redline", INTERNAL, "--out", str(tmp_path))
    assert code == 0
    pdf, docx = tmp_path / f"{INTERNAL}-r1-r2.pdf", tmp_path / f"{INTERNAL}-r1-r2.docx"
    assert str(pdf) in out and str(docx) in out
    text = " ".join(" ".join(p.extract_text() or "" for p in pypdf.PdfReader(pdf).pages).split())
    # the deleted word, then the inserted one, where they were: "with one two vehicle gate. gates."
    assert re.search(r"yard with one ?two vehicle gate\. ?gates\.", text), text
    assert HOSTILE in text and "Changes from revision 1 to revision 2" in text
    assert "a review aid, not a controlled copy" in text
    body = DocxDocument(str(docx)).element.body
    ins = body.findall(".//" + qn("w:ins"))
    dels = body.findall(".//" + qn("w:del"))
    inserted = " ".join("".join(t.text or "" for t in e.iter(qn("w:t"))) for e in ins).split()
    deleted = " ".join("".join(t.text or "" for t in e.iter(qn("w:delText"))) for e in dels).split()
    assert inserted == [HOSTILE, "two", "gates."] and deleted == ["one", "gate."]
    assert {(e.get(qn("w:author")), e.get(qn("w:date"))) for e in ins + dels} == {("Bob Baker",
                                                                                   "2026-11-25T00:00:00Z")}
    # and a reader of DOCX sees them as tracked changes, not as formatting: pandoc reads them back as such
    back = subprocess.run([pypandoc.get_pandoc_path(), "--track-changes=all", "-f", "docx", "-t", "json", str(docx)],
                          capture_output=True, check=True).stdout.decode()
    assert '"insertion"' in back and '"deletion"' in back


def test_a_first_issue_has_no_redline_and_nothing_is_written(revised, tmp_path, capsys):
    ws, _ = revised
    assert smsgen(ws, "redline", "MF-SYS-02", "--out", str(tmp_path)) == 2
    assert "MF-SYS-02 (Context of the organisation" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_the_restricted_redline_is_not_on_the_employees_site_nor_in_its_search(revised, tmp_path):
    ws = Workspace.at(shutil.copytree(revised[0].root, tmp_path / "mini"))
    site = tmp_path / "employees"
    assert smsgen(ws, "build", "--audience", "employees", "--site-dir", str(site)) == 0
    assert (ws.docs_dir / "core" / f"{INTERNAL}-changes.md").exists()
    assert not (ws.docs_dir / "plans" / f"{RESTRICTED}-changes.md").exists()
    assert (site / "core" / f"{INTERNAL}-changes" / "index.html").exists()
    assert not (site / "plans" / f"{RESTRICTED}-changes").exists() and not (site / "plans" / RESTRICTED).exists()
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    assert any(f"{INTERNAL}-changes" in loc for loc in locations)
    assert not any(RESTRICTED in loc for loc in locations)
    # and the full build, run again, brings it back
    assert smsgen(ws, "build", "--no-site") == 0
    assert (ws.docs_dir / "plans" / f"{RESTRICTED}-changes.md").exists()


def test_the_stage1_pack_carries_the_redline_of_each_revised_document_it_includes(revised, tmp_path, monkeypatch):
    monkeypatch.setenv("SMSGEN_NOW", "2026-11-26T10:00:00+00:00")
    ws = Workspace.at(shutil.copytree(revised[0].root, tmp_path / "mini"))
    assert smsgen(ws, "approve", "--all", "--by", "ann") == 0
    pack = tmp_path / "stage1.zip"
    assert smsgen(ws, "pack", "stage1", "--redlines", "--out", str(pack)) == 0
    assert smsgen(ws, "verify-pack", str(pack)) == 0
    with zipfile.ZipFile(pack) as archive:
        names = [n for n in archive.namelist() if n.startswith("redlines/")]
        # the restricted plan is withheld from the pack, and so is its redline
        assert names == [f"redlines/{INTERNAL}-r1-r2.pdf"]
        manifest = json.loads(archive.read("manifest.json"))
        entry = next(f for f in manifest["files"] if f["file"] == names[0])
        assert (entry["document_id"], entry["revision"]) == (INTERNAL, "2")
        text = " ".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(archive.read(names[0]))).pages)
        assert "revision 2 (approved)" in " ".join(text.split())
        assert "redlines/<ID>-rN-rM.pdf (1)" in archive.read("README.txt").decode()
