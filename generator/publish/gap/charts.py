"""The gap report's two pictures, as standalone SVG in the house style (generator.render.figures: no script, no web
font, nothing fetched): where each clause group stands, and the implementation plan on a timeline."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from generator.control.revisions import add_months
from generator.model.gap import STATUS_LABELS
from generator.publish.gap.plan import Plan, Task
from generator.render.figures import svg_figure, svg_text

STATUS_COLOURS = {"in_place": "#2e7d32", "partial": "#f9a825", "absent": "#c62828", "not_applicable": "#9e9e9e",
                  "not_assessed": "#cfd8dc"}
DARK_TEXT = {"partial", "not_assessed"}   # segments light enough for black text
PHASE_COLOURS = {"Start": "#5e35b1", "Documentation": "#1565c0", "Implementation": "#00897b", "Operation": "#6d4c41",
                 "Evaluation": "#ef6c00", "Certification": "#c62828"}
GRID = "#d0d0d0"


@dataclass
class GroupCounts:
    label: str                  # "4 Context of the organization", or "All clauses"
    counts: dict[str, int]      # status -> clauses

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def status_chart(groups: list[GroupCounts], title: str) -> str:
    """One bar per clause group, split by status in proportion to its clauses, the percentage in each part. Drawn
    narrow with large text: printed at two thirds of a page's width it still reads at body size."""
    width, left, right, top, bar_h, gap = 640, 215, 12, 40, 22, 8
    plot = width - left - right
    height = top + len(groups) * (bar_h + gap) + 40
    body = [f"<rect width='{width}' height='{height}' fill='#ffffff'/>", svg_text(width / 2, 24, title, 14,
                                                                                   weight="bold")]
    for i, group in enumerate(groups):
        y = top + i * (bar_h + gap)
        weight = "bold" if i == len(groups) - 1 else "normal"
        body.append(svg_text(left - 8, y + bar_h / 2 + 5, _short(group.label, 32), 12, "end", weight))
        x = float(left)
        for status in STATUS_LABELS:
            n = group.counts.get(status, 0)
            if not n:
                continue
            w = plot * n / group.total
            body.append(f"<rect x='{x:.1f}' y='{y}' width='{w:.1f}' height='{bar_h}' fill='{STATUS_COLOURS[status]}' "
                        "stroke='#ffffff' stroke-width='1'/>")
            if w >= 36:
                body.append(svg_text(x + w / 2, y + bar_h / 2 + 5, f"{round(100 * n / group.total)}%", 12,
                                     fill="#1a1a1a" if status in DARK_TEXT else "#ffffff", weight="bold"))
            x += w
    widths = [30 + 6.5 * len(label) for label in STATUS_LABELS.values()]
    x, y = (width - sum(widths)) / 2, height - 22
    for (status, label), step in zip(STATUS_LABELS.items(), widths):
        body.append(f"<rect x='{x:.0f}' y='{y}' width='14' height='14' fill='{STATUS_COLOURS[status]}'/>")
        body.append(svg_text(x + 19, y + 12, label, 12, "start"))
        x += step
    return svg_figure(width, height, body, title)


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size - 1].rstrip() + "…"


@dataclass
class Lane:
    label: str
    rows: list[list[Task]]   # each row's tasks, drawn side by side (overlapping ones see through each other)


def _lanes(plan: Plan) -> list[Lane]:
    """Start-up; for each clause group its documents (top row) and its practice (bottom row); the SMS manual and the
    documents milestone; records; audit and review; certification. Twenty rows or so whatever the gaps, so the
    chart fits a page."""
    groups: dict[str, Lane] = {}
    start, issued, records, evaluation, certification = (Lane(label, [[]]) for label in (
        "Start-up", "Documentation complete", "Records", "Audit and review", "Certification"))
    for task in plan.tasks:
        if task.group:
            lane = groups.setdefault(task.group, Lane(task.group, [[], []]))
            lane.rows[task.phase == "Implementation"].append(task)
        else:
            {"Start": start, "Documentation": issued, "Operation": records, "Evaluation": evaluation}.get(
                task.phase, certification).rows[0].append(task)
    ordered = [groups[g] for g in sorted(groups, key=int)]
    return [start, *ordered, issued, records, evaluation, certification]


