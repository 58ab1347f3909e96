"""verify-pack refuses every kind of forged pack, naming the offending entry, in bounded memory."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from generator.publish.pack_verify import MAX_ENTRY, verify_pack


def pack(tmp_path, members: list[tuple[str, bytes]], listed: list[str] | None = None, symlink: str = ""):
    """A zip of `members` whose manifest lists `listed` (default: every member) with correct hashes."""
    listed = [n for n, _ in members] if listed is None else listed
    data = dict(members)
    manifest = {"files": [{"file": n, "sha256": hashlib.sha256(data.get(n, b"")).hexdigest(),
                           "size": len(data.get(n, b""))} for n in listed]}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 if name == symlink else 0o100644) << 16
            archive.writestr(info, content)
        archive.writestr("manifest.json", json.dumps(manifest))
    path = tmp_path / "pack.zip"
    path.write_bytes(buffer.getvalue())
    return path


def messages(path) -> list[str]:
    return [f.message for f in verify_pack(path)]


def test_an_honest_pack_verifies(tmp_path):
    assert messages(pack(tmp_path, [("documents/pdf/A.pdf", b"%PDF"), ("README.txt", b"hello")])) == []


@pytest.mark.parametrize("name", ["../../x", "/tmp/x", "documents/../../x", "C:/x", "a\\b", "a//b"])
def test_an_entry_outside_the_pack_is_refused(tmp_path, name):
    found = messages(pack(tmp_path, [(name, b"evil")]))
    assert any(repr(name) in m and "not a file of a pack" in m for m in found), found


def test_a_symbolic_link_is_refused(tmp_path):
    found = messages(pack(tmp_path, [("documents/link", b"/etc/passwd")], symlink="documents/link"))
    assert any("'documents/link': a symbolic link" in m for m in found), found


@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")   # the forgery zipfile warns of as it writes it
def test_a_duplicate_name_is_refused(tmp_path):
    found = messages(pack(tmp_path, [("README.txt", b"one"), ("README.txt", b"two")], listed=["README.txt"]))
    assert "README.txt: appears more than once in the pack" in found


def test_a_changed_missing_or_unlisted_file_is_named(tmp_path):
    path = pack(tmp_path, [("a.txt", b"a"), ("extra.txt", b"x")], listed=["a.txt", "gone.txt"])
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest["files"][0]["sha256"] = "0" * 64
    rebuilt = tmp_path / "changed.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(rebuilt, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, json.dumps(manifest) if info.filename == "manifest.json" else src.read(info))
    found = messages(rebuilt)
    assert any(m.startswith("a.txt: content does not match") for m in found)
    assert "gone.txt: listed in the manifest but not in the pack" in found
    assert "extra.txt: in the pack but not in the manifest" in found


def test_a_bomb_is_checked_without_reading_it_whole(tmp_path, monkeypatch):
    """A highly compressed entry larger than the cap stops at the cap: 3 MB of zeros against a 1 MB limit here."""
    monkeypatch.setattr("generator.publish.pack_verify.MAX_ENTRY", 2**20)
    path = pack(tmp_path, [("big.bin", bytes(3 * 2**20))])
    found = messages(path)
    assert any(m.startswith("big.bin:") and ("over the limit" in m or "expands beyond" in m) for m in found), found
    assert MAX_ENTRY >= 2**30
