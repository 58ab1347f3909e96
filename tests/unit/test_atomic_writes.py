"""Every write replaces its file whole; what smsgen keeps (control records, outputs) is synced to disk before it
counts as written, and what every run recomputes and compares (docs/ pages, schemas) is not."""
from __future__ import annotations

import os

from generator.base.files import write_atomic, write_if_changed


def test_a_kept_file_is_synced_and_a_recomputed_one_is_not(tmp_path, monkeypatch):
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd))[1])
    write_atomic(tmp_path / "register.yml", "kept")
    assert len(synced) == 2   # the file, then its folder's entry
    synced.clear()
    assert write_if_changed(tmp_path / "page.md", "recomputed") is True
    assert synced == [] and (tmp_path / "page.md").read_text() == "recomputed"
    assert write_if_changed(tmp_path / "page.md", "recomputed") is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.md", "register.yml"]   # no temporary file left
