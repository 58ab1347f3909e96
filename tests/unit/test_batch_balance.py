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

