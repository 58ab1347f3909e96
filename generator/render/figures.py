"""Pictures drawn from the data as standalone SVG: no scripts, no fonts to fetch, readable by browsers, Word and
typst."""
from __future__ import annotations

import textwrap
from xml.sax.saxutils import escape

from generator.model.datafiles import Risk, Role
from generator.model.organisation import Organisation

FONT = "font-family='Liberation Sans, Arial, Helvetica, sans-serif'"


def _attr(value: str) -> str:
    """Text for an attribute value: quotes too, or a name with a ' would end the attribute and start another
    (an onload= that runs when the SVG is opened on its own)."""
    return escape(value, {"'": "&apos;", '"': "&quot;"})


def svg_figure(width: int, height: int, body: list[str], title: str) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
            f"viewBox='0 0 {width} {height}' role='img' aria-label='{_attr(title)}'>\n"
            f"<title>{escape(title)}</title>\n" + "\n".join(body) + "\n</svg>\n")


def svg_text(x: float, y: float, text: str, size: int = 12, anchor: str = "middle", weight: str = "normal",
          fill: str = "#1a1a1a") -> str:
    return (f"<text x='{x:.0f}' y='{y:.0f}' {FONT} font-size='{size}' font-weight='{weight}' fill='{fill}' "
            f"text-anchor='{anchor}'>{escape(text)}</text>")


def risk_heatmap(org: Organisation, risks: list[Risk], residual: bool, title: str) -> str:
    """Likelihood (rows, high at top) x impact (columns), each cell in its band's colour with the risk IDs in it."""
    crit = org.criteria
    n_l, n_i = len(crit.likelihood), len(crit.impact)
    cell_w, cell_h, left, top = 118, 64, 150, 40
    width = left + n_i * cell_w + 20
    # legend entries flow left to right and wrap, so long band names or many bands never run off the picture
    legend, x, row = [], left, 0
    for band in crit.bands:
        label = f"{band.name} ({band.min_score}-{band.max_score})"
        item_w = 20 + int(6.5 * len(label)) + 18
        if x > left and x + item_w > width - 10:
            x, row = left, row + 1
        legend.append((x, row, band.colour, label))
        x += item_w
    height = top + n_l * cell_h + 80 + 20 * row
    body = [f"<rect width='{width}' height='{height}' fill='#ffffff'/>",
            svg_text(left + n_i * cell_w / 2, 24, title, 14, weight="bold")]
    cells: dict[tuple[int, int], list[str]] = {}
    for risk in risks:
        rated = risk.residual if residual else risk
        cells.setdefault((rated.likelihood, rated.impact), []).append(risk.id)
    for li, level in enumerate(crit.likelihood):
        y = top + (n_l - 1 - li) * cell_h
        body.append(svg_text(left - 8, y + cell_h / 2 + 4, f"{level.level} {level.name}", 11, "end"))
        for ii in range(n_i):
            x = left + ii * cell_w
            band = crit.band(level.level * (ii + 1))
            body.append(f"<rect x='{x}' y='{y}' width='{cell_w}' height='{cell_h}' fill='{band.colour}' "
                        f"fill-opacity='0.85' stroke='#ffffff' stroke-width='2'/>")
            ids = cells.get((level.level, ii + 1), [])
            for row, chunk in enumerate(textwrap.wrap(" ".join(ids), 16)[:3]):
                body.append(svg_text(x + cell_w / 2, y + 22 + row * 15, chunk, 11, weight="bold"))
            if not ids:
                body.append(svg_text(x + cell_w / 2, y + cell_h / 2 + 4, str(level.level * (ii + 1)), 10,
                                  fill="#ffffff"))
    for ii, level in enumerate(crit.impact):
        body.append(svg_text(left + ii * cell_w + cell_w / 2, top + n_l * cell_h + 18, f"{level.level} {level.name}",
                             11))
    body.append(svg_text(left + n_i * cell_w / 2, top + n_l * cell_h + 40, "Impact", 12, weight="bold"))
    body.append(f"<text x='20' y='{top + n_l * cell_h / 2:.0f}' {FONT} font-size='12' font-weight='bold' "
                f"transform='rotate(-90 20 {top + n_l * cell_h / 2:.0f})' text-anchor='middle'>Likelihood</text>")
    for x, row, colour, label in legend:
        y = top + n_l * cell_h + 56 + 20 * row
        body.append(f"<rect x='{x}' y='{y}' width='14' height='14' fill='{colour}'/>")
        body.append(svg_text(x + 20, y + 12, label, 11, "start"))
    return svg_figure(width, height, body, title)


# the site's content column and a printed A4 page both show about 700 px: a chart up to this width is drawn at
# (or near) its own size, so its text keeps the size given here
MAX_WIDTH = 760


def org_chart(org: Organisation) -> str:
    """Roles by reports_to: a top-down tree when it fits MAX_WIDTH, otherwise an indented outline (each role on its
    own row, below and to the right of the role it reports to), which stays narrow for any number of roles, so no
    browser or PDF has to shrink the text of a 3000 px chart into a 700 px column."""
    chart = _tree_chart(org)
    return chart if chart is not None else _outline_chart(org)


