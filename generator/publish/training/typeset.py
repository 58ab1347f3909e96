"""Decks and quizzes as typst source. The layout lives in a fixed preamble of typst functions; each slide or question
is one call to them whose arguments are typst literals written by `lit`. Every value from data is a string literal
(only backslash, quote and control characters need escaping there), so it is always printed as text: a risk named
`#set page(...)`, or holding `*`, `_`, `$`, `<` or `@`, prints exactly as written and can never become markup.
No package is imported: the source compiles offline."""
from __future__ import annotations

from dataclasses import dataclass

from generator.publish.training.quiz import Quiz
from generator.publish.training.slides import Bullet, Chip, Deck, Slide

Literal = str | int | bool | None | list | tuple | dict


def lit(value: Literal) -> str:
    """A typst literal for a Python value: str, int, bool, None, list/tuple (an array), dict (a dictionary)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + "".join(_char(c) for c in value) + '"'
    if isinstance(value, list | tuple):
        return "(" + "".join(f"{lit(v)}, " for v in value) + ")"
    if isinstance(value, dict):
        return "(" + ", ".join(f"{lit(str(k))}: {lit(v)}" for k, v in value.items()) + ")" if value else "(:)"
    raise TypeError(f"no typst literal for {type(value).__name__}")


def _char(c: str) -> str:
    if c in '\\"':
        return "\\" + c
    if c == "\n":
        return "\\n"
    if ord(c) < 0x20 or ord(c) == 0x7F:
        return f"\\u{{{ord(c):x}}}"
    return c


@dataclass(frozen=True)
class Style:
    """What every page takes from the organisation: its name, colours, font, logo and the marking of the material."""
    name: str
    primary: str
    accent: str
    font: str
    logo: str | None    # a path from the typst root ("/docs/assets/logo.svg"), or None
    marking: str        # the classification label every footer carries


def ink(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (#RRGGBB): a yellow band takes black text."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#FFFFFF"


COMMON = r"""
#let primary = rgb(style.primary)
#let accent = rgb(style.accent)
#set text(font: (style.font, "Liberation Sans", "DejaVu Sans"), lang: "en", region: "gb")
#set par(justify: false)
#let logo(height) = if style.logo != none { image(style.logo, height: height) }
#let chip(c) = box(fill: rgb(c.colour), inset: (x: 0.35em, y: 0.2em), radius: 3pt,
  text(fill: rgb(c.ink), weight: "bold", c.text))
#let cell(c) = if type(c) == dictionary { chip(c) } else { c }
"""

SLIDES = r"""
#set page(paper: "presentation-16-9", margin: (x: 1.4cm, top: 0.9cm, bottom: 1.3cm), footer-descent: 35%,
  footer: context {
    set text(size: 9pt, fill: luma(80))
    line(length: 100%, stroke: 0.5pt + luma(190))
    v(-5pt)
    grid(columns: (1fr, auto, 1fr), align: (left, center, right),
      [#style.name · #deck-title], text(weight: "bold", fill: primary, style.marking),
      [#counter(page).display() / #counter(page).final().first()])
  })
#set text(size: 18pt)
#set par(leading: 0.5em)

// the largest size at which the body fits its area: a slide with little to say speaks up
#let fit(body) = layout(size => {
  let chosen = 12pt
  for s in (22pt, 20pt, 19pt, 18pt, 17pt, 16pt, 15pt, 14pt, 13pt) {
    if measure(block(width: size.width, { set text(size: s); body })).height <= size.height {
      chosen = s
      break
    }
  }
  set text(size: chosen)
  body
})

#let bullets(items, numbered) = for (i, it) in items.enumerate() {
  let marker = if numbered { text(fill: primary, weight: "bold", str(i + 1) + ".") } else {
    text(fill: accent, size: 0.8em, baseline: -0.1em, "■") }
  block(spacing: 0.75em, grid(columns: (1.3em, 1fr), column-gutter: 0.3em, marker,
    if it.lead != "" { text(weight: "bold", fill: primary, it.lead) + " " + it.text } else { it.text }))
}

#let data-table(t) = table(columns: t.widths.map(w => w * 1fr), stroke: 0.5pt + luma(190), inset: 0.4em,
  fill: (x, y) => if y == 0 { primary } else if calc.even(y) { primary.lighten(92%) },
  table.header(..t.header.map(h => text(fill: white, weight: "bold", h))),
  ..t.rows.flatten().map(cell))

#let slide(s) = {
  pagebreak(weak: true)
  grid(columns: (1fr, auto), column-gutter: 12pt, align: (left + bottom, right + top),
    {
      if s.section != "" { text(size: 11pt, weight: "bold", fill: accent, upper(s.section)); linebreak() }
      text(size: 24pt, weight: "bold", fill: primary, s.title)
    },
    logo(1.1cm))
  v(-4pt)
  line(length: 100%, stroke: 2pt + accent)
  v(4pt)
  block(width: 100%, height: 1fr, fit({
    if s.intro != "" { block(spacing: 0.8em, s.intro) }
    bullets(s.bullets, s.numbered)
    if s.table != none { data-table(s.table) }
    if s.note != "" {
      v(1fr)
      block(width: 100%, fill: accent.lighten(82%), stroke: (left: 3pt + accent), inset: 0.5em, s.note)
    }
  }))
}

