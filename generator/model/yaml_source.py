"""YAML reading that remembers where every value came from and refuses duplicate keys.

PyYAML silently keeps the last of two equal keys and forgets line numbers once data is constructed; we walk the
composed node tree ourselves so every later error can point at file:line:col.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.base.findings import Finding, Severity

PathKey = tuple  # ("roles", 3, "reports_to")
FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Source:
    """One parsed YAML file: its data and the position of every key and value in it."""
    path: str
    data: object = None
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: PathKey) -> tuple[int, int]:
        """Line and column of the deepest known node on the path `loc` (1-based)."""
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


def read(path: Path, display: str) -> tuple[Source, list[Finding]]:
    """Parse one YAML file. Returns the source (data None when unreadable) and the problems found."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Source(display), [Finding("yaml.unreadable", Severity.fatal, f"cannot read file: {exc}", display)]
    return parse(text, display)


def parse(text: str, display: str, first_line: int = 1) -> tuple[Source, list[Finding]]:
    """Parse YAML text; `first_line` is the file line the text starts on (front matter starts on line 2)."""
    source = Source(display)
    # leading blank lines make marks count file lines; libyaml's loader is ten times faster than pure Python
    loader = FastLoader("\n" * (first_line - 1) + text)
    try:
        node = loader.get_single_node()
        if node is None:
            return source, [Finding("yaml.empty", Severity.fatal, "file is empty", display, 1, 1)]
        problems = _walk(node, (), source)
        source.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p)
        return source, [Finding("yaml.syntax", Severity.fatal, f"YAML syntax error: {message}", display,
                                mark.line + 1 if mark else 0, mark.column + 1 if mark else 0,
                                hint="check indentation, and quote values containing ': ' or starting with '{', '[', '*' or '&'")]
    except yaml.YAMLError as exc:
        return source, [Finding("yaml.syntax", Severity.fatal, f"YAML error: {exc}", display)]
    finally:
        loader.dispose()
    return source, problems


def _walk(node: yaml.Node, loc: PathKey, source: Source) -> list[Finding]:
    source.positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    problems: list[Finding] = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(Finding("yaml.duplicate-key", Severity.fatal,
                                        f"duplicate key '{key}' (first defined on line {seen[key]})",
                                        source.path, line, key_node.start_mark.column + 1, dotted(loc + (key,)),
                                        "remove or rename one of them: YAML would silently keep only the last"))
                continue
            seen[key] = line
            problems += _walk(value_node, loc + (key,), source)
            # a key's own position is more useful than its value's for "unknown field" messages
            source.positions[loc + (key,)] = (line, key_node.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += _walk(item, loc + (index,), source)
    return problems