def _holder(role: Role) -> str:
    names = [p.name for p in role.holders]
    return names[0] + (f" +{len(names) - 1}" if len(names) > 1 else "") if names else "vacant"


def _roots(org: Organisation) -> list[Role]:
    return [r for r in org.roles if r.reports_to is None or r.reports_to not in org.role]


def _tree_chart(org: Organisation) -> str | None:
    """A top-down tree: leaves placed left to right, each parent centred over its children; None if too wide."""
    box_w, box_h, gap_x, gap_y = 196, 64, 16, 46
    children = {r.key: org.reports(r.key) for r in org.roles}
    pos: dict[str, tuple[float, int]] = {}
    next_x = [0.0]

    def place(role: Role, depth: int, seen: frozenset[str]) -> float:
        kids = [c for c in children[role.key] if c.key not in seen]
        if kids:
            xs = [place(k, depth + 1, seen | {role.key}) for k in kids]
            x = (xs[0] + xs[-1]) / 2
        else:
            x = next_x[0]
            next_x[0] += box_w + gap_x
        pos[role.key] = (x, depth)
        return x

    for root in _roots(org):
        place(root, 0, frozenset())
    if not pos:
        return None
    width = int(next_x[0] - gap_x + 40)
    if width > MAX_WIDTH:
        return None
    depth = max(d for _, d in pos.values()) + 1
    height = int(depth * (box_h + gap_y) - gap_y + 40)
    body = [f"<rect width='{width}' height='{height}' fill='#ffffff'/>"]
    colour = org.org.branding.primary_colour
    for role in org.roles:
        if role.key not in pos:
            continue
        x, d = pos[role.key]
        for kid in children[role.key]:
            if kid.key in pos:
                kx, kd = pos[kid.key]
                y1, y2 = 20 + d * (box_h + gap_y) + box_h, 20 + kd * (box_h + gap_y)
                mid = (y1 + y2) / 2
                body.append(f"<path d='M{20 + x + box_w / 2:.0f} {y1:.0f} V{mid:.0f} H{20 + kx + box_w / 2:.0f} "
                            f"V{y2:.0f}' fill='none' stroke='#8a8a8a' stroke-width='1.5'/>")
    for role in org.roles:
        if role.key not in pos:
            continue
        x, d = pos[role.key]
        bx, by = 20 + x, 20 + d * (box_h + gap_y)
        body.append(f"<rect x='{bx:.0f}' y='{by:.0f}' width='{box_w}' height='{box_h}' rx='6' fill='#ffffff' "
                    f"stroke='{colour}' stroke-width='2'/>")
        for i, line in enumerate(textwrap.wrap(role.title, 24)[:2]):
            body.append(svg_text(bx + box_w / 2, by + 19 + i * 15, line, 13, weight="bold"))
        body.append(svg_text(bx + box_w / 2, by + box_h - 9, _holder(role), 12, fill="#4a4a4a"))
    return svg_figure(width, height, body, f"{org.org.name} organisation chart")


def _outline_chart(org: Organisation) -> str:
    """An indented outline: one row per role, in reporting order, indented by depth, with connector lines."""
    row_h, box_h, indent, box_w = 46, 38, 28, 420
    children = {r.key: org.reports(r.key) for r in org.roles}
    rows: list[tuple[Role, int]] = []

    def walk(role: Role, depth: int, seen: frozenset[str]) -> None:
        rows.append((role, depth))
        for kid in children[role.key]:
            if kid.key not in seen:
                walk(kid, depth + 1, seen | {role.key})

    for root in _roots(org):
        walk(root, 0, frozenset())
    max_depth = max((d for _, d in rows), default=0)
    width = 40 + max_depth * indent + box_w
    height = 40 + len(rows) * row_h - (row_h - box_h)
    body = [f"<rect width='{width}' height='{height}' fill='#ffffff'/>"]
    colour = org.org.branding.primary_colour
    parent_row: dict[int, int] = {}  # depth -> row index of the latest role at that depth
    for n, (role, depth) in enumerate(rows):
        bx, by = 20 + depth * indent, 20 + n * row_h
        if depth and depth - 1 in parent_row:
            px = 20 + (depth - 1) * indent + 12
            py = 20 + parent_row[depth - 1] * row_h + box_h
            body.append(f"<path d='M{px} {py} V{by + box_h / 2:.0f} H{bx}' fill='none' stroke='#8a8a8a' "
                        f"stroke-width='1.5'/>")
        parent_row[depth] = n
        title = textwrap.shorten(role.title, 54, placeholder="...")
        body.append(f"<rect x='{bx}' y='{by}' width='{box_w}' height='{box_h}' rx='6' fill='#ffffff' "
                    f"stroke='{colour}' stroke-width='2'/>")
        body.append(svg_text(bx + 10, by + 17, title, 13, "start", weight="bold"))
        body.append(svg_text(bx + 10, by + 32, _holder(role), 12, "start", fill="#4a4a4a"))
    return svg_figure(width, height, body, f"{org.org.name} organisation chart")
