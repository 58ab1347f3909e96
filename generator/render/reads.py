"""What rendering a document read, so that a later build can tell, without rendering it, that it would render the same
(generator.render.memo).

While a document renders, every attribute read on the set's objects is recorded: the data files' models, the
Organisation assembling them, the vocabulary, the records, the documents' metadata and the templates. Such a fact
is named by where its object sits (its path: `roles/12` and `purpose`) and kept with a digest of the value read.
A digest holds everything a template can learn from a value: text, numbers and dates in full, containers with their
order, and an object that has a path by that path alone, since what is read of it is a fact of its own. An object
with no path (one made while rendering) is digested whole. What the render context looks up in the set that is
no object's attribute (which documents are issued, the tasks given to a role) it records as a fact with its value.

Reads are recorded by a `__getattribute__` put on those classes while a set renders (`recording_reads`) and taken
off after: everywhere else, reading an attribute costs what it always did.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import json
import os
import secrets
from array import array
from collections.abc import Iterator
from pathlib import PurePath
from types import BuiltinFunctionType, FunctionType, MethodType

from generator.model.fields import Strict
from generator.model.organisation import Organisation
from generator.model.profile import Vocabulary, Word
from generator.model.records import Records
from generator.render.document import Document
from generator.render.templates import Template

# the classes whose attribute reads are facts: everything a template reaches from its variables (`data`, `org`,
# `doc`, `fn` and the subject) is one of these, a container of them, or a value
TRACKED: tuple[type, ...] = (Strict, Organisation, Records, Vocabulary, Word, Document, Template)
# what rendering a document gives it: read of another document, what was read depends on which rendered first
OUTPUTS = frozenset({"body", "references", "figures", "published"})
# reads of methods that take in a whole object, nested objects and all, without reading their attributes one by one
# (pydantic's serialiser, copying): the fact is everything in the object
WHOLE = frozenset({"model_dump", "model_dump_json", "model_copy", "dict", "json", "copy", "__copy__", "__deepcopy__",
                   "__getstate__", "__reduce__", "__reduce_ex__"})

# A fact is named by one text, "kind\x1fwhere\x1fname" (SEPARATOR between): an attribute, kind "f:roles.yml" or "a",
# where its object's path as `repr` writes it (see `FactTable.number_of`); a lookup of the render context in phase 1,
# kind "c1", where its arguments as JSON. `repr` and JSON write no separator, and a name with one is not kept.
Fact = str
SEPARATOR = "\x1f"
_PLAIN = frozenset({str, int, float, bool, type(None)})


class Untracked(Exception):
    """A value whose digest would not hold everything a template can learn from it: the document is rendered anew
    on every build."""


class Identities:
    """The path of every object of the set a template can read: its data under its file (`roles.yml/roles/12`,
    `sites.yml/sites/3/address`), what the Organisation derives under the Organisation (`function/...`), each
    document by its ID and each template by its file. Where an object sits in two places (a role in `roles` and in
    `function`), its path is the first in a walk of the data files' own fields, then of everything derived."""

    def __init__(self, org: Organisation, documents: list[Document], templates: list[Template]):
        self.path: dict[int, tuple] = {}
        self.object: dict[tuple, object] = {}
        self.table = FactTable()
        self.files = frozenset(org.files)
        derived: list[tuple[object, tuple]] = []
        # the data files' objects first, each under its file's name (`roles.yml/roles/12`): a field of one is then
        # known to hold only what that file says (see `Reading.facts`); then the Organisation and what it derives
        self._add(org, ())
        for name, root in org.files.items():
            self._walk(root, (name,), derived)
        for name, value in vars(org).items():
            if name != "files":
                self._walk(value, (name,), derived)
        while derived:
            value, path = derived.pop(0)
            self._walk(value, path, derived)
        for doc in documents:
            self._add(doc, ("doc", doc.id))
        for template in templates:
            self._add(template, ("template", template.relpath))

    @functools.cached_property
    def named(self) -> dict[str, object]:
        """Each object by its path as a fact names it."""
        return {repr(path): value for path, value in self.object.items()}

    def _add(self, value: object, path: tuple) -> bool:
        if id(value) in self.path:
            return False
        self.path[id(value)], self.object[path] = path, value
        return True

    def _walk(self, value: object, path: tuple, derived: list[tuple[object, tuple]]) -> None:
        if type(value) in _PLAIN:
            return
        if isinstance(value, TRACKED):
            if not self._add(value, path):
                return
            if isinstance(value, Strict):
                fields, private = object.__getattribute__(value, "__dict__"), value.__pydantic_private__ or {}
            else:
                fields, private = vars(value), {}
            for name, item in fields.items():
                self._walk(item, (*path, name), derived)
            derived += [(item, (*path, name)) for name, item in private.items()]
        elif type(value) in (list, tuple):
            for i, item in enumerate(value):   # type: ignore[arg-type]
                self._walk(item, (*path, i), derived)
        elif isinstance(value, dict):
            for key, item in value.items():
                self._walk(item, (*path, key if type(key) in (str, int) else repr(key)), derived)


