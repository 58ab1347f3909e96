"""The characters a font file draws, read from its character map (the `cmap` table of TrueType and OpenType files)
with fontTools: loaded only when some text is beyond the scripts every font smsgen names covers (base/fonts.py)."""
from __future__ import annotations

from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont, TTLibError


def font_points(path: Path) -> set[int]:
    """The characters of every font in a font file (a collection holds several), from fontTools' best cmap."""
    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            fonts = TTCollection(str(path), lazy=True).fonts
        else:
            fonts = [TTFont(str(path), lazy=True)]
        return {point for font in fonts for point in (font.getBestCmap() or {})}
    except (OSError, TTLibError, AssertionError, KeyError, ValueError):
        return set()   # a font fontTools cannot read counts as covering nothing
