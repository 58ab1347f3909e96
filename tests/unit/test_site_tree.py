"""A site's downloads brought up to date file by file (publish/site/tree.py): only what differs is copied, what the
source no longer has goes, and a file found equal by its bytes is not read again next time."""
from __future__ import annotations

import os

import pytest

from generator.publish.site.tree import sync_tree

pytestmark = pytest.mark.unit


def files(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_target_ends_as_a_copy_of_the_source(tmp_path):
    src, dst = tmp_path / "dist", tmp_path / "site"
    for name, data in {"a.pdf": b"A", "sub/b.pdf": b"B", "sub/c.pdf": b"C"}.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(data)
    (dst / "old" / "gone").mkdir(parents=True)
    (dst / "old" / "gone" / "x.pdf").write_bytes(b"X")
    (dst / "sub").mkdir()
    (dst / "sub" / "b.pdf").write_bytes(b"old B")
    sync_tree(src, dst)
    assert files(dst) == files(src)
    assert not (dst / "old").exists()   # no folder left empty


def one_file_each(tmp_path, source: bytes, target: bytes):
    """A source and a target folder, each holding a.pdf with the given bytes."""
    src, dst = tmp_path / "dist", tmp_path / "site"
    for folder, data in ((src, source), (dst, target)):
        folder.mkdir()
        (folder / "a.pdf").write_bytes(data)
    return src, dst


def test_a_file_equal_by_its_bytes_is_kept_and_takes_its_sources_time(tmp_path):
    src, dst = one_file_each(tmp_path, b"same bytes", b"same bytes")
    os.utime(dst / "a.pdf", ns=(1_000_000_000, 1_000_000_000))   # as a copy made before the source was rewritten
    inode = (dst / "a.pdf").stat().st_ino
    sync_tree(src, dst)
    assert (dst / "a.pdf").stat().st_ino == inode   # not copied again
    assert (dst / "a.pdf").stat().st_mtime_ns == (src / "a.pdf").stat().st_mtime_ns


def test_a_file_that_differs_is_replaced_whole(tmp_path):
    src, dst = one_file_each(tmp_path, b"new", b"old")
    sync_tree(src, dst)
    assert (dst / "a.pdf").read_bytes() == b"new"
    assert not list(dst.glob(".*.part"))


def test_no_source_means_no_target(tmp_path):
    dst = tmp_path / "site"
    dst.mkdir()
    (dst / "a.pdf").write_bytes(b"A")
    sync_tree(tmp_path / "missing", dst)
    assert not dst.exists()
