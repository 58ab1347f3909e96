"""Hostile YAML ends in a clear finding at file:line, fast and in bounded memory: no minutes-long alias expansion,
no RecursionError."""
from __future__ import annotations

import time

from generator.model.yaml_source import MAX_BYTES, parse, read


def lines_of_laughs(levels: int = 7) -> str:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, levels):
        lines.append(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_stops_quickly_with_a_message():
    started = time.perf_counter()
    source, problems = parse(lines_of_laughs(), "bomb.yml")
    assert time.perf_counter() - started < 5   # a generous bound: unbounded, this takes minutes
    assert source.data is None
    assert [p.code for p in problems] == ["yaml.unbounded"] and "expands to more than" in problems[0].message
    assert problems[0].path == "bomb.yml" and problems[0].line >= 1


def test_a_recursive_alias_is_reported_not_a_recursion_error():
    source, problems = parse("roles: &r [owner, *r]\n", "roles.yml")
    assert source.data is None and "an alias contains itself" in problems[0].message


def test_deep_nesting_is_reported():
    source, problems = parse("x: " + "[" * 500 + "]" * 500 + "\n", "deep.yml")
    assert source.data is None and "nested more than" in problems[0].message
    assert "brackets" in problems[0].hint


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.yml"
    with big.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    source, problems = read(big, "big.yml")
    assert source.data is None and problems[0].code == "yaml.too-large"


def test_ordinary_aliases_still_work():
    source, problems = parse("base: &b {city: Hull}\nsite: *b\n", "ok.yml")
    assert problems == [] and source.data == {"base": {"city": "Hull"}, "site": {"city": "Hull"}}
