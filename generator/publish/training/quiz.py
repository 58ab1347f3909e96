"""A multiple-choice quiz as plain data, and how its options are drawn: the right answer among wrong ones taken
from the organisation's own data (other roles, other sites, other bands), never equal to the answer or to each
other. The draw and the order of the options are seeded from the organisation's name and the question, so a build
is reproducible while the right answer does not always sit in the same place."""
from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass

MIN_DISTRACTORS = 2   # three options at least: a question with one wrong answer is a coin toss
MAX_DISTRACTORS = 3
MAX_QUESTIONS = 12
MIN_QUESTIONS = 8


@dataclass(frozen=True)
class Question:
    key: str                   # stable name of the question, e.g. "incident-lead"
    text: str
    options: tuple[str, ...]
    answer: int                # index of the right option
    source: str                # why that is the answer, from which data: the answer key prints it

    @property
    def right(self) -> str:
        return self.options[self.answer]


@dataclass(frozen=True)
class Quiz:
    stem: str                  # file name without suffix: awareness-quiz
    title: str
    intro: str
    key_intro: str
    questions: tuple[Question, ...]


def same(a: str, b: str) -> bool:
    """Two options that would read as the same answer: equal but for case and spacing."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _rng(seed: str, key: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}\0{key}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def ask(seed: str, key: str, text: str, answer: str, pool: Iterable[str], source: str) -> Question | None:
    """A question whose wrong options are drawn from `pool`, or None when the data offers too few of them."""
    wrong: list[str] = []
    for candidate in pool:
        if candidate and not same(candidate, answer) and not any(same(candidate, w) for w in wrong):
            wrong.append(candidate)
    if len(wrong) < MIN_DISTRACTORS:
        return None
    rng = _rng(seed, key)
    options = [*rng.sample(wrong, min(MAX_DISTRACTORS, len(wrong))), answer]
    rng.shuffle(options)
    return Question(key, text, tuple(options), options.index(answer), source)


def quiz(stem: str, title: str, intro: str, key_intro: str, candidates: Iterable[Question | None]) -> Quiz:
    """The first MAX_QUESTIONS questions the data could ask, in the order given."""
    asked = tuple(q for q in candidates if q is not None)[:MAX_QUESTIONS]
    return Quiz(stem, title, intro, key_intro, asked)
