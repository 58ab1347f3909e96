"""The questionnaire as a workbook a client fills in (`gap start --xlsx`), and reading it back (`gap import`).

One sheet: the dates at the top, then a row per clause with what to ask, and the four answer cells (status from a
drop-down, evidence, notes, owner from a drop-down of people.yml). Only the answer cells can be edited, so a returned
workbook still says which clause each answer is for. Reading it checks every row and reports every problem at once
as `FILE.xlsx:ROW: field: message`; nothing is written unless the whole workbook reads cleanly."""
from __future__ import annotations

import datetime as dt
import difflib
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import TypeAdapter, ValidationError

from generator.base.findings import Findings, Severity
from generator.model.clauses import catalogue
from generator.model.fields import Name, Text
from generator.model.gap import STATUS_LABELS, ClauseAnswer, GapAnalysis, questionnaire_clauses
from generator.model.organisation import Organisation
from generator.publish.spreadsheet import workbook_bytes

SHEET, LISTS = "Gap analysis", "Lists"
# (field, label): the dates and who assessed, one a row above the clause table, the value in column C
HEADER = (("assessed_by", "Assessed by"), ("date", "Date of the gap analysis"),
          ("kickoff", "Implementation kick-off"), ("stage1_target", "Stage 1 audit wanted (optional)"),
          ("stage2_target", "Stage 2 audit wanted (optional)"))
REQUIRED = ("assessed_by", "date", "kickoff")
# (field, heading, width): the clause table
COLUMNS = (("clause", "Clause", 9), ("title", "Clause title", 32), ("questions", "What to ask", 72),
           ("status", "Status", 16), ("evidence", "Evidence seen", 44), ("notes", "Notes: what is missing", 44),
           ("owner", "Owner", 30))
ANSWERS = ("status", "evidence", "notes", "owner")
FIRST_HEADER_ROW, TABLE_ROW = 4, 10
CHARS_PER_LINE = 80   # of the "What to ask" column, to size each row for its questions
PERSON = re.compile(r"\(([a-z][a-z0-9_]*)\)\s*$")


def _person_label(org: Organisation, person_id: str) -> str:
    return f"{org.person[person_id].name} ({person_id})"


def questionnaire_xlsx(org: Organisation, gap: GapAnalysis) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    lists = book.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    for i, label in enumerate(STATUS_LABELS.values(), 1):
        lists.cell(i, 1, label)
    people = sorted(org.person)
    for i, person_id in enumerate(people, 1):
        lists.cell(i, 2, _person_label(org, person_id))
    colour = org.org.branding.primary_colour.lstrip("#").upper()
    unlocked = Protection(locked=False)
    top = Alignment(vertical="top", wrap_text=True)

    sheet["A1"] = f"Gap analysis of {org.org.name} against ISO 28000:2022"
    sheet["A1"].font = Font(bold=True, size=14, color=colour)
    sheet["A2"] = ("For each clause, ask the questions and record what you find: choose a status, say what evidence "
                   "you saw and what is missing, and who will close the gap. Only the white cells can be edited.")
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells("A2:G2")
    sheet.row_dimensions[2].height = 30
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                           showErrorMessage=True, errorTitle="A date", error="Enter a date, e.g. 2026-03-16")
    sheet.add_data_validation(dates)
    for i, (name, label) in enumerate(HEADER):
        row = FIRST_HEADER_ROW + i
        sheet.cell(row, 2, label).font = Font(bold=True)
        cell = sheet.cell(row, 3, getattr(gap, name))
        cell.protection, cell.alignment = unlocked, Alignment(horizontal="left")
        if name != "assessed_by":
            cell.number_format = "yyyy-mm-dd"
            dates.add(cell.coordinate)

    for col, (_, heading, width) in enumerate(COLUMNS, 1):
        cell = sheet.cell(TABLE_ROW, col, heading)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor=colour)
        sheet.column_dimensions[cell.column_letter].width = width
    last = TABLE_ROW + len(questionnaire_clauses()) + len({c.number.split(".")[0] for c in questionnaire_clauses()})
    status_list = DataValidation(type="list", formula1=f"={LISTS}!$A$1:$A${len(STATUS_LABELS)}", allow_blank=True,
                                 showErrorMessage=True, errorTitle="Status",
                                 error="Choose one of: " + ", ".join(STATUS_LABELS.values()))
    owner_list = DataValidation(type="list", formula1=f"={LISTS}!$B$1:$B${len(people)}", allow_blank=True,
                                showErrorMessage=True, errorTitle="Owner", error="Choose a person of people.yml")
    sheet.add_data_validation(status_list)
    sheet.add_data_validation(owner_list)
    status_list.add(f"D{TABLE_ROW + 1}:D{last}")
    owner_list.add(f"G{TABLE_ROW + 1}:G{last}")

    row, current = TABLE_ROW, ""
    for clause in questionnaire_clauses():
        group = clause.number.split(".")[0]
        if group != current:   # a heading row per clause group: locked, answers in it are not read
            current, row = group, row + 1
            sheet.cell(row, 1, group).font = Font(bold=True)
            sheet.cell(row, 2, catalogue()[group].title).font = Font(bold=True)
            for col in range(1, len(COLUMNS) + 1):
                sheet.cell(row, col).fill = PatternFill("solid", fgColor="E3E8EF")
        row += 1
        answer = gap.answer(clause.number) or ClauseAnswer(clause=clause.number)
        questions = "\n".join(f"• {q}" for q in clause.questions)
        values = {"clause": clause.number, "title": clause.title, "questions": questions,
                  "status": STATUS_LABELS[answer.status] if answer.status != "not_assessed" else None,
                  "evidence": answer.evidence, "notes": answer.notes,
                  "owner": _person_label(org, answer.owner) if answer.owner in org.person else answer.owner}
        for col, (name, _, _) in enumerate(COLUMNS, 1):
            cell = sheet.cell(row, col, values[name])
            cell.alignment = top
            if name in ANSWERS:
                cell.protection = unlocked
        lines = sum(1 + len(q) // CHARS_PER_LINE for q in clause.questions)
        sheet.row_dimensions[row].height = max(30, 15 * lines)
    sheet.freeze_panes = f"A{TABLE_ROW + 1}"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = sheet.protection.formatRows = False   # widths and heights stay adjustable
    return workbook_bytes(book)


# --- reading a returned workbook ---------------------------------------------------------------------------------

@dataclass
class Returned:
    """What a workbook says, with the row of each value: only what it says (an empty cell is no answer)."""
    header: dict[str, Any] = field(default_factory=dict)
    header_rows: dict[str, int] = field(default_factory=dict)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)   # clause -> field -> value
    rows: dict[str, int] = field(default_factory=dict)


