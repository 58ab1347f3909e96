"""Records kept in spreadsheets come into data/records/ through the same validation as the YAML (issue 15): every
bad row is reported as FILE:ROW, nothing is written unless all rows are good, and no record is ever overwritten."""
from __future__ import annotations

import yaml
from openpyxl import Workbook

from generator.model.load import load
from generator.model.record_import import import_records

from ..conftest import smsgen
from .test_records import with_records

HEADER = "id,raised,source,reference,clause,site,nonconformity,cause,action,owner,due,completed,verification.by," \
         "verification.date,verification.effective,verification.evidence\n"
GOOD = "CA-02,2026-11-01,incident,,8.1,YD,A gate left open overnight.,No closing check.,Closing check added.,bob," \
       "2026-12-15,2026-11-10,ann,2026-11-20,yes,Four weeks of closing checks signed.\n"


def test_a_csv_log_is_appended_and_validated_like_the_yaml(mini, tmp_path):
    with_records(mini)
    table = tmp_path / "log.csv"
    table.write_text(HEADER + GOOD, encoding="utf-8")
    added, findings = import_records(mini.data_dir, "corrective_actions", table, "log.csv")
    assert (added, [str(f) for f in findings]) == (1, [])
    org, problems, _ = load(mini)
    assert [str(f) for f in problems if f.severity >= 2] == []
    action = org.records.action("CA-02")
    assert action.closed and action.verification.by == "ann" and org.records.action("CA-01") is not None
    # the same row again is recognised; the same ID with other values is refused and nothing is written
    assert import_records(mini.data_dir, "corrective_actions", table, "log.csv") == (0, [])
    before = (mini.data_dir / "records" / "corrective_actions.yml").read_text(encoding="utf-8")
    table.write_text(HEADER + GOOD.replace("A gate left open", "A gate left ajar"), encoding="utf-8")
    added, findings = import_records(mini.data_dir, "corrective_actions", table, "log.csv")
    assert added == 0 and [f.code for f in findings] == ["records.conflict"] and findings[0].line == 2
    assert (mini.data_dir / "records" / "corrective_actions.yml").read_text(encoding="utf-8") == before


def test_every_bad_row_of_a_workbook_is_reported_and_nothing_written(mini, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "date", "title", "kind", "trainer", "attendees"])
    sheet.append(["TR-05", "2026-10-01", "Seal checks", "refresher", "Bob Baker", "cal; ann"])
    sheet.append(["TR-06", "not a date", "Gate checks", "refresher", "Bob Baker", "cal"])
    sheet.append(["TR-07", "2026-10-03", "Patrols", "chat", "Bob Baker", "cal"])
    book.save(tmp_path / "training.xlsx")
    added, findings = import_records(mini.data_dir, "training", tmp_path / "training.xlsx", "training.xlsx")
    assert added == 0 and [(f.line, f.message.split(":")[0]) for f in findings] == [(3, "date"), (4, "kind")]
    assert not (mini.data_dir / "records" / "training.yml").exists()
    book.remove(sheet)
    sheet = book.create_sheet()
    sheet.append(["id", "date", "title", "kind", "trainer", "attendees"])
    sheet.append(["TR-05", "2026-10-01", "Seal checks", "refresher", "Bob Baker", "cal; ann"])
    book.save(tmp_path / "training.xlsx")
    assert import_records(mini.data_dir, "training", tmp_path / "training.xlsx", "training.xlsx") == (1, [])
    text = (mini.data_dir / "records" / "training.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../.schema/training.schema.json\nsessions:\n")
    assert yaml.safe_load(text)["sessions"][0]["attendees"] == ["cal", "ann"]
    org, problems, _ = load(mini)
    assert [str(f) for f in problems if f.severity >= 2] == [] and org.records.training[0].kind == "refresher"


def test_an_unknown_kind_is_refused(mini, tmp_path):
    (tmp_path / "x.csv").write_text("id\nA-1\n", encoding="utf-8")
    added, findings = import_records(mini.data_dir, "minutes", tmp_path / "x.csv", "x.csv")
    assert added == 0 and "unknown kind of record 'minutes'" in findings[0].message


def test_the_command_imports_then_reports_what_the_rows_name_that_the_data_does_not_know(mini, tmp_path, capsys):
    (tmp_path / "t.csv").write_text("id,date,title,kind,trainer,attendees\n"
                                    "TR-09,2026-11-02,Patrols,refresher,Bob Baker,cal;zed\n", encoding="utf-8")
    assert smsgen(mini, "records", "import", "training", str(tmp_path / "t.csv")) == 2
    out, err = capsys.readouterr()
    assert "1 record(s) added to data/records/training.yml" in out
    assert "data/records/training.yml:" in err and "unknown person id 'zed'" in err
