"""Tailoring (issue 13): the set fits the organisation. The office-only broker issues only what applies to it and no
issued document speaks of guards, gates or seals it does not have; the reference organisation keeps its whole set;
each organisation's applicability register names every document not issued with its reason."""
from __future__ import annotations

import re

import pytest
import yaml

from generator.checks.assess import assess as run
from generator.publish.docs import write_outcome
from generator.publish.export.common import approval_rows
from generator.publish.export.page import read_page
from generator.render.markdown import md_escape

from ..conftest import BROKER, edit

pytestmark = pytest.mark.integration

# Words of physical cargo security, and the site features any one of which makes each of them true to the data
PHYSICAL = {
    r"\bguards?\b|\bsecurity officers?\b|\bguard force\b": {"guard_force"},
    r"\bgatehouses?\b|\bgates?\b": {"gatehouse", "perimeter"},
    r"\bpatrol(s|led|ling)?\b": {"guard_force"},
    r"\bCCTV\b|\bcameras?\b": {"cctv"},
    r"\bseals?\b": {"seals"},
    r"\bcontainers?\b": {"containers"},
    r"\bloading\b|\bloads?\b": {"goods", "vehicles"},
    r"\block ?down\b": {"perimeter", "guard_force", "gatehouse"},
    r"\btrailers?\b|\bdocks?\b|\byards?\b": {"goods", "vehicles", "containers"},
    r"\bperimeter\b|\bfences?\b": {"perimeter"},
}


def data_texts(data_dir) -> list[str]:
    """Every text value of the organisation's data, as written and as escaped into Markdown: what the data says is
    the data's to say (the broker's risks rightly speak of container release references)."""
    found: list[str] = []

    def walk(value):
        if isinstance(value, str):
            found.extend({value, md_escape(value)})
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    for file in sorted(data_dir.glob("*.yml")):
        walk(yaml.safe_load(file.read_text(encoding="utf-8")))
    return sorted(found, key=len, reverse=True)


def test_the_office_only_broker_checks_clean(broker_outcome):
    assert [str(f) for f in broker_outcome.findings] == []


def test_the_broker_issues_only_what_applies_to_it(broker_outcome):
    issued = {d.key for d in broker_outcome.documents}
    not_issued = {n.document.key for n in broker_outcome.result.not_issued}
    for key in ("wi-guard-post-orders", "op-perimeter-security", "op-seal-management", "wi-seal-verification",
                "form-seal-log", "wi-cctv-operation", "form-cctv-review-log", "op-container-inspection", "wi-lockdown",
                "form-patrol-log", "wi-loading-supervision", "op-shipping-receiving", "op-cargo-integrity"):
        assert key in not_issued, key
    for key in ("security-policy", "scope-statement", "risk-register", "op-it-security", "op-personnel-security",
                "op-customs-aeo", "incident-management", "internal-audit", "management-review"):
        assert key in issued, key


def test_no_issued_document_speaks_of_what_the_broker_does_not_have(broker_outcome):
    org = broker_outcome.org
    features = {f for s in org.sites_in_scope for f in (s.features or [])}
    texts = data_texts(BROKER)
    said = "\n".join(texts)
    found = []
    for doc in broker_outcome.documents:
        body = doc.body
        for text in texts:
            if len(text) > 3:
                body = body.replace(text, " ")
        for pattern, justified_by in PHYSICAL.items():
            # true to the data: a site has the feature, or the data itself speaks of it (the broker's risks are
            # about container release references and cover loads, which its procedures must then address)
            if features & justified_by or re.search(pattern, said, re.I):
                continue
            for match in re.finditer(pattern, body, re.I):
                found.append(f"{doc.id} {doc.title}: '{match.group(0)}' in "
                             f"...{body[max(0, match.start() - 60):match.end() + 40]!r}...")
    assert not found, "\n".join(found)


def test_the_applicability_register_names_each_document_not_issued(broker_built, broker_outcome):
    register = (broker_built.docs_dir / "applicability.md").read_text(encoding="utf-8")
    for entry in broker_outcome.result.not_issued:
        row = next((line for line in register.splitlines() if line.startswith(f"| {entry.document.id} |")), None)
        assert row is not None, entry.document.id
        assert "From the data" in row or entry.decision is not None
        assert entry.reason.split(";")[0][1:40] in row
    assert "applicability" in (broker_built.docs_dir / "core").joinpath(
        next(d.id for d in broker_outcome.documents if d.key == "scope-statement") + ".md").read_text(encoding="utf-8")


def test_the_reference_organisation_keeps_its_whole_set(reference_outcome):
    """Tailoring takes nothing from the reference organisation: every document of the general library is issued to
    it (only sector overlays it is not in are not), and it checks clean."""
    outcome = reference_outcome
    assert all(n.document.template.relpath.startswith("sectors/") for n in outcome.result.not_issued)
    general = [d for d in outcome.documents if not d.template.relpath.startswith("sectors/")]
    assert len(general) >= 115
    assert not [f for f in outcome.findings if f.severity >= 2]