def digest(value: object, identities: Identities) -> str:
    """What a template can learn from `value`, as a short text: equal texts, the same things to learn. Short text,
    yes/no, whole numbers and objects with a path as they are (each kind under its own first character), anything
    else by a hash of its tree."""
    kind = type(value)
    if kind is str and len(value) <= 48:   # type: ignore[arg-type]
        return "=" + value   # type: ignore[operator]
    if value is None or kind is bool or kind is int:
        return "v" + repr(value)
    path = identities.path.get(id(value))
    if path is not None:
        return f"@{path!r}:{kind.__qualname__}"
    return "#" + hashlib.blake2b(repr(_tree(value, identities.path, 0)).encode(), digest_size=10).hexdigest()


def _tree(value: object, paths: dict[int, tuple], depth: int) -> object:
    """`value` as nested tuples of plain values, each object with a path as that path."""
    kind = type(value)
    if kind is str or value is None or kind is int or kind is bool or kind is float:
        return value
    path = paths.get(id(value))
    if path is not None:   # with its class: what `isinstance` tells of it, which reads no attribute
        return "@", path, kind.__qualname__
    if depth > 40:
        raise Untracked("nested too deeply")
    depth += 1
    if kind is list or kind is tuple:
        return kind.__name__, *(_tree(item, paths, depth) for item in value)   # type: ignore[attr-defined]
    if isinstance(value, dict):
        return "dict", *((_tree(k, paths, depth), _tree(v, paths, depth)) for k, v in value.items())
    if isinstance(value, enum.Enum):
        return kind.__qualname__, _tree(value.value, paths, depth)
    if isinstance(value, str | int | float):   # Markup, and other text or numbers of their own kind
        return kind.__qualname__, repr(value)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return kind.__qualname__, str(value)
    if isinstance(value, set | frozenset):
        return kind.__qualname__, *sorted(repr(_tree(item, paths, depth)) for item in value)
    if isinstance(value, PurePath):
        return "path", str(value)
    if isinstance(value, type):
        return "class", value.__module__, value.__qualname__
    if isinstance(value, MethodType):   # what it returns is read through its object, whose reads are recorded
        return "method", value.__func__.__qualname__, _tree(value.__self__, paths, depth)
    if isinstance(value, FunctionType | BuiltinFunctionType):
        return "function", value.__module__, value.__qualname__
    return _whole(value, paths, depth)


def _whole(value: object, paths: dict[int, tuple], depth: int) -> object:
    """An object by everything in it, whether or not it has a path."""
    kind = type(value)
    if isinstance(value, Strict):
        fields = object.__getattribute__(value, "__dict__")
        return ("model", kind.__qualname__, _tree(fields, paths, depth),
                _tree(value.__pydantic_private__ or {}, paths, depth))
    if dataclasses.is_dataclass(value) or isinstance(value, TRACKED):
        return "object", kind.__qualname__, _tree(vars(value), paths, depth)
    raise Untracked(f"a {kind.__qualname__} is no value a digest can hold")


def _deep(value: object) -> str:
    """An object digested with every object in it whole, path or not: for reads that take it in at once."""
    return "#" + hashlib.blake2b(repr(_whole(value, {}, 0)).encode(), digest_size=10).hexdigest()


class Reading:
    """What one document's rendering read: object attributes (by object identity, until `facts` names them) and
    the render context's lookups, with their digests."""

    def __init__(self, identities: Identities, current: Document, phase: int):
        self.identities = identities
        self.current = current
        self.phase = phase   # lookups of the tasks given differ between phases: a lookup is a fact of its phase
        self.attributes: set[tuple[int, str]] = set()
        self.lookups: dict[Fact, str] = {}
        self.untracked = ""   # why its facts cannot tell whether it would render the same, if they cannot

    def facts(self) -> array | None:
        """The numbers (in this process's `FactTable`) of every fact read; None if the document must be rendered
        anew on every build."""
        if self.untracked:
            return None
        table = self.identities.table
        numbered, number_of = table.numbered, table.number_of
        out = array("i")
        for key in self.attributes:
            number = numbered.get(key)
            if number is None:
                number = number_of(key, self.identities)
            if number < 0:
                if number == SKIP or number == OUTPUT and self.identities.path[key[0]][1] == self.current.id:
                    continue   # nothing to keep, or this document's own output: what is kept
                return None   # something no digest holds, or another document's output (it depends on which
                # rendered first)
            out.append(number)
        for fact, found in self.lookups.items():
            out.append(table.lookup_number(fact, found))
        return out


SKIP, OUTPUT, UNKEPT = -1, -2, -3


def fact_name(kind: str, where: str, name: str) -> Fact:
    return f"{kind}{SEPARATOR}{where}{SEPARATOR}{name}"


