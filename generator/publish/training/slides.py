"""Slides as plain data: what a slide says (title, bullets, a table, a closing note), never how it is laid out.
Readability is decided here, where the text is known: a long value is shortened at a word, and a long list is
split across as many slides as it needs, so that typst never has to squeeze more onto a slide than fits."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

MAX_BULLETS = 6      # a slide is read at a glance: a longer list continues on the next slide
MAX_ROWS = 6
BULLET_CHARS = 230   # one bullet: at most about three lines of a slide
CELL_CHARS = 170
# What fits the body of a 16:9 slide, measured on the decks typst lays out: at 18 pt (a size that reads across a
# room) 95 characters a line across the full width and 15.6 lines. Slides are filled to a little more than that,
# so a full slide sets at about 17 pt (19 pt on a 13.3-inch PowerPoint slide); typst sets one larger where there is
# room, and smaller where an estimate falls short (down to 13 pt).
LINE = 93
LINES = 21.0


def shorten(text: str, limit: int) -> str:
    """`text` on one line, within `limit` characters: whole if it fits, else cut after the last clause (a comma or
    semicolon) or word that fits, with an ellipsis to show there is more."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit - 1]
    clause = max(cut.rfind(", "), cut.rfind("; "))
    if clause > limit * 0.6:
        cut = cut[:clause]
    elif " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:.-(") + "…"


@dataclass(frozen=True)
class Chip:
    """A label on its own colour: a risk rating in its band's colour."""
    text: str
    colour: str   # "#RRGGBB"


Cell = str | Chip


@dataclass(frozen=True)
class Bullet:
    text: str
    lead: str = ""   # a bold lead-in, e.g. "Report at once."


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[int, ...]   # relative column widths


@dataclass(frozen=True)
class Slide:
    title: str
    section: str = ""                   # the part of the session, shown small above the title
    intro: str = ""                     # a sentence above the bullets or the table
    bullets: tuple[Bullet, ...] = ()
    numbered: bool = False              # steps in order rather than points
    table: Table | None = None
    note: str = ""                      # a highlighted line at the foot

    @property
    def height(self) -> float:
        """How many lines of body text the slide takes at 16 pt, as laid out (see LINE, LINES)."""
        lines = _lines(self.intro, LINE) + 0.7 if self.intro else 0.0
        lines += _lines(self.note, LINE - 4) + 1.0 if self.note else 0.0
        lines += sum(_bullet_height(b) for b in self.bullets)
        if self.table:
            lines += 1.6 + sum(_row_height(row, self.table.widths) for row in self.table.rows)
        return lines


def _lines(text: str, width: float) -> int:
    """Lines a text wraps to in a column `width` characters wide (words do not break: a little slack)."""
    return sum(max(1, -(-len(line) * 21 // max(1, int(width * 20)))) for line in text.split("\n"))


def _bullet_height(b: Bullet) -> float:
    return _lines(f"{b.lead} {b.text}".strip(), LINE - 3) + 0.6


def _row_height(row: tuple[Cell, ...], widths: tuple[int, ...]) -> float:
    total = sum(widths)
    return max(_lines(c if isinstance(c, str) else c.text, LINE * w / total - 3)
               for c, w in zip(row, widths, strict=True)) + 0.7


@dataclass(frozen=True)
class Cover:
    title: str
    subtitle: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Deck:
    stem: str          # file name without suffix: awareness-deck
    title: str         # the running title in every footer
    cover: Cover
    slides: tuple[Slide, ...]
    quotes_records: bool = False   # it shows an audit finding or corrective action: marked like the records


def count(n: int, noun: str, plural: str = "") -> str:
    """"1 site", "3 sites", "2 processes"."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def bullet(text: str, lead: str = "", limit: int = BULLET_CHARS) -> Bullet:
    return Bullet(shorten(text, limit), lead)


def cells(*values: Cell, limit: int = CELL_CHARS) -> tuple[Cell, ...]:
    """A table row, each text shortened; a line break written into a cell ("\\n") is kept."""
    return tuple(v if isinstance(v, Chip) else "\n".join(shorten(line, limit) for line in v.split("\n"))
                 for v in values)


def _numbered(slides: list[Slide]) -> list[Slide]:
    """"Title (2 of 3)" on each slide of a list split across several."""
    if len(slides) < 2:
        return slides
    return [replace(s, title=f"{s.title} ({i} of {len(slides)})") for i, s in enumerate(slides, 1)]


def _runs(slide: Slide, items: Sequence, fill, most: int) -> list[Slide]:
    """`slide` filled with consecutive runs of `items` (fill(slide, run) -> slide), each run as long as fits within
    LINES and `most` items; a single item always makes a slide."""
    slides: list[Slide] = []
    run: list = []
    for item in items:
        if run and (len(run) >= most or fill(slide, [*run, item]).height > LINES):
            slides.append(fill(slide, run))
            run = []
        run.append(item)
    slides.append(fill(slide, run))
    return _numbered(_balanced(slide, items, fill, slides))


def _balanced(slide: Slide, items: Sequence, fill, slides: list[Slide]) -> list[Slide]:
    """The same number of slides with the items shared out evenly (7 bullets as 4 and 3, not 6 and 1), where each
    share still fits."""
    count = len(slides)
    if count < 2:
        return slides
    per = -(-len(items) // count)
    even = [fill(slide, list(items[i:i + per])) for i in range(0, len(items), per)]
    return even if len(even) == count and all(s.height <= LINES for s in even) else slides


def bullet_slides(slide: Slide, bullets: Sequence[Bullet], most: int = MAX_BULLETS) -> list[Slide]:
    """`slide` with `bullets`, continued on further slides when they are too many or too long for one."""
    return _runs(slide, bullets, lambda s, run: replace(s, bullets=tuple(run)), most)


def table_slides(slide: Slide, header: tuple[str, ...], rows: Sequence[tuple[Cell, ...]], widths: tuple[int, ...],
                 most: int = MAX_ROWS) -> list[Slide]:
    """`slide` with a table of `rows`, continued (header repeated) on further slides when they do not fit one."""
    return _runs(slide, rows, lambda s, run: replace(s, table=Table(header, tuple(run), widths)), most)
