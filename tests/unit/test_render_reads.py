"""What rendering a document read (generator.render.reads): digests that tell apart whatever a template can tell
apart, paths that name each data object by its file, and reads recorded while a set renders and never after."""
from __future__ import annotations

import datetime as dt
import functools
import inspect

import pytest
from markupsafe import Markup

from generator.model.fields import Classification, Strict
from generator.model.load import load
from generator.render import reads
from generator.render.reads import TRACKED, Identities, Untracked, digest, fact_name, recording_reads
from generator.render.render import expand
from generator.render.templates import discover


@pytest.fixture
def loaded(mini):
    """The mini organisation and its documents (metadata only), with their paths."""
    org, _, _ = load(mini)
    templates, _ = discover(mini.template_dirs, mini.display)
    documents, _ = expand(templates, org)
    return org, Identities(org, documents, templates), documents


def test_digests_tell_apart_what_a_template_tells_apart(loaded):
    org, ids, documents = loaded
    values = ["1", 1, 1.0, True, None, Markup("1"), [1, 2], [2, 1], (1, 2), {"a": 1, "b": 2}, {"b": 2, "a": 1},
              dt.date(2026, 1, 2), "2026-01-02", Classification.restricted, "restricted", "x" * 60, "x" * 61,
              org.roles[0], org.roles[1], [org.roles[0]], org.sites[0]]
    found = [digest(v, ids) for v in values]
    assert len(set(found)) == len(found)
    assert digest({1, 2, 3}, ids) == digest({3, 2, 1}, ids)
    assert digest([org.roles[0], "a"], ids) == digest([org.roles[0], "a"], ids)


def test_an_object_with_no_path_is_digested_whole(loaded):
    org, ids, documents = loaded
    made = org.roles[0].model_copy(update={"purpose": "Another purpose"})
    assert digest(made, ids) != digest(org.roles[0].model_copy(), ids)
    assert digest(made, ids) == digest(made.model_copy(), ids)
    with pytest.raises(Untracked):
        digest(object(), ids)


def test_data_objects_are_named_by_their_file_and_derived_lookups_do_not_rename_them(loaded):
    org, ids, documents = loaded
    role = org.roles[0]
    assert ids.path[id(role)] == ("roles.yml", "roles", 0)
    assert ids.object[("roles.yml", "roles", 0)] is role
    assert ids.path[id(org.role[role.key])] == ("roles.yml", "roles", 0)   # the same object in a derived lookup
    holder = role.holders[0]
    assert ids.path[id(holder)][0] == "people.yml"   # found in its own file before it is found as a role's holder
    assert ids.path[id(org)] == ()


def test_reads_are_recorded_while_a_document_renders_and_never_outside(loaded):
    org, ids, documents = loaded
    role, current = org.roles[0], documents[0]
    with recording_reads():
        with reads.reading(ids, current, 1) as reading:
            _ = role.purpose, role.holders, org.function, org.org.name
        _ = role.title   # after the document: not its read
    assert all("__getattribute__" not in vars(cls) for cls in TRACKED)
    assert reading is not None
    numbers = reading.facts()
    assert numbers is not None
    facts = dict(ids.table.rows[n] for n in numbers)
    where = repr(ids.path[id(role)])
    assert fact_name("f:roles.yml", where, "purpose") in facts   # a field of a data file's object
    assert fact_name("a", where, "holders") in facts             # a property: derived from another file
    assert fact_name("a", where, "_holders") in facts
    assert fact_name("a", "()", "function") in facts             # derived by the organisation
    assert not any(fact.endswith("\x1ftitle") for fact in facts)
    assert facts[fact_name("f:roles.yml", where, "purpose")] == digest(role.purpose, ids)


def test_a_document_reading_another_documents_output_is_not_kept(loaded):
    org, ids, documents = loaded
    first, other = documents[0], documents[1]
    with recording_reads():
        with reads.reading(ids, first, 1) as reading:
            _ = first.references, other.title
        with reads.reading(ids, first, 1) as reading_body:
            _ = other.body
    assert reading is not None and reading_body is not None
    assert reading.facts() is not None   # its own outputs, and another's metadata
    assert reading_body.facts() is None   # another's body: depends on which rendered first


def test_no_tracked_class_caches_in_its_own_attributes():
    """A value made when first asked reads differently before and after (`__dict__`, or a None then a value): what a
    document read would depend on what rendered first."""
    for cls in TRACKED:
        for klass in cls.__mro__:
            if klass.__module__.startswith("generator"):
                cached = [name for name, member in inspect.getmembers(klass)
                          if isinstance(member, functools.cached_property)]
                assert not cached, f"{klass.__name__}: {cached}"
    assert issubclass(TRACKED[0], Strict)
