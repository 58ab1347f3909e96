"""`build` with nothing to do repeats the last build's findings and summary without rendering anything; any change to
what a build reads (data, templates, control records, options, the date) or to what it wrote (a page, the site, an
output) makes it build again, and a build stopped by a fatal finding is never repeated."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from generator.cli.commands import build as build_command
from generator.publish import uptodate

from ..conftest import edit, smsgen


@pytest.fixture
def builds(monkeypatch):
    """How many times `build` really ran (rendered, checked, wrote) since the fixture was made."""
    ran = []
    real = build_command.build

    def counted(*args, **kwargs):
        ran.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(build_command, "build", counted)
    return ran


def test_a_build_with_nothing_changed_repeats_the_last_one_and_writes_nothing(mini, builds, capsys):
    assert smsgen(mini, "build", "--docx") == 0
    first = capsys.readouterr()
    pages = {p: p.stat().st_mtime_ns for p in mini.docs_dir.rglob("*.md")}
    assert smsgen(mini, "build", "--docx") == 0
    second = capsys.readouterr()
    assert len(builds) == 1
    assert "nothing changed since the last build" in second.err
    # the same summary, with nothing converted this time
    assert second.out.splitlines()[1:] == [line.replace(f"{n} converted", "0 converted") for line in
                                           first.out.splitlines()[1:] for n in [_converted(line)]]
    assert second.out.splitlines()[0].startswith("0 file(s) converted")
    assert {p: p.stat().st_mtime_ns for p in mini.docs_dir.rglob("*.md")} == pages


# the build's machinery: a build with nothing to do must not load it (0.3 s of imports, most of such a build's time)
HEAVY = ("generator.publish.build", "generator.model.organisation", "generator.render", "jinja2", "pydantic",
         "mkdocs", "docx", "typst", "pikepdf", "pypdf", "openpyxl", "pyhanko", "pypandoc")


def test_a_build_with_nothing_to_do_loads_none_of_the_build(mini, capsys):
    """In a process of its own, as a user runs it: the answer comes from build_repeat.py's few imports."""
    assert smsgen(mini, "build", "--docx") == 0
    capsys.readouterr()
    script = ("import sys; from generator.cli.main import main; code = main(sys.argv[1:]); "
              "print(' '.join(sorted(sys.modules))); sys.exit(code)")
    run = subprocess.run([sys.executable, "-c", script, "-C", str(mini.root), "build", "--docx"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "nothing changed since the last build" in run.stderr
    loaded = set(run.stdout.split("\n")[-2].split())
    assert "generator.cli.commands.build_repeat" in loaded
    assert [m for m in loaded if m.split(".")[0] in HEAVY or m.startswith(HEAVY)] == []


def _converted(line: str) -> str:
    return line.rsplit(", ", 1)[-1].split()[0] if line.endswith("converted") else "-"


def test_the_findings_of_the_last_build_are_repeated(mini, builds, capsys):
    edit(mini.data_dir / "roles.yml", "Guards the yard.", "Guards the yard. TODO")   # an error: a placeholder
    assert smsgen(mini, "build", "--no-site") == 1
    first = capsys.readouterr().err
    assert smsgen(mini, "build", "--no-site") == 1
    again = capsys.readouterr().err
    assert len(builds) == 1 and "set.placeholder" not in first   # findings print as messages, not codes
    assert [line for line in again.splitlines() if "placeholder" in line] == \
        [line for line in first.splitlines() if "placeholder" in line] != []


CHANGES = {
    "data": lambda ws: edit(ws.data_dir / "roles.yml", "Guards the yard.", "Guards the yarn."),  # same size
    "template override": lambda ws: (ws.root / "sms_templates").mkdir(exist_ok=True)
    or (ws.root / "sms_templates" / "README.md").write_text("notes\n", encoding="utf-8"),
    "control record": lambda ws: ws.control_dir.mkdir(exist_ok=True)
    or (ws.control_dir / "note.txt").write_text("x", encoding="utf-8"),
    "page edited by hand": lambda ws: next(ws.docs_dir.glob("procedures/*.md")).write_text("edited\n"),
    "page deleted": lambda ws: next(ws.docs_dir.glob("procedures/*.md")).unlink(),
    "site deleted": lambda ws: shutil.rmtree(ws.site_dir),
    "output deleted": lambda ws: next(ws.dist_dir.glob("docx/*.docx")).unlink(),
    "mkdocs.yml": lambda ws: ws.mkdocs_yml.write_text(ws.mkdocs_yml.read_text() + "\n"),
    "the time pinned": lambda ws: os.environ.__setitem__("SMSGEN_NOW", "2031-01-01"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_what_a_build_reads_or_wrote_builds_again(mini, builds, change, monkeypatch):
    monkeypatch.delenv("SMSGEN_NOW", raising=False)
    assert smsgen(mini, "build", "--docx") in (0, 1)
    CHANGES[change](mini)
    smsgen(mini, "build", "--docx")
    assert len(builds) == 2
    smsgen(mini, "build", "--docx")   # and once built again, it is current again
    assert len(builds) == 2


def test_other_options_build_again(mini, builds):
    smsgen(mini, "build", "--no-site")
    smsgen(mini, "build", "--no-site", "--docx")
    smsgen(mini, "build", "--no-site", "--docx", "--audience", "employees")
    assert len(builds) == 3


def test_a_build_stopped_by_a_fatal_finding_is_not_repeated(mini, builds, capsys):
    smsgen(mini, "build", "--no-site")
    assert (mini.cache_dir / uptodate.RECORD).is_file()
    (mini.data_dir / "sites.yml").write_text("sites: [\n", encoding="utf-8")   # not YAML
    assert smsgen(mini, "build", "--no-site") == 2
    assert not (mini.cache_dir / uptodate.RECORD).exists()
    assert smsgen(mini, "build", "--no-site") == 2
    assert len(builds) == 3

