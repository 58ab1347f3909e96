"""Applicability: which documents an organisation is issued, decided once from what its sites are and do, what it
does, and its own recorded decisions; every consumer (references, the register, the clause matrix) reads that one
decision, and each rule fails on a workspace made to break it."""
from __future__ import annotations

import pytest

from generator.base.findings import Severity
from generator.checks.assess import assess as run
from generator.model.clauses import catalogue
from generator.publish.docs import write_outcome

from ..conftest import edit

pytestmark = pytest.mark.integration

DECISIONS = "# yaml-language-server: $schema=.schema/applicability.schema.json\ndecisions:\n"


def declare(ws, office: str, yard: str) -> None:
    """Give the mini organisation's two sites explicit features (it declares none, so everything applies)."""
    edit(ws.data_dir / "sites.yml", "    type: head_office\n", f"    type: head_office\n    features: [{office}]\n")
    edit(ws.data_dir / "sites.yml", "    type: yard\n", f"    type: yard\n    features: [{yard}]\n")


def decide(ws, *entries: str) -> None:
    (ws.data_dir / "applicability.yml").write_text(DECISIONS + "".join(entries), encoding="utf-8")


def decision(document: str, choice: str = "exclude", by: str = "ann",
             why: str = "Reviewed at the SMS committee") -> str:
    return (f"  - document: {document}\n    decision: {choice}\n    justification: {why}\n"
            f"    decided_by: {by}\n    date: 2026-10-01\n")


def not_issued(outcome) -> dict[str, str]:
    return {n.document.key: n.reason for n in outcome.result.not_issued}


def codes(outcome, severity=None) -> list[str]:
    return [f.code for f in outcome.findings if severity is None or f.severity is severity]


def test_undeclared_features_issue_the_general_library(mini):
    """A workspace that declares nothing keeps the whole general library; a sector overlay's documents (and a port
    facility's) need the words declared."""
    outcome = run(mini)
    assert len(outcome.documents) > 90
    assert outcome.result.not_issued
    assert all(n.document.template.relpath.startswith("sectors/") for n in outcome.result.not_issued)


def test_features_decide_documents_and_what_serves_them(mini):
    declare(mini, "visitors, intruder_alarm", "vehicles, perimeter, cctv, guard_force")
    outcome = run(mini)
    reasons = not_issued(outcome)
    keys = {d.key for d in outcome.documents}
    # nothing at either site applies or verifies seals: the procedure goes, and the log and instruction with it
    assert "applies or verifies security seals" in reasons["op-seal-management"]
    assert "op-seal-management" not in keys
    for served in ("form-seal-log", "wi-seal-verification"):
        assert "serves only" in reasons[served] and "Seal management" in reasons[served]
    # a yard with CCTV and guards keeps their documents
    assert {"op-cctv-alarms", "wi-guard-post-orders", "form-patrol-log"} <= keys
    # a mandatory document is never decided away by data
    assert {"security-policy", "scope-statement", "internal-audit-programme"} <= keys


def test_a_site_document_follows_its_own_site(mini):
    declare(mini, "visitors", "vehicles, cctv")
    outcome = run(mini)
    plans = {d.key: d for d in outcome.documents if d.key.startswith("site-plan-")}
    assert set(plans) == {"site-plan-ho", "site-plan-yd"}   # every site has a plan, whatever it has


def test_an_exclusion_is_recorded_with_who_and_why(mini):
    decide(mini, decision("wi-lockdown", why="The yard is an open trailer park; a lockdown cannot be enforced"))
    outcome = run(mini)
    assert not_issued(outcome)["wi-lockdown"] == "The yard is an open trailer park; a lockdown cannot be enforced"
    write_outcome(mini, outcome)
    register = (mini.docs_dir / "applicability.md").read_text(encoding="utf-8")
    row = next(line for line in register.splitlines() if "Site lockdown" in line)
    assert "Ann Archer" in row and "2026-10-01" in row and "open trailer park" in row
    assert "applicability register" in (mini.docs_dir / "clause-matrix.md").read_text(encoding="utf-8")


def test_a_document_is_named_by_key_or_id(mini):
    ids = {d.key: d.id for d in run(mini).documents}
    decide(mini, decision(ids["wi-lockdown"]))
    assert "wi-lockdown" in not_issued(run(mini))


def test_an_include_decision_overrides_the_data(mini):
    declare(mini, "visitors", "vehicles")
    decide(mini, decision("op-seal-management", "include", why="Customers require sealed trailers from 2027"))
    outcome = run(mini)
    assert "op-seal-management" in {d.key for d in outcome.documents}
    assert [d.key for d, _ in outcome.result.included] == ["op-seal-management"]
    # what serves it follows it back in
    assert "form-seal-log" not in not_issued(outcome)


