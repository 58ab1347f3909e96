"""YAML reading that remembers where every value came from and refuses duplicate keys.

PyYAML silently keeps the last of two equal keys and forgets line numbers once data is constructed; we walk the
composed node tree ourselves so every later error can point at file:line:col.
"""
from __future__ import annotations

import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.base.findings import Finding, Severity
from generator.model.data_memo import MISSING, DataMemo

PathKey = tuple  # ("roles", 3, "reports_to")
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # libyaml's loader is ten times faster
# and its dumper five times (a page's front matter is written by it: 1000 pages took 0.8 s in pure Python)
FastDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class FastLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """libyaml's safe loader, leaving dates as text: YAML would turn 2027-09-31 into a ValueError with no position;
    as text, the model reports it at its file:line like any other bad value."""


FastLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()}


@dataclass
class Source:
    """One parsed YAML file: its data, its text and the position of every key and value in it (None: not yet
    known, for data from the memo; found from the text when a finding first asks)."""
    path: str
    data: object = None
    positions: dict[PathKey, tuple[int, int]] | None = field(default_factory=dict)
    text: str = ""

    def where(self, loc: PathKey) -> tuple[int, int]:
        """Line and column of the deepest known node on the path `loc` (1-based)."""
        if self.positions is None:
            self.positions = parse(self.text, self.path)[0].positions or {}
        loc = tuple(loc)
        while loc not in self.positions and loc:
            loc = loc[:-1]
        return self.positions.get(loc, (1, 1))

    def finding(self, loc: PathKey, message: str, code: str, hint: str = "",
                severity: Severity = Severity.error) -> Finding:
        line, col = self.where(loc)
        return Finding(code, severity, message, self.path, line, col, dotted(loc), hint)


def dotted(loc: PathKey) -> str:
    """('roles', 3, 'reports_to') -> 'roles[3].reports_to'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# Bounds on what one file may expand to. Aliases are counted at every use, so a "billion laughs" file (aliases of
# aliases) stops at MAX_VALUES instead of taking minutes and gigabytes; a recursive alias or very deep nesting stops
# with a message instead of a RecursionError.
MAX_BYTES = 16 * 2**20
MAX_VALUES = 250_000
MAX_DEPTH = 64


ALIASES_HINT = "YAML aliases (*name) that repeat or contain each other: write the values out"


class _Unbounded(Exception):
    """A file that cannot be read as plain data (unbounded, or asking for a type data never has), at a node."""

    def __init__(self, message: str, node: yaml.Node, hint: str = ALIASES_HINT, code: str = "yaml.unbounded"):
        super().__init__(message)
        self.node, self.hint, self.code = node, hint, code


def read(path: Path, display: str, memo: DataMemo | None = None) -> tuple[Source, list[Finding]]:
    """Parse one YAML file. Returns the source (data None when unreadable) and the problems found. With a `memo`,
    a file as it was when last parsed without a problem is not parsed again."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # a directory, or a pipe or device that would block the read forever or never end
            return Source(display), [Finding("yaml.unreadable", Severity.fatal, "not a regular file", display,
                                             hint="a data file is a plain text file")]
        if info.st_size > MAX_BYTES:
            return Source(display), [Finding("yaml.too-large", Severity.fatal, f"file is larger than "
                                             f"{MAX_BYTES // 2**20} MB", display, hint="split it, or remove "
                                             "what does not belong in organisation data")]
        raw = path.read_bytes()
    except OSError as exc:
        return Source(display), [Finding("yaml.unreadable", Severity.fatal,
                                         f"cannot read file: {exc.strerror or exc}", display)]
    try:
        text = raw.decode("utf-8-sig")   # a byte-order mark, as some Windows editors write, is no content
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return Source(display), [Finding("yaml.encoding", Severity.fatal, f"not UTF-8 text: byte "
                                         f"0x{raw[exc.start]:02x} cannot be decoded", display, line, col,
                                         hint="save the file as UTF-8 (without a byte-order mark is best)")]
    key = memo.key(raw) if memo is not None else ""
    if memo is not None and (data := memo.get(key)) is not MISSING:
        return Source(display, data, None, text), []
    source, problems = parse(text, display)
    source.text = text
    if memo is not None and not problems:
        memo.put(key, source.data)
    return source, problems