_TEXT = TypeAdapter(Text)
_NAME = TypeAdapter(Name)


def read_workbook(path: Path, display: str, org: Organisation) -> tuple[Returned, Findings]:
    findings = Findings()

    def bad(row: int, name: str, message: str, hint: str = "") -> None:
        # a workbook has rows, not lines and columns of text: FILE.xlsx:ROW, and the field names the column
        findings.add("gap.workbook", Severity.fatal, message, f"{display}:{row}" if row else display, field=name,
                     hint=hint)

    try:
        book = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        bad(0, "", f"cannot be read as an XLSX workbook ({exc})", "save it as Excel Workbook (.xlsx)")
        return Returned(), findings
    if SHEET not in book.sheetnames:
        bad(0, "", f"has no sheet named '{SHEET}'", "import the workbook `smsgen gap start --xlsx` wrote")
        return Returned(), findings
    sheet = book[SHEET]
    columns, table_row = _columns(sheet)
    if table_row is None:
        bad(0, "", "has no clause table (a row headed " + ", ".join(h for _, h, _ in COLUMNS) + ")",
            "import the workbook `smsgen gap start --xlsx` wrote")
        return Returned(), findings
    out = Returned()
    labels = {label.lower(): name for name, label in HEADER}
    for row in range(1, table_row):
        name = labels.get(str(sheet.cell(row, 2).value or "").strip().lower())
        if name is not None:
            out.header_rows[name] = row
            value = _header_value(name, sheet.cell(row, 3).value, lambda m, h="", r=row, n=name: bad(r, n, m, h))
            if value is not None:
                out.header[name] = value
    asked = {c.number for c in questionnaire_clauses()}
    groups = {n for n, c in catalogue().items() if c.depth == 0}
    for row in range(table_row + 1, sheet.max_row + 1):
        cells = {name: sheet.cell(row, col).value for name, col in columns.items()}
        given = {n: v for n, v in cells.items() if n in ANSWERS and _present(v)}
        clause = _clause_text(cells.get("clause"))
        if clause in groups or (not clause and not given):
            continue
        if not clause:
            bad(row, "clause", "answers with no clause", "answer in the rows of the questionnaire's clauses")
            continue
        if clause not in asked:
            close = difflib.get_close_matches(clause, sorted(asked), n=1)
            bad(row, "clause", f"unknown clause '{clause}'", f"did you mean '{close[0]}'?" if close else "")
            continue
        if clause in out.rows:
            bad(row, "clause", f"clause {clause} appears twice (also row {out.rows[clause]})")
            continue
        out.rows[clause] = row
        answer: dict[str, Any] = {}
        for name, value in given.items():
            parsed = _answer(name, value, org, lambda m, h="", r=row, n=name: bad(r, n, m, h))
            if parsed is not None:
                answer[name] = parsed
        out.answers[clause] = answer
    return out, findings


