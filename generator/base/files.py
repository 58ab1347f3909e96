"""File output: atomic writes (a reader, or an interrupted run, never sees a half-written file) and zips whose
bytes depend only on their content."""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import struct
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

COPY_CHUNK = 1 << 20   # a member file is read into the zip 1 MiB at a time


def write_atomic(path: Path, content: str | bytes, durable: bool = True) -> None:
    with atomic_output(path, durable) as handle:
        handle.write(content.encode("utf-8") if isinstance(content, str) else content)


@contextmanager
def atomic_output(path: Path, durable: bool = True) -> Iterator[BinaryIO]:
    """A file to write `path` through, in its folder: it replaces `path` once complete and on disk, and is removed if
    the writing fails, so `path` is never half-written. `durable=False` leaves the content and the rename to reach
    the disk in their own time (a file every run recomputes and compares: see write_if_changed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are ordinary readable files
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc.filename, str):
            exc.filename = str(path)   # a full disk fails a write(), which names no file: name the one being written
        raise
    if durable:
        fsync_dir(path.parent)   # the rename itself is only durable once the directory entry is on disk


def fsync_dir(folder: Path) -> None:
    """Make a directory's entries (a rename, a new or removed file) durable. Where a platform cannot open a
    directory for syncing (Windows), there is nothing more to do."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def within(path: Path, folder: Path) -> bool:
    """Whether removing or replacing `path` touches something inside `folder`: its directory, symbolic links
    followed, is in the folder (a link named by `path` is itself removed, never what it points to). A list of files
    smsgen wrote (a manifest, a cache) is read back from disk: an entry naming `../`, an absolute path or a path
    through a linked folder is not smsgen's to delete."""
    try:
        base = folder.resolve()
        where = Path(os.path.abspath(path))
        return where != base and (where.parent.resolve() / where.name).is_relative_to(base)
    except (OSError, RuntimeError, ValueError):
        return False


def write_if_changed(path: Path, content: str) -> bool:
    """Write only when the content differs, so watchers and caches see no change where there is none. Atomically
    but not synced to disk: these files (docs/ pages, schemas) are made from the data by every run and compared with
    what is there, so one a crash left behind short is written again by the next run; syncing each costs more than
    the build's pages (0.6 ms a file here: a second for 1600 pages)."""
    try:
        if path.read_text(encoding="utf-8") == content:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    write_atomic(path, content, durable=False)
    return True


def replace_dir(new: Path, target: Path) -> None:
    """Swap a freshly built directory into place; the old one survives until the new one is complete."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def digest(content: bytes | Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of some bytes, or of a file read in chunks rather than whole."""
    if isinstance(content, bytes):
        return hashlib.sha256(content).hexdigest(), len(content)
    with content.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest(), os.fstat(handle.fileno()).st_size


def _fixed_info(name: str) -> zipfile.ZipInfo:
    """A member's header that depends only on its name: fixed timestamp and permissions, deflated."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
    return info


def normalise_zip(data: bytes, fixed_xml: dict | None = None) -> bytes:
    """Rewrite an Office zip with fixed timestamps, so the same content gives the same bytes. `fixed_xml` maps a
    member name to a function that removes a time stamp from its content."""
    if not fixed_xml:
        patched = _fixed_headers(data)
        if patched is not None:
            return patched
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if fixed_xml and info.filename in fixed_xml:
                content = fixed_xml[info.filename](content)
            dst.writestr(_fixed_info(info.filename), content)
    return out.getvalue()


_LOCAL, _CENTRAL = b"PK\x03\x04", b"PK\x01\x02"
_FIXED_TIME, _FIXED_DATE = 0, (0 << 9) | (1 << 5) | 1    # 1980-01-01 00:00:00, as _fixed_info's date_time
_FIXED = _fixed_info("")                                  # its system and permissions, the same for every name


def _fixed_headers(data: bytes) -> bytes | None:
    """The bytes normalise_zip's rewrite gives, for a zip Python's zipfile wrote (python-docx, openpyxl): the same
    members in the same order, deflated alike, so only each member's time and permissions differ, which are set in
    its headers without inflating and deflating it again (a third of a DOCX conversion's saving). None when a member
    is not of that plain kind: then the zip is rewritten."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos, start = archive.infolist(), archive.start_dir
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    plain = all(i.compress_type == zipfile.ZIP_DEFLATED and not i.extra and not i.comment and not i.flag_bits & 0x08
                and i.file_size < zipfile.ZIP64_LIMIT and i.compress_size < zipfile.ZIP64_LIMIT
                and i.create_system == _FIXED.create_system for i in infos)
    if not plain or start >= zipfile.ZIP64_LIMIT:
        return None
    out = bytearray(data)
    at = start
    for info in infos:
        local = info.header_offset
        if out[local:local + 4] != _LOCAL or out[at:at + 4] != _CENTRAL:
            return None
        struct.pack_into("<HH", out, local + 10, _FIXED_TIME, _FIXED_DATE)
        struct.pack_into("<HH", out, at + 12, _FIXED_TIME, _FIXED_DATE)
        struct.pack_into("<L", out, at + 38, _FIXED.external_attr)
        name, extra, comment = struct.unpack_from("<HHH", out, at + 28)
        at += 46 + name + extra + comment
    return bytes(out)


def deterministic_zip(files: dict[str, bytes]) -> bytes:
    """A zip of the given members: sorted, with fixed timestamps and permissions."""
    buffer = io.BytesIO()
    _write_zip_to(buffer, files)
    return buffer.getvalue()


def write_zip(path: Path, members: Mapping[str, bytes | Path]) -> None:
    """Write `path` atomically as the zip `deterministic_zip` makes of the same members, each given as bytes or as the
    file to read it from: the zip and the files are streamed, never held in memory (a Stage 1 pack of 1000 documents
    holds about 130 MB)."""
    with atomic_output(path) as handle:
        _write_zip_to(handle, members)


def _write_zip_to(stream: BinaryIO, members: Mapping[str, bytes | Path]) -> None:
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info, content = _fixed_info(name), members[name]
            if isinstance(content, bytes):
                archive.writestr(info, content)
                continue
            with content.open("rb") as source:
                # the size known up front, as writestr sets it: the same header, and the same choice of zip64
                info.file_size = os.fstat(source.fileno()).st_size
                with archive.open(info, "w") as target:
                    shutil.copyfileobj(source, target, COPY_CHUNK)


def file_state(path: Path | str) -> tuple[int, int]:
    """A file's size and modification time, as make and ninja compare them; (-1, -1) when it is missing."""
    try:
        info = os.stat(path)
    except OSError:   # missing, or a dangling link: the build reports it; here it is one more state
        return -1, -1
    return info.st_size, info.st_mtime_ns


def tree_state(root: Path, skip: tuple[Path, ...] = ()) -> list[tuple[str, int, int]]:
    """Every file under `root` (links followed, as the build follows them) with its size and modification time;
    folders in `skip`, and Python's compiled-code caches, left out."""
    found = []
    for folder, dirs, names in os.walk(root, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and Path(folder, d) not in skip)
        found += [(os.path.relpath(os.path.join(folder, name), root), *file_state(os.path.join(folder, name)))
                  for name in sorted(names)]
    return found
