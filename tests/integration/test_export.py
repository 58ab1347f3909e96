"""DOCX and PDF: control data read back from the files, determinism, and the cache."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import docx
import pypandoc
import pypdf

from generator.checks.assess import assess as run
from generator.publish.docs import write_outcome
from generator.publish.export import common, pdf, scheduler
from generator.publish.export.base import ExportContext
from generator.publish.export.page import read_page
from generator.publish.export.pdf import PdfExporter
from generator.publish.export.plan import brand_of, export, plan_export
from generator.publish.export.scheduler import Job, run_jobs
from generator.publish.site.backend import site_request
from generator.publish.site.mkdocs import Downloads, MkDocsBackend

from ..conftest import edit, smsgen


def digest(paths) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


# Fixtures (tests/integration/conftest.py): `mini_built`, the mini set built once with its site, DOCX and PDF, and
# `mini_outcome`, it assessed, both read only; `exported`, a private copy of `mini_built` for a test that changes it.


def test_every_docx_header_carries_id_and_revision(mini_built, mini_outcome):
    exported, outcome = mini_built, mini_outcome
    for doc in outcome.documents:
        word = docx.Document(exported.root / "dist" / "docx" / f"{doc.id}.docx")
        section = word.sections[0]
        header = " ".join(c.text for t in section.header.tables for c in t.rows[0].cells)
        assert doc.id in header and "Revision 1" in header and "Draft" in header
        footer = " ".join(c.text for t in section.footer.tables for c in t.rows[0].cells)
        assert "Uncontrolled when printed" in footer
        xml = section.footer._element.xml
        assert "NUMPAGES" in xml and " PAGE " in xml
        assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
        assert word.paragraphs[1].text.startswith("DRAFT")
        assert word.tables[-1].rows[0].cells[0].text == "Rev."


def test_every_pdf_page_one_reads_back_the_control_data(mini_built, mini_outcome):
    exported = mini_built
    for doc in mini_outcome.documents:
        reader = pypdf.PdfReader(exported.root / "dist" / "pdf" / f"{doc.id}.pdf")
        first = reader.pages[0].extract_text()
        assert doc.id in first and "Rev. 1" in first and "Draft" in first
        assert re.search(rf"Page 1 of {len(reader.pages)}\b", first), first
        assert [o["/Title"] for o in reader.outline if isinstance(o, dict)][0] == f"{doc.id} {doc.title}"


def test_two_builds_are_byte_identical_and_the_second_converts_nothing(exported):
    outcome = run(exported)
    files = sorted((exported.root / "dist").glob("[dp][od][cf]*/*.*"))
    first = digest(files)
    result = export(exported, outcome.org, {"docx", "pdf"})
    assert result.written == [] and result.skipped == 2 * len(outcome.documents)
    for path in files:
        path.unlink()
    export(exported, outcome.org, {"docx", "pdf"})
    assert digest(files) == first


def test_a_change_reconverts_only_the_document_it_touches(exported):
    outcome = run(exported)
    edit(exported.data_dir / "roles.yml", "purpose: Guards the yard.", "purpose: Guards the yard and its gate.")
    smsgen(exported, "build", "--no-site")
    result = export(exported, outcome.org, {"docx", "pdf"})
    assert sorted(p.rsplit("/", 1)[1] for p in result.written) == ["MF-JD-GRD.docx", "MF-JD-GRD.pdf"]


def test_a_converter_failure_names_the_document_and_is_not_a_traceback(exported, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise common.ConversionError("pandoc: simulated failure")

    monkeypatch.setattr("generator.publish.export.batch.run_pandoc", broken)
    for path in (exported.root / "dist" / "pdf").glob("*.pdf"):
        path.unlink()
    result = export(exported, run(exported).org, {"pdf"}, workers=1)
    messages = [f.message for f in result.findings]
    assert "MF-PR-01: pdf conversion failed: pandoc: simulated failure" in messages


def test_a_hanging_converter_is_stopped_and_named(exported, monkeypatch, tmp_path):
    slow = tmp_path / "pandoc"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setattr(pypandoc, "get_pandoc_path", lambda: str(slow))
    monkeypatch.setattr(common, "TIMEOUT", 1)
    for path in (exported.root / "dist" / "pdf").glob("*.pdf"):
        path.unlink()
    plan = plan_export(exported, run(exported).org, {"pdf"})
    plan.todo = [job for job in plan.todo if job.out.endswith("MF-PR-01.pdf")]  # one document: one timeout to wait
    result = plan.run(workers=1)
    assert [f.message for f in result.findings] == ["MF-PR-01: pdf conversion failed: pandoc did not finish within 1 s"]


def test_jobs_over_the_memory_budget_still_run_one_at_a_time(exported, monkeypatch):
    """Every conversion counts as heavy and over budget: each runs alone in a fresh process, and all complete."""
    monkeypatch.setattr(PdfExporter, "heavy_bytes", 0)
    monkeypatch.setattr(scheduler, "MEMORY_BUDGET", 1)
    outcome = run(exported)
    docs_dir = exported.root / "docs"
    out = exported.root / "budget"
    jobs = [Job("pdf", str(out / f"{d.id}.pdf"), (str(docs_dir / d.docs_path),), d.title, "key", PdfExporter())
            for d in outcome.documents[:3]]
    context = ExportContext(brand_of(outcome.org, exported), docs_dir, exported.cache_dir)
    results = run_jobs(jobs, context, 2)
    assert sorted(job.out for job, error in results if error is None) == sorted(j.out for j in jobs)
    # laid out apart from the markup (in a process that loads only typst): the same bytes as converted here
    assert all(Path(j.out).read_bytes() == PdfExporter().convert(read_page(Path(j.pages[0])), context) for j in jobs)


def test_a_heavy_page_whose_markup_fails_names_the_document(exported, monkeypatch):
    def broken(*args, **kwargs):
        raise common.ConversionError("pandoc: simulated failure")

    monkeypatch.setattr(PdfExporter, "heavy_bytes", 0)
    monkeypatch.setattr(pdf, "pdf_source", broken)
    outcome = run(exported)
    docs_dir = exported.root / "docs"
    jobs = [Job("pdf", str(exported.root / "heavy" / f"{d.id}.pdf"), (str(docs_dir / d.docs_path),), d.title, "key",
                PdfExporter()) for d in outcome.documents[:3]]
    results = run_jobs(jobs, ExportContext(brand_of(outcome.org, exported), docs_dir, exported.cache_dir), 2)
    assert [error for _, error in results] == ["pandoc: simulated failure"] * 3
    assert not (exported.root / "heavy").exists()


def test_the_site_offers_every_documents_docx_and_pdf(mini_built, mini_outcome):
    """The site builds while the conversions run; the files it links are the ones in dist/ once they finish."""
    mini = mini_built   # `smsgen build --docx --pdf`, cold, asserted to exit 0 or 1, by the fixture
    site, dist = mini.root / "site", mini.root / "dist"
    for doc in mini_outcome.documents:
        for fmt in ("pdf", "docx"):
            served = site / "downloads" / fmt / f"{doc.id}.{fmt}"
            assert served.read_bytes() == (dist / fmt / f"{doc.id}.{fmt}").read_bytes()
        page = (site / doc.docs_path.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
        assert f'downloads/pdf/{doc.id}.pdf"' in page and f'downloads/docx/{doc.id}.docx"' in page


def test_a_failed_conversion_keeps_the_previous_site(built_site, tmp_path):
    """The pages are built before the conversions finish: if one fails, the new site is thrown away, not published
    without its files."""
    outcome = run(built_site)
    generated = write_outcome(built_site, outcome)
    site = built_site.root / "site"

    def files() -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    before = files()
    failed = Downloads(tmp_path, "a changed set of outputs", ready=lambda: False)
    assert not MkDocsBackend().build(built_site, site_request(built_site, outcome.org, generated.nav, downloads=failed))
    assert files() == before
    assert not list((built_site.root).glob(".site-*"))


def test_packs_are_the_documents_own_pdfs_behind_a_contents_page(exported):
    """The full set and the manual pack: a title page and contents, then every document's own PDF page for page, with
    one bookmark per document landing on its page 1 and the page the contents print (and link) for it; rebuilt
    identically."""
    assert smsgen(exported, "build", "--pdf", "--packs", "--no-site") in (0, 1)
    outcome = run(exported)
    pdf_dir = exported.root / "dist" / "pdf"
    prefix = outcome.org.org.document_prefix
    full = pypdf.PdfReader(pdf_dir / f"{prefix}-full-set.pdf")
    own = {d.id: pypdf.PdfReader(pdf_dir / f"{d.id}.pdf") for d in outcome.documents}
    front = len(full.pages) - sum(len(r.pages) for r in own.values())  # the title page and the contents
    assert front >= 3  # a hundred documents take more than one page of contents
    contents = " ".join(full.pages[i].extract_text() for i in range(1, front))
    marks = [item for item in full.outline if not isinstance(item, list)]
    assert marks[0].title == "Contents"
    assert sorted(m.title for m in marks[1:]) == sorted(f"{d.id} {d.title}" for d in outcome.documents)
    assert full.get_destination_page_number(marks[0]) == 1
    for mark in marks[1:]:
        doc_id = mark.title.split()[0]
        page = full.get_destination_page_number(mark)
        assert page >= front
        assert full.pages[page].extract_text() == own[doc_id].pages[0].extract_text()
        assert "Page 1 of" in full.pages[page].extract_text()
        assert re.search(rf"{re.escape(doc_id)}\b.*?\b{page + 1}\b", contents, re.S)
    # every contents row links (its ID and its title) to its document's first page
    links = [annot.get_object()["/Dest"][0] for i in range(1, front) for annot in full.pages[i].get("/Annots", [])]
    assert len(links) == 2 * len(own)
    assert sorted({full.get_page_number(target.get_object()) for target in links}) == \
        sorted(full.get_destination_page_number(mark) for mark in marks[1:])
    manual = pypdf.PdfReader(pdf_dir / f"{prefix}-manual-pack.pdf")
    in_manual = {m.title.split()[0] for m in manual.outline if not isinstance(m, list)} - {"Contents"}
    assert in_manual == {d.id for d in outcome.documents if d.type in ("manual", "policy", "core", "procedure", "plan")}
    first = digest(pdf_dir.glob(f"{prefix}-*.pdf"))
    for path in pdf_dir.glob(f"{prefix}-*.pdf"):
        path.unlink()
    assert smsgen(exported, "build", "--pdf", "--packs", "--no-site") in (0, 1)
    assert digest(pdf_dir.glob(f"{prefix}-*.pdf")) == first
