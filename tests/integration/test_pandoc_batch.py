"""The build's pandoc step in long-lived processes (generator/publish/export/batch.py): a page converted in a batch
gives the same bytes as the page converted alone, and a page pandoc cannot convert fails alone, named, while the
others in its batch are converted."""
from __future__ import annotations

import dataclasses

import pytest

from generator.base.errors import ConversionError
from generator.model.load import load
from generator.publish.export import batch
from generator.publish.export.base import ExportContext
from generator.publish.export.docx import body_request as docx_request
from generator.publish.export.page import read_page
from generator.publish.export.pdf import body_request as typst_request
from generator.publish.export.plan import brand_of
from generator.publish.export.registry import EXPORTERS

pytestmark = pytest.mark.integration


def test_a_batch_gives_the_bytes_of_single_conversions_and_a_failure_stays_with_its_page(exported, tmp_path,
                                                                                         monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")   # pandoc stamps a DOCX with the time it was written
    pages = [read_page(p) for p in sorted(exported.docs_dir.rglob("*.md"))]
    pages = [p for p in pages if p.control and "figures/" in p.body][:2] + \
        [p for p in pages if p.control and "|" in p.body][:2]
    assert len(pages) == 4   # pages with figures (read from docs/) and with tables
    reference = next(exported.cache_dir.glob("reference-*.docx"))
    requests = [typst_request(p) for p in pages] + [docx_request(p, exported.docs_dir, reference) for p in pages]
    broken = batch.Request("# A page", "docx", reference=str(tmp_path / "no-such-reference.docx"))
    alone = [batch.run([r])[0] for r in requests]
    batch.precompute([*requests, broken], tmp_path)
    for request, single in zip(requests, alone):
        assert (tmp_path / batch.FOLDER / request.key).read_bytes() == single
        assert batch.converted(request, tmp_path) == single
    assert not (tmp_path / batch.FOLDER / broken.key).exists()
    with pytest.raises(ConversionError, match="pandoc"):
        batch.converted(broken, tmp_path)
    batch.clear(tmp_path)
    assert not list((tmp_path / batch.FOLDER).iterdir())


def _requests(ws, pages, cache):
    """Each page's DOCX and typst requests, the reference document prepared into `cache` (the workspace is read
    only)."""
    EXPORTERS["docx"].prepare(ExportContext(brand_of(load(ws)[0], ws), ws.docs_dir, cache))
    reference = next(cache.glob("reference-*.docx"))
    return [r for p in pages for r in (docx_request(p, ws.docs_dir, reference), typst_request(p))]


def _shared_and_separate(requests):
    """Every request's output read once per format, and with the readings shared as a build's batches share them."""
    separate = batch.run(requests)
    units = batch.share_reading(requests)
    flat = [r for unit in units for r in unit]
    shared = dict(zip((r.key for r in flat), batch.run(flat)))
    return separate, [shared[r.key] for r in requests], sum(len(unit) == 2 for unit in units)


@pytest.mark.parametrize("fixture", ["built_site", "port_built"])
def test_a_page_read_once_for_both_formats_gives_the_bytes_of_two_readings(fixture, request, monkeypatch, tmp_path):
    """The reference set and the port authority's, every document: DOCX and typst from one reading of each page's
    Markdown are the bytes two readings give. Pages with a table on landscape pages in the PDF are read twice."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")
    ws = request.getfixturevalue(fixture)
    pages = [p for p in (read_page(path) for path in sorted(ws.docs_dir.rglob("*.md"))) if p.control]
    separate, shared, pairs = _shared_and_separate(_requests(ws, pages, tmp_path))
    assert pairs >= 0.8 * len(pages)
    assert [n for n, (a, b) in enumerate(zip(separate, shared)) if a != b] == []


def test_a_figure_link_that_is_no_link_is_read_again_for_typst(exported, monkeypatch, tmp_path):
    """Text that looks like a figure link but is not one (in code), or the folder named in prose: the shared
    reading's link targets would not account for it, so the typst text is read itself, with the same bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")
    page = next(p for p in (read_page(path) for path in sorted(exported.docs_dir.rglob("*.md"))) if p.control)
    variants = [
        "See `![plan](../figures/site-plan.svg)` in the source.\n",                 # in code only: read again
        "![plan](../figures/a.svg)\n\nThe figures/ folder holds `](figures/a.svg)`.\n",   # prose: not shared
        "![plan](../figures/a.svg) and ![again](../figures/a.svg)\n",                # twice, both links: shared
    ]
    pages = [dataclasses.replace(page, body=body) for body in variants]
    separate, shared, pairs = _shared_and_separate(_requests(exported, pages, tmp_path))
    assert pairs == 2
    assert separate == shared
