"""The audit trail: an append-only, hash-chained JSON-lines log of every document-control action.

Each entry holds the SHA-256 of the previous entry, so removing, reordering or editing any line breaks the chain.
The log is read defensively: a line may have been edited by hand into anything JSON can hold, and every such line is
reported against its line number rather than crashing whoever reads it. Lines are written only through the control
store (store.py), which appends them as part of one recoverable transaction.
"""
from __future__ import annotations

import getpass
import hashlib
import json
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NotRequired, TypedDict

GENESIS = "0" * 64

# What the writers log; `chain_lines` adds who was at the keyboard, the sequence number and the chain.
# One document-control action (functional form: `from` is a keyword). `delegation` names the delegation an approver
# acted under, when there was one; `change_request` the change request (CR-001) the revision was made under.
ActionEntry = TypedDict("ActionEntry", {
    "action": str, "document": str, "revision": str, "from": str, "to": str, "by": str, "by_name": str, "at": str,
    "fingerprint": str, "comment": str, "delegation": NotRequired[str], "change_request": NotRequired[str]})


class ReleaseEntry(TypedDict):
    action: str
    version: str
    by: str
    by_name: str
    at: str
    documents: int     # how many documents the release contains
    source: NotRequired[str]   # the git commit it was built from (entries before this field have none)


class DelegationEntry(TypedDict):
    action: str        # delegate | revoke
    delegation: str    # the delegation's id
    function: str
    to: str
    by: str
    by_name: str
    at: str
    until: str         # "" when open-ended
    comment: str       # the reason


class AcknowledgementEntry(TypedDict):
    """A person has read and understood the revision of a document in force (clause 7.3): it changes no register
    entry, so the log is where it is recorded (generator/control/acknowledgements.py reads it back)."""
    action: str        # acknowledge
    document: str
    revision: str
    fingerprint: str   # of the approved revision acknowledged, as the register records it
    by: str            # the person who read it
    by_name: str
    at: str            # when it was recorded
    date: str          # the day the person read it (ISO date)
    source: str        # how it was recorded: "command", or "import FILE:ROW"


class ChangeRequestEntry(TypedDict):
    """A change request opened (generator/control/change_requests.py): the whole record as opened, so the log alone
    explains it and `verify` finds any later edit of it in the register."""
    action: str        # change-request
    change_request: str
    title: str
    reason: str
    documents: list[str]
    assessment: dict[str, Any]   # the ChangeAssessment fields
    by: str
    by_name: str
    at: str


# A change request moved on (functional form: `from` is a keyword): open -> in_review -> released as its documents
# are submitted and approved together, back to open when one is rejected, or cancelled (the comment: the reason).
ChangeRequestStatusEntry = TypedDict("ChangeRequestStatusEntry", {
    "action": str, "change_request": str, "from": str, "to": str, "by": str, "by_name": str, "at": str,
    "comment": str})

class CertificateEntry(TypedDict):
    """A certificate registered in control/certificates/ (`smsgen keys`, generator/control/signing.py): `verify` finds
    a certificate file swapped for another by its SHA-256 here."""
    action: str        # certificate
    holder: str        # a person id, or "ca" for the organisation's CA
    holder_name: str
    sha256: str        # of the certificate (DER)
    subject: str
    issuer: str
    not_before: str
    not_after: str
    replaces: str      # the SHA-256 of the certificate it replaces ("" for the first)
    at: str


class SignEntry(TypedDict):
    """An approval signed: the PAdES signature added to control/signed/<ID>/<REV>.pdf (generator/control/signing.py)."""
    action: str        # sign
    document: str
    revision: str
    fingerprint: str   # the approved content's, as the reason states it
    by: str
    by_name: str
    function: str
    field: str
    reason: str
    certificate_sha256: str
    pdf_sha256: str
    at: str


LogEntry = (ActionEntry | ReleaseEntry | DelegationEntry | AcknowledgementEntry | ChangeRequestEntry
            | ChangeRequestStatusEntry | CertificateEntry | SignEntry)