def test_a_mandatory_document_cannot_be_excluded(mini):
    decide(mini, decision("security-policy"))
    outcome = run(mini)
    found = [f for f in outcome.findings if f.code == "applicability.decision"]
    assert found and found[0].severity is Severity.error
    assert "cannot be excluded" in found[0].message and "5.2" in found[0].message
    assert found[0].path.endswith("applicability.yml") and found[0].line == 4
    assert "security-policy" in {d.key for d in outcome.documents}


def test_bad_decisions_are_errors_at_their_lines(mini):
    decide(mini, decision("wi-lockdwn"), decision("wi-lockdown"), decision("wi-lockdown", by="zed"))
    outcome = run(mini)
    found = [f for f in outcome.findings if f.code == "applicability.decision"]
    messages = " | ".join(f.message for f in found)
    assert "no document has the key or ID 'wi-lockdwn'" in messages
    assert any("did you mean" in f.hint and "wi-lockdown" in f.hint for f in found)
    assert "a second decision" in messages and "unknown person id 'zed'" in messages
    assert sorted({f.line for f in found}) == [3, 13, 16]


def test_a_reference_to_a_document_not_issued_is_an_error(mini):
    decide(mini, decision("wi-lockdown"))
    override = mini.root / "sms_templates" / "procedures" / "drills.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text("---\nkey: drills\nnumber: \"99\"\ntitle: Drills\nsummary: Drills.\ntype: procedure\n"
                        "clauses: ['8.2']\nowner: security_manager\napprover: sms_manager\n---\n"
                        "Drills follow {{ ref('wi-lockdown') }}.\n", encoding="utf-8")
    outcome = run(mini)
    found = [f for f in outcome.findings if f.code == "document.not-issued-ref" and f.path.endswith("drills.md.j2")]
    assert len(found) == 1 and "Site lockdown, which is not issued" in found[0].message
    assert found[0].path.endswith("drills.md.j2") and found[0].line == 11
    assert "issued('wi-lockdown')" in found[0].hint


def test_excluding_the_last_document_of_a_clause_is_an_error(mini):
    outcome = run(mini)
    clauses = catalogue()
    by_clause: dict[str, list] = {}
    for doc in outcome.documents:
        for number in doc.clauses:
            by_clause.setdefault(number, []).append(doc)
    number, (only,) = next((n, docs) for n, docs in by_clause.items() if len(docs) == 1
                           and clauses[n].documented_information != "none" and not docs[0].template.meta.mandatory)
    decide(mini, decision(only.key))
    found = [f for f in run(mini).findings if f.code == "applicability.clause-uncovered"]
    assert any(f"clause {number} " in f.message for f in found)
    assert all(only.label in f.message and f.severity is Severity.error for f in found)


def test_templates_declare_applicability_coherently(mini):
    override = mini.root / "sms_templates" / "forms" / "odd.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text("---\nkey: odd\nnumber: \"99\"\ntitle: Odd\nsummary: Odd.\ntype: form\nclauses: ['8.2']\n"
                        "owner: security_manager\napprover: sms_manager\napplies: [teleporter]\n"
                        "applies_with: [nothing-here]\n---\nOdd.\n", encoding="utf-8")
    found = [f for f in run(mini).findings if f.path.endswith("odd.md.j2")]
    assert any("'teleporter' is not a site feature or an operation" in f.message for f in found)
    override.write_text(override.read_text(encoding="utf-8").replace("applies: [teleporter]\n", ""), encoding="utf-8")
    found = [f for f in run(mini).findings if f.path.endswith("odd.md.j2")]
    assert any("no document has the key 'nothing-here'" in f.message and f.severity is Severity.fatal for f in found)


def test_a_function_held_per_site_names_each_sites_holder(mini):
    """The mini organisation's director leads its office and its operations manager its yard (site_lead per site)."""
    override = mini.root / "sms_templates" / "plans" / "leads.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text("---\nkey: \"leads-{{ site.code | lower }}\"\nnumber: \"L-{{ site.code }}\"\n"
                        "title: \"Leads at {{ site.name }}\"\nsummary: Who leads.\ntype: plan\nclauses: ['8.2']\n"
                        "owner: security_manager\napprover: sms_manager\nexpand: site\n---\n"
                        "{{ task('site_lead', 'opens the site every morning') }}; yard: "
                        "{{ fn.at(data.site['YD']).site_lead.title }}.\n", encoding="utf-8")
    outcome = run(mini)
    assert not codes(outcome, Severity.fatal), [str(f) for f in outcome.findings if f.severity is Severity.fatal]
    bodies = {d.key: d.body for d in outcome.documents}
    assert bodies["leads-ho"].startswith("**Director** opens the site")
    assert "yard: Operations Manager" in bodies["leads-ho"]
    assert bodies["leads-yd"].startswith("**Operations Manager** opens the site")
    tasks = outcome.result.tasks
    assert [t.document.key for t in tasks["director"] if "opens the site" in t.text] == ["leads-ho"]
    assert [t.document.key for t in tasks["ops_manager"] if "opens the site" in t.text] == ["leads-yd"]


