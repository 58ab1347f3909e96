"""The command line where no document set is rendered: init refusing a non-empty directory, and the schema command."""
from __future__ import annotations

import json
from pathlib import Path

from generator.cli import main
from generator.model.datafiles import DATA_FILES, OPTIONAL_DATA_FILES


def test_init_refuses_a_non_empty_directory(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_schema_command_writes_one_schema_per_data_file(tmp_path):
    assert main(["schema", "--out", str(tmp_path)]) == 0
    every = DATA_FILES | OPTIONAL_DATA_FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{Path(n).stem}.schema.json" for n in every)
    roles = json.loads((tmp_path / "roles.schema.json").read_text())
    assert "functions" in json.dumps(roles) and "sms_manager" in json.dumps(roles)
