"""Values that become paths are validated once: a template cannot write a page outside the workspace."""
from __future__ import annotations

from ..conftest import smsgen


def test_a_document_number_that_climbs_out_of_docs_is_refused(mini, capsys):
    overrides = mini.root / "sms_templates" / "procedures"
    overrides.mkdir(parents=True)
    (overrides / "evil.md.j2").write_text(
        "---\nkey: evil\nnumber: \"../../../evil\"\ntitle: Evil\nsummary: Climbs out.\ntype: procedure\n"
        "clauses: [\"7.5\"]\nowner: sms_manager\napprover: sms_manager\n---\n# Evil\n", encoding="utf-8")
    assert smsgen(mini, "build", "--no-site") == 2
    err = capsys.readouterr().err
    assert "document number '../../../evil' cannot be part of a file name" in err
    assert "evil.md.j2:3" in err
    assert not list(mini.root.parent.rglob("evil.md")) and not (mini.root.parent.parent / "evil.md").exists()
