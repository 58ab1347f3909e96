"""Rules across data files: every reference resolves, every identifier is unique, scales, bands and functions are
coherent. Each rule is a small function over the Organisation; `cross_check` runs them all and collects every finding."""
from __future__ import annotations

import difflib

from generator.base.findings import Findings, Severity
from generator.model import fields
from generator.model.organisation import Organisation
from generator.model.yaml_source import Source


def cross_check(org: Organisation, sources: dict[str, Source], also_known: dict[str, set] | None = None) -> Findings:
    """Every reference between files resolves; every ID is unique; scales, bands and functions are coherent."""
    out = Findings()
    also_known = also_known or {}

    def bad(file: str, loc: tuple, message: str, hint: str = "", code: str = "data.unknown-ref",
            severity: Severity = Severity.fatal) -> None:
        out.append(sources[file].finding(loc, message, code, hint, severity))

    def ref(file: str, loc: tuple, value, known: dict | set, what: str) -> None:
        if value is None or value in known or value in also_known.get(what, ()) or value in also_known.get("ID", ()):
            return
        close = difflib.get_close_matches(str(value), list(known), n=1, cutoff=0.6)
        hint = (f"did you mean '{close[0]}'? " if close else "") + f"known {what}s: {', '.join(sorted(known))}"
        bad(file, loc, f"unknown {what} '{value}'", hint)

    def unique(file: str, top: str, items: list, attr: str, what: str) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            value = getattr(item, attr)
            if value in seen:
                bad(file, (top, i, attr), f"duplicate {what} '{value}' (also {top}[{seen[value]}])",
                    "every entry needs its own identifier", "data.duplicate-id")
            seen.setdefault(value, i)

    roles, sites, types = org.role, org.site, org.documents.types
    unique("sites.yml", "sites", org.sites, "code", "site code")
    unique("roles.yml", "roles", org.roles, "key", "role key")
    unique("roles.yml", "roles", org.roles, "code", "role code")
    unique("people.yml", "people", org.people, "id", "person id")
    for file, top, items in (("context.yml", "issues", org.context), ("interested_parties.yml", "parties", org.parties),
                             ("legal.yml", "requirements", org.legal), ("objectives.yml", "objectives", org.objectives),
                             ("risks.yml", "risks", org.risks), ("processes.yml", "processes", org.processes),
                             ("partners.yml", "partners", org.partners), ("scenarios.yml", "scenarios", org.scenarios)):
        unique(file, top, items, "id", "ID")
    codes = [t.code for t in types.values()]
    for key, doc_type in types.items():
        if codes.count(doc_type.code) > 1:
            bad("documents.yml", ("types", key, "code"), f"type code '{doc_type.code}' is used by two types",
                "document IDs would collide", "data.duplicate-id")

    for i, code in enumerate(org.scope.sites):
        ref("scope.yml", ("scope", "sites", i), code, sites, "site code")
    for i, party in enumerate(org.parties):
        ref("interested_parties.yml", ("parties", i, "owner"), party.owner, roles, "role key")
        for j, lid in enumerate(party.legal_requirements):
            ref("interested_parties.yml", ("parties", i, "legal_requirements", j), lid, org.legal_by_id, "legal requirement ID")
    for i, req in enumerate(org.legal):
        ref("legal.yml", ("requirements", i, "owner"), req.owner, roles, "role key")
        for j, code in enumerate(req.applies_to):
            ref("legal.yml", ("requirements", i, "applies_to", j), code, sites, "site code")
    ref("policy.yml", ("policy", "signed_by"), org.policy.signed_by, roles, "role key")

    for i, role in enumerate(org.roles):
        ref("roles.yml", ("roles", i, "reports_to"), role.reports_to, roles, "role key")
        ref("roles.yml", ("roles", i, "site"), role.site, sites, "site code")
        for j, type_key in enumerate(role.approves):
            ref("roles.yml", ("roles", i, "approves", j), type_key, types, "document type")
        if role.reports_to == role.key:
            bad("roles.yml", ("roles", i, "reports_to"), "a role cannot report to itself", code="data.reporting-line")
    tops = [r for r in org.roles if r.reports_to is None]
    if len(tops) != 1:
        bad("roles.yml", ("roles",), f"exactly one role must have no reports_to (the top role); found {len(tops)}",
            "give every role except top management a reports_to", "data.reporting-line")
    for i, role in enumerate(org.roles):
        chain, current = set(), role
        while current and current.reports_to and current.key not in chain:
            chain.add(current.key)
            current = roles.get(current.reports_to)
        if current and current.key in chain:
            bad("roles.yml", ("roles", i, "reports_to"), f"reporting line of '{role.key}' loops back on itself",
                code="data.reporting-line")
    holders: dict[str, list[int]] = {}
    for i, role in enumerate(org.roles):
        for fn in role.functions:
            holders.setdefault(fn.value, []).append(i)
    for fn in fields.Function:
        if fn.value not in holders:
            bad("roles.yml", ("roles",), f"no role fulfils the SMS function '{fn.value}'",
                "add it to the `functions` of the role that does this work: templates assign tasks by function",
                "data.function-unassigned")
        elif len(holders[fn.value]) > 1:
            i = holders[fn.value][1]
            bad("roles.yml", ("roles", i, "functions"), f"function '{fn.value}' is held by more than one role "
                f"({', '.join(org.roles[j].key for j in holders[fn.value])})", "give each function to one role",
                "data.function-duplicate")

    for i, person in enumerate(org.people):
        ref("people.yml", ("people", i, "site"), person.site, sites, "site code")
        for j, key in enumerate(person.roles):
            ref("people.yml", ("people", i, "roles", j), key, roles, "role key")
    for i, role in enumerate(org.roles):
        if not role.holders:
            bad("roles.yml", ("roles", i, "key"), f"no person in people.yml holds role '{role.key}'",
                "name at least one holder so documents can say who does the work", "data.vacant-role", Severity.error)

    for i, obj in enumerate(org.objectives):
        ref("objectives.yml", ("objectives", i, "owner"), obj.owner, roles, "role key")
        for j, action in enumerate(obj.plan):
            ref("objectives.yml", ("objectives", i, "plan", j, "owner"), action.owner, roles, "role key")

    crit = org.criteria
    for scale in ("likelihood", "impact"):
        levels = [lv.level for lv in getattr(crit, scale)]
        if levels != list(range(1, len(levels) + 1)):
            bad("risk_criteria.yml", ("criteria", scale), f"{scale} levels must run 1, 2, 3 ... in order",
                code="data.risk-scale")
    top_score = len(crit.likelihood) * len(crit.impact)
    covered = sorted(s for b in crit.bands for s in range(b.min_score, b.max_score + 1))
    if covered != list(range(1, top_score + 1)):
        bad("risk_criteria.yml", ("criteria", "bands"),
            f"bands must cover every score from 1 to {top_score} exactly once", code="data.risk-scale")
    if crit.acceptance not in [b.name for b in crit.bands]:
        ref("risk_criteria.yml", ("criteria", "acceptance"), crit.acceptance, {b.name for b in crit.bands}, "band")

    for i, risk in enumerate(org.risks):
        ref("risks.yml", ("risks", i, "site"), risk.site, sites, "site code")
        ref("risks.yml", ("risks", i, "owner"), risk.owner, roles, "role key")
        for loc, rated in (((), risk), (("residual",), risk.residual)):
            for scale in ("likelihood", "impact"):
                value, size = getattr(rated, scale), len(getattr(crit, scale))
                if not 1 <= value <= size:
                    bad("risks.yml", ("risks", i) + loc + (scale,), f"{scale} {value} is outside the scale 1-{size}",
                        "scales are defined in risk_criteria.yml", "data.risk-scale")
        if risk.residual.score > risk.score:
            bad("risks.yml", ("risks", i, "residual"), f"residual score {risk.residual.score} is higher than the "
                f"score before treatment ({risk.score})", "treatment should not make a risk worse",
                "data.risk-residual", Severity.error)
    for i, proc in enumerate(org.processes):
        ref("processes.yml", ("processes", i, "owner"), proc.owner, roles, "role key")
        for j, code in enumerate(proc.sites):
            ref("processes.yml", ("processes", i, "sites", j), code, sites, "site code")
        for j, rid in enumerate(proc.risks):
            ref("processes.yml", ("processes", i, "risks", j), rid, org.risk, "risk ID")
    for i, partner in enumerate(org.partners):
        ref("partners.yml", ("partners", i, "owner"), partner.owner, roles, "role key")
        if partner.next_review < partner.last_review:
            bad("partners.yml", ("partners", i, "next_review"), "next review is before the last review",
                code="data.dates")
    for i, sc in enumerate(org.scenarios):
        ref("scenarios.yml", ("scenarios", i, "site"), sc.site, sites, "site code")
        ref("scenarios.yml", ("scenarios", i, "lead"), sc.lead, roles, "role key")
        for j, rid in enumerate(sc.risks):
            ref("scenarios.yml", ("scenarios", i, "risks", j), rid, org.risk, "risk ID")
            if rid in org.risk and org.risk[rid].site != sc.site:
                bad("scenarios.yml", ("scenarios", i, "risks", j), f"risk {rid} belongs to site "
                    f"{org.risk[rid].site}, not to this scenario's site {sc.site}", code="data.scenario-site",
                    severity=Severity.error)
    return out
