"""Which characters the fonts on this machine can draw: the PDF output (typst) falls back through every installed
font, so a character none of them has prints as an empty box. Read from the fonts' own character maps (the `cmap`
table of TrueType and OpenType files), without a font library.

Only text beyond Latin, Greek and Cyrillic asks the fonts at all: the fonts smsgen's outputs name (Liberation Sans,
DejaVu Sans) cover those, and most data is written in them."""
from __future__ import annotations

import bisect
import functools
import os
import struct
import unicodedata
from pathlib import Path

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
             "/System/Library/Fonts", "/Library/Fonts", "~/Library/Fonts", "C:/Windows/Fonts")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
SURELY_COVERED = 0x0530   # Latin, Greek, Cyrillic: in every font smsgen names


def uncovered(text: str) -> list[str]:
    """The characters of `text` (each once, in order) that no installed font can draw."""
    missing: dict[str, None] = {}
    for char in text:
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
    """Every installed font's character ranges, merged: (starts, ends), sorted."""
    ranges: list[tuple[int, int]] = []
    for folder in FONT_DIRS:
        root = Path(os.path.expanduser(folder))
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() in FONT_SUFFIXES and path.is_file():
                try:
                    ranges += _font_ranges(path.read_bytes())
                except (OSError, struct.error, ValueError, IndexError):
                    continue   # a font this reader does not understand counts as covering nothing
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(ranges):
        if ends and start <= ends[-1] + 1:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _font_ranges(data: bytes) -> list[tuple[int, int]]:
    """The character ranges of every font in a font file (a collection holds several)."""
    if data[:4] in (b"ttcf", b"otcf"):
        count = struct.unpack_from(">I", data, 8)[0]
        offsets = struct.unpack_from(f">{min(count, 256)}I", data, 12)
        return [r for offset in offsets for r in _cmap_ranges(data, offset)]
    return _cmap_ranges(data, 0)


def _cmap_ranges(data: bytes, font: int) -> list[tuple[int, int]]:
    tables = struct.unpack_from(">H", data, font + 4)[0]
    for i in range(tables):
        tag, _, offset, _ = struct.unpack_from(">4sIII", data, font + 12 + 16 * i)
        if tag == b"cmap":
            return _subtable_ranges(data, offset)
    return []


def _subtable_ranges(data: bytes, cmap: int) -> list[tuple[int, int]]:
    """The ranges of the best Unicode subtable: format 12 (every plane) if there is one, else format 4 (the BMP)."""
    count = struct.unpack_from(">H", data, cmap + 2)[0]
    subtables: dict[int, int] = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        if platform == 0 or (platform == 3 and encoding in (1, 10)):
            fmt = struct.unpack_from(">H", data, cmap + offset)[0]
            subtables.setdefault(fmt, cmap + offset)
    if 12 in subtables:
        at = subtables[12]
        groups = struct.unpack_from(">I", data, at + 12)[0]
        return [struct.unpack_from(">II", data, at + 16 + 12 * g) for g in range(groups)]
    if 4 in subtables:
        at = subtables[4]
        segments = struct.unpack_from(">H", data, at + 6)[0] // 2
        ends = struct.unpack_from(f">{segments}H", data, at + 14)
        starts = struct.unpack_from(f">{segments}H", data, at + 16 + 2 * segments)
        return [(s, e) for s, e in zip(starts, ends, strict=True) if s != 0xFFFF]
    return []
