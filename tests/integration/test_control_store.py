"""The control store: every action one recoverable transaction (journal, then snapshots, log, register), one action at
a time (the lock), and `verify` checking snapshots and every line of the log without ever raising."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest

from generator.checks.assess import assess as run
from generator.control import store as store_module
from generator.control.audit import read_log
from generator.control.lifecycle import Controller
from generator.control.register import load_register
from generator.control.snapshots import snapshot_path
from generator.control.store import Store
from generator.control.verify import verify

from ..conftest import REPO, smsgen

DOC = "MF-PR-01"                       # owned by Ann (document controller) in the mini organisation
SUBMIT = ("submit", DOC, "--by", "bob", "--author", "bob")
APPROVE = ("approve", DOC, "--by", "ann")


@pytest.fixture
def now(monkeypatch, tmp_path):
    monkeypatch.setenv("SMSGEN_NOW", "2026-11-23T10:00:00+00:00")
    monkeypatch.setenv("SMSGEN_LOG_DIR", str(tmp_path / "crash-logs"))   # the simulated crashes are logged here


def register_of(ws):
    return load_register(ws.register_file, "register")


def crash(monkeypatch, step: str) -> None:
    def fail(self, journal):
        raise RuntimeError(f"simulated crash in {step}")
    monkeypatch.setattr(Store, step, fail)


@pytest.mark.parametrize("step", ["write_snapshots", "append_log", "write_register"])
def test_an_interrupted_approval_is_reported_and_recovered(mini, now, monkeypatch, capsys, step):
    assert smsgen(mini, *SUBMIT) == 0
    with monkeypatch.context() as patch:
        crash(patch, step)
        assert smsgen(mini, *APPROVE) == 3                    # the crash: an internal error, after the journal
    assert (mini.control_dir / ".journal.json").exists()
    capsys.readouterr()
    assert smsgen(mini, "verify") == 1
    err = capsys.readouterr().err
    assert "'approve'" in err and "was interrupted" in err and "smsgen recover" in err
    if step == "write_register":                              # the log has the approval, the register not yet
        assert "is 'in_review' in the register but the log ends at 'approved'" in err
    # nothing else changes the records until the interrupted action is completed
    assert smsgen(mini, "submit", "MF-PR-02", "--by", "bob") == 2
    assert "smsgen recover" in capsys.readouterr().err
    assert smsgen(mini, "recover") == 0
    assert "completed the interrupted 'approve'" in capsys.readouterr().out
    assert not (mini.control_dir / ".journal.json").exists()
    assert smsgen(mini, "verify") == 0
    rev = register_of(mini).documents[DOC].current
    assert (rev.status, rev.approver) == ("approved", "ann")                 # the approval was kept
    assert snapshot_path(mini, DOC, "1").exists()
    assert [line.entry["action"] for line in read_log(mini.audit_file)] == ["submit", "approve"]
    assert smsgen(mini, "recover") == 0                        # nothing left to do, and saying so
    assert "nothing to recover" in capsys.readouterr().out


def test_an_append_cut_short_is_completed(mini, now, monkeypatch, capsys):
    assert smsgen(mini, *SUBMIT) == 0
    before = mini.audit_file.read_bytes()

    def torn(self, journal):                                  # half the line reaches the disk, then the power fails
        with open(self.ws.audit_file, "ab") as handle:
            handle.write(journal.append.encode()[:40])
        raise RuntimeError("simulated power failure")
    with monkeypatch.context() as patch:
        patch.setattr(Store, "append_log", torn)
        assert smsgen(mini, *APPROVE) == 3
    torn_line = before.count(b"\n") + 1
    assert smsgen(mini, "verify") == 1
    assert f"audit.jsonl:{torn_line}:1: not valid JSON" in capsys.readouterr().err
    assert smsgen(mini, "recover") == 0
    assert smsgen(mini, "verify") == 0
    assert register_of(mini).documents[DOC].current.status == "approved"


def test_a_journal_that_no_longer_fits_the_log_is_set_aside_only_on_request(mini, now, monkeypatch, capsys):
    assert smsgen(mini, *SUBMIT) == 0
    with monkeypatch.context() as patch:
        crash(patch, "append_log")
        assert smsgen(mini, *APPROVE) == 3
    with open(mini.audit_file, "a", encoding="utf-8") as handle:   # someone edits the log meanwhile
        handle.write('{"note": "added by hand"}\n')
    capsys.readouterr()
    assert smsgen(mini, "recover") == 2
    assert "cannot complete the interrupted action" in capsys.readouterr().err
    assert (mini.control_dir / ".journal.json").exists()
    assert smsgen(mini, "recover", "--discard") == 0
    assert not (mini.control_dir / ".journal.json").exists()
    assert list(mini.control_dir.glob("journal-discarded-*.json"))
    assert register_of(mini).documents[DOC].current.status == "in_review"


def test_concurrent_actions_in_threads_do_not_fork_the_log(mini, now, monkeypatch):
    """Each thread reads the register and the log, then writes both: without the lock they would all chain onto the
    same last entry, and the last register written would drop the others' actions."""
    outcome = run(mini)
    docs = [d for d in outcome.documents if d.type == "form"][:6]
    loaded = store_module.load_register

    def slow_load(path, display):                             # widen the read-check-write window
        register = loaded(path, display)
        time.sleep(0.1)
        return register
    monkeypatch.setattr(store_module, "load_register", slow_load)
    errors: list[BaseException] = []

    def submit(doc):
        try:
            with Store(mini).transaction("submit") as txn:
                Controller(mini, outcome.org, outcome.documents, txn).submit([doc], "cal")
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
    threads = [threading.Thread(target=submit, args=(doc,)) for doc in docs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    lines = read_log(mini.audit_file)
    assert [line.entry["seq"] for line in lines] == list(range(1, len(docs) + 1))
    assert sorted(register_of(mini).documents) == sorted(d.id for d in docs)
    assert not verify(mini, register_of(mini))


def test_concurrent_commands_in_processes_do_not_fork_the_log(mini, now, capsys):
    docs = [d.id for d in run(mini).documents if d.type == "work_instruction"][:4]
    procs = [subprocess.Popen([sys.executable, "-m", "generator", "-C", str(mini.root), "submit", doc, "--by", "cal"],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for doc in docs]
    assert [p.wait(timeout=300) for p in procs] == [0] * len(docs)
    assert [line.entry["seq"] for line in read_log(mini.audit_file)] == list(range(1, len(docs) + 1))
    assert sorted(register_of(mini).documents) == sorted(docs)
    assert smsgen(mini, "verify") == 0


@pytest.mark.parametrize("tamper", ["edit", "delete"])
def test_verify_detects_an_approved_snapshot_edited_or_deleted(mini, now, capsys, tamper):
    assert smsgen(mini, *SUBMIT) == 0
    assert smsgen(mini, *APPROVE) == 0
    assert smsgen(mini, "verify") == 0
    path = snapshot_path(mini, DOC, "1")
    if tamper == "edit":
        path.write_text(path.read_text(encoding="utf-8") + "\nApproved by the auditor.\n", encoding="utf-8")
    else:
        path.unlink()
    capsys.readouterr()
    assert smsgen(mini, "verify") == 1
    err = capsys.readouterr().err
    assert f"control/approved/{DOC}/1.md" in err
    assert ("differs from the fingerprint" if tamper == "edit" else "approved text is missing") in err


@pytest.mark.parametrize("line", ["[1,2,3]", "42", "null", '"text"', "true", "{}", '{"action": "approve"}',
                                  '{"action": "approve", "document": "MF-PR-01", "seq": 2}', '{"action": 7}'])
def test_verify_reports_a_hand_edited_log_line_that_is_no_entry(mini, now, capsys, line):
    assert smsgen(mini, *SUBMIT) == 0
    assert smsgen(mini, *APPROVE) == 0
    lines = mini.audit_file.read_text(encoding="utf-8").splitlines()
    lines[1] = line
    mini.audit_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert smsgen(mini, "verify") == 1                         # a finding, never an internal error (3)
    err = capsys.readouterr().err
    assert "audit.jsonl:2:1: not a log entry" in err, err
    assert "internal error" not in err
    # the next action still works on such a log (and verify keeps reporting the line)
    assert smsgen(mini, "submit", "MF-PR-02", "--by", "bob") == 0
    assert json.loads(mini.audit_file.read_text(encoding="utf-8").splitlines()[-1])["seq"] == 3
