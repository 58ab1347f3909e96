"""Data files read back from the memo of their parse (model/data_memo.py) load exactly as parsed: the same data,
the same findings at the same lines; an edited, broken or tampered file is parsed again."""
from __future__ import annotations

import json

import pytest

from generator.model.data_memo import DataMemo
from generator.model.load import load
from generator.model.yaml_source import read

from ..conftest import edit

pytestmark = pytest.mark.unit


def loaded(ws):
    org, findings, sources = load(ws)
    return ([str(f) for f in findings], {name: s.data for name, s in sources.items()},
            sorted(r.key for r in org.roles) if org else None)


def entries(ws) -> set[str]:
    return {p.name for p in (ws.cache_dir / "data").glob("*.json")}


def test_a_workspace_never_built_gets_no_memo(mini):
    load(mini)
    assert not mini.cache_dir.exists()


def test_data_from_the_memo_is_the_data_parsed(mini):
    parsed = loaded(mini)
    mini.cache_dir.mkdir(parents=True)
    assert loaded(mini) == parsed                   # parsed, and kept
    kept = entries(mini)
    assert len(kept) == len(parsed[1])
    assert loaded(mini) == parsed                   # from the memo
    assert entries(mini) == kept


def test_an_edited_file_is_parsed_again_and_its_old_entry_goes(mini):
    mini.cache_dir.mkdir(parents=True)
    load(mini)
    before = entries(mini)
    edit(mini.data_dir / "roles.yml", "Guards the yard.", "Guards the yard at night.")
    org, findings, sources = load(mini)
    assert "at night" in json.dumps(sources["roles.yml"].data)
    after = entries(mini)
    assert len(after - before) == 1 and len(before - after) == 1


def test_findings_on_data_from_the_memo_are_at_their_lines(mini):
    """The file parses clean (so it is kept) but does not validate: its finding needs a position the memo did not
    keep, found from the file's text when asked."""
    edit(mini.data_dir / "sites.yml", "headcount: 8", "headcount: eight")
    first = loaded(mini)[0]
    mini.cache_dir.mkdir(parents=True)
    load(mini)
    again = loaded(mini)[0]
    assert again == first
    assert any(f.startswith("data/sites.yml:") and "headcount" in f and ":1:1:" not in f for f in again)


def test_a_file_with_a_problem_is_not_kept_and_is_reported_every_time(mini):
    mini.cache_dir.mkdir(parents=True)
    edit(mini.data_dir / "sites.yml", "    headcount: 8\n", "    headcount: 8\n    headcount: 9\n")
    for _ in range(2):
        assert any(f.code == "yaml.duplicate-key" and f.line for f in load(mini)[1])
    source, problems = read(mini.data_dir / "sites.yml", "data/sites.yml", DataMemo(mini.cache_dir / "data"))
    assert problems and source.positions


def test_data_json_would_not_give_back_is_not_kept(mini, tmp_path):
    path = tmp_path / "numbers.yml"
    path.write_text("2024: a year as a key\nratio: .inf\n", encoding="utf-8")
    memo = DataMemo(tmp_path / "memo")
    for _ in range(2):
        source, problems = read(path, "numbers.yml", memo)
        assert problems == [] and source.data == {2024: "a year as a key", "ratio": float("inf")}
    assert not (tmp_path / "memo").exists()


def test_an_entry_not_as_written_is_ignored(mini):
    parsed = loaded(mini)
    mini.cache_dir.mkdir(parents=True)
    load(mini)
    names = sorted(entries(mini))
    folder = mini.cache_dir / "data"
    (folder / names[0]).write_text("{not json", encoding="utf-8")
    (folder / names[1]).write_text(json.dumps({"key": "another", "data": {"sites": []}}), encoding="utf-8")
    (folder / names[2]).write_text(json.dumps(["data"]), encoding="utf-8")
    assert loaded(mini) == parsed
    (folder / "notes.txt").write_text("mine", encoding="utf-8")   # what the memo did not write stays
    load(mini)
    assert (folder / "notes.txt").exists()


def test_a_memo_folder_that_is_a_symbolic_link_is_not_used(mini, tmp_path):
    """The memo removes its old entries: never in a folder smsgen did not make (one a shared archive points
    elsewhere)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    planted = elsewhere / f"{'0' * 64}.json"
    planted.write_text("{}", encoding="utf-8")
    mini.cache_dir.mkdir(parents=True)
    (mini.cache_dir / "data").symlink_to(elsewhere)
    parsed = loaded(mini)
    assert loaded(mini) == parsed
    assert [p.name for p in elsewhere.iterdir()] == [planted.name]
    assert DataMemo.of(mini) is None
