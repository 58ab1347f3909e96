"""The command line as a user meets it: init and build in a new workspace, exit codes, exports, the serve loop.
Init refusing a non-empty directory and the schema command are in tests/unit/test_cli.py."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import openpyxl

from generator.cli import main
from generator.model.datafiles import DATA_FILES
from generator.publish.serve import rebuild
from generator.publish.site.registry import site_backend

from ..conftest import REPO


def test_init_scaffolds_a_workspace_with_schemas(tmp_path):
    target = tmp_path / "client"
    assert main(["init", str(target)]) == 0
    for name in DATA_FILES:
        text = (target / "data" / name).read_text(encoding="utf-8")
        assert text.startswith(f"# yaml-language-server: $schema=.schema/{name[:-4]}.schema.json")
        schema = json.loads((target / "data" / ".schema" / f"{name[:-4]}.schema.json").read_text())
        assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert (target / "mkdocs.yml").exists() and (target / "sms_templates").is_dir()
    assert (target / "docs" / "overrides" / "partials" / "control-block.html").exists()
    # and it builds, from inside the new workspace
    done = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=target, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (target / "site" / "index.html").exists() and (target / "site" / "manual").is_dir()


def test_console_script_runs_without_traceback_on_a_missing_workspace(tmp_path):
    done = subprocess.run([sys.executable, "-m", "generator", "-C", str(tmp_path / "nowhere"), "check"],
                          capture_output=True, text=True, cwd=REPO, env={**os.environ})
    assert done.returncode == 2 and "does not exist" in done.stderr and "Traceback" not in done.stderr


def test_master_list_exports_csv_and_xlsx(mini, tmp_path):
    assert main(["-C", str(mini.root), "master-list", "--csv", str(tmp_path / "m.csv"),
                 "--xlsx", str(tmp_path / "m.xlsx")]) == 0
    rows = list(csv.reader((tmp_path / "m.csv").open(encoding="utf-8")))
    assert rows[0][:5] == ["ID", "Title", "Type", "Revision", "Status"]
    assert any(r[0] == "MF-PR-01" and r[4] == "Draft" and r[10] == "Internal" for r in rows[1:])
    book = openpyxl.load_workbook(tmp_path / "m.xlsx")
    assert book.sheetnames == ["Master document list", "External origin"]
    assert book["Master document list"].max_row == len(rows)


def test_serve_rebuild_regenerates_pages_and_navigation_on_every_rebuild(mini, tmp_path):
    """`smsgen serve` calls this on every change: each rebuild renders data and templates again, and the site's
    name and navigation come from the data."""
    site = tmp_path / "served"
    done = rebuild(mini, site_backend("mkdocs"), site)
    assert done.built, done.findings
    page = mini.docs_dir / "procedures" / "MF-PR-12.md"
    assert "Hull yard" in page.read_text(encoding="utf-8")
    config = done.request.config()
    assert config["site_name"] == "Mini Freight SMS" and config["nav"][0] == {"Home": "index.md"}
    assert "Mini Freight SMS" in (site / "index.html").read_text(encoding="utf-8")
    (mini.data_dir / "sites.yml").write_text(
        (mini.data_dir / "sites.yml").read_text(encoding="utf-8").replace("Hull yard", "Hull trailer park"),
        encoding="utf-8")
    assert rebuild(mini, site_backend("mkdocs"), site).built
    assert "Hull trailer park" in page.read_text(encoding="utf-8")
    assert "Hull trailer park" in (site / "procedures" / "MF-PR-12" / "index.html").read_text(encoding="utf-8")
