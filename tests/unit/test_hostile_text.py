"""Hostile input that needs no rendering: data text stays text in Markdown and SVG, values that name places are
refused at the model, YAML that asks for more than plain data is refused where it says so, and the files smsgen
lists as its own (manifests, caches, a publish marker) never let it delete anything else."""
from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import markdown
import pytest
from pydantic import TypeAdapter, ValidationError

from generator.base.files import within
from generator.base.fonts import uncovered
from generator.base.workspace import Workspace
from generator.model.fields import EmailAddress, WebAddress, WorkspaceFile
from generator.model.load import load
from generator.model.yaml_source import parse, read, unprintable
from generator.publish import outdir
from generator.publish.export.plan import _read_cache, _remove_stale
from generator.render import figures
from generator.render.markdown import md_escape

from ..conftest import MINI, copy_workspace, edit

# the site's Markdown extensions (mkdocs.yml)
EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "def_list", "toc"]


class _Elements(HTMLParser):
    """Every element's tag and attributes, and the text, of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


HOSTILE_TEXT = [
    'Yard Guard {: onmouseover="alert(1)" }',        # attribute list after a heading or in a table cell
    "Guard {onclick=alert(1)}",
    'first line\n{: onclick="alert(1)" }',            # a block attribute list on the line after
    "term\n: definition",                             # a definition list
    '!!! danger "Hacked"\n    body',                  # an admonition
    "# not a heading",
    "- not a list",
    "2024. not a numbered list",
    ": not a definition",
    "::: not a fenced div",
    "===",
    "---",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "&lt;b&gt; &amp; &#106;avascript:",
    "{{ 7*7 }} {% include '/etc/passwd' %}",
    "a | b | c",
    "`code` *em* _em_ \\ back",
    "H~2~O x^2^ $x$ costs $5 and $10",
]
CONTEXTS = ["{}", "Intro: {}", "## {}", "| Head |\n|---|\n| {} |", "- {}", "Line one\n{}"]


@pytest.mark.parametrize("context", CONTEXTS, ids=["start", "mid-line", "heading", "table-cell", "list", "next-line"])
@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_data_text_reads_as_itself_in_every_place_a_template_puts_it(text, context):
    html = markdown.markdown(context.format(md_escape(text)), extensions=EXTENSIONS)
    page = _Elements()
    page.feed(html)
    for tag, attrs in page.tags:
        assert set(attrs) <= {"id"}, f"{tag} got attributes {attrs} from data"
        assert tag not in ("script", "img", "a", "dl", "dd", "dt", "pre", "code", "hr", "div", "sub", "sup", "em"), \
            f"data made a <{tag}>: {html}"
    collapsed = " ".join(text.split())
    assert collapsed in " ".join(page.text.split()), html


def test_a_line_break_in_data_never_splits_a_table_row():
    html = markdown.markdown("| A | B |\n|---|---|\n| " + md_escape("one\ntwo") + " | x |", extensions=EXTENSIONS)
    assert html.count("<tr>") == 2 and "one two" in html


@pytest.mark.parametrize("name", ["Mini' onload='alert(1)", 'Mini" onload="alert(1)', "Mini <b>&amp;</b>"])
def test_figure_text_cannot_leave_its_attribute(tmp_path, name):
    ws = copy_workspace(tmp_path / "mini", MINI)
    edit(ws.data_dir / "organisation.yml", "name: Mini Freight", "name: " + json.dumps(name))
    org = load(ws)[0]
    assert org is not None
    for svg in (figures.org_chart(org), figures.risk_heatmap(org, org.risks, False, f"Risk: {name}")):
        root = ET.fromstring(svg)
        assert set(root.attrib) == {"width", "height", "viewBox", "role", "aria-label"}
        assert name in root.attrib["aria-label"]


@pytest.mark.parametrize(("kind", "value", "good"), [
    (WebAddress, "https://www.example.com/a?b=c", True),
    (WebAddress, "http://example.com", True),
    (WebAddress, "javascript:alert(1)", False),
    (WebAddress, "JaVaScRiPt:alert(1)//https://x", False),
    (WebAddress, "data:text/html,<script>alert(1)</script>", False),
    (WebAddress, "https://x.example/\"onmouseover=alert(1)", False),
    (WebAddress, "www.example.com", False),
    (EmailAddress, "ann@example.com", True),
    (EmailAddress, "javascript:alert(1)@x.example", False),
    (EmailAddress, "<ann@example.com>", False),
    (EmailAddress, "ann example.com", False),
    (WorkspaceFile, "docs/assets/logo.svg", True),
    (WorkspaceFile, "../../etc/passwd", False),
    (WorkspaceFile, "docs/../../etc/passwd", False),
    (WorkspaceFile, "/etc/passwd", False),
    (WorkspaceFile, "C:\\Windows\\win.ini", False),
    (WorkspaceFile, "..\\..\\secret.png", False),
])
def test_values_that_name_a_place_are_refused_at_the_model(kind, value, good):
    adapter = TypeAdapter(kind)
    if good:
        assert adapter.validate_python(value) == value
    else:
        with pytest.raises(ValidationError):
            adapter.validate_python(value)


@pytest.mark.parametrize(("text", "tag"), [
    ("name: !!python/object/apply:os.system ['true']\n", "!!python/object/apply:os.system"),
    ("due: !!timestamp 2027-09-31\n", "!!timestamp"),
    ("logo: !!binary aGVsbG8=\n", "!!binary"),
    ("sites: !!set {a, b}\n", "!!set"),
    ("x: !custom value\n", "!custom"),
    ("? !!binary aGVsbG8=\n: 1\n", "!!binary"),
])
def test_yaml_tags_are_refused_where_they_are_written(text, tag):
    source, problems = parse("a: 1\n" + text, "data/x.yml")
    assert source.data is None
    assert [(p.code, p.line) for p in problems] == [("yaml.tag", 2)] and f"'{tag}'" in problems[0].message


def test_plain_yaml_with_merge_keys_still_reads():
    source, problems = parse("base: &b {a: 1}\nx:\n  <<: *b\n  c: 'text'\n  d: 2.5\n  e: null\n  f: yes\n", "x.yml")
    assert problems == [] and source.data["x"] == {"a": 1, "c": "text", "d": 2.5, "e": None, "f": True}


def test_a_character_yaml_forbids_is_reported_at_its_line_and_column():
    source, problems = parse("a: é€€\nb: x\x00y\n", "data/x.yml")
    assert source.data is None and (problems[0].line, problems[0].col) == (2, 5)
    assert "U+0000" in problems[0].message


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x7f", "\x85", "\u202e", "\u2066"])
def test_control_and_bidi_override_characters_are_not_data(char):
    source, problems = parse(f"a: fine\nb:\n  c: \"x{char.encode('unicode_escape').decode()}y\"\n", "data/x.yml")
    found = unprintable(source)
    assert problems == [] and [(f.line, f.field) for f in found] == [(3, "b.c")]
    assert f"U+{ord(char):04X}" in found[0].message


@pytest.mark.parametrize("text", ["مرحبا بالعالم", "עברית", "zero\u200bwidth", "join\u200dthis", "\u200fmark", "🛡️"])
def test_scripts_joiners_and_emoji_are_text(text):
    assert unprintable(parse(f"a: {json.dumps(text)}\n", "x.yml")[0]) == []


@pytest.mark.parametrize(("raw", "where"), [(b"a: 1\nb: caf\xe9\n", (2, 7)), (b"\xff\xfea\x00:\x00", (1, 1))])
def test_a_file_that_is_not_utf8_names_the_line(tmp_path, raw, where):
    path = tmp_path / "x.yml"
    path.write_bytes(raw)
    source, problems = read(path, "data/x.yml")
    assert source.data is None and problems[0].code == "yaml.encoding" and (problems[0].line, problems[0].col) == where


def test_a_byte_order_mark_is_no_content(tmp_path):
    path = tmp_path / "x.yml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    source, problems = read(path, "x.yml")
    assert problems == [] and source.data == {"a": 1}


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_a_data_file_that_is_no_regular_file_is_refused_without_reading(tmp_path, kind):
    path = tmp_path / "sites.yml"
    path.mkdir() if kind == "directory" else os.mkfifo(path)   # a fifo would block the read forever
    source, problems = read(path, "data/sites.yml")
    assert source.data is None and problems[0].message == "not a regular file"


def test_characters_no_font_has_are_named_and_latin_is_never_asked():
    assert uncovered("Plain Latin, Ελληνικά, кириллица: ÀÉÎÕÜ") == []
    assert uncovered("x\U0010fffd y \U0010fffd") == ["\U0010fffd"]    # private use, plane 16: in no font
    assert uncovered("\ufe0f\u200d\u200b ") == []                     # selectors and joiners draw nothing


def test_a_symbolic_link_loop_is_displayed_not_resolved(tmp_path):
    ws = Workspace.at(tmp_path)
    (tmp_path / "loop.yml").symlink_to(tmp_path / "loop.yml")
    assert ws.display(tmp_path / "loop.yml") == "loop.yml" and not ws.contains(tmp_path / "loop.yml")


def test_within_refuses_every_way_out_of_a_folder(tmp_path):
    folder, outside = tmp_path / "docs", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (folder / "linked").symlink_to(outside)
    (folder / "link.md").symlink_to(outside / "x.md")
    assert within(folder / "a" / "b.md", folder) and within(folder / "link.md", folder)   # the link, not its target
    for path in (folder / ".." / "outside" / "x", outside / "x", folder / "linked" / "x", folder, tmp_path):
        assert not within(path, folder), path


def test_a_hand_edited_export_cache_deletes_nothing_outside_dist(tmp_path):
    dist, precious = tmp_path / "dist", tmp_path / "precious.pdf"
    (dist / "pdf").mkdir(parents=True)
    precious.write_text("keep")
    (dist / "pdf" / "old.pdf").write_text("stale")
    cache = {str(precious): "k", str(dist / "pdf" / ".." / ".." / "precious.pdf"): "k",
             str(dist / "pdf" / "old.pdf"): "k"}
    assert _remove_stale(cache, set(), set(), dist)
    assert precious.read_text() == "keep" and not (dist / "pdf" / "old.pdf").exists() and cache == {}


@pytest.mark.parametrize("text", ["not json{", "[1, 2]", '{"a": 1, "b": ["x"]}', "", '"text"'])
def test_an_unreadable_export_cache_is_an_empty_one(tmp_path, text):
    (tmp_path / "outputs.json").write_text(text)
    assert _read_cache(tmp_path / "outputs.json") == {}
    assert _read_cache(tmp_path / "missing.json") == {}


# --- publish --to DIR: what a publish may replace -------------------------------------------------------------

def _tree(root, files):
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def published(tmp_path):
    """A directory holding a first publish, and the workspace it came from."""
    ws = tmp_path / "ws"
    (ws / "data").mkdir(parents=True)
    target = tmp_path / "public"
    staging = _tree(tmp_path / "stage1", {"index.html": "1", "1.0/index.html": "one", "versions.json": "[1]"})
    outdir.replace(staging, target, outdir.claim(ws, target))
    return ws, target


def test_a_second_publish_replaces_only_what_the_first_wrote(published, tmp_path):
    ws, target = published
    _tree(target, {"mine.txt": "user", "1.0/notes.txt": "user"})
    staging = _tree(tmp_path / "stage2", {"index.html": "2", "2.0/index.html": "two", "versions.json": "[2]"})
    outdir.replace(staging, target, outdir.claim(ws, target))
    assert _files(target) == {".smsgen-published": _files(target)[".smsgen-published"], "1.0/notes.txt": "user",
                              "2.0/index.html": "two", "index.html": "2", "mine.txt": "user", "versions.json": "[2]"}


def test_a_publish_refuses_to_overwrite_a_file_it_did_not_write(published, tmp_path):
    ws, target = published
    _tree(target, {"2.0/index.html": "the user's own page"})
    before = _files(target)
    staging = _tree(tmp_path / "stage2", {"index.html": "2", "2.0/index.html": "two"})
    with pytest.raises(outdir.UserError, match="2.0/index.html is in the way"):
        outdir.replace(staging, target, outdir.claim(ws, target))
    assert _files(target) == before


def test_a_forged_marker_deletes_nothing_outside_the_target(published, tmp_path):
    ws, target = published
    precious = _tree(tmp_path, {"precious.txt": "keep"}) / "precious.txt"
    (target / outdir.MARKER).write_text(json.dumps({"files": ["../precious.txt", str(precious), "index.html"]}))
    assert outdir.claim(ws, target) == ["index.html"]
    outdir.replace(_tree(tmp_path / "stage2", {"a.html": "a"}), target, outdir.claim(ws, target))
    assert precious.read_text() == "keep"


@pytest.mark.parametrize(("where", "message"), [
    (lambda ws, t: ws, "is the workspace or a folder holding it"),
    (lambda ws, t: ws.parent, "is the workspace or a folder holding it"),
    (lambda ws, t: ws / "data" / "site", "inside one of the workspace's own folders"),
    (lambda ws, t: _tree(t.parent, {"other/keep.txt": "x"}) / "other", "holds no earlier publish"),
    (lambda ws, t: _tree(t.parent, {"afile": "x"}) / "afile", "is not a directory"),
])
def test_a_publish_refuses_a_target_it_does_not_own(published, where, message):
    ws, target = published
    with pytest.raises(outdir.UserError, match=message):
        outdir.claim(ws, where(ws, target))


def test_an_unreadable_marker_is_refused(published):
    ws, target = published
    (target / outdir.MARKER).write_text("not json")
    with pytest.raises(outdir.UserError, match="cannot be read"):
        outdir.claim(ws, target)
