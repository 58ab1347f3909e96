"""Load a workspace's data files into an Organisation, reporting every mistake with file:line:col at once."""
from __future__ import annotations

import difflib
from pydantic import BaseModel, ValidationError

from . import model
from .findings import Finding, Findings, Severity
from .workspace import Workspace
from .yamlsrc import Source, read

SCHEMA_LINE = "# yaml-language-server: $schema=.schema/{stem}.schema.json"


def load(ws: Workspace) -> tuple[model.Organisation | None, Findings, dict[str, Source]]:
    """Read and validate every data file. The Organisation is None when any file could not be validated."""
    findings = Findings()
    sources: dict[str, Source] = {}
    validated: dict[str, model.Strict] = {}
    partial: dict[str, tuple | None] = {}
    for name, root_model in model.DATA_FILES.items():
        path = ws.data_dir / name
        display = ws.display(path)
        if not path.exists():
            findings.add("data.missing-file", Severity.fatal, "required data file is missing", display,
                         hint="`smsgen init DIR` writes a complete set of data files to start from")
            continue
        source, problems = read(path, display)
        sources[name] = source
        findings += problems
        if source.data is None or any(p.severity is Severity.fatal for p in problems):
            continue
        if not path.read_text(encoding="utf-8").startswith(SCHEMA_LINE.format(stem=path.stem)):
            findings.add("data.schema-line", Severity.warning, "first line does not point editors to the schema",
                         display, 1, 1, hint="start the file with: " + SCHEMA_LINE.format(stem=path.stem))
        try:
            validated[name] = root_model.model_validate(source.data)
        except ValidationError as exc:
            findings += _without_echoes([_from_pydantic(err, source, root_model) for err in exc.errors()])
            partial[name] = _valid_items(root_model, source.data)
    if len(validated) + len(partial) < len(model.DATA_FILES) or any(p is None for p in partial.values()):
        return None, findings, sources
    # Cross-file checks run even when some list entries were invalid, so one run shows every kind of mistake;
    # the keys of invalid entries still count as known, so they cause no second, misleading error.
    org = model.Organisation(validated | {n: p[0] for n, p in partial.items()})
    also_known = {}
    for pieces in partial.values():
        for what, keys in pieces[1].items():
            also_known.setdefault(what, set()).update(keys)
    findings += cross_check(org, sources, also_known)
    if partial:
        return None, findings, sources
    if not any(f.code == "data.risk-scale" for f in findings):
        org.rate()
    return org, findings, sources


def _without_echoes(found: list[Finding]) -> list[Finding]:
    """A misspelt field shows up twice: unknown 'ownr' and missing 'owner'. Keep the one that says 'did you mean'."""
    meant = {f.field.rsplit(".", 1)[0] + "." + f.hint.split("'")[1] for f in found
             if f.message == "unknown field" and f.hint.startswith("did you mean")}
    return [f for f in found if not (f.message == _FRIENDLY["missing"] and f.field in meant)]


_ID_FIELDS = {"code": "site code", "key": "role key", "id": "ID"}


def _valid_items(root_model: type[model.Strict], data) -> tuple[model.Strict, dict[str, set]] | None:
    """For a file that is one list (roles, risks ...): its valid entries, and the identifiers of the invalid ones.
    None for single-record files, which cannot be checked in part."""
    from pydantic import TypeAdapter

    fields = root_model.model_fields
    if len(fields) != 1 or not isinstance(data, dict):
        return None
    (top, info), = fields.items()
    item_model = _unwrap(info.annotation)
    items = data.get(top) if isinstance(data.get(top), list) else []
    valid, known = [], {}
    adapter = TypeAdapter(item_model)
    for item in items:
        try:
            valid.append(adapter.validate_python(item))
        except ValidationError:
            if isinstance(item, dict):
                for attr, what in _ID_FIELDS.items():
                    if attr in item:
                        known.setdefault(what, set()).add(item[attr])
    return root_model.model_construct(**{top: valid}), known


_FRIENDLY = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
}


def _from_pydantic(err: dict, source: Source, root_model: type[BaseModel]) -> Finding:
    loc = tuple(err["loc"])
    kind = err["type"]
    message = _FRIENDLY.get(kind, err["msg"])
    hint = ""
    if kind == "extra_forbidden":
        known = _fields_at(root_model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(known)}"
    elif kind == "missing":
        hint = "add the field `" + str(loc[-1]) + "`"
    elif kind in ("string_type", "int_type", "int_parsing") and isinstance(err.get("input"), bool):
        hint = "YAML reads yes/no/on/off/true/false as booleans: put the value in quotes"
    elif kind == "string_type" and isinstance(err.get("input"), (int, float)):
        hint = "put the value in quotes so YAML reads it as text"
    elif kind == "string_pattern_mismatch":
        hint = "keys are lower_snake_case (e.g. security_manager); codes are UPPER-CASE (e.g. DC1, R-01)"
    elif kind in ("enum", "literal_error"):
        hint = "allowed: " + err.get("ctx", {}).get("expected", "")
    return source.finding(loc, message, "data.invalid", hint, Severity.fatal)


def _fields_at(root_model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names allowed at `loc` inside root_model, for misspelling hints."""
    current: object = root_model
    for part in loc:
        if isinstance(part, int):
            continue
        current = _unwrap(current.model_fields[part].annotation) if part in getattr(current, "model_fields", {}) else None
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _unwrap(annotation):
    """The pydantic model inside list[...], dict[..., ...] or X | None, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in reversed(getattr(annotation, "__args__", ())):
        found = _unwrap(arg)
        if found is not None:
            return found
    return None


# --- cross references -------------------------------------------------------------------------------------------

def cross_check(org: model.Organisation, sources: dict[str, Source], also_known: dict[str, set] | None = None) -> Findings:
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
    for fn in model.Function:
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
