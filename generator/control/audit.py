"""The audit trail: an append-only, hash-chained JSON-lines log of every document-control action.

Each entry holds the SHA-256 of the previous entry, so removing, reordering or editing any line breaks the chain.
"""
from __future__ import annotations

import getpass
import hashlib
import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypedDict

GENESIS = "0" * 64

# What the writers log; `append` adds who was at the keyboard, the sequence number and the chain.
# One document-control action (functional form: `from` is a keyword).
ActionEntry = TypedDict("ActionEntry", {
    "action": str, "document": str, "revision": str, "from": str, "to": str, "by": str, "by_name": str, "at": str,
    "fingerprint": str, "comment": str})


class ReleaseEntry(TypedDict):
    action: str
    version: str
    by: str
    by_name: str
    at: str
    documents: int     # how many documents the release contains


def _canonical(entry: Mapping[str, object]) -> str:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(entry: Mapping[str, object]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


def identity() -> dict[str, str]:
    """Who is at the keyboard, as far as the machine can tell: recorded beside the named person."""
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):
        os_user = ""
    git_user = ""
    try:
        name, email = _git_config("user.name"), _git_config("user.email")
        git_user = f"{name} <{email}>" if name or email else ""
    except (OSError, subprocess.SubprocessError):
        pass
    return {"os_user": os_user, "git_user": git_user}


def _git_config(key: str) -> str:
    return subprocess.run(["git", "config", key], capture_output=True, text=True, timeout=5).stdout.strip()


def read_entries(path: Path) -> list[dict[str, Any]]:
    """The log as written, each line's JSON object; a line that is not JSON becomes {"_unreadable": ..., "_line": N}."""
    if not path.exists():
        return []
    entries: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                entries.append({"_unreadable": line, "_line": number})
    return entries


def append(path: Path, entries: Sequence[ActionEntry | ReleaseEntry]) -> None:
    """Chain and append entries. The file only ever grows: existing lines are never rewritten."""
    existing = read_entries(path)
    prev: str = existing[-1].get("hash", GENESIS) if existing else GENESIS
    seq = len(existing)
    who = identity()
    lines = []
    for entry in entries:
        seq += 1
        chained: dict[str, object] = {**entry, **who, "seq": seq, "prev": prev}
        prev = entry_hash(chained)
        chained["hash"] = prev
        lines.append(_canonical(chained))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def verify_chain(entries: list[dict[str, Any]]) -> list[str]:
    """Every way the log no longer matches its own chain, as messages naming the line."""
    problems: list[str] = []
    prev: str | None = GENESIS   # None after an unreadable line: the next line cannot be checked against it
    for line, entry in enumerate(entries, 1):
        if "_unreadable" in entry:
            problems.append(f"line {line}: not valid JSON")
            prev = None
            continue
        if entry.get("seq") != line:
            problems.append(f"line {line}: sequence number {entry.get('seq')} where {line} was expected "
                            "(an entry was removed or the order changed)")
        if prev is not None and entry.get("prev") != prev:
            problems.append(f"line {line}: does not chain to the entry before it (removed, reordered or edited)")
        if entry.get("hash") != entry_hash(entry):
            problems.append(f"line {line}: content does not match its hash (edited)")
        prev = entry.get("hash")
    return problems
