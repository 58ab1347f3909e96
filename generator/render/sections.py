"""Section overrides: a workspace file that `extends: default` gives some sections, each from a heading to the next
heading of the same or a higher level, and they replace the sections of the default with the same heading. The rest
of the default stays the default, so an upgrade of the library reaches a customised document."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")


@dataclass
class Section:
    heading: str      # the heading line's text, without the #s ("" for the text before the first heading)
    level: int        # number of #s (0 for the text before the first heading)
    text: str         # the whole section: heading line and body, subsections included


def key(heading: str) -> str:
    """Headings match whatever their spacing and case."""
    return " ".join(heading.split()).casefold()


def sections(markdown: str) -> list[Section]:
    """The top-down sections of `markdown` at every level: each runs to the next heading of its level or higher.
    Headings inside fenced code blocks are text."""
    lines = markdown.splitlines(keepends=True)
    starts: list[tuple[int, int, str]] = []   # (line index, level, heading)
    fenced = False
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else HEADING.match(line.rstrip("\n"))
        if match:
            starts.append((i, len(match.group(1)), match.group(2)))
    out = [Section("", 0, "".join(lines[:starts[0][0]] if starts else lines))]
    for n, (i, level, heading) in enumerate(starts):
        end = next((j for j, lvl, _ in starts[n + 1:] if lvl <= level), len(lines))
        out.append(Section(heading, level, "".join(lines[i:end])))
    return out


def splice(base: str, patch: str) -> tuple[str, list[str]]:
    """`base` with each top-level section of `patch` in place of the base section with the same heading (and any
    text before the patch's first heading in place of the base's opening text). Returns the result and the headings
    of the patch that the base does not have."""
    given = sections(patch)
    opening, replacements = given[0], _outermost(given[1:])
    result = base
    missing = []
    by_key = {key(s.heading): s for s in sections(base)[1:]}
    for section in replacements:
        target = by_key.get(key(section.heading))
        if target is None:
            missing.append(section.heading)
            continue
        text = section.text if section.text.endswith("\n") else section.text + "\n"
        result = result.replace(target.text, text, 1)
    if opening.text.strip():
        base_opening = sections(result)[0].text
        result = opening.text + result[len(base_opening):] if base_opening else opening.text + "\n" + result
    return result, missing


def _outermost(found: list[Section]) -> list[Section]:
    """The patch's sections that are not inside another of its sections."""
    out: list[Section] = []
    for section in found:
        if not any(section.text in outer.text and section is not outer for outer in out):
            out.append(section)
    return out


def section_diff(base: str, patch: str, base_label: str, patch_label: str) -> str:
    """How a section override differs from the default it extends: a unified diff per section it replaces, and each
    section the default does not have. Both are template sources (front matter removed)."""
    by_key = {key(s.heading): s for s in sections(base)[1:]}
    given = sections(patch)
    out: list[str] = []
    pairs = ([(sections(base)[0], given[0])] if given[0].text.strip() else []) + \
        [(by_key.get(key(s.heading)), s) for s in _outermost(given[1:])]
    for old, new in pairs:
        where = f" {new.heading}" if new.heading else " (opening text)"
        if old is None:
            out.append(f"+++ {patch_label}:{where}: a section the default does not have\n")
            continue
        out += difflib.unified_diff(old.text.splitlines(keepends=True), new.text.splitlines(keepends=True),
                                    f"{base_label}:{where}", f"{patch_label}:{where}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)
