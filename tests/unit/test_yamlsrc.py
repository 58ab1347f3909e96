from generator.base.findings import Severity
from generator.model.yaml_source import dotted, parse


def test_positions_point_at_keys_and_items():
    source, problems = parse("roles:\n  - key: a\n    title: A\n  - key: b\n", "data/roles.yml")
    assert problems == []
    assert source.data == {"roles": [{"key": "a", "title": "A"}, {"key": "b"}]}
    assert source.where(("roles", 1, "key")) == (4, 5)
    assert source.where(("roles", 0, "title")) == (3, 5)
    # an unknown deeper path falls back to its nearest known ancestor
    assert source.where(("roles", 1, "missing", 3)) == (4, 5)


def test_duplicate_keys_are_reported_with_both_lines():
    _, problems = parse("a: 1\nb: 2\na: 3\n", "data/x.yml")
    assert len(problems) == 1
    p = problems[0]
    assert (p.line, p.field, p.severity) == (3, "a", Severity.fatal)
    assert "line 1" in p.message


def test_syntax_error_names_the_line_including_an_offset():
    source, problems = parse("a: [1, 2\nb: 3\n", "t.md.j2", first_line=2)
    assert source.data is None
    assert problems[0].code == "yaml.syntax"
    assert problems[0].line >= 3


def test_dotted_paths():
    assert dotted(("roles", 3, "reports_to")) == "roles[3].reports_to"
    assert dotted(("criteria", "bands", 0)) == "criteria.bands[0]"
