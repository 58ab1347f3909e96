"""The terminal experience: `build --format json`, the human summary, shell completion and its helper."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from generator.cli import main
from generator.cli.parser import parser

from ..conftest import REPO, smsgen


def test_build_format_json_prints_only_a_parsable_summary(exported, capsys):
    assert smsgen(exported, "build", "--docx", "--pdf", "--no-site", "--format", "json") in (0, 1)
    out, err = capsys.readouterr()
    summary = json.loads(out)   # nothing but the JSON on standard output
    assert summary["docs_dir"] == "docs" and summary["site_dir"] is None and summary["dist_dir"] == "dist"
    ids = {d["id"] for d in summary["documents"]}
    assert "MF-PR-01" in ids and all(d["page"].startswith("docs/") for d in summary["documents"])
    assert summary["outputs"]["pdf"]["files"] == summary["outputs"]["docx"]["files"] == len(ids)
    assert summary["converted"] == 0 and summary["unchanged"] == 2 * len(ids)   # the copy is already converted
    assert summary["findings"]["exit_code"] == summary["exit_code"] and "counts" in summary["findings"]
    # the phases went to standard error as plain lines
    assert "render+checks done in" in err and "pages done in" in err and "\r" not in err


def test_a_text_build_ends_with_what_was_written_where(mini, capsys):
    assert smsgen(mini, "build", "--no-site") in (0, 1)
    out, err = capsys.readouterr()
    assert "documents written to docs" in out
    assert "pages done in" in err


def test_completion_script_knows_every_command_and_asks_for_people_and_documents():
    for shell in ("bash", "zsh"):
        assert smsgen_text("completion", shell)
    script = smsgen_text("completion", "bash")
    for name in ("check", "build", "approve", "release", "completion", "--format", "--by"):
        assert name in script
    assert "_complete people" in script and "_complete documents" in script
    assert "_complete)" not in script   # the helper stays hidden
    assert "_complete" not in parser().format_help()
    if shutil.which("bash"):
        assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0


def smsgen_text(*args: str) -> str:
    """A command's standard output, run as the console script is (the workspace is irrelevant here)."""
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=REPO,
                          check=True).stdout


def test_complete_lists_people_and_documents_without_rendering(mini, capsys):
    assert smsgen(mini, "_complete", "people") == 0
    assert capsys.readouterr().out.split() == ["ann", "bob", "cal"]
    assert smsgen(mini, "_complete", "documents") == 0
    assert capsys.readouterr().out == ""   # nothing built yet: nothing to offer
    assert smsgen(mini, "build", "--no-site") in (0, 1)
    capsys.readouterr()
    assert smsgen(mini, "_complete", "documents") == 0
    ids = capsys.readouterr().out.split()
    assert "MF-PR-01" in ids and "index" not in ids and ids == sorted(ids)


@pytest.mark.parametrize("what", ["people", "documents"])
def test_complete_is_quiet_on_a_workspace_without_data(tmp_path, capsys, what):
    assert main(["-C", str(tmp_path), "_complete", what]) == 0
    assert capsys.readouterr().out == ""
