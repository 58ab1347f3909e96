"""The render memo (generator.render.memo) gives the set a whole rendering gives, after any change to the data: the
same bodies, links, figures, findings and tasks in the same order, for organisations of every shape, and it renders
again only what the change reaches. The changes are drawn at random (seeded) from what consultants do to data files:
reword a sentence, reorder a list, rescore a risk, flip a yes/no; each is followed by a rendering with the memo and
one without, which must agree."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from generator.checks.assess import assess
from generator.render import render
from generator.render.memo import RenderMemo

from ..conftest import BROKER, MINI, PHARMA, PORT, REPO, copy_workspace, edit


def outcome_of(ws, monkeypatch, memo: bool):
    """The set rendered with or without the memo, what was found, and how many documents were rendered."""
    monkeypatch.setattr(render, "_MEMO_IN_USE", memo)
    outcome = assess(ws)
    findings = [str(f) for f in outcome.findings]
    if outcome.result is None:
        return None, findings, 0
    return ([(d.id, d.body, sorted(d.references), sorted(d.figures)) for d in outcome.documents],
            {role: [(t.document.id, str(t.text)) for t in tasks] for role, tasks in outcome.result.tasks.items()},
            list(outcome.result.figures.items())), findings, outcome.result.rendered


def _leaves(value, path=()):
    """Every (path, value) below `value` that is text, a number or yes/no."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    else:
        yield path, value


def _lists(value, path=()):
    """Every list of two or more mappings below `value`."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _lists(item, (*path, key))
    elif isinstance(value, list):
        if len(value) > 1 and all(isinstance(item, dict) for item in value):
            yield path, value
        for i, item in enumerate(value):
            yield from _lists(item, (*path, i))


def _set(data, path, value):
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _texts(value, path=()):
    """Every list of texts below `value`."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        if value and all(isinstance(item, str) for item in value):
            yield path, value
        for i, item in enumerate(value):
            yield from _texts(item, (*path, i))


