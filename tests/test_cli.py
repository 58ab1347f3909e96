"""The command line as a user meets it: init, schema, templates, exit codes."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from generator.cli import main
from generator.model.datafiles import DATA_FILES

from .conftest import REPO


def test_init_refuses_a_non_empty_directory(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "mine"


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
    import csv

    import openpyxl

    assert main(["-C", str(mini.root), "master-list", "--csv", str(tmp_path / "m.csv"),
                 "--xlsx", str(tmp_path / "m.xlsx")]) == 0
    rows = list(csv.reader((tmp_path / "m.csv").open(encoding="utf-8")))
    assert rows[0][:5] == ["ID", "Title", "Type", "Revision", "Status"]
    assert any(r[0] == "MF-PR-01" and r[4] == "Draft" and r[10] == "Internal" for r in rows[1:])
    book = openpyxl.load_workbook(tmp_path / "m.xlsx")
    assert book.sheetnames == ["Master document list", "External origin"]
    assert book["Master document list"].max_row == len(rows)


def test_schema_command_writes_one_schema_per_data_file(tmp_path):
    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n[:-4]}.schema.json" for n in DATA_FILES)
    roles = json.loads((tmp_path / "roles.schema.json").read_text())
    assert "functions" in json.dumps(roles) and "sms_manager" in json.dumps(roles)


def test_serve_hook_regenerates_pages_and_navigation_on_every_rebuild(mini):
    """`smsgen serve` runs MkDocs with this hook: each rebuild renders data and templates again."""
    from mkdocs.config import load_config

    from generator.publish.site import serve_hook

    config = load_config(config_file=str(mini.mkdocs_yml))
    serve_hook.on_config(config)
    page = mini.docs_dir / "procedures" / "MF-PR-01.md"
    assert "Hull yard" in page.read_text(encoding="utf-8")
    assert config["site_name"] == "Mini Freight SMS" and config["nav"][0] == {"Home": "index.md"}
    (mini.data_dir / "sites.yml").write_text(
        (mini.data_dir / "sites.yml").read_text(encoding="utf-8").replace("Hull yard", "Hull trailer park"),
        encoding="utf-8")
    serve_hook.on_config(load_config(config_file=str(mini.mkdocs_yml)))
    assert "Hull trailer park" in page.read_text(encoding="utf-8")
