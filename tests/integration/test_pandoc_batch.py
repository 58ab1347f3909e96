"""The build's pandoc step in long-lived processes (generator/publish/export/batch.py): a page converted in a batch
gives the same bytes as the page converted alone, and a page pandoc cannot convert fails alone, named, while the
others in its batch are converted."""
from __future__ import annotations

import pytest

from generator.base.errors import ConversionError
from generator.publish.export import batch
from generator.publish.export.docx import body_request as docx_request
from generator.publish.export.page import read_page
from generator.publish.export.pdf import body_request as typst_request

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
