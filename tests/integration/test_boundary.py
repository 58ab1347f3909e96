"""One exception boundary: whatever a command meets ends as a message and a documented exit status, never a
traceback; a bug says so in one line and leaves its details in a log file."""
from __future__ import annotations

import importlib

import pytest

from generator.cli import main
from generator.cli.boundary import EXIT_INTERNAL

from ..conftest import smsgen


def test_a_clock_that_is_not_a_date_is_bad_input(mini, monkeypatch, capsys):
    monkeypatch.setenv("SMSGEN_NOW", "yesterday")
    assert smsgen(mini, "review-due") == 2
    err = capsys.readouterr().err
    assert "SMSGEN_NOW='yesterday' is not an ISO 8601 date" in err and "Traceback" not in err


def test_an_absurd_look_ahead_is_a_usage_error(mini, capsys):
    with pytest.raises(SystemExit) as exit_:
        smsgen(mini, "review-due", "--within", "999999999")
    assert exit_.value.code == 2
    assert "outside 0 to 36500 days" in capsys.readouterr().err


def test_init_onto_an_existing_file_is_refused_cleanly(tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    assert main(["init", str(target)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(target) in err
    assert target.read_text() == "keep me"


def test_an_unexpected_error_is_one_line_and_a_log_file(mini, monkeypatch, capsys, tmp_path):
    commands = importlib.import_module("generator.cli.commands.check")

    def broken(ws, args):
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(commands, "check", broken)
    monkeypatch.setenv("SMSGEN_LOG_DIR", str(tmp_path / "logs"))
    assert smsgen(mini, "check") == EXIT_INTERNAL
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("smsgen: internal error: ZeroDivisionError: simulated bug")
    logs = list((tmp_path / "logs").glob("crash-*.log"))
    assert len(logs) == 1 and "ZeroDivisionError" in logs[0].read_text() and str(logs[0]) in err[0]


def test_a_file_system_failure_names_the_path(mini, capsys):
    (mini.root / "control").mkdir()
    (mini.root / "control" / "register.yml").mkdir()   # a directory where the register file should be
    assert smsgen(mini, "status") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "register.yml" in err