class FactTable:
    """The facts digested in one process, numbered in the order first met: a document names the facts it read by
    number, and a process forked to render sends the facts it added once (`since`), not with every document. A
    forked process numbers on from what it inherited, under a token of its own (`mine`)."""

    def __init__(self) -> None:
        self.pid, self.token, self.base = os.getpid(), secrets.token_hex(8), 0
        self.numbered: dict[tuple, int] = {}   # (object id, attribute) -> number, or SKIP, OUTPUT, UNKEPT
        self.lookups: dict[tuple[Fact, str], int] = {}
        self.rows: list[tuple[Fact, str]] = []   # number -> the fact and its digest

    def mine(self) -> None:
        """Number this process's facts under its own token (after the `base` facts inherited from the parent)."""
        if self.pid != os.getpid():
            self.pid, self.token, self.base = os.getpid(), secrets.token_hex(8), len(self.rows)

    def since(self, start: int) -> tuple[str, int, int, str]:
        """The facts numbered from `start` on (as one JSON text: one object to send and to free, not one per fact),
        with what the memo needs to number them its way."""
        return self.token, self.base, start, json.dumps(self.rows[start:], ensure_ascii=False)

    def number_of(self, key: tuple[int, str], identities: Identities) -> int:
        oid, name = key
        path = identities.path.get(oid)
        if path is None or name == "__class__":
            # an object made while rendering: whatever gave it to the template holds it whole; a class: an object's
            # digest holds it
            number = SKIP
        elif name in OUTPUTS and path and path[0] == "doc":
            number = OUTPUT
        else:
            obj = identities.object[path]
            # "f:<file>": a field of a data file's object, whose value only that file gives; "a": any other attribute
            field = bool(path) and path[0] in identities.files and isinstance(obj, Strict) \
                and name in _fields(type(obj))
            try:
                if SEPARATOR in name:
                    raise Untracked("a name no fact can hold")
                row = (fact_name(f"f:{path[0]}" if field else "a", repr(path), name),
                       attribute_digest(obj, name, identities))
            except Untracked:
                number = UNKEPT
            else:
                number = len(self.rows)
                self.rows.append(row)
        self.numbered[key] = number
        return number

    def lookup_number(self, fact: Fact, found: str) -> int:
        number = self.lookups.get((fact, found))
        if number is None:
            number = self.lookups[(fact, found)] = len(self.rows)
            self.rows.append((fact, found))
        return number


@functools.cache
def _fields(model: type[Strict]) -> frozenset[str]:
    return frozenset(model.__pydantic_fields__)


def attribute_digest(obj: object, name: str, identities: Identities) -> str:
    """The digest of attribute `name` of `obj` (one that has a path)."""
    if name in WHOLE:
        return _deep(obj)
    try:
        value = getattr(obj, name)
    except AttributeError:
        return "-"   # read and missing, as `hasattr` and an undefined template variable read it
    except Exception as exc:   # noqa: BLE001 - a property that fails: nothing a digest can hold
        raise Untracked(f"reading {name} failed: {exc}") from None
    return digest(value, identities)


_reading: Reading | None = None   # the document being rendered, while one is


def _recording_getattribute(self: object, name: str, _get=object.__getattribute__) -> object:
    reading = _reading
    if reading is not None:
        reading.attributes.add((id(self), name))
    return _get(self, name)


@contextlib.contextmanager
def recording_reads() -> Iterator[None]:
    """Attribute reads on the tracked classes are recorded, for whichever document `reading` names, while this
    lasts (also in processes forked meanwhile)."""
    for cls in TRACKED:
        assert "__getattribute__" not in vars(cls), f"{cls.__name__} reads its attributes its own way"
        cls.__getattribute__ = _recording_getattribute   # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        for cls in TRACKED:
            del cls.__getattribute__


@contextlib.contextmanager
def reading(identities: Identities | None, current: Document, phase: int) -> Iterator[Reading | None]:
    """Record what rendering `current` reads (nothing without `identities`: no memo to keep it for)."""
    global _reading
    if identities is None:
        yield None
        return
    identities.table.mine()
    _reading = found = Reading(identities, current, phase)
    try:
        yield found
    finally:
        _reading = None


def note(kind: str, arguments: tuple, value: object) -> None:
    """A lookup of the render context, read by the document being rendered (if one is, and reads are recorded)."""
    global _reading
    found = _reading
    if found is None:
        return
    _reading = None   # digesting reads attributes: not the template's reads
    try:
        found.lookups[fact_name(f"c{found.phase}", json.dumps(arguments), kind)] = digest(value, found.identities)
    except Untracked as exc:
        found.untracked = str(exc)
    finally:
        _reading = found


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No reads recorded meanwhile: a lookup whose value is recorded whole, not the reads that made it."""
    global _reading
    found, _reading = _reading, None
    try:
        yield
    finally:
        _reading = found
