"""Read and understood (clause 7.3), on stand-in documents and a built register: who owes the acknowledgement of
which revision, when it is due, what counts as made, and how the readiness check reads it."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from generator.base.tables import read_table
from generator.checks.readiness import awareness
from generator.control.acknowledgements import Acknowledgement, obligations
from generator.control.register import Entry, Register, Revision

ANN = SimpleNamespace(id="ann", name="Ann Archer", site="HO")
BOB = SimpleNamespace(id="bob", name="Bob Baker", site="YD")
CAL = SimpleNamespace(id="cal", name="Cal Cooper", site="YD")
ROLES = {"director": SimpleNamespace(key="director", title="Director", holders=[ANN], external=False,
                                      functions=["top_management"]),
         "ops": SimpleNamespace(key="ops", title="Operations Manager", holders=[BOB, ANN], external=False,
                                functions=["operations_lead"]),
         "guard": SimpleNamespace(key="guard", title="Yard Guard", holders=[CAL], external=False,
                                  functions=["security_officer"])}
ORG = SimpleNamespace(role=ROLES, roles=list(ROLES.values()), person={p.id: p for p in (ANN, BOB, CAL)})


def doc(doc_id: str, days: int | None, readers: tuple[str, ...] = ()):
    return SimpleNamespace(id=doc_id, key=doc_id.lower(), title=doc_id, type="procedure",
                           type_def=SimpleNamespace(acknowledge_days=days, label="Procedures"),
                           template=SimpleNamespace(meta=SimpleNamespace(acknowledge=list(readers))))


PROC, FORM, DRAFT = doc("X-PR-01", 30), doc("X-F-01", None), doc("X-PR-02", 30)
TASKS = {"director": [SimpleNamespace(document=PROC), SimpleNamespace(document=FORM)],
         "ops": [SimpleNamespace(document=PROC), SimpleNamespace(document=DRAFT)],
         "guard": [SimpleNamespace(document=FORM)]}


def revision(number: str, status: str, effective: str | None = None, fingerprint: str | None = None) -> Revision:
    return Revision(revision=number, status=status, change="c", author="bob", created="2026-01-01",
                    approved=effective, effective=effective, fingerprint=fingerprint)


def register(*revisions: Revision) -> Register:
    return Register(documents={
        PROC.id: Entry(title="p", type="procedure", revisions=list(revisions)),
        FORM.id: Entry(title="f", type="form", revisions=[revision("1", "approved", "2026-01-10", "f1")]),
        DRAFT.id: Entry(title="d", type="procedure", revisions=[revision("1", "in_review")])})


def owed(reg: Register, acks: tuple[Acknowledgement, ...] | list[Acknowledgement] = (), on: str = "2026-01-20"):
    return obligations(ORG, [PROC, FORM, DRAFT], TASKS, reg, list(acks), dt.date.fromisoformat(on))


def ack(person: str, rev: str, fingerprint: str, day: str = "2026-01-15") -> Acknowledgement:
    return Acknowledgement(person, PROC.id, rev, fingerprint, day, day + "T09:00:00")


def test_the_holders_of_roles_with_tasks_owe_the_revision_in_force_once_each():
    found = owed(register(revision("1", "approved", "2026-01-10", "p1")))
    # the form's type needs no acknowledgement; the draft is not in force; Ann holds both roles and owes it once
    assert [(o.person.id, o.document.id, o.revision, o.roles) for o in found] == [
        ("ann", PROC.id, "1", ("director", "ops")), ("bob", PROC.id, "1", ("ops",))]
    assert {o.due for o in found} == {dt.date(2026, 2, 9)} and not any(o.overdue for o in found)


def test_an_acknowledgement_counts_only_for_the_revision_and_content_in_force():
    first = register(revision("1", "approved", "2026-01-10", "p1"))
    made = {o.person.id: o.acknowledged for o in owed(first, [ack("ann", "1", "p1")])}
    assert made["ann"] is not None and made["bob"] is None
    # revision 2 approved: revision 1's acknowledgement no longer counts, and everyone owes it again
    second = register(revision("1", "superseded", "2026-01-10", "p1"), revision("2", "approved", "2026-03-01", "p2"))
    assert all(o.outstanding and o.revision == "2" for o in owed(second, [ack("ann", "1", "p1")], "2026-03-02"))
    # nor does one of the same revision number with other content (a register restored from another copy)
    assert owed(second, [ack("ann", "2", "p1")], "2026-03-02")[0].outstanding
    # a draft of revision 2 leaves revision 1 in force
    draft = register(revision("1", "approved", "2026-01-10", "p1"), revision("2", "draft"))
    assert {o.revision for o in owed(draft)} == {"1"}


def test_overdue_after_the_grace_period_until_acknowledged():
    reg = register(revision("1", "approved", "2026-01-10", "p1"))
    assert not any(o.overdue for o in owed(reg, on="2026-02-09"))          # the due day itself is in time
    late = owed(reg, [ack("bob", "1", "p1")], on="2026-02-10")
    assert [(o.person.id, o.overdue) for o in late] == [("ann", True), ("bob", False)]


def test_awareness_check_passes_without_approved_documents_and_fails_naming_the_overdue():
    nothing = awareness([], {"X-PR-01": SimpleNamespace(effective="")})
    assert nothing.passed and nothing.evidence and "no approved document yet" in nothing.details[0]
    reg = register(revision("1", "approved", "2026-01-10", "p1"))
    in_time = awareness(owed(reg), {"X-PR-01": SimpleNamespace(effective="2026-01-10")})
    assert in_time.passed and in_time.details == ["0 of 2 acknowledgement(s) made; 2 outstanding, none overdue"]
    late = awareness(owed(reg, on="2026-03-01"), {})
    assert not late.passed and late.evidence
    assert late.details == ["2 acknowledgement(s) overdue", "Ann Archer: X-PR-01 revision 1, due 2026-02-09",
                            "Bob Baker: X-PR-01 revision 1, due 2026-02-09"]


def test_a_sign_off_sheet_reads_with_its_row_numbers(tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("\ufeffPerson,Document,Revision,Date,Course\nann,X-PR-01,1,2026-01-15,\n,,,,\n"
                     "bob@x.example,X-PR-01,1,2026-01-16,Induction\n", encoding="utf-8")
    header, rows = read_table(sheet)
    assert header == ["person", "document", "revision", "date", "course"]
    assert [(n, cells["person"], cells["date"]) for n, cells in rows] == [(2, "ann", "2026-01-15"),
                                                                          (4, "bob@x.example", "2026-01-16")]


def test_readers_a_template_names_owe_it_besides_the_roles_it_gives_tasks_to():
    """The policy gives nobody a task but is owed by everyone; an instruction names the security officers."""
    policy, orders = doc("X-POL-01", 30, ("everyone",)), doc("X-WI-01", 14, ("security_officer",))
    reg = Register(documents={d.id: Entry(title="t", type="procedure", revisions=[revision("1", "approved",
                                                                                          "2026-01-10", "p1")])
                              for d in (policy, orders)})
    found = obligations(ORG, [policy, orders], {}, reg, [], dt.date(2026, 1, 20))
    assert sorted((o.document.id, o.person.id) for o in found) == [
        ("X-POL-01", "ann"), ("X-POL-01", "bob"), ("X-POL-01", "cal"), ("X-WI-01", "cal")]