def timeline(plan: Plan, title: str, labels: dict[str, str], targets: dict[str, dt.date | None]) -> str:
    """The plan as a Gantt chart, each task a bar numbered as in the plan's table where it has room, milestones as
    diamonds, target dates as dashed lines. `labels` names the clause groups ("4" -> "4 Context ...")."""
    lanes = [lane for lane in _lanes(plan) if any(lane.rows)]
    first = min(t.start for t in plan.tasks).replace(day=1)
    last = max(max(t.end for t in plan.tasks), *(d for d in targets.values() if d))
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    end = add_months(first, months)
    width, left, right, top, row_h = 980, 250, 16, 56, 17
    plot = width - left - right
    span = (end - first).days

    def x(day: dt.date) -> float:
        return left + plot * (day - first).days / span

    height = top + sum(len(lane.rows) * row_h + 6 for lane in lanes) + 44
    body = [f"<rect width='{width}' height='{height}' fill='#ffffff'/>", svg_text(width / 2, 20, title, 14,
                                                                                   weight="bold")]
    step = 1 if months <= 14 else 2 if months <= 28 else 3
    for m in range(months + 1):
        day = add_months(first, m)
        body.append(f"<line x1='{x(day):.1f}' y1='{top - 6}' x2='{x(day):.1f}' y2='{height - 40}' stroke='{GRID}' "
                    "stroke-width='1'/>")
        if m < months and m % step == 0:
            body.append(svg_text(x(day) + 3, top - 10, day.strftime("%b %Y"), 10, "start", fill="#4a4a4a"))
    y = top
    for i, lane in enumerate(lanes):
        lane_h = len(lane.rows) * row_h + 6
        if i % 2 == 0:
            body.append(f"<rect x='0' y='{y}' width='{width}' height='{lane_h}' fill='#f4f6f8'/>")
        body.append(svg_text(left - 8, y + lane_h / 2 + 4, _short(labels.get(lane.label, lane.label), 40), 11, "end"))
        for r, row in enumerate(lane.rows):
            cy = y + 3 + r * row_h + row_h / 2
            labelled_to, numbers = 0.0, []
            for task in sorted(row, key=lambda t: t.start):
                marks, number, labelled_to = _mark(task, x, cy, row_h, labelled_to)
                body += marks
                numbers += number
            body += numbers   # on top of every bar of the row
        y += lane_h
    for name, wanted in targets.items():
        if wanted is not None:
            body.append(f"<line x1='{x(wanted):.1f}' y1='{top - 6}' x2='{x(wanted):.1f}' y2='{height - 40}' "
                        "stroke='#b71c1c' stroke-width='1.5' stroke-dasharray='5 3'/>")
            body.append(svg_text(x(wanted), height - 28, f"{name} target {wanted}", 10, fill="#b71c1c"))
    legend_x = float(left)
    for phase, colour in PHASE_COLOURS.items():
        body.append(f"<rect x='{legend_x:.0f}' y='{height - 15}' width='12' height='10' fill='{colour}'/>")
        body.append(svg_text(legend_x + 16, height - 6, phase, 10, "start"))
        legend_x += 30 + 6 * len(phase)
    body.append(f"<path d='M{legend_x + 6:.0f} {height - 15} l5 5 l-5 5 l-5 -5 Z' fill='#1a1a1a'/>")
    body.append(svg_text(legend_x + 16, height - 6, "milestone", 10, "start"))
    return svg_figure(width, height, body, title)


def _mark(task: Task, x: Callable[[dt.date], float], cy: float, row_h: int,
          labelled_to: float) -> tuple[list[str], list[str], float]:
    """A task's bar (or a milestone's diamond), and its number where there is room and it overlaps no number before
    it; returns how far right the row's numbers now reach."""
    colour = PHASE_COLOURS.get(task.phase, "#455a64")
    tip = f"<title>{task.number} {escape(task.name)} ({task.start} to {task.end})</title>"
    if task.days == 0 and not task.months:
        cx, r = x(task.start), row_h / 2 - 1
        return [f"<path d='M{cx:.1f} {cy - r:.1f} l{r:.1f} {r:.1f} l{-r:.1f} {r:.1f} l{-r:.1f} {-r:.1f} Z' "
                f"fill='#1a1a1a'>{tip}</path>"], [], labelled_to
    x0, x1 = x(task.start), x(task.end + dt.timedelta(days=1))
    shapes = [f"<rect x='{x0:.1f}' y='{cy - row_h / 2 + 2:.1f}' width='{max(x1 - x0, 2):.1f}' height='{row_h - 4}' "
              f"rx='2' fill='{colour}' fill-opacity='0.8' stroke='#ffffff' stroke-width='0.5'>{tip}</rect>"]
    if task.milestone:
        shapes.append(f"<path d='M{x0:.1f} {cy - 6:.1f} l5 6 l-5 6 l-5 -6 Z' fill='#1a1a1a'/>")
    text_w = 6 * len(str(task.number)) + 4
    centre = (x0 + x1) / 2
    if x1 - x0 >= text_w and centre - text_w / 2 >= labelled_to:
        return shapes, [svg_text(centre, cy + 3.5, str(task.number), 9, fill="#ffffff", weight="bold")], \
            centre + text_w / 2 + 2
    return shapes, [], labelled_to
