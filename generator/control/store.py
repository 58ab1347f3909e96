"""The control store: the register (control/register.yml), the audit log (control/audit.jsonl) and the approved
snapshots (control/approved/) change together, one action at a time, each action one recoverable transaction.

Why: they are separate files. Written one after the other, a crash between two writes leaves them disagreeing (an
approval in the log that the register does not show, or the reverse), and two commands running at once both chain
onto the same last log entry and fork the log, the later register write silently dropping the earlier action.

How:

- Lock. An action holds an exclusive lock (`fcntl.flock` on control/.lock) from reading the register to its last
  write, so actions run one after another, each on the state the previous one left.
- Journal. The action's outcome is first written, atomically and durably, to a write-ahead journal
  (control/.journal.json): the new register text, the log lines (already chained), the snapshot texts, any binary
  files (signed PDFs, certificates: base64, as JSON holds text only), and the size and SHA-256 of the log before the
  action. Only then are the files changed: snapshots and files, log, register, in that order, and the journal
  removed. Each step is idempotent: a step that already happened is recognised and skipped,
  a log append cut short is completed.
- Recovery. While a journal is pending every control command refuses and points at `smsgen recover`, which applies
  the journal again (completing the action, so no recorded approval is lost), or with `--discard` sets it aside
  unapplied (control/journal-discarded-STAMP.json) when it can no longer be applied because the log was changed
  since. Refusing rather than recovering silently makes an interrupted action something a person sees and
  completes on purpose.

Every write is fsynced, and so is the directory after each rename or removal (base/files.py).
"""
from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.base.clock import now
from generator.base.errors import UserError
from generator.base.files import fsync_dir, write_atomic
from generator.base.findings import Finding, Severity
from generator.base.workspace import Workspace
from generator.control import audit
from generator.control.register import Register, load_register, register_text
from generator.control.snapshots import snapshot_path

JOURNAL_FORMAT = "smsgen-control-journal/1"
LOCK_WAIT_SECONDS = 300.0    # how long an action waits for another one to finish before giving up
LOCK_POLL_SECONDS = 0.05
# where under control/ a journal may write binary files: signed PDFs and certificates (generator/control/signing.py)
FILE_FOLDERS = ("signed/", "certificates/")


class JournalConflict(Exception):
    """The pending journal cannot be applied: the log changed since the action began."""


