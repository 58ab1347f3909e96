"""Charts of the records for the dashboard, drawn as standalone SVG like every other figure (no script, no web font,
nothing fetched): an objective's readings against its target, corrective actions by state, audit coverage."""
from __future__ import annotations

import datetime as dt
import math

from generator.model.records import CorrectiveAction, ObjectiveReadings
from generator.render.figures import svg_figure, svg_text

GOOD, BAD, NEUTRAL, OPEN = "#2e7d32", "#c62828", "#1565c0", "#f9a825"
GRID = "#d0d0d0"


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values (steps of 1, 2 or 5 times a power of ten) from `low` to `high`, about `count` of them."""
    raw = (high - low) / max(count - 1, 1) or 1.0
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def objective_trend(series: ObjectiveReadings, title: str) -> str:
    """The readings as a line, the target as a dashed line; each point green where it meets the target."""
    width, height, left, right, top, bottom = 560, 260, 64, 24, 40, 48
    readings = sorted(series.readings, key=lambda r: r.date)
    values = [r.value for r in readings] + [series.target]
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or max(abs(high) * 0.1, 1.0)
    low, high = (0.0 if low >= 0 and low - pad < 0 else low - pad), high + pad
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / len(readings))

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    body = [svg_text(width / 2, 22, title, 13, weight="bold")]
    for tick in _ticks(low, high):
        body.append(f"<line x1='{left}' y1='{y(tick):.1f}' x2='{width - right}' y2='{y(tick):.1f}' "
                    f"stroke='{GRID}' stroke-width='1'/>")
        body.append(svg_text(left - 6, y(tick) + 4, f"{tick:g}", 10, anchor="end"))
    body.append(f"<line x1='{left}' y1='{y(series.target):.1f}' x2='{width - right}' y2='{y(series.target):.1f}' "
                f"stroke='{NEUTRAL}' stroke-width='2' stroke-dasharray='6 4'/>")
    body.append(svg_text(width - right, y(series.target) - 6, f"target {series.target:g}", 10, anchor="end",
                      fill=NEUTRAL))
    points = " ".join(f"{x(i):.1f},{y(r.value):.1f}" for i, r in enumerate(readings))
    body.append(f"<polyline points='{points}' fill='none' stroke='#424242' stroke-width='2'/>")
    for i, r in enumerate(readings):
        colour = GOOD if series.met(r.value) else BAD
        body.append(f"<circle cx='{x(i):.1f}' cy='{y(r.value):.1f}' r='5' fill='{colour}'/>")
        body.append(svg_text(x(i), y(r.value) - 9, f"{r.value:g}", 10))
        body.append(svg_text(x(i), height - bottom + 18, r.date.strftime("%b %Y"), 10))
    body.append(svg_text(width / 2, height - 8, series.unit + (" (higher is better)" if series.better == "higher"
                                                            else " (lower is better)"), 10, fill="#555555"))
    return svg_figure(width, height, body, title)


def action_states(actions: list[CorrectiveAction], today: dt.date, title: str) -> str:
    """One bar per state: closed and verified, completed awaiting verification, open within due date, overdue."""
    counts = {"Closed, verified effective": sum(a.closed for a in actions),
              "Completed, awaiting verification": sum(a.completed is not None and a.verification is None
                                                      for a in actions),
              "Open, within due date": sum(a.completed is None and not a.overdue(today) for a in actions),
              "Overdue": sum(a.overdue(today) for a in actions),
              "Verified not effective": sum(a.verification is not None and not a.verification.effective
                                            for a in actions)}
    colours = [GOOD, NEUTRAL, OPEN, BAD, BAD]
    width, row, left, top = 560, 30, 230, 40
    height = top + row * len(counts) + 16
    most = max(counts.values()) or 1
    body = [svg_text(width / 2, 22, title, 13, weight="bold")]
    for i, ((label, n), colour) in enumerate(zip(counts.items(), colours, strict=True)):
        y = top + i * row
        body.append(svg_text(left - 8, y + 17, label, 11, anchor="end"))
        bar = (width - left - 50) * n / most
        body.append(f"<rect x='{left}' y='{y + 4}' width='{bar:.1f}' height='{row - 10}' fill='{colour}'/>")
        body.append(svg_text(left + bar + 8, y + 17, str(n), 11, anchor="start"))
    return svg_figure(width, height, body, title)


def coverage(rows: list[tuple[str, int, int]], title: str) -> str:
    """Per group (a clause section or a site): the share audited in the cycle, as a filled bar out of its total."""
    width, row, left, top = 560, 26, 170, 40
    height = top + row * len(rows) + 16
    body = [svg_text(width / 2, 22, title, 13, weight="bold")]
    full = width - left - 80
    for i, (label, done, total) in enumerate(rows):
        y = top + i * row
        share = done / total if total else 0.0
        body.append(svg_text(left - 8, y + 15, label, 11, anchor="end"))
        body.append(f"<rect x='{left}' y='{y + 4}' width='{full}' height='{row - 10}' fill='#eeeeee'/>")
        body.append(f"<rect x='{left}' y='{y + 4}' width='{full * share:.1f}' height='{row - 10}' "
                    f"fill='{GOOD if done == total else OPEN}'/>")
        body.append(svg_text(left + full + 8, y + 15, f"{done}/{total}", 11, anchor="start"))
    return svg_figure(width, height, body, title)