DOCUMENT_ACTIONS = ("submit", "approve", "reject", "revise", "withdraw", "supersede")
# The fields each kind of entry must carry, with their JSON types, beyond the chain's own (seq, prev, hash).
_STR, _INT, _LIST, _DICT = (str,), (int,), (list,), (dict,)
REQUIRED: dict[str, dict[str, tuple[type, ...]]] = {
    **{action: {"document": _STR, "revision": _STR, "from": _STR, "to": _STR, "by": _STR, "at": _STR,
                "fingerprint": _STR} for action in DOCUMENT_ACTIONS},
    "release": {"version": _STR, "by": _STR, "at": _STR, "documents": _INT},
    "delegate": {"delegation": _STR, "function": _STR, "to": _STR, "by": _STR, "at": _STR, "until": _STR,
                 "comment": _STR},
    "revoke": {"delegation": _STR, "by": _STR, "at": _STR, "comment": _STR},
    "acknowledge": {"document": _STR, "revision": _STR, "fingerprint": _STR, "by": _STR, "at": _STR, "date": _STR},
    "change-request": {"change_request": _STR, "title": _STR, "reason": _STR, "documents": _LIST,
                       "assessment": _DICT, "by": _STR, "at": _STR},
    "change-request-status": {"change_request": _STR, "from": _STR, "to": _STR, "by": _STR, "at": _STR,
                              "comment": _STR},
    "certificate": {"holder": _STR, "sha256": _STR, "subject": _STR, "issuer": _STR, "not_before": _STR,
                    "not_after": _STR, "replaces": _STR, "at": _STR},
    "sign": {"document": _STR, "revision": _STR, "fingerprint": _STR, "by": _STR, "function": _STR, "field": _STR,
             "reason": _STR, "certificate_sha256": _STR, "pdf_sha256": _STR, "at": _STR},
}
CHAIN_FIELDS: dict[str, tuple[type, ...]] = {"seq": _INT, "prev": _STR, "hash": _STR}


@dataclass
class LogLine:
    """One non-blank line of the log: its line number in the file, the entry, or why it is not one."""
    number: int
    entry: dict[str, Any] | None
    problem: str = ""


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


def entry_problem(value: object) -> str:
    """Why a parsed JSON value is not a log entry ("" when it is one): hand edits can leave any JSON on a line."""
    if not isinstance(value, dict):
        kind = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean",
                type(None): "null"}.get(type(value), type(value).__name__)
        return f"not a log entry: {kind} where an object was expected"
    action = value.get("action")
    if not isinstance(action, str):
        return "not a log entry: it has no action"
    required = REQUIRED.get(action)
    if required is None:
        return f"not a log entry: unknown action '{action}'"
    for name, types in {**required, **CHAIN_FIELDS}.items():
        if name not in value:
            return f"not a log entry: action '{action}' without '{name}'"
        if not isinstance(value[name], types) or isinstance(value[name], bool):
            return f"not a log entry: '{name}' of action '{action}' is not a {types[0].__name__}"
    return ""


def read_log(path: Path) -> list[LogLine]:
    """Every non-blank line of the log, each an entry or the reason it is not one."""
    if not path.exists():
        return []
    lines: list[LogLine] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            lines.append(LogLine(number, None, "not valid JSON"))
            continue
        problem = entry_problem(value)
        lines.append(LogLine(number, value if not problem else None, problem))
    return lines


def read_entries(path: Path) -> list[dict[str, Any]]:
    """The log's entries in order; a line that is not an entry becomes {"_unreadable": ..., "_line": N}."""
    return [line.entry if line.entry is not None else {"_unreadable": line.problem, "_line": line.number}
            for line in read_log(path)]


def chain_lines(existing: Sequence[LogLine], entries: Sequence[LogEntry]) -> list[str]:
    """The lines that append `entries` to a log holding `existing`: each chained to the one before, numbered, with
    who was at the keyboard."""
    last = existing[-1].entry if existing else None
    prev = str(last.get("hash", GENESIS)) if last is not None else GENESIS
    seq = len(existing)
    who = identity()
    lines = []
    for entry in entries:
        seq += 1
        chained: dict[str, object] = {**entry, **who, "seq": seq, "prev": prev}
        prev = entry_hash(chained)
        chained["hash"] = prev
        lines.append(_canonical(chained))
    return lines


def verify_chain(lines: Sequence[LogLine]) -> list[tuple[int, str]]:
    """Every way the log no longer matches its own chain: (line number, message)."""
    problems: list[tuple[int, str]] = []
    prev: str | None = GENESIS   # None after a bad line: the next line cannot be checked against it
    for seq, line in enumerate(lines, 1):
        entry = line.entry
        if entry is None:
            problems.append((line.number, line.problem))
            prev = None
            continue
        if entry["seq"] != seq:
            problems.append((line.number, f"sequence number {entry['seq']} where {seq} was expected "
                                          "(an entry was removed or the order changed)"))
        if prev is not None and entry["prev"] != prev:
            problems.append((line.number, "does not chain to the entry before it (removed, reordered or edited)"))
        if entry["hash"] != entry_hash(entry):
            problems.append((line.number, "content does not match its hash (edited)"))
        prev = entry["hash"]
    return problems