def parse(text: str, display: str, first_line: int = 1) -> tuple[Source, list[Finding]]:
    """Parse YAML text; `first_line` is the file line the text starts on (front matter starts on line 2)."""
    positions: dict[PathKey, tuple[int, int]] = {}
    source = Source(display, positions=positions)
    # leading blank lines make marks count file lines; libyaml's loader is ten times faster than pure Python
    text = "\n" * (first_line - 1) + text
    loader = FastLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return source, [Finding("yaml.empty", Severity.fatal, "file is empty", display, 1, 1)]
        problems = _walk(node, (), source, positions, [0], frozenset())
        source.data = loader.construct_document(node)
    except _Unbounded as exc:
        mark = exc.node.start_mark
        return source, [Finding(exc.code, Severity.fatal, str(exc), display, mark.line + 1, mark.column + 1,
                                hint=exc.hint)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p)
        return source, [Finding("yaml.syntax", Severity.fatal, f"YAML syntax error: {message}", display,
                                mark.line + 1 if mark else 0, mark.column + 1 if mark else 0,
                                hint="check indentation, and quote values containing ': ' or starting with "
                                     "'{', '[', '*' or '&'")]
    except yaml.reader.ReaderError as exc:   # a character YAML does not allow anywhere (NUL, most controls)
        # libyaml counts bytes of the UTF-8 text, PyYAML's own reader characters
        at = len(text.encode("utf-8")[:exc.position].decode("utf-8", "ignore")) \
            if _BaseLoader is not yaml.SafeLoader else min(exc.position, len(text))
        line, col = text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return source, [Finding("yaml.character", Severity.fatal, f"character U+{ord(char):04X} is not allowed in "
                                "YAML", display, line, col, hint="data is plain text: remove the character")]
    except yaml.YAMLError as exc:
        return source, [Finding("yaml.syntax", Severity.fatal, f"YAML error: {exc}", display)]
    finally:
        loader.dispose()
    return source, problems


def _walk(node: yaml.Node, loc: PathKey, source: Source, positions: dict[PathKey, tuple[int, int]], count: list[int],
          above: frozenset[int]) -> list[Finding]:
    """Record positions and find duplicate keys, counting values (`count`) and the nodes above this one (`above`)."""
    count[0] += 1
    if count[0] > MAX_VALUES:
        raise _Unbounded(f"the file expands to more than {MAX_VALUES} values", node)
    if len(loc) > MAX_DEPTH:
        raise _Unbounded(f"values are nested more than {MAX_DEPTH} levels deep", node,
                         "organisation data is a few levels deep: look for unbalanced brackets")
    if id(node) in above:
        raise _Unbounded("an alias contains itself", node)
    above = above | {id(node)}
    positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    problems: list[Finding] = []
    _plain(node)
    if isinstance(node, yaml.MappingNode):
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            _plain(key_node)
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(Finding("yaml.duplicate-key", Severity.fatal,
                                        f"duplicate key '{key}' (first defined on line {seen[key]})",
                                        source.path, line, key_node.start_mark.column + 1, dotted(loc + (key,)),
                                        "remove or rename one of them: YAML would silently keep only the last"))
                continue
            seen[key] = line
            problems += _walk(value_node, loc + (key,), source, positions, count, above)
            # a key's own position is more useful than its value's for "unknown field" messages
            positions[loc + (key,)] = (line, key_node.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += _walk(item, loc + (index,), source, positions, count, above)
    return problems


# What YAML may say of a value: text, numbers, yes/no, nothing, lists and mappings. A tag asking for anything else
# (!!timestamp, !!binary, !!set, !!python/..., !custom) is refused before construction, with its position: a
# timestamp would bypass the model's date check, a python tag is an attack.
PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map",
                                                                "merge"))


def _plain(node: yaml.Node) -> None:
    if node.tag not in PLAIN_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise _Unbounded(f"YAML tag '{tag}' is not allowed here", node,
                         "data is plain text, numbers, lists and mappings: remove the tag (quote a date, e.g. "
                         "'2025-01-31')", "yaml.tag")


# Characters that are never text: control characters (a terminal obeys them when a message or `smsgen status` prints
# the value) and the bidirectional overrides and isolates that make text display in another order than it is stored
# (CVE-2021-42574). Right-to-left scripts, joiners and marks are text and stay.
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def texts(value: object, loc: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    """Every text in parsed YAML (keys included), with the path of the value it belongs to."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts(key, loc + (key,))
            yield from texts(item, loc + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from texts(item, loc + (index,))


def escapes_nothing(source: Source, text_holds: Callable[[str], bool]) -> bool:
    """Whether no text value of `source` can hold what `text_holds` finds, because the file's text does not and the
    file has no escape (a backslash) that could write it: a whole file asked at once, not its 100,000 values."""
    return bool(source.text) and "\\" not in source.text and not text_holds(source.text)


def unprintable(source: Source) -> list[Finding]:
    """A finding for every text value of a data file holding a character that is not text."""
    if escapes_nothing(source, lambda text: UNPRINTABLE.search(text) is not None):
        return []
    found: list[Finding] = []
    for loc, text in texts(source.data):
        hit = UNPRINTABLE.search(text)
        if hit:
            found.append(source.finding(loc, f"character U+{ord(hit.group(0)):04X} is not text", "data.character",
                                        "remove it: it can hide or reorder what readers see", Severity.fatal))
    return found