#let cover(c) = page(fill: primary, footer: none, {
  set text(fill: white)
  logo(1.8cm)
  v(1fr)
  text(size: 40pt, weight: "bold", c.title)
  v(2pt)
  line(length: 30%, stroke: 3pt + accent)
  text(size: 22pt, c.subtitle)
  v(8pt)
  for l in c.lines { block(spacing: 0.5em, text(size: 15pt, l)) }
  v(1fr)
  text(size: 11pt, weight: "bold", style.marking)
})
"""

QUIZ = r"""
#set page(paper: "a4", margin: (x: 2cm, top: 2.6cm, bottom: 2.2cm),
  header: {
    set text(size: 8.5pt)
    grid(columns: (1fr, auto), align: (left + horizon, right + horizon),
      [#text(weight: "bold", style.name) \ #quiz.title], logo(0.9cm))
    v(-3pt)
    line(length: 100%, stroke: 0.75pt + primary)
  },
  footer: context {
    set text(size: 8pt, fill: luma(80))
    grid(columns: (1fr, auto, 1fr), align: (left, center, right), quiz.title,
      text(weight: "bold", style.marking), [Page #counter(page).display() of #counter(page).final().first()])
  })
#set text(size: 10.5pt)
#show heading: set text(fill: primary)

#heading(level: 1, quiz.title)
#block(quiz.intro)
#grid(columns: (1fr, 1fr), column-gutter: 1cm, [Name: #box(width: 1fr, repeat[.])],
  [Date: #box(width: 1fr, repeat[.])])
#v(6pt)
#for (i, q) in quiz.questions.enumerate() {
  block(breakable: false, above: 1.1em, {
    grid(columns: (1.6em, 1fr), text(weight: "bold", fill: primary, str(i + 1) + "."), text(weight: "bold", q.text))
    v(2pt)
    for (j, o) in q.options.enumerate() {
      block(spacing: 0.45em, grid(columns: (1.6em, 1.6em, 1fr), [], box(width: 0.9em, height: 0.9em,
        stroke: 0.6pt + luma(90), radius: 2pt), "ABCDEF".at(j) + "   " + o))
    }
  })
}

#pagebreak()
#heading(level: 1, "Answer key")
#block(quiz.key-intro)
#table(columns: (2.4em, 1fr, 1fr), stroke: 0.5pt + luma(170), inset: 5pt,
  fill: (x, y) => if y == 0 { primary.lighten(85%) },
  table.header([*No.*], [*Answer*], [*Why: the organisation's own data*]),
  ..quiz.questions.enumerate().map(((i, q)) => (str(i + 1), "ABCDEF".at(q.answer) + "   " + q.options.at(q.answer),
    q.source)).flatten())
"""


def _style(style: Style) -> dict:
    return {"name": style.name, "primary": style.primary, "accent": style.accent, "font": style.font,
            "logo": style.logo, "marking": style.marking}


def _head(style: Style, title: str) -> str:
    return f"#let style = {lit(_style(style))}\n#set document(title: {lit(title)}, author: {lit(style.name)})\n"


def _bullet(b: Bullet) -> dict:
    return {"lead": b.lead, "text": b.text}


def _cell(c: str | Chip) -> str | dict:
    return c if isinstance(c, str) else {"text": c.text, "colour": c.colour, "ink": ink(c.colour)}


def _slide(s: Slide) -> dict:
    table = None if s.table is None else {
        "header": list(s.table.header), "widths": list(s.table.widths),
        "rows": [[_cell(c) for c in row] for row in s.table.rows]}
    return {"title": s.title, "section": s.section, "intro": s.intro, "bullets": [_bullet(b) for b in s.bullets],
            "numbered": s.numbered, "table": table, "note": s.note}


def deck_source(deck: Deck, style: Style) -> str:
    """The typst source of a deck: the cover, then one page per slide."""
    cover = {"title": deck.cover.title, "subtitle": deck.cover.subtitle, "lines": list(deck.cover.lines)}
    calls = "".join(f"#slide({lit(_slide(s))})\n" for s in deck.slides)
    return (_head(style, f"{style.name}: {deck.title}") + f"#let deck-title = {lit(deck.title)}\n" + COMMON + SLIDES
            + f"#cover({lit(cover)})\n" + calls)


def quiz_source(quiz: Quiz, style: Style) -> str:
    """The typst source of a quiz: the questions with tick boxes, then the answer key on a page of its own."""
    data = {"title": quiz.title, "intro": quiz.intro, "key-intro": quiz.key_intro,
            "questions": [{"text": q.text, "options": list(q.options), "answer": q.answer, "source": q.source}
                          for q in quiz.questions]}
    return _head(style, f"{style.name}: {quiz.title}") + f"#let quiz = {lit(data)}\n" + COMMON + QUIZ