@dataclass
class Journal:
    """One action's outcome, as written before any file it changes."""
    action: str
    started: str
    register: str                       # the register's new text
    log_size: int                       # bytes in the log before the action
    log_sha256: str                     # of those bytes
    append: str                         # the text appended to the log (its lines, newline-terminated)
    snapshots: dict[str, str] = field(default_factory=dict)   # path under control/ -> text
    files: dict[str, bytes] = field(default_factory=dict)      # path under control/ -> bytes (base64 in the JSON)

    def to_json(self) -> str:
        data = {"format": JOURNAL_FORMAT, "action": self.action, "started": self.started, "register": self.register,
                "log": {"size_before": self.log_size, "sha256_before": self.log_sha256, "append": self.append},
                "snapshots": self.snapshots}
        if self.files:    # absent from the journal of an action that writes none, as before there were any
            data["files"] = {k: base64.b64encode(v).decode("ascii") for k, v in self.files.items()}
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Journal:
        """The journal, or ValueError naming what is wrong with it."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != JOURNAL_FORMAT:
            raise ValueError(f"not a {JOURNAL_FORMAT} journal")
        log, snapshots = data.get("log"), data.get("snapshots")
        if not isinstance(log, dict) or not isinstance(snapshots, dict):
            raise ValueError("the journal has no log or snapshots section")
        action, started, register = data.get("action"), data.get("started"), data.get("register")
        size, sha, append = log.get("size_before"), log.get("sha256_before"), log.get("append")
        if not (isinstance(action, str) and isinstance(started, str) and isinstance(register, str)
                and isinstance(size, int) and isinstance(sha, str) and isinstance(append, str)
                and all(isinstance(k, str) and isinstance(v, str) for k, v in snapshots.items())):
            raise ValueError("the journal has a field of the wrong type")
        if any(Path(k).is_absolute() or ".." in Path(k).parts or not k.startswith("approved/") for k in snapshots):
            raise ValueError("the journal names a snapshot outside control/approved/")
        encoded = data.get("files", {})
        if not isinstance(encoded, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                    for k, v in encoded.items()):
            raise ValueError("the journal's files section is not a mapping of paths to base64 text")
        if any(Path(k).is_absolute() or ".." in Path(k).parts or not k.startswith(FILE_FOLDERS) for k in encoded):
            raise ValueError("the journal names a file outside control/signed/ and control/certificates/")
        try:
            files = {k: base64.b64decode(v, validate=True) for k, v in encoded.items()}
        except binascii.Error as exc:
            raise ValueError(f"a file in the journal is not base64: {exc}") from None
        return cls(action=action, started=started, register=register, log_size=size, log_sha256=sha, append=append,
                   snapshots=snapshots, files=files)


class Store:
    """The control files of one workspace and the one way to change them."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.lock_file = ws.control_dir / ".lock"
        self.journal_file = ws.control_dir / ".journal.json"

    # --- the lock -----------------------------------------------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the control lock: wait for another action to finish, for up to LOCK_WAIT_SECONDS."""
        self.ws.control_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise UserError(Finding(
                            "control.locked", Severity.fatal, "another smsgen command is changing the document-"
                            f"control records and has held {self.ws.display(self.lock_file)} for "
                            f"{LOCK_WAIT_SECONDS:.0f} s", hint="wait for it to finish and try again")) from None
                    time.sleep(LOCK_POLL_SECONDS)
            yield
        finally:
            os.close(fd)    # closing the descriptor releases the lock

    # --- transactions -------------------------------------------------------------------------------------------

    @contextmanager
    def transaction(self, action: str) -> Iterator[Transaction]:
        """Lock, refuse while an interrupted action is pending, read the register: what one action works on. The
        action ends by calling `commit` (or by raising, which changes nothing)."""
        with self.locked():
            self.refuse_if_pending()
            register = load_register(self.ws.register_file, self.ws.display(self.ws.register_file))
            yield Transaction(self, action, register)

    def refuse_if_pending(self) -> None:
        if self.journal_file.exists():
            raise UserError(self.pending_finding())

    def pending_finding(self, severity: Severity = Severity.fatal) -> Finding:
        what = "an action"
        try:
            journal = Journal.from_json(self.journal_file.read_text(encoding="utf-8"))
            what = f"'{journal.action}' (started {journal.started})"
        except (OSError, ValueError, UnicodeDecodeError):
            pass
        return Finding("control.pending", severity, f"{what} was interrupted before it finished: its journal "
                       "is pending", self.ws.display(self.journal_file),
                       hint="run `smsgen recover` to complete it; nothing else changes the control records until "
                            "then")

    # --- applying a journal (every step idempotent) -------------------------------------------------------------

    def write_journal(self, journal: Journal) -> None:
        write_atomic(self.journal_file, journal.to_json())

    def apply(self, journal: Journal) -> None:
        self.write_snapshots(journal)
        self.write_files(journal)
        self.append_log(journal)
        self.write_register(journal)
        self.journal_file.unlink(missing_ok=True)
        fsync_dir(self.journal_file.parent)

    def write_snapshots(self, journal: Journal) -> None:
        """Approved texts are written before anything refers to them. A file already there for a revision being
        approved now is left over from an action that never completed, and is replaced."""
        for relpath, text in journal.snapshots.items():
            path = self.ws.control_dir / relpath
            try:
                if path.read_text(encoding="utf-8") == text:
                    continue
            except (OSError, UnicodeDecodeError):
                pass
            write_atomic(path, text)

    def write_files(self, journal: Journal) -> None:
        """Binary files (signed PDFs, certificates), like snapshots written before the log entry naming them."""
        for relpath, data in journal.files.items():
            path = self.ws.control_dir / relpath
            try:
                if path.read_bytes() == data:
                    continue
            except OSError:
                pass
            write_atomic(path, data)

    def append_log(self, journal: Journal) -> None:
        path = self.ws.audit_file
        current = path.read_bytes() if path.exists() else b""
        text = journal.append.encode("utf-8")
        head, tail = current[:journal.log_size], current[journal.log_size:]
        if len(current) < journal.log_size or hashlib.sha256(head).hexdigest() != journal.log_sha256:
            raise JournalConflict(f"{self.ws.display(path)} was changed before the line where the interrupted "
                                  "action appends")
        if tail == text:
            return                                   # appended already
        if not text.startswith(tail):
            raise JournalConflict(f"{self.ws.display(path)} has lines after the point where the interrupted action "
                                  "appends that the action did not write")
        path.parent.mkdir(parents=True, exist_ok=True)
        created = not path.exists()
        with open(path, "ab") as handle:             # complete an append cut short, or make it
            handle.write(text[len(tail):])
            handle.flush()
            os.fsync(handle.fileno())
        if created:
            fsync_dir(path.parent)

    def write_register(self, journal: Journal) -> None:
        path = self.ws.register_file
        try:
            if path.read_text(encoding="utf-8") == journal.register:
                return
        except (OSError, UnicodeDecodeError):
            pass
        write_atomic(path, journal.register)

    # --- recovery -----------------------------------------------------------------------------------------------

    def recover(self, discard: bool = False) -> list[str]:
        """Complete the pending action (or, with `discard`, set its journal aside unapplied)."""
        with self.locked():
            if not self.journal_file.exists():
                return ["nothing to recover: no action was interrupted"]
            display = self.ws.display(self.journal_file)
            try:
                journal: Journal | None = Journal.from_json(self.journal_file.read_text(encoding="utf-8"))
                problem = ""
            except (ValueError, UnicodeDecodeError) as exc:
                journal, problem = None, f"{display} cannot be read: {exc}"
            if journal is not None and not discard:
                try:
                    self.apply(journal)
                except JournalConflict as exc:
                    problem = str(exc)
                else:
                    lines = journal.append.count("\n") - journal.append.startswith("\n")
                    return [f"completed the interrupted '{journal.action}' (started {journal.started}): "
                            f"{lines} audit-log entr{'y' if lines == 1 else 'ies'}, the register and "
                            f"{len(journal.snapshots)} approved snapshot(s)"
                            + (f", {len(journal.files)} file(s)" if journal.files else "") + " written"]
            if discard:
                stamp = now().strftime("%Y%m%dT%H%M%S")
                aside = self.journal_file.with_name(f"journal-discarded-{stamp}.json")
                os.replace(self.journal_file, aside)
                fsync_dir(aside.parent)
                return [f"set the interrupted action's journal aside, unapplied, as {self.ws.display(aside)}; "
                        "run `smsgen verify` to see where the register and the log stand"]
            raise UserError(Finding("control.recover", Severity.fatal, f"cannot complete the interrupted action: "
                                    f"{problem}", display,
                                    hint="restore control/ from version control or backup, or run `smsgen recover "
                                         "--discard` to set the journal aside unapplied"))