def test_a_sector_overlay_adds_words_and_documents_without_python(mini):
    sector = mini.root / "sms_templates" / "sectors" / "rail"
    (sector / "operational").mkdir(parents=True)
    (sector / "sector.yml").write_text(
        "sector:\n  name: Rail freight terminal\n  description: Terminals where freight trains are loaded.\n"
        "  features:\n    rail_sidings: has rail sidings where wagons are loaded or stand\n", encoding="utf-8")
    (sector / "operational" / "wagon-checks.md.j2").write_text(
        "---\nkey: op-wagon-checks\nnumber: \"90\"\ntitle: Wagon checks\nsummary: Checks of wagons.\n"
        "type: operational\nclauses: ['8.2']\napplies: [rail_sidings]\nowner: security_manager\n"
        "approver: sms_manager\n---\nWagons are checked{% if has('rail_sidings') %} on the sidings{% endif %}.\n",
        encoding="utf-8")
    declare(mini, "visitors", "vehicles")
    reasons = not_issued(run(mini))
    assert reasons["op-wagon-checks"] == ("the data does not say that any site in scope has rail sidings where wagons "
                                          "are loaded or stand")
    edit(mini.data_dir / "sites.yml", "features: [vehicles]", "features: [vehicles, rail_sidings]")
    outcome = run(mini)
    wagons = next(d for d in outcome.documents if d.key == "op-wagon-checks")
    assert "on the sidings" in wagons.body and not codes(outcome, Severity.fatal)
    # a word no sector declares is an error at its line in the data
    edit(mini.data_dir / "sites.yml", "rail_sidings]", "rail_siding]")
    found = [f for f in run(mini).findings if f.path == "data/sites.yml" and "rail_siding'" in f.message]
    assert found and "did you mean 'rail_sidings'" in found[0].hint


def test_a_sector_cannot_redefine_a_word(mini):
    sector = mini.root / "sms_templates" / "sectors" / "odd"
    sector.mkdir(parents=True)
    (sector / "sector.yml").write_text("sector:\n  name: Odd\n  description: Odd.\n  operations:\n"
                                       "    cctv: watches cameras\n", encoding="utf-8")
    found = [f for f in run(mini).findings if f.code == "sector.word"]
    assert found and "'cctv' is already a site feature of the built-in vocabulary" in found[0].message
    assert found[0].path.endswith("sectors/odd/sector.yml") and found[0].line == 5


def test_a_risk_or_scenario_can_apply_to_several_sites_or_all(mini):
    """A risk assessed for the whole organisation is in every site's plan and the register says "All sites"; a
    scenario for two sites is in both plans; an unknown code in a list is reported at its place."""
    edit(mini.data_dir / "risks.yml", "  - id: R-02\n    site: HO\n", "  - id: R-02\n    site: all\n")
    text = (mini.data_dir / "scenarios.yml").read_text(encoding="utf-8")
    (mini.data_dir / "scenarios.yml").write_text(text.replace("    site: HO\n", "    site: [HO, YD]\n", 1),
                                                 encoding="utf-8")
    outcome = run(mini)
    assert not codes(outcome, Severity.fatal) and not codes(outcome, Severity.error)
    org = outcome.org
    assert [r.id for r in org.risks_at("YD")].count("R-02") == 1 and "R-02" in [r.id for r in org.risks_at("HO")]
    plans = {d.key: d.body for d in outcome.documents if d.key.startswith("site-plan-")}
    scenario = next(s for s in org.scenarios if s.site == ["HO", "YD"])
    assert all(scenario.title in body for body in plans.values())
    register = next(d.body for d in outcome.documents if d.key == "risk-register")
    assert "R-02" in register and org.where(org.risk["R-02"]) == "All sites"
    edit(mini.data_dir / "scenarios.yml", "    site: [HO, YD]\n", "    site: [HO, YY]\n")
    found = [f for f in run(mini).findings if f.path == "data/scenarios.yml" and "'YY'" in f.message]
    assert found and found[0].field == "scenarios[1].site[1]"
