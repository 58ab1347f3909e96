"""The documents the last build rendered, with what each read (generator.render.reads): a build renders again only
those that read something that changed, and takes the others as they were, so one corrected value costs the
documents that print it.

Kept in the workspace's cache folder (dist/.cache/render):
- `index.json`: every fact read, with its digest; each data file's fingerprint; for each document where its outputs
  and its facts are;
- `outputs`: the documents' outputs (body, links, figures, the tasks it gives), each a line of JSON followed by its
  body and figures as they are, appended to as documents render again, and rewritten with only the documents in use
  once most of it is not;
- `facts.bin`: for each document, the numbers of the facts it read.
Only for the code, templates and date locale it was made with (`memo_key`). A fact that is a field of an unchanged
data file's object is not looked at again: its file says what it said. Anything that is not what this module wrote
means a document to render: the memo only ever saves work. Read as data, never as code (JSON and numbers, never
pickle).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sys
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from markupsafe import Markup

from generator.base.code import code_state
from generator.base.files import atomic_output, tree_state, write_atomic
from generator.base.findings import Findings
from generator.base.forked import can_fork
from generator.base.workspace import Workspace
from generator.render.document import Document, Rendered
from generator.render.reads import SEPARATOR, Fact, Identities, Untracked, attribute_digest, digest

FORMAT = 3
INDEX, OUTPUTS, FACTS, LOCK = "index.json", "outputs", "facts.bin", ".lock"
COMPACT_FROM = 1 << 20   # bytes of outputs no document has any more before the outputs are rewritten


def memo_key(ws: Workspace, locale: str) -> str:
    """What a kept rendering is only good for: smsgen's code and packages, every file of the templates (macros
    included), and the locale dates are written in."""
    return hashlib.sha256(json.dumps([FORMAT, code_state(), locale, sys.byteorder,
                                      [[str(d), tree_state(d)] for d in ws.template_dirs]]).encode()).hexdigest()


def fingerprint(text: str | None) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest() if text is not None else "absent"


def _numbers(raw: bytes | array) -> array:
    numbers = array("I", raw)
    if sys.byteorder != "little":   # kept little-endian: a memo read where it was written, or anywhere
        numbers.byteswap()
    return numbers


class RenderMemo:
    """The kept renderings of one workspace, read at the start of a rendering and written at its end (`save`)."""

    def __init__(self, folder: Path, key: str, identities: Callable[[], Identities], files: dict[str, str]):
        self.folder, self.key, self.files = folder, key, files
        self._make_identities = identities
        self._identities: Identities | None = None
        self.lock: int | None = None
        self._empty()
        # this rendering's: the documents taken from the memo, as `documents` with their facts' numbers as arrays,
        # and those rendered now, written by `save`
        self.kept: dict[str, tuple[int, int, array]] = {}
        self.added: dict[str, Rendered] = {}
        self.rendered = 0
        self._index: dict[Fact, int] | None = None
        self._changed_attributes: set[int] | None = None
        self._lookups: dict[str, list[int]] = {}   # numbers of the lookup facts, by kind (phase)
        self._numbers_by_process: dict[str, list[int]] = {}   # a process's fact numbers -> the memo's (`take`)
        self.runs: list[tuple] = []   # the facts each run digested (`run`), numbered only when saved (`take`)
        self._taken_runs: list[list[int] | None] = []

    @property
    def identities(self) -> Identities:
        """The paths of the set being rendered, made by the process that first needs them: a cold build's forked
        renderers make their own, and the build's process, with nothing kept to check, never holds them."""
        if self._identities is None:
            self._identities = self._make_identities()
        return self._identities

    def _empty(self) -> None:
        """Nothing kept: what a first build, or one after a change of code or templates, starts from."""
        self.facts: list[Fact] = []           # by number: each fact's name (see reads.Fact)
        self.digests: list[str] = []          # and its digest
        self.documents: dict[str, list] = {}  # document ID -> [offset, length, first fact number, facts read]
        self.outputs, self.numbers = b"", array("I")
        self.token, self.size = "", 0        # of the outputs file: its first line, and its length in use
        self.old_files: dict[str, str] = {}

    @classmethod
    def of(cls, ws: Workspace, key: str, identities: Callable[[], Identities],
           files: dict[str, str]) -> RenderMemo | None:
        """The workspace's memo (empty if none was kept, or for other code or templates), held by this rendering
        until `close`; None where the workspace keeps no caches (see `Workspace.cache_folder`), or while another
        rendering holds it (a build while `serve` rebuilds: that one renders everything and keeps nothing).
        `identities`: the paths of the set being rendered; `files`: each data file's fingerprint now."""
        folder = ws.cache_folder("render")
        if folder is None:
            return None
        try:
            folder.mkdir(exist_ok=True)
            lock = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError:
            return None
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(lock)
            return None
        memo = cls(folder, key, identities, files)
        memo.lock = lock
        memo._load()
        return memo

    def close(self) -> None:
        """Let another rendering have the memo."""
        if self.lock is not None:
            os.close(self.lock)   # closing the descriptor releases the lock
            self.lock = None

    def _load(self) -> None:
        try:
            index = json.loads((self.folder / INDEX).read_text(encoding="utf-8"))
            if not isinstance(index, dict) or index.get("key") != self.key:
                return
            facts, digests, documents, files = index["facts"], index["digests"], index["documents"], index["files"]
            token, size, numbers_digest = index["token"], index["size"], index["numbers"]
            outputs = (self.folder / OUTPUTS).read_bytes()
            raw = (self.folder / FACTS).read_bytes()
        except (OSError, ValueError, KeyError, TypeError):   # none yet, or not what this module writes
            return
        if not (isinstance(facts, list) and isinstance(digests, list) and len(facts) == len(digests)
                and isinstance(documents, dict) and isinstance(files, dict)
                and isinstance(size, int) and len(outputs) >= size and isinstance(token, str)
                and outputs.startswith(token.encode() + b"\n") and len(raw) % 4 == 0
                and hashlib.blake2b(raw, digest_size=16).hexdigest() == numbers_digest):
            return
        numbers = _numbers(raw)
        if numbers and max(numbers) >= len(facts):
            return
        self.facts, self.digests, self.documents, self.old_files = facts, digests, documents, files
        self.token, self.size, self.outputs, self.numbers = token, size, outputs[:size], numbers

    # --- reading ------------------------------------------------------------------------------------------------

    def reusable(self, docs: list[Document], phase: int, lookup: Callable[[str, tuple], object]) -> dict[int, Rendered]:
        """The documents of `docs` (by index) whose last rendering read nothing that has changed, as they rendered
        then. `lookup` gives the render context's lookups as they are now, at the start of `phase`."""
        if not self.documents:
            return {}
        self.prepare()
        changed = self._changed(phase, lookup)
        out: dict[int, Rendered] = {}
        for index, doc in enumerate(docs):
            entry = self.documents.get(doc.id)
            numbers = self._numbers_of(entry)
            if numbers is None or not changed.isdisjoint(numbers):
                continue
            rendered = self._output(entry, doc.id, index)   # type: ignore[arg-type]
            if rendered is not None:
                out[index] = rendered
                self.kept[doc.id] = (entry[0], entry[1], numbers)   # type: ignore[index]
        return out

    def prepare(self) -> None:
        """Find the objects' attributes whose digest is not the one kept (the same in every phase; a field of an
        object of a data file that has not changed is not looked at), before reads are recorded: reading them
        here is no document's read, and costs less unrecorded."""
        if self._changed_attributes is not None:
            return
        self._changed_attributes, self._lookups, self._index = set(), {}, {}
        if not self.facts:
            return
        objects = self.identities.named
        same = {f"f:{name}" for name, now in self.files.items() if self.old_files.get(name) == now}
        try:
            for number, fact in enumerate(self.facts):
                self._index[fact] = number
                kind, where, name = fact.split(SEPARATOR)
                if kind in same:
                    continue
                if kind[0] != "c":
                    if self._attribute_now(objects.get(where), name) != self.digests[number]:
                        self._changed_attributes.add(number)
                else:
                    self._lookups.setdefault(kind, []).append(number)
        except (ValueError, TypeError, IndexError, AttributeError):   # facts not as this module writes: render all
            self._empty()
            self._changed_attributes, self._lookups, self._index = set(), {}, {}

    def _changed(self, phase: int, lookup: Callable[[str, tuple], object]) -> set[int]:
        """The numbers of the facts whose digest is not the one kept: objects' attributes (`prepare`) and the render
        context's lookups made in `phase`."""
        assert self._changed_attributes is not None
        return self._changed_attributes | {
            number for number in self._lookups.get(f"c{phase}", ())
            if self._lookup_now(lookup, self.facts[number]) != self.digests[number]}

    def _attribute_now(self, found: object, name: str) -> str | None:
        if found is None:
            return None
        try:
            return attribute_digest(found, name, self.identities)
        except Untracked:
            return None

    def _lookup_now(self, lookup: Callable[[str, tuple], object], fact: Fact) -> str | None:
        _, arguments, name = fact.split(SEPARATOR)
        try:
            return digest(lookup(name, tuple(json.loads(arguments))), self.identities)
        except (Untracked, KeyError, TypeError, ValueError):   # a lookup kept wrong, or of something gone: changed
            return None

    def _numbers_of(self, entry: object) -> array | None:
        if not (isinstance(entry, list) and len(entry) == 4 and all(isinstance(n, int) and n >= 0 for n in entry)):
            return None
        first, count = entry[2], entry[3]
        if first + count > len(self.numbers):
            return None
        return self.numbers[first:first + count]

    def _output(self, entry: list, doc_id: str, index: int) -> Rendered | None:
        offset, length = entry[0], entry[1]
        if offset + length > self.size:
            return None
        end = self.outputs.find(b"\n", offset, offset + length)
        try:
            head = json.loads(self.outputs[offset:end])
            if end < 0 or head["id"] != doc_id or sum(head["sizes"]) != offset + length - end - 1:
                return None
            texts, start = [], end + 1
            for size in head["sizes"]:
                texts.append(self.outputs[start:start + size].decode("utf-8"))
                start += size
            body, *figures = texts
            return Rendered(index, body, set(head["references"]), [(key, Markup(text)) for key, text in head["given"]],
                            list(zip(head["figures"], figures, strict=True)), Findings(), False,
                            bool(head["read_tasks"]))
        except (ValueError, KeyError, TypeError):
            return None

    # --- writing ------------------------------------------------------------------------------------------------

    def run(self, since: tuple) -> int:
        """Note the facts a process digested in a run (`FactTable.since`), to be numbered when the memo is saved; the
        run's number."""
        self.runs.append(since)
        return len(self.runs) - 1

    def take(self, token: str, base: int, start: int, text: str) -> list[int] | None:
        """Number the facts a process digested (`FactTable.since`) as the memo numbers them, keeping their digests
        now: the memo's number for each of that process's numbers, or None if they cannot be told (the documents that
        read them are then rendered again next time)."""
        rows = json.loads(text)
        numbers = self._numbers_by_process.get(token)
        if numbers is None:   # a forked process: its first `base` numbers are those of the process that forked it
            own = self._identities.table.token if self._identities is not None else ""
            inherited = self._numbers_by_process.get(own, [])
            if len(inherited) < base:
                return None
            numbers = self._numbers_by_process[token] = inherited[:base]
        if start > len(numbers):
            return None
        index = self._fact_index()
        for fact, found in rows[len(numbers) - start:]:
            number = index.get(fact)
            if number is None:
                number = index[fact] = len(self.facts)
                self.facts.append(fact)
                self.digests.append(found)
            else:
                self.digests[number] = found
            numbers.append(number)
        return numbers

    def keep(self, docs: list[Document], fresh: list[Rendered]) -> None:
        """Keep what the documents of `docs` just rendered did and read (their facts numbered by `take`); those
        whose reads were not recorded, or that found something to report, are rendered again next time."""
        self.rendered += len(fresh)
        for rendered in fresh:
            doc = docs[rendered.index]
            if rendered.facts is None or rendered.findings or rendered.stopped:
                self.kept.pop(doc.id, None)
                continue
            self.kept.pop(doc.id, None)
            self.added[doc.id] = rendered   # written, and placed in the outputs, by `save`

    def _fact_index(self) -> dict[Fact, int]:
        if self._index is None:
            self._index = {fact: n for n, fact in enumerate(self.facts)}
        return self._index

    def forget(self, docs: list[Document]) -> None:
        """Keep nothing of `docs` (rendered one by one, in an order the memo does not keep)."""
        self.rendered += len(docs)
        for doc in docs:
            self.kept.pop(doc.id, None)

    def save(self) -> None:
        """Write what this rendering kept: the outputs of the documents rendered now appended (or, once most of the
        outputs are of documents gone or rendered since, every document's written anew), the facts and the index.
        Nothing when every document was taken from the memo, as it was. Done in a forked process where there is one,
        which this one waits for: the facts numbered and the index made there never take room in the build's
        process, whose memory would keep the space they took (at ~1000 documents, 20 MB more through the
        conversions that follow)."""
        if not self.added and self.kept.keys() == self.documents.keys() and self.files == self.old_files:
            return
        if not can_fork():
            self._save()
            return
        pid = os.fork()
        if pid == 0:   # the child: write, and end without anything of the parent's exit (buffers, handlers)
            try:
                self._save()
            finally:
                os._exit(0)
        os.waitpid(pid, 0)

    def _save(self) -> None:
        for rendered in self.added.values():   # each document's facts by the memo's numbers
            mapping = self._taken(rendered.run)
            rendered.facts = array("I", map(mapping.__getitem__, rendered.facts)) \
                if mapping is not None and rendered.facts is not None else None
        self.added = {doc_id: r for doc_id, r in self.added.items() if r.facts is not None}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            live = sum(length for _, length, _ in self.kept.values())
            if not self.token or self.size - live > max(live, COMPACT_FROM):
                self._compact()
            elif self.added:
                with os.fdopen(os.open(self.folder / OUTPUTS, os.O_RDWR | os.O_NOFOLLOW), "r+b") as handle:
                    handle.seek(self.size)
                    handle.truncate()
                    self._write_added(handle)
            documents, numbers = {}, array("I")
            for doc_id, (offset, length, read) in self.kept.items():
                documents[doc_id] = [offset, length, len(numbers), len(read)]
                numbers += read
            raw = _numbers(numbers).tobytes()
            write_atomic(self.folder / FACTS, raw, durable=False)
            write_atomic(self.folder / INDEX, json.dumps({
                "key": self.key, "token": self.token, "size": self.size, "files": self.files,
                "numbers": hashlib.blake2b(raw, digest_size=16).hexdigest(), "facts": self.facts,
                "digests": self.digests, "documents": documents}, ensure_ascii=False), durable=False)
        except OSError:   # the memo only saves the next build work: without it, that build renders everything
            return

    def _taken(self, run: int) -> list[int] | None:
        """The memo's numbers for the facts of run `run` (its process's numbers), every run before it taken first."""
        while len(self._taken_runs) <= run:
            self._taken_runs.append(self.take(*self.runs[len(self._taken_runs)]))
        return self._taken_runs[run] if run >= 0 else None

    def _write_added(self, handle: BinaryIO) -> None:
        """The outputs of the documents rendered now, at the end of `handle` (at `size`)."""
        for doc_id, rendered in self.added.items():
            line = _output_line(doc_id, rendered)
            handle.write(line)
            self.kept[doc_id] = (self.size, len(line), rendered.facts)   # type: ignore[assignment]
            self.size += len(line)
        self.added = {}

    def _compact(self) -> None:
        """Outputs with only the lines of the documents kept, under a new first line (an index written for the old
        file does not fit this one), and only the facts those documents read, numbered again."""
        self.token = os.urandom(16).hex()
        kept, size, outputs = {}, len(self.token) + 1, memoryview(self.outputs)
        with atomic_output(self.folder / OUTPUTS, durable=False) as handle:
            handle.write(self.token.encode() + b"\n")
            for doc_id, (offset, length, read) in self.kept.items():
                handle.write(outputs[offset:offset + length])
                kept[doc_id], size = (size, length, read), size + length
            self.kept, self.size = kept, size
            self._write_added(handle)
        used = sorted(set().union(*(read for _, _, read in self.kept.values())))
        renumbered = {old: new for new, old in enumerate(used)}
        self.facts = [self.facts[old] for old in used]
        self.digests = [self.digests[old] for old in used]
        self.kept = {doc_id: (offset, length, array("I", (renumbered[n] for n in read)))
                     for doc_id, (offset, length, read) in self.kept.items()}
        self._index = None


def _output_line(doc_id: str, rendered: Rendered) -> bytes:
    """A document's outputs: a line of JSON, then its body and figures as they are (their sizes in the line), which
    read back at the speed of copying."""
    texts = [rendered.body.encode("utf-8"), *(svg.encode("utf-8") for _, svg in rendered.drawn)]
    head = {"id": doc_id, "references": sorted(rendered.references),
            "given": [[key, str(text)] for key, text in rendered.given],
            "figures": [name for name, _ in rendered.drawn],
            "sizes": [len(t) for t in texts], "read_tasks": rendered.read_tasks}
    return json.dumps(head, ensure_ascii=False).encode("utf-8") + b"\n" + b"".join(texts)
