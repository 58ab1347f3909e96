"""Change requests on stand-in documents and registers: opening one checks everything at once, where a request stands
follows its documents, which documents an action under it works on, what `verify` finds edited by hand, and which
requests an audience's Change requests page lists."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.base.errors import UserError
from generator.control import change_requests as crs
from generator.control.register import ChangeAssessment, ChangeRequest, Entry, Register, Revision, fingerprint
from generator.control.state import state_of
from generator.model.fields import Classification
from generator.publish.audience import Audience
from generator.publish.change_requests import change_requests_page, visible
from generator.publish.export.common import history_rows

DIRECTOR = SimpleNamespace(key="director", title="Director")
GUARD = SimpleNamespace(key="guard", title="Yard Guard")
PEOPLE = {"ann": SimpleNamespace(id="ann", name="Ann Archer", roles=["director"]),
          "cal": SimpleNamespace(id="cal", name="Cal Cooper", roles=["guard"])}
ORG = SimpleNamespace(person=PEOPLE, risks=[object()], risk={"R-01": object(), "R-02": object()},
                      function={"sms_manager": DIRECTOR, "top_management": DIRECTOR, "security_officer": GUARD})


def doc(doc_id: str, classification: Classification = Classification.internal):
    return SimpleNamespace(id=doc_id, key=doc_id.lower(), title=f"Title of {doc_id}", classification=classification,
                           docs_path=f"procedures/{doc_id}.md")


DOCS = [doc("X-PR-01"), doc("X-PR-02"), doc("X-PR-03", Classification.restricted), doc("X-PR-04")]


def revision(number: str, status: str, cr: str | None = None) -> Revision:
    return Revision(revision=number, status=status, change="c", author="cal", created="2026-01-01",
                    change_request=cr)


def register(**current: tuple[str, str | None]) -> Register:
    """Each document approved at revision 1, then the revision given (status, request) if any."""
    documents = {}
    for d in DOCS:
        revisions = [revision("1", "approved")]
        if d.id.replace("-", "_") in current:
            status, cr = current[d.id.replace("-", "_")]
            revisions.append(revision("2", status, cr))
        documents[d.id] = Entry(title=d.title, type="procedure", revisions=revisions)
    return Register(documents=documents)


def request(cr_id: str = "CR-001", documents: tuple[str, ...] = ("X-PR-01", "X-PR-02"),
            status: str = "open") -> ChangeRequest:
    return ChangeRequest(id=cr_id, title="Gate moved", reason="Old gate closed", documents=list(documents),
                         assessment=ChangeAssessment(impact="i", risks=["R-01"], risk_effect="e", resources="r",
                                                     responsibilities="p", timing="t", interim_controls="c"),
                         status=status, opened_by="ann", opened="2026-11-25T10:00:00+00:00")


def given(**values) -> crs.Request:
    fields = {"title": "Gate", "reason": "Why", "impact": "i", "risk_effect": "e", "resources": "r",
              "responsibilities": "p", "timing": "t", "interim_controls": "c", "documents": ["X-PR-01"]}
    fields.update(values)
    return crs.Request({k: crs.Given(v, name=crs.option(k)) for k, v in fields.items() if v is not None})


def problems(reg: Register, by: str = "ann", **values) -> list[str]:
    with pytest.raises(UserError) as caught:
        crs.open_request(reg, ORG, DOCS, by, given(**values))
    return [f"{f.field}: {f.message}" for f in caught.value.findings]


def test_opening_reports_every_problem_at_once():
    reg = register()
    reg.change_requests.append(request("CR-001", ("X-PR-04",)))
    found = problems(reg, by="nobody", reason="  ", timing=None,
                     documents=["X-PR-01", "X-PR-99", "x-pr-01", "X-PR-04"], risks=["R-01", "R-09", "R-01"])
    assert found == [": unknown person 'nobody'",
                     "--reason: a change request needs why the change is made: reason is empty",
                     "--timing: a change request needs when the change is to be made: timing is missing",
                     "--documents: unknown document 'X-PR-99'",
                     "--documents: X-PR-01 is named twice (as 'x-pr-01')",
                     "--documents: X-PR-04 already belongs to change request CR-001 (open: Gate moved)",
                     "--risks: unknown risk 'R-09'",
                     "--risks: risk R-01 is named twice"]
    assert reg.change_requests == [request("CR-001", ("X-PR-04",))]      # nothing added


def test_opening_refuses_documents_withdrawn_or_in_review_on_their_own_and_wrong_kinds():
    reg = register(X_PR_01=("in_review", None))
    reg.documents["X-PR-02"].revisions[0].status = "obsolete"
    found = problems(reg, documents=["X-PR-01", "X-PR-02"], title=["a list"], risks="R-01")
    assert "--title: title is text, not a list" in found
    assert "--documents: X-PR-01: revision 2 is in review on its own" in found
    assert "--documents: X-PR-02 is withdrawn (obsolete) and cannot be changed" in found
    assert "--risks: risks is a list of ids, not str" in found


def test_opening_records_the_request_and_its_whole_record_in_the_log_entry():
    reg = register()
    reg.change_requests.append(request("CR-007", status="cancelled"))
    cr, entry = crs.open_request(reg, ORG, DOCS, "ann", given(documents=["x-pr-02"], risks=["R-02"]))
    assert (cr.id, cr.status, cr.documents, cr.assessment.risks) == ("CR-008", "open", ["X-PR-02"], ["R-02"])
    assert entry["action"] == "change-request" and entry["documents"] == ["X-PR-02"]
    assert entry["assessment"] == cr.assessment.model_dump(mode="json")
    # an organisation whose data has no risks: ids are taken as given
    bare = SimpleNamespace(**{**vars(ORG), "risks": [], "risk": {}})
    cr, _ = crs.open_request(reg, bare, DOCS, "ann", given(documents=["X-PR-03"], risks=["RR-1"]))
    assert cr.assessment.risks == ["RR-1"]


def test_a_request_file_is_read_with_every_problem_at_its_line(tmp_path: Path):
    path = tmp_path / "cr.yml"
    path.write_text("title: Gate\ndocuments: X-PR-01\nimpct: typo\n", encoding="utf-8")
    read = crs.from_file(path, "cr.yml")
    assert read.values["documents"].value == ["X-PR-01"] and read.values["title"].line == 1
    assert [(f.line, f.message, f.hint) for f in read.problems] == [(3, "unknown field 'impct'",
                                                                     "did you mean 'impact'?")]
    assert not crs.from_file(tmp_path / "none.yml", "none.yml").readable
    path.write_text("- a list\n", encoding="utf-8")
    assert [f.message for f in crs.from_file(path, "cr.yml").problems] == \
        ["a change request file is a mapping of fields (key: value)"]


def test_where_a_request_stands_follows_its_documents():
    cr = request()
    assert crs.progress(cr, register()) == "open"
    assert crs.progress(cr, register(X_PR_01=("in_review", "CR-001"), X_PR_02=("draft", "CR-001"))) == "open"
    assert crs.progress(cr, register(X_PR_01=("in_review", "CR-001"), X_PR_02=("in_review", "CR-001"))) == \
        "in_review"
    # in review on its own (not under the request) does not count
    assert crs.progress(cr, register(X_PR_01=("in_review", "CR-001"), X_PR_02=("in_review", None))) == "open"
    assert crs.progress(cr, register(X_PR_01=("approved", "CR-001"), X_PR_02=("approved", "CR-001"))) == "released"
    assert crs.progress(request(status="cancelled"), register()) == "cancelled"


def test_what_an_action_under_a_request_works_on():
    cr = request()
    assert crs.acting_on(cr, register(), "revise") == ["X-PR-01", "X-PR-02"]
    half = register(X_PR_01=("in_review", "CR-001"), X_PR_02=("draft", "CR-001"))
    assert crs.acting_on(cr, half, "submit") == ["X-PR-02"]
    assert crs.acting_on(cr, half, "reject") == ["X-PR-01"]
    with pytest.raises(UserError) as caught:
        crs.acting_on(cr, half, "approve")
    assert [f.message for f in caught.value.findings] == \
        ["X-PR-02: revision 2 is still a draft, so CR-001 cannot be approved: its documents are approved all together"]
    with pytest.raises(UserError) as caught:
        crs.acting_on(cr, half, "revise")
    assert len(caught.value.findings) == 2
    with pytest.raises(UserError) as caught:
        crs.acting_on(cr, register(), "submit")
    assert {f.message for f in caught.value.findings} == {f"X-PR-0{i}: no revision is open under CR-001 yet"
                                                          for i in (1, 2)}
    with pytest.raises(UserError, match="CR-001 is released"):
        crs.acting_on(request(status="released"), register(), "submit")


def test_verify_explains_requests_and_revision_links_from_the_log():
    ws = SimpleNamespace(register_file="control/register.yml", display=lambda path: str(path))
    cr = request()
    reg = register(X_PR_01=("draft", "CR-001"), X_PR_02=("draft", "CR-001"))
    reg.change_requests.append(cr)
    opened = {"action": "change-request", "change_request": "CR-001", "title": cr.title, "reason": cr.reason,
              "documents": cr.documents, "assessment": cr.assessment.model_dump(mode="json"), "by": "ann",
              "at": cr.opened}
    revise = [{"action": "revise", "document": d, "revision": "2", "change_request": "CR-001"}
              for d in ("X-PR-01", "X-PR-02")]
    assert crs.explained(ws, reg, [opened, *revise]) == []
    cr.assessment.interim_controls = "none"
    reg.documents["X-PR-02"].current.change_request = None
    reg.documents["X-PR-04"].current.change_request = "CR-001"
    found = [f.message for f in crs.explained(ws, reg, [opened, *revise])]
    assert found == ["change request CR-001 differs from the request logged when it was opened (assessment)",
                     "X-PR-02 revision 2 names change request none in the register but CR-001 in the log",
                     "X-PR-04 revision 1 names change request CR-001 in the register but none in the log"]
    assert [f.message for f in crs.explained(ws, Register(), [opened])] == \
        ["change request CR-001 is in the log but missing from the register"]


def test_the_page_lists_only_requests_whose_every_document_the_audience_may_see():
    reg = register(X_PR_01=("approved", "CR-001"), X_PR_02=("approved", "CR-001"))
    reg.change_requests += [request("CR-001", status="released"), request("CR-002", ("X-PR-01", "X-PR-03"))]
    reg.change_requests[0].released = "2026-11-26"
    org = SimpleNamespace(person=PEOPLE)
    employees = Audience.up_to(Classification.internal).view(DOCS)
    assert [visible(cr, employees) for cr in reg.change_requests] == [True, False]
    page = change_requests_page(employees, reg, org)
    assert "| [CR-001](#cr-001) | Gate moved | Released | 2026-11-25 | 2026-11-26 | 2 |" in page
    assert "CR-002" not in page and "X-PR-03" not in page
    assert "1 change request covering documents not published on this site is not listed here." in page
    assert "| [X-PR-01](procedures/X-PR-01.md) | Title of X-PR-01 | 2 | Approved |" in page
    everyone = Audience.up_to(None).view(DOCS)
    page = change_requests_page(everyone, reg, org)
    assert "## CR-002 Gate moved {#cr-002}" in page and "| [X-PR-03](procedures/X-PR-03.md) | Title of X-PR-03 | — | " \
        "Not opened yet |" in page
    assert "No change request has been opened yet." in change_requests_page(everyone, Register(), org)


def test_the_revision_history_of_every_output_names_the_request():
    entry = Entry(title="t", type="procedure", revisions=[
        revision("1", "superseded"),
        Revision(revision="2", status="approved", change="CR-001: Gate moved", author="cal", created="2026-11-25",
                 approver="ann", approved="2026-11-26", effective="2026-12-01", fingerprint=fingerprint("body"),
                 change_request="CR-001")])
    org = SimpleNamespace(person=PEOPLE, documents=SimpleNamespace(revision_scheme="numeric", signatures="off"))
    state = state_of(SimpleNamespace(body="body", review_months=24), entry, org, dt.date(2026, 12, 2))
    assert (state.change_request, state.history[1].change_request, state.history[0].change_request) == \
        ("CR-001", "CR-001", "")
    # the site's history table, the PDF's and the DOCX's read the page's front matter (pages.control_meta)
    rows = history_rows(SimpleNamespace(control={"history": [asdict(h) for h in state.history]}))
    assert rows[1][:3] == ("2", "2026-11-26", "CR-001: Gate moved") and rows[0][2] == "c"
