"""`smsgen verify-pack`: a pack is exactly what its manifest lists, byte for byte, and nothing a forger could slip
in. Every entry must be a plain file with a relative name that appears once; hashes are streamed, so a pack (or a
"zip bomb" posing as one) is checked in bounded memory, and declared and actual sizes are capped."""
from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from pathlib import Path, PurePosixPath

from generator.base.findings import Findings, Severity
from generator.control.signatures import PACK_CERTIFICATES
from generator.control.signing import pack_findings, signed_by

MANIFEST = "manifest.json"
MAX_ENTRY = 1 * 2**30        # no controlled document, pack or register comes near 1 GB
MAX_MANIFEST = 16 * 2**20
MAX_SIGNED = 256 * 2**20     # a PDF whose signatures are checked is read whole
CHUNK = 2**20


def unsafe_name(name: str) -> str | None:
    """Why an entry name could not be a file of ours inside the pack, or None if it is a plain relative name."""
    if not name or "\0" in name:
        return "an empty name or a NUL byte"
    if "\\" in name:
        return "a backslash (a Windows path)"
    path = PurePosixPath(name)
    if path.is_absolute() or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "a '..' or empty path part"
    return None


def _kind(info: zipfile.ZipInfo) -> str | None:
    """Why an entry is not a plain file, or None."""
    if info.is_dir():
        return "a directory entry"
    kind = stat.S_IFMT(info.external_attr >> 16)   # 0 when the writer recorded permissions only, as ours does
    if kind == stat.S_IFLNK:
        return "a symbolic link"
    if kind and kind != stat.S_IFREG:
        return "not a regular file"
    return None


def _digest(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, int]:
    """SHA-256 and length of an entry, read in chunks; stops past MAX_ENTRY whatever the header declares."""
    digest, size = hashlib.sha256(), 0
    with archive.open(info) as handle:
        while chunk := handle.read(CHUNK):
            size += len(chunk)
            if size > MAX_ENTRY:
                raise ValueError(f"expands beyond {MAX_ENTRY // 2**20} MB")
            digest.update(chunk)
    return digest.hexdigest(), size


def verify_pack(path: Path) -> Findings:
    findings = Findings()
    display = str(path)

    def bad(code: str, message: str) -> None:
        findings.add(code, Severity.error, message, display)

    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        findings.add("pack.unreadable", Severity.fatal, f"not a readable zip file: {exc}", display)
        return findings
    with archive:
        entries: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            why = unsafe_name(info.filename) or _kind(info)
            if why:
                bad("pack.forged-entry", f"{info.filename!r}: {why}: not a file of a pack")
            elif info.filename in entries:
                bad("pack.duplicate", f"{info.filename}: appears more than once in the pack")
            elif info.file_size > MAX_ENTRY:
                bad("pack.too-large", f"{info.filename}: declares {info.file_size} bytes, over the limit")
            else:
                entries[info.filename] = info
        manifest_info = entries.pop(MANIFEST, None)
        if manifest_info is None:
            bad("pack.manifest", "manifest.json is missing")
            return findings
        try:
            if manifest_info.file_size > MAX_MANIFEST:
                raise ValueError("it is too large")
            with archive.open(manifest_info) as handle:
                manifest = json.loads(handle.read(MAX_MANIFEST + 1))
            listed = {entry["file"]: entry for entry in manifest["files"]}
        except (ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
            bad("pack.manifest", f"manifest.json is not a valid manifest: {exc}")
            return findings
        for name, entry in sorted(listed.items()):
            if not isinstance(name, str) or unsafe_name(name):
                bad("pack.forged-entry", f"{name!r}: the manifest lists a name that cannot be a file of a pack")
                continue
            member = entries.get(name)
            if member is None:
                bad("pack.missing", f"{name}: listed in the manifest but not in the pack")
                continue
            try:
                digest, size = _digest(archive, member)
            except (ValueError, zipfile.BadZipFile, OSError) as exc:
                bad("pack.modified", f"{name}: cannot be read: {exc}")
                continue
            if digest != entry.get("sha256") or size != entry.get("size"):
                bad("pack.modified", f"{name}: content does not match its SHA-256 in the manifest (changed after "
                    "the pack was issued)")
        for name in sorted(set(entries) - set(listed)):
            bad("pack.unlisted", f"{name}: in the pack but not in the manifest")
        # a forger who changes a signed PDF can write its new hash into the manifest, but cannot sign it again
        for name, problem in _signatures(archive, entries, listed):
            bad("pack.signature", f"{name}: {problem}")
    return findings


def _signatures(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], listed: dict) -> list[tuple[str, str]]:
    """Every signature of every PDF in the pack, validated against the pack's certificates and the manifest."""
    pdfs: dict[str, bytes] = {}
    problems: list[tuple[str, str]] = []
    for name, info in sorted(entries.items()):
        entry = listed.get(name)
        claimed = isinstance(entry, dict) and bool(entry.get("signatures"))
        if not name.endswith(".pdf"):
            continue
        if info.file_size > MAX_SIGNED:
            if claimed:
                problems.append((name, f"too large to check its signatures (over {MAX_SIGNED // 2**20} MB)"))
            continue
        try:
            data = archive.read(info)
        except (OSError, zipfile.BadZipFile, ValueError):
            continue            # reported above as unreadable
        if claimed or signed_by(data):
            pdfs[name] = data
    if not pdfs:
        return problems
    certificates = [archive.read(info) for name, info in sorted(entries.items())
                    if name.startswith(PACK_CERTIFICATES + "/") and info.file_size <= MAX_MANIFEST]
    return problems + pack_findings(pdfs, certificates, listed)
