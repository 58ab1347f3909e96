"""Which characters the fonts on this machine can draw: the PDF output (typst) falls back through every installed
font, so a character none of them has prints as an empty box. Read from the fonts' own character maps (the `cmap`
table of TrueType and OpenType files) with fontTools, in base/font_files.py: loaded only when some text asks.

Only text beyond Latin, Greek and Cyrillic asks the fonts at all: the fonts smsgen's outputs name (Liberation Sans,
DejaVu Sans) cover those, and most data is written in them."""
from __future__ import annotations

import bisect
import functools
import os
import unicodedata
from pathlib import Path

from generator.base.late import late

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
             "/System/Library/Fonts", "/Library/Fonts", "~/Library/Fonts", "C:/Windows/Fonts")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
SURELY_COVERED = 0x0530   # Latin, Greek, Cyrillic: in every font smsgen names
SURELY_COVERED_CHAR = chr(SURELY_COVERED)
FONT_POINTS = "generator.base.font_files:font_points"   # fontTools, loaded only when text asks (base/late.py)


def uncovered(text: str) -> list[str]:
    """The characters of `text` (each once, in order) that no installed font can draw."""
    if not text or max(text) < SURELY_COVERED_CHAR:   # nearly all data: no character-by-character walk
        return []
    missing: dict[str, None] = {}
    for char in dict.fromkeys(text):   # each character once, in order: a whole file's text is asked at once
        point = ord(char)
        if point < SURELY_COVERED or char in missing or not _drawn(char):
            continue
        if not _covered(point):
            missing[char] = None
    return list(missing)


def _drawn(char: str) -> bool:
    """Whether a character needs a glyph at all: marks that only select or join (variation selectors, joiners,
    direction marks) and spaces do not."""
    if char.isspace() or unicodedata.category(char) in ("Cf", "Cc", "Zl", "Zp"):
        return False
    point = ord(char)
    return not (0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF)


def _covered(point: int) -> bool:
    starts, ends = _coverage()
    at = bisect.bisect_right(starts, point) - 1
    return at >= 0 and point <= ends[at]


@functools.cache
def _coverage() -> tuple[list[int], list[int]]:
    """Every installed font's characters as merged ranges: (starts, ends), sorted."""
    points: set[int] = set()
    for folder in FONT_DIRS:
        root = Path(os.path.expanduser(folder))
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() in FONT_SUFFIXES and path.is_file():
                points |= late(FONT_POINTS)(path)
    starts: list[int] = []
    ends: list[int] = []
    for point in sorted(points):
        if ends and point == ends[-1] + 1:
            ends[-1] = point
        else:
            starts.append(point)
            ends.append(point)
    return starts, ends