def mutate(data_dir: Path, rng: random.Random) -> tuple[str, Path, str]:
    """One change a consultant makes, to one data file: what it was, the file, and its text before."""
    files = sorted(p for p in data_dir.rglob("*.yml") if p.is_file())
    file = rng.choice(files)
    text = file.read_text(encoding="utf-8")
    head = text.splitlines()[0] + "\n" if text.startswith("#") else ""
    data = yaml.safe_load(text)
    leaves = list(_leaves(data))
    prose = [(p, v) for p, v in leaves if isinstance(v, str) and " " in v]
    scores = [(p, v) for p, v in leaves if isinstance(v, int) and not isinstance(v, bool) and p and
              p[-1] in ("likelihood", "impact", "consequence")]
    flags = [(p, v) for p, v in leaves if isinstance(v, bool)]
    lists = list(_lists(data))
    texts = list(_texts(data))
    choices = [what for what, found in (("reword", prose), ("rescore", scores), ("flip", flags), ("reorder", lists),
                                        ("add", texts), ("drop", [t for t in texts if len(t[1]) > 1])) if found]
    if not choices:
        return f"{file.name}: nothing to change", file, text
    what = rng.choice(choices)
    if what == "reword":
        path, value = rng.choice(prose)
        _set(data, path, value.replace(" ", " newly ", 1))
    elif what == "rescore":
        path, value = rng.choice(scores)
        _set(data, path, 1 + value % 5 if value < 5 else value - 1)
    elif what == "flip":
        path, value = rng.choice(flags)
        _set(data, path, not value)
    elif what == "reorder":
        path, items = rng.choice(lists)
        i = rng.randrange(len(items) - 1)
        items[i], items[i + 1] = items[i + 1], items[i]
    elif what == "add":
        path, items = rng.choice(texts)
        items.insert(rng.randrange(len(items) + 1), "One more line, newly written")
    else:
        path, items = rng.choice([t for t in texts if len(t[1]) > 1])
        del items[rng.randrange(len(items))]
    file.write_text(head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return f"{file.relative_to(data_dir)}: {what} {'/'.join(map(str, path))}", file, text


@pytest.mark.parametrize("data,seed", [(REPO / "data", 1), (MINI, 2), (PHARMA, 3), (BROKER, 4), (PORT, 5)],
                         ids=["reference", "mini", "pharma", "broker", "port"])
def test_the_memo_renders_what_a_whole_rendering_renders_after_any_change(tmp_path, monkeypatch, data, seed):
    ws = copy_workspace(tmp_path / "ws", data)
    ws.cache_dir.mkdir(parents=True)   # a built workspace keeps caches
    first, _, rendered = outcome_of(ws, monkeypatch, memo=True)
    assert first is not None and rendered == len(first[0])
    again, _, rendered = outcome_of(ws, monkeypatch, memo=True)
    assert again == first and rendered == 0, "nothing changed: every document is taken from the memo"
    rng = random.Random(seed)
    partial = 0
    for _ in range(12):
        change, file, before = mutate(ws.data_dir, rng)
        kept, kept_findings, rendered = outcome_of(ws, monkeypatch, memo=True)
        whole, whole_findings, _ = outcome_of(ws, monkeypatch, memo=False)
        assert kept == whole and kept_findings == whole_findings, change
        if kept is None:   # a change the data cannot take (a code reworded): undone, so the next one is to a set
            file.write_text(before, encoding="utf-8")
        else:
            partial += rendered < len(kept[0])
    assert partial >= 6, "most changes reach a few documents: those alone are rendered"


def test_a_second_rendering_while_the_memo_is_held_renders_everything_and_keeps_nothing(mini, monkeypatch):
    """`serve` rebuilding while a build runs on the same workspace: one of them has the memo, the other renders
    everything, and neither reads or writes what the other half wrote."""
    mini.cache_dir.mkdir(parents=True)
    first, _, _ = outcome_of(mini, monkeypatch, memo=True)
    held = RenderMemo.of(mini, "another build", lambda: None, {})   # type: ignore[arg-type,return-value]
    assert held is not None
    try:
        during, _, rendered = outcome_of(mini, monkeypatch, memo=True)
    finally:
        held.close()
    assert during == first and rendered == len(first[0])
    after, _, rendered = outcome_of(mini, monkeypatch, memo=True)
    assert after == first and rendered == 0


@pytest.mark.parametrize("damage", ["index", "outputs", "facts", "all", "symlinked outputs"])
def test_a_damaged_memo_costs_a_rendering_never_a_wrong_document(mini, monkeypatch, tmp_path, damage):
    mini.cache_dir.mkdir(parents=True)
    first, _, _ = outcome_of(mini, monkeypatch, memo=True)
    edit(mini.data_dir / "roles.yml", "Runs the yard and its security.", "Runs the yard.")
    folder = mini.cache_dir / "render"
    if damage in ("index", "all"):
        text = (folder / "index.json").read_text(encoding="utf-8")
        (folder / "index.json").write_text(text[:len(text) // 2], encoding="utf-8")
    if damage in ("outputs", "all"):
        raw = (folder / "outputs").read_bytes()
        (folder / "outputs").write_bytes(raw[:len(raw) // 2] + b"\x00garbage" + raw[len(raw) // 2:])
    if damage in ("facts", "all"):
        raw = (folder / "facts.bin").read_bytes()
        (folder / "facts.bin").write_bytes(raw[4:] + raw[:4])
    if damage == "symlinked outputs":
        elsewhere = tmp_path / "elsewhere"
        elsewhere.write_bytes((folder / "outputs").read_bytes())
        (folder / "outputs").unlink()
        (folder / "outputs").symlink_to(elsewhere)
        before = elsewhere.read_bytes()
    kept, kept_findings, _ = outcome_of(mini, monkeypatch, memo=True)
    whole, whole_findings, _ = outcome_of(mini, monkeypatch, memo=False)
    assert kept == whole and kept_findings == whole_findings
    if damage == "symlinked outputs":
        assert elsewhere.read_bytes() == before, "the memo never writes through a link it did not make"
