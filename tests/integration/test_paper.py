"""Paper and the landing page: every page of a document PDF carries its control marking (portrait and landscape),
pack covers carry the highest classification in the pack, the org chart's text stays legible at the content width,
and the home page is a landing page that names nothing its audience may not see."""
from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree

import pypdf
import pytest

from generator.checks.assess import assess as run
from generator.model.fields import Classification
from generator.render import figures

from ..conftest import clone_workspace, smsgen

# the site's content column (Material, 1280 px window) and an A4 page at 96 dpi are both about this wide
CONTENT_WIDTH = 700
MIN_TEXT_PX = 9


def _marks_every_page(reader: pypdf.PdfReader, doc) -> list[str]:
    """The pages (1-based, with orientation) lacking the ID, revision, classification or "Uncontrolled when printed"."""
    missing = []
    for number, page in enumerate(reader.pages, 1):
        text = page.extract_text()
        ok = (doc.id in text and re.search(r"Rev\. \d", text) and doc.classification.value.upper() in text
              and "Uncontrolled when printed" in text)
        if not ok:
            shape = "landscape" if page.mediabox.width > page.mediabox.height else "portrait"
            missing.append(f"{doc.id} page {number} ({shape})")
    return missing


def test_every_page_of_every_document_pdf_carries_the_control_marking(mini_built, mini_outcome):
    missing = []
    for doc in mini_outcome.documents:
        missing += _marks_every_page(pypdf.PdfReader(mini_built.root / "dist" / "pdf" / f"{doc.id}.pdf"), doc)
    assert not missing, missing


def test_landscape_pages_keep_the_control_marking(approved, stage1_documents):
    """The reference set prints wide registers on landscape pages (`#page(flipped: true)`): they keep the header
    and footer too."""
    outcome, pdfs = stage1_documents
    landscape, missing = 0, []
    for doc in outcome.documents:
        reader = pypdf.PdfReader(pdfs[doc.id])
        landscape += sum(1 for p in reader.pages if p.mediabox.width > p.mediabox.height)
        missing += _marks_every_page(reader, doc)
    assert landscape > 0
    assert not missing, missing


def test_no_column_of_the_risk_register_pdf_is_narrower_than_its_longest_word(stage1_documents):
    """A column narrower than a word makes typst break the word inside it: every word of the register's table cells
    must come out of the PDF whole, on one line."""
    outcome, pdfs = stage1_documents
    register = next(d for d in outcome.documents if d.key == "risk-register")
    rows = [line for line in register.body.splitlines() if line.startswith("|") and not set(line) <= set("|-: ")]
    words = {w for line in rows for w in re.findall(r"[A-Za-z][A-Za-z]{9,}", line)}
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdfs[register.id]).pages)
    tokens = set(re.findall(r"[A-Za-z]+", text))
    assert words and len(rows) > 10
    broken = sorted(w for w in words if w not in tokens)
    assert not broken, f"words broken across lines in {register.id}: {broken[:20]}"


@pytest.fixture(scope="module")
def stage1_documents(approved, tmp_path_factory):
    """The approved reference set's Stage 1 pack, unpacked: (outcome, {ID: path of its PDF}) and the pack's folder."""
    out = tmp_path_factory.mktemp("paper")
    pack = out / "pack.zip"
    assert smsgen(approved, "pack", "stage1", "--out", str(pack), "--include-restricted") == 0
    with zipfile.ZipFile(pack) as z:
        z.extractall(out / "unpacked")
    outcome = run(approved)
    pdfs = {p.stem: p for p in (out / "unpacked").rglob("*.pdf")}
    return outcome, pdfs


def _cover(path) -> str:
    return pypdf.PdfReader(path).pages[0].extract_text()


