"""What a process loads. Every command pays for the command line's own imports: the parser names formats, backends,
record kinds and signing variables from light tables, never the machinery behind them (`smsgen --help`, shell
completion on every Tab, and a build with nothing to do stay quick). A process that lays out a heavy PDF beside the
build loads typst and little else: its memory adds to the build's peak. A conversion worker loads the converters, not
the model."""
from __future__ import annotations

import subprocess
import sys

MACHINERY = ("jinja2", "pydantic", "mkdocs", "docx", "typst", "pikepdf", "pypdf", "openpyxl", "pyhanko",
             "pypandoc", "cryptography", "markdown", "fontTools")


def loaded_by(code: str) -> set[str]:
    run = subprocess.run([sys.executable, "-c", f"{code}; import sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, timeout=60, check=True)
    return set(run.stdout.split())


def test_the_command_line_loads_none_of_the_machinery():
    loaded = loaded_by("from generator.cli.main import main; from generator.cli.parser import parser; parser()")
    assert "generator.cli.parser" in loaded
    assert sorted(m for m in loaded if m.split(".")[0] in MACHINERY) == []
    assert sorted(m for m in loaded if m.startswith(("generator.model.organisation", "generator.render",
                                                       "generator.publish.export", "generator.checks"))) == []


def test_help_lists_what_the_light_tables_name():
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--help"], capture_output=True, text=True,
                         timeout=60, check=True)
    assert "--docx" in run.stdout and "--pdf" in run.stdout and "{mkdocs,zensical}" in run.stdout
    run = subprocess.run([sys.executable, "-m", "generator", "records", "import", "--help"], capture_output=True,
                         text=True, timeout=60, check=True)
    assert "audits" in run.stdout and "corrective_actions" in run.stdout


def test_a_build_loads_neither_pack_merging_nor_font_files_until_it_needs_them():
    """pikepdf and fontTools: 27 ms of a one-document change on the reference set (generator/base/late.py)."""
    loaded = loaded_by("import generator.publish.build, generator.cli.commands.build; "
                       "from generator.base.fonts import uncovered; uncovered('Latin text only')")
    assert "pikepdf" not in loaded and "fontTools" not in loaded
    loaded = loaded_by("from generator.base.fonts import uncovered; uncovered('\u4e2d\u6587')")
    assert "fontTools" in loaded


def test_the_typesetting_worker_loads_typst_and_little_else():
    loaded = loaded_by("from generator.base import typeset")
    assert "typst" in loaded
    assert sorted(m for m in loaded if m.split(".")[0] in MACHINERY and m.split(".")[0] != "typst") == []
    assert sorted(m for m in loaded if m.startswith(("generator.model", "generator.render", "generator.publish"))) == []


def test_a_conversion_worker_loads_the_converters_not_the_model():
    """A spawned worker imports what unpickling its job names (the scheduler and the exporters), not the planning,
    the organisation's model, the renderer or MkDocs: each worker's start is paid on a core the conversions need."""
    loaded = loaded_by("import generator.publish.export.scheduler, generator.publish.export.docx, "
                       "generator.publish.export.pdf")
    assert {"docx", "typst"} <= {m.split(".")[0] for m in loaded}
    assert "pikepdf" not in loaded   # loaded by the worker that merges a pack, when it does (base/late.py)
    assert sorted(m for m in loaded if m.startswith((
        "generator.model.organisation", "generator.model.datafiles", "generator.control.state",
        "generator.control.register", "generator.render", "generator.checks", "generator.publish.export.plan",
        "jinja2", "mkdocs"))) == []
