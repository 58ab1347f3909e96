"""A quiz as Markdown, for the consultant to adapt or print: the questions with lettered options, then the answer
key after a page break. Every value from data passes md_escape, so it reads as the same text wherever the Markdown
is rendered."""
from __future__ import annotations

from generator.publish.training.quiz import Quiz
from generator.render.markdown import md_escape

LETTERS = "ABCDEF"


def quiz_markdown(quiz: Quiz, marking: str) -> str:
    lines = [f"# {md_escape(quiz.title)}", "", f"*{md_escape(marking)}*", "", md_escape(quiz.intro), "",
             "Name: ______________________ Date: ____________", ""]
    for n, q in enumerate(quiz.questions, 1):
        lines += [f"**{n}. {md_escape(q.text)}**", ""]
        lines += [f"- [ ] {LETTERS[i]}. {md_escape(option)}" for i, option in enumerate(q.options)]
        lines.append("")
    lines += ['<div style="page-break-before: always"></div>', "", "## Answer key", "", md_escape(quiz.key_intro), "",
              "| No. | Answer | Why: the organisation's own data |", "|---|---|---|"]
    for n, q in enumerate(quiz.questions, 1):
        lines.append(f"| {n} | {LETTERS[q.answer]}. {md_escape(q.right)} | {md_escape(q.source)} |")
    return "\n".join(lines) + "\n"