def test_the_port_checks_clean(port_outcome):
    assert [str(f) for f in port_outcome.findings] == []


def test_the_port_has_one_facility_plan_per_regulated_facility_naming_its_officer(port_outcome):
    org = port_outcome.org
    regulated = [s for s in org.sites_in_scope if s.has("port_facility")]
    plans = {d.subject.code: d for d in port_outcome.documents
             if d.template.relpath.endswith("facility-security-plan.md.j2")}
    assert len(regulated) >= 2 and set(plans) == {s.code for s in regulated}
    for site in regulated:
        plan = plans[site.code]
        officer = org.function_at[("facility_security_officer", site.code)]
        assert all(p.name in plan.body for p in officer.holders), site.code
        others = [h.name for s in regulated if s is not site
                  for h in org.function_at[("facility_security_officer", s.code)].holders]
        assert not any(name in plan.body for name in others), f"{site.code}'s plan names another facility's officer"
        assert all(f"Security level {n}" in plan.body or f"level {n}" in plan.body.lower() for n in (1, 2, 3))
        assert plan.classification.value == "restricted"


def test_no_port_partner_is_judged_by_aeo_alone_and_addresses_read_american(port_outcome):
    org = port_outcome.org
    for partner in org.partners:
        evidence = {p.key for p in partner.security_evidence()}
        if evidence:
            assert evidence - {"eu_aeo_s", "eu_aeo_f", "uk_aeo_s", "uk_aeo_f"} or partner.country != "United States"
    soa = next(d for d in port_outcome.documents if d.key == "statement-of-application")
    assert "AEO status" not in soa.body
    site = org.sites_in_scope[0]
    printed = str(site.address)
    assert re.search(r", [A-Z]{2} \d{5}(-\d{4})?, United States$", printed), printed
    scope = next(d for d in port_outcome.documents if d.key == "scope-statement")
    assert md_escape(printed) in scope.body or printed in scope.body


def test_an_external_party_holds_a_role_without_a_job_description(port_outcome):
    org = port_outcome.org
    contract = next(r for r in org.roles if r.provided_by)
    jds = {d.subject.key for d in port_outcome.documents if d.type == "job_description" and d.subject is not None}
    assert contract.key not in jds and {r.key for r in org.roles if not r.provided_by} <= jds
    assert org.holder_names(contract) == "people of Gulfline Protective Services, LLC"


def test_classification_levels_carry_the_organisations_own_names_and_markings(port_built, port_outcome):
    """The port names its restricted level Sensitive Security Information, with the regulation's legend: every page
    and output of such a document says so (the control data every output reads)."""
    plan = next(d for d in port_outcome.documents if d.template.relpath.endswith("facility-security-plan.md.j2"))
    page = read_page(port_built.docs_dir / plan.docs_path)
    assert page.control["classification"] == "restricted"
    assert page.control["classification_label"] == "Sensitive Security Information"
    rows = dict(approval_rows(page))
    assert rows["Classification"] == "Sensitive Security Information"
    assert rows["Marking"].startswith("WARNING: This record contains Sensitive Security Information")
    html = (port_built.root / "site" / plan.folder / plan.id / "index.html").read_text(encoding="utf-8")
    assert "Sensitive Security Information" in html and "need to know" in html
    register = read_page(port_built.docs_dir / "master-list.md").body
    assert "For Official Use Only" in register


def test_a_board_as_top_management_adopts_by_resolution_signed_by_its_chair(port_outcome):
    policy = next(d for d in port_outcome.documents if d.key == "security-policy")
    assert "Adopted by resolution of the Board of Harbor Commissioners" in policy.body
    assert "by its chair, Maria Delgado." in policy.body


def test_where_one_role_owns_and_approves_its_compensating_control_is_recorded(mini):
    """Mini's director holds nearly every function: the documents it both owns and approves carry the compensating
    control roles.yml records, and without one, check warns."""
    outcome = run(mini)
    assert not [f for f in outcome.findings if f.code == "set.self-approval"]
    write_outcome(mini, outcome)
    own = next(d for d in outcome.documents if d.owner.key == d.approver.key == "director")
    rows = dict(approval_rows(read_page(mini.docs_dir / own.docs_path)))
    assert rows["Compensating control"].startswith("Documents the Director both writes and approves are reviewed")
    edit(mini.data_dir / "roles.yml", "    compensating_control: Documents the Director both writes and approves are "
         "reviewed by the external ISO 28000 auditor before approval, and the review is kept with the approval "
         "record\n", "")
    found = [f for f in run(mini).findings if f.code == "set.self-approval"]
    assert found and "the Director both owns and approves it" in found[0].message