@dataclass
class Transaction:
    """One action in progress: the register as read under the lock, to change in place and commit once."""
    store: Store
    action: str
    register: Register
    committed: bool = False

    def commit(self, entries: Sequence[audit.LogEntry], snapshots: Mapping[tuple[str, str], str] | None = None,
               files: Mapping[str, bytes] | None = None) -> None:
        """Write the journal (register, chained log lines, snapshots keyed by (document, revision), binary files keyed
        by their path under control/), then apply it."""
        assert not self.committed, "a transaction commits once"
        ws = self.store.ws
        current = ws.audit_file.read_bytes() if ws.audit_file.exists() else b""
        lines = audit.chain_lines(audit.read_log(ws.audit_file), entries)
        separator = "\n" if current and not current.endswith(b"\n") else ""
        journal = Journal(action=self.action, started=now().isoformat(), register=register_text(self.register),
                          log_size=len(current), log_sha256=hashlib.sha256(current).hexdigest(),
                          append=separator + "".join(line + "\n" for line in lines),
                          snapshots={snapshot_path(ws, doc_id, revision).relative_to(ws.control_dir).as_posix(): text
                                     for (doc_id, revision), text in (snapshots or {}).items()},
                          files=dict(files or {}))
        self.store.write_journal(journal)
        self.committed = True
        self.store.apply(journal)


def pending_journal(ws: Workspace) -> Finding | None:
    """The finding `verify` and `status` show while an interrupted action awaits `smsgen recover`."""
    store = Store(ws)
    return store.pending_finding(Severity.error) if store.journal_file.exists() else None
