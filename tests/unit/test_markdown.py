"""Markdown helpers: data made inert, and the blank lines lists and tables need."""
from __future__ import annotations

from generator.render.markdown import md_escape, normalise_markdown


def test_md_escape_makes_markdown_inert():
    assert md_escape("a*b*c [x](y) | z_") == r"a\*b\*c \[x\](y) \| z\_"


def test_lists_and_tables_after_a_sentence_get_their_blank_line():
    text = "Sites:\n- A\n- B\nTable:\n| a | b |\n|---|---|\n| 1 | 2 |\n1. step\n   - nested\n"
    assert normalise_markdown(text) == ("Sites:\n\n- A\n- B\nTable:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                                        "1. step\n   - nested\n")
