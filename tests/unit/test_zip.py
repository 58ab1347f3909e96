"""The streaming zip writer of the Stage 1 pack (generator/base/files.py): the same bytes as `deterministic_zip` for the
same members, whether given as bytes or as files, and atomic: a failure leaves no partial zip behind. And Office
files normalised to fixed headers give the bytes of a full rewrite."""
from __future__ import annotations

import io
import random
import zipfile

import pytest

from generator.base import files
from generator.base.files import COPY_CHUNK, deterministic_zip, digest, write_zip


def members() -> dict[str, bytes]:
    """Members out of order, an empty one, and one larger than a read chunk: half random, half repetitive (stored and
    deflated blocks both)."""
    noise = random.Random(28000).randbytes(COPY_CHUNK)
    return {"registers/list.csv": b"id,title\nPOL-01,Policy\n" * 50, "README.txt": b"read me\n",
            "documents/pdf/big.pdf": noise + b"%PDF page\n" * (COPY_CHUNK // 5), "empty.txt": b""}


def as_files(folder, contents: dict[str, bytes]) -> dict:
    paths = {}
    for n, (name, data) in enumerate(contents.items()):
        paths[name] = folder / f"member-{n}"
        paths[name].write_bytes(data)
    return paths


def test_members_given_as_files_or_bytes_make_the_bytes_deterministic_zip_makes(tmp_path):
    contents = members()
    paths = as_files(tmp_path, contents)
    mixed = {name: paths[name] if n % 2 else data for n, (name, data) in enumerate(contents.items())}
    expected = deterministic_zip(contents)
    for given in (contents, paths, mixed):
        write_zip(tmp_path / "out" / "pack.zip", given)
        assert (tmp_path / "out" / "pack.zip").read_bytes() == expected
    with zipfile.ZipFile(tmp_path / "out" / "pack.zip") as archive:
        assert archive.namelist() == sorted(contents)
        assert all(archive.read(name) == data for name, data in contents.items())
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_file_s_digest_is_the_digest_of_its_bytes(tmp_path):
    for name, path in as_files(tmp_path, members()).items():
        assert digest(path) == digest(members()[name])


def test_a_failure_midway_leaves_the_destination_as_it_was_and_no_partial_file(tmp_path):
    contents: dict = members()
    contents["registers/missing.xlsx"] = tmp_path / "gone.xlsx"   # sorted after the large member: fails midway
    pack = tmp_path / "pack.zip"
    with pytest.raises(FileNotFoundError):
        write_zip(pack, contents)
    assert list(tmp_path.iterdir()) == []
    pack.write_bytes(b"the pack before")
    with pytest.raises(FileNotFoundError):
        write_zip(pack, contents)
    assert list(tmp_path.iterdir()) == [pack] and pack.read_bytes() == b"the pack before"


def _rewritten(data: bytes) -> bytes:
    """normalise_zip's rewrite: every member inflated and deflated again under a fixed header."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(files._fixed_info(info.filename), src.read(info.filename))
    return out.getvalue()


def _office_like(stored: bool = False) -> bytes:
    """A zip as python-docx writes one: members named by string, stamped with the time of writing."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>" * 50)
        archive.writestr("word/document.xml", "<w:document>Ünïcödé – 🙂</w:document>" * 200)
        archive.writestr("word/média/empty.bin", b"")
        archive.writestr("docProps/core.xml", "<cp:coreProperties/>")
    return out.getvalue()


def test_a_zip_is_normalised_in_its_headers_to_the_bytes_of_a_rewrite():
    data = _office_like()
    assert files.normalise_zip(data) == _rewritten(data)
    assert files.normalise_zip(files.normalise_zip(data)) == files.normalise_zip(data)


def test_a_zip_of_another_kind_is_rewritten():
    data = _office_like(stored=True)
    assert files._fixed_headers(data) is None
    assert files.normalise_zip(data) == _rewritten(data)