def _columns(sheet: Worksheet) -> tuple[dict[str, int], int | None]:
    """The clause table's columns by heading (so a moved column is still found), and its heading row."""
    headings = {heading.lower(): name for name, heading, _ in COLUMNS}
    for row in range(1, min(sheet.max_row, 40) + 1):
        found = {headings[str(c.value).strip().lower()]: c.column for c in sheet[row]
                 if c.value is not None and str(c.value).strip().lower() in headings}
        if "clause" in found and all(name in found for name in ANSWERS):
            return found, row
    return {}, None


def _present(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _clause_text(value: Any) -> str:
    if isinstance(value, float):   # a clause typed over as a number: 4.1, never 10.10
        return repr(value)
    return str(value).strip() if value is not None else ""


def _header_value(name: str, value: Any, bad: Callable[..., None]) -> Any:
    if not _present(value):
        return None
    if name == "assessed_by":
        return _checked(_NAME, str(value), bad)
    return _date(value, bad)


def _date(value: Any, bad: Callable[..., None]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        bad(f"'{value}' is not a date", "write it YYYY-MM-DD, or format the cell as a date")
        return None


def _checked(adapter: TypeAdapter, value: str, bad: Callable[..., None]) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        bad(exc.errors()[0]["msg"])
        return None


def _answer(name: str, value: Any, org: Organisation, bad: Callable[..., None]) -> Any:
    text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
    if name == "status":
        wanted = text.lower().replace("-", " ").replace("_", " ")
        found = next((key for key, label in STATUS_LABELS.items()
                      if wanted in (label.lower(), key.replace("_", " "))), None)
        if found is None:
            bad(f"'{text}' is not a status", "choose one of: " + ", ".join(STATUS_LABELS.values()))
        return found
    if name == "owner":
        match = PERSON.search(text)
        person = match.group(1) if match else text
        if person not in org.person:
            close = difflib.get_close_matches(person, sorted(org.person), n=1)
            bad(f"unknown person '{text}'", (f"did you mean '{close[0]}'? " if close else "")
                + "choose a person of people.yml from the drop-down")
            return None
        return person
    return _checked(_TEXT, text, bad)


# --- merging into the gap analysis --------------------------------------------------------------------------------

@dataclass
class Merged:
    gap: GapAnalysis | None
    conflicts: Findings
    taken: int = 0      # answers the workbook added or changed
    kept: int = 0       # answers of the file the workbook left empty


def merge(existing: GapAnalysis | None, returned: Returned, display: str, yaml_line: Callable[[tuple], int],
          force: bool) -> Merged:
    """The file's answers with the workbook's added. An answer the workbook leaves empty is kept; one both give
    differently is a conflict unless `force` (then the workbook's wins): nothing is lost without being asked."""
    conflicts = Findings()
    header: dict[str, Any] = {}
    taken = kept = 0

    def pick(old: Any, new: Any, row: int, name: str, loc: tuple) -> Any:
        nonlocal taken, kept
        if new is None:
            kept += old is not None
            return old
        if old is not None and old != new and not force:
            conflicts.add("gap.conflict", Severity.fatal, f"the workbook says '{_shown(name, new)}', "
                          f"data/gap_analysis.yml:{yaml_line(loc)} says '{_shown(name, old)}'",
                          f"{display}:{row}", field=name,
                          hint="make them agree, or run `smsgen gap import --force` to take the workbook's")
            return old
        taken += old != new
        return new

    for name, _ in HEADER:
        old = getattr(existing, name) if existing else None
        header[name] = pick(old, returned.header.get(name), returned.header_rows.get(name, 0), name,
                            ("gap_analysis", name))
    missing = [name for name in REQUIRED if header[name] is None]
    for name in missing:
        conflicts.add("gap.missing", Severity.fatal, "required: there is no data/gap_analysis.yml to take it from",
                      f"{display}:{returned.header_rows[name]}" if name in returned.header_rows else display,
                      field=name, hint="fill it in, or run `smsgen gap start` first")
    clauses = []
    for i, clause in enumerate(questionnaire_clauses()):
        old_answer = existing.answer(clause.number) if existing else None
        index = existing.clauses.index(old_answer) if existing and old_answer else i
        new = returned.answers.get(clause.number, {})
        values: dict[str, Any] = {}
        for name in ANSWERS:
            old = getattr(old_answer, name) if old_answer else None
            if name == "status" and old == "not_assessed":
                old = None
            values[name] = pick(old, new.get(name), returned.rows.get(clause.number, 0), name,
                                ("gap_analysis", "clauses", index, name))
        clauses.append(ClauseAnswer(clause=clause.number, status=values["status"] or "not_assessed",
                                    evidence=values["evidence"], notes=values["notes"], owner=values["owner"]))
    if conflicts:
        return Merged(None, conflicts, taken, kept)
    return Merged(GapAnalysis(clauses=clauses, **header), conflicts, taken, kept)


def _shown(name: str, value: Any) -> str:
    return STATUS_LABELS.get(value, value) if name == "status" else str(value)