def test_pack_covers_show_the_highest_classification_in_the_pack(exported):
    assert smsgen(exported, "build", "--pdf", "--packs", "--no-site") in (0, 1)
    outcome = run(exported)
    prefix = outcome.org.org.document_prefix
    pdf_dir = exported.root / "dist" / "pdf"
    by_id = {d.id: d for d in outcome.documents}
    for name in ("full-set", "manual-pack"):
        path = pdf_dir / f"{prefix}-{name}.pdf"
        marks = [m for m in pypdf.PdfReader(path).outline if not isinstance(m, list)][1:]   # after "Contents"
        inside = [by_id[m.title.split()[0]].classification for m in marks]
        highest = max(inside, key=lambda c: c.level)
        cover = _cover(path)
        assert highest.value.upper() in cover and "Uncontrolled when printed" in cover, name
        assert not any(c.value.upper() in cover for c in Classification if c.level > highest.level), name
        # the title page and contents are marked too, and every document's own pages follow with their marks
        reader = pypdf.PdfReader(path)
        texts = [page.extract_text() for page in reader.pages]
        unmarked = [n for n, text in enumerate(texts, 1) if "Uncontrolled when printed" not in text
                    or not re.search(r"PUBLIC|INTERNAL|CONFIDENTIAL|RESTRICTED", text)]
        assert not unmarked, (name, unmarked[:5])


def test_the_stage1_combined_pdf_cover_shows_its_highest_classification(stage1_documents):
    outcome, pdfs = stage1_documents
    combined = next(p for name, p in pdfs.items() if name.endswith("documentation-set"))
    cover = _cover(combined)
    assert Classification.restricted.value.upper() in cover  # --include-restricted: the reference set has some
    assert any(d.classification is Classification.restricted for d in outcome.documents)


def _text_px(svg: str) -> float:
    """The smallest font size of the chart's text once the SVG is shown no wider than the content column."""
    root = ElementTree.fromstring(svg)
    width = float(root.get("width"))
    scale = min(1.0, CONTENT_WIDTH / width)
    sizes = [float(t.get("font-size")) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    return min(sizes) * scale


def test_the_org_chart_text_is_legible_at_the_content_width(reference_outcome, mini_outcome, pharma_outcome):
    for outcome in (reference_outcome, mini_outcome, pharma_outcome):
        svg = figures.org_chart(outcome.org)
        assert _text_px(svg) >= MIN_TEXT_PX, outcome.org.org.name
        # every role is in it
        assert all(role.title[:20] in svg.replace("&amp;", "&") for role in outcome.org.roles)


def test_the_reference_org_chart_is_not_wider_than_a_page(reference_outcome):
    svg = figures.org_chart(reference_outcome.org)
    assert float(ElementTree.fromstring(svg).get("width")) <= figures.MAX_WIDTH


def test_home_page_is_a_landing_page(built_site):
    home = (built_site.docs_dir / "index.md").read_text(encoding="utf-8")
    assert "hide:" not in home.split("---")[1]   # the navigation shows
    for heading in ("## Where to start", "## Role pages", "## What changed", "## Reviews due"):
        assert heading in home
    for link in ("(roles/index.md)", "(master-list.md)", "(changes.md)", "(clauses.md)", "(clause-matrix.md)",
                 "(readiness.md)", "(forms/index.md)"):
        assert link in home, link
    outcome = run(built_site)
    assert all(f"(roles/{role.key}.md)" in home for role in outcome.org.roles)


def test_the_public_home_page_links_and_names_only_what_the_public_site_has(built_site, tmp_path):
    ws = clone_workspace(built_site, tmp_path / "ws")   # an audience build rewrites docs/: never the shared one
    out = tmp_path / "public"
    assert smsgen(ws, "build", "--audience", "public", "--site-dir", str(out)) in (0, 1)
    docs = ws.docs_dir
    home = (docs / "index.md").read_text(encoding="utf-8")
    outcome = run(ws)
    # every page the home page links to is a page of this site
    for target in re.findall(r"\]\(([^)#\s]+\.md)", home):
        assert (docs / target).is_file(), target
    public = Classification.public
    for doc in outcome.documents:
        if not doc.classification.visible_at(public.level):
            assert doc.id not in home, doc.id
    assert "(roles/" not in home and "(master-list.md)" not in home and "(readiness.md)" not in home
    assert "## Where to start" in home
