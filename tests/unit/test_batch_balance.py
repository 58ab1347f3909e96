"""pandoc batches are balanced: every core gets about the same amount of Markdown, in a multiple of the cores'
number of batches, none much over the size a batch is meant to take, and every request in exactly one."""
from __future__ import annotations

from generator.publish.export import batch
from generator.publish.export.batch import Request, balanced


def test_batches_are_even_and_hold_every_request_once(monkeypatch):
    monkeypatch.setattr(batch, "BYTES_PER_PROCESS", 10_000)
    requests = [Request("x" * size, "typst") for size in [9000, 200, 4000, 4000, 3000, 2500, 700, 300, 1200, 50] * 3]
    chunks = balanced(requests, 2)
    assert len(chunks) % 2 == 0 and len(chunks) >= sum(len(r.text) for r in requests) // 10_000
    assert sorted(id(r) for chunk in chunks for r in chunk) == sorted(id(r) for r in requests)
    loads = [sum(len(r.text) for r in chunk) for chunk in chunks]
    assert max(loads) - min(loads) <= 9000   # no more apart than the largest page


def test_a_small_set_is_one_batch_per_core_and_never_an_empty_one():
    assert [len(c) for c in balanced([Request("a", "docx")], 4)] == [1]
    assert sorted(len(c) for c in balanced([Request("a", "docx"), Request("bb", "typst")], 2)) == [1, 1]


def test_a_page_alone_is_read_by_a_pandoc_for_each_format_while_cores_are_idle():
    """One changed page: its two formats converted side by side, each from its own reading, sooner done than both
    from one reading in one pandoc; with one core, or beside other pages, the reading is shared."""
    docx, typst = Request("See ![plan](figures/a.svg).", "docx"), Request("See ![plan](/figures/a.svg).", "typst")
    assert [len(u) for u in batch.share_reading([docx, typst])] == [2]
    alone = balanced([docx, typst], 2)
    assert sorted(len(c) for c in alone) == [1, 1]
    assert all(not r.keep and not r.reuse for chunk in alone for r in chunk)
    assert [len(c) for c in balanced([docx, typst], 1)] == [2]
    other = [Request("Another page.", "docx"), Request("Another page.", "typst")]
    assert any(r.reuse for chunk in balanced([docx, typst, *other], 2) for r in chunk)
