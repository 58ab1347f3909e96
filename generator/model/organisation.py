"""The organisation: every data file of a workspace assembled, with cross-file lookups and derived values."""
from __future__ import annotations

from collections import Counter
from typing import TypeVar

from generator.model.datafiles import (
    ApplicabilityFile,
    ContextIssue,
    Cycle,
    CycleFile,
    Decision,
    DocumentsFile,
    InterestedParty,
    LegalRequirement,
    Notification,
    Objective,
    Organisation_,
    OrganisationFile,
    Partner,
    Person,
    PlannedControl,
    Policy,
    PolicyFile,
    Process,
    Risk,
    RiskCriteria,
    RiskCriteriaFile,
    Role,
    Scenario,
    Scope,
    ScopeFile,
    Site,
    Strict,
    codes_of,
)
from generator.model.gap import GapAnalysis, GapAnalysisFile
from generator.model.profile import IMPLIED, Vocabulary
from generator.model.records import Records

F = TypeVar("F", bound=Strict)
T = TypeVar("T", bound=Strict)


def _file(files: dict[str, Strict], name: str, model: type[F]) -> F:
    """One data file's root model, as the type DATA_FILES validated it with (a list file with invalid entries: the
    model built from its valid ones)."""
    found = files[name]
    assert isinstance(found, model), f"{name} holds a {type(found).__name__}, not a {model.__name__}"
    return found


def _records(files: dict[str, Strict], name: str, item: type[T]) -> list[T]:
    """The records of a list file (see datafiles.list_file): the one list under its one key."""
    root = files[name]
    (key,) = type(root).model_fields
    records = getattr(root, key)
    assert all(isinstance(r, item) for r in records), f"{name} holds records that are not {item.__name__}"
    return records


class Organisation:
    """All data files of a workspace, with cross-file lookups and derived values. Built only by `load`."""

    def __init__(self, files: dict[str, Strict]):
        f = files
        # each data file's root model, by file name: where every value below comes from (the render memo tells a
        # value of an unchanged file by it)
        self.files = files
        self.org: Organisation_ = _file(f, "organisation.yml", OrganisationFile).organisation
        self.documents: DocumentsFile = _file(f, "documents.yml", DocumentsFile)
        self.sites: list[Site] = _records(f, "sites.yml", Site)
        self.scope: Scope = _file(f, "scope.yml", ScopeFile).scope
        self.context: list[ContextIssue] = _records(f, "context.yml", ContextIssue)
        self.parties: list[InterestedParty] = _records(f, "interested_parties.yml", InterestedParty)
        self.legal: list[LegalRequirement] = _records(f, "legal.yml", LegalRequirement)
        self.policy: Policy = _file(f, "policy.yml", PolicyFile).policy
        self.roles: list[Role] = _records(f, "roles.yml", Role)
        self.people: list[Person] = _records(f, "people.yml", Person)
        self.objectives: list[Objective] = _records(f, "objectives.yml", Objective)
        self.criteria: RiskCriteria = _file(f, "risk_criteria.yml", RiskCriteriaFile).criteria
        self.risks: list[Risk] = _records(f, "risks.yml", Risk)
        self.processes: list[Process] = _records(f, "processes.yml", Process)
        self.partners: list[Partner] = _records(f, "partners.yml", Partner)
        self.scenarios: list[Scenario] = _records(f, "scenarios.yml", Scenario)
        self.decisions: list[Decision] = _file(f, "applicability.yml", ApplicabilityFile).decisions
        self.cycle: Cycle = _file(f, "cycle.yml", CycleFile).cycle
        self.records: Records = Records.of(f)
        self.gap: GapAnalysis | None = _file(f, "gap_analysis.yml", GapAnalysisFile).gap_analysis
        # the words sites and templates are decided in: built-in and sector overlays' (set by `load`)
        self.vocabulary = Vocabulary()

        self.site = {s.code: s for s in self.sites}
        self.role = {r.key: r for r in self.roles}
        self.person = {p.id: p for p in self.people}
        self.risk = {r.id: r for r in self.risks}
        self.legal_by_id = {r.id: r for r in self.legal}
        # function -> the role holding it for the whole organisation; (function, site code) -> a role holding it at
        # one site (a role with `site:`, when several roles hold the function, one per site)
        self.function: dict[str, Role] = {}
        self.function_at: dict[tuple[str, str], Role] = {}
        # counted and grouped once: asked role by role, 600 roles and their people took 30 ms
        roles_holding = Counter(fn for r in self.roles for fn in set(r.functions))
        people_of: dict[str, list] = {}
        for person in self.people:
            for key in dict.fromkeys(person.roles):
                people_of.setdefault(key, []).append(person)
        for role in self.roles:
            for fn in role.functions:
                per_site = role.site is not None and roles_holding[fn] > 1
                if per_site:
                    self.function_at.setdefault((fn.value, role.site), role)  # type: ignore[arg-type]
                else:
                    self.function.setdefault(fn.value, role)
            role._holders = people_of.get(role.key, [])
        self._sites_in_scope = [self.site[code] for code in self.scope.sites if code in self.site]
        # what a site in scope has (a site that declares nothing, the general features: Site.has), asked by every
        # document that applies to some site
        self._features_in_scope = frozenset().union(*(IMPLIED if site.features is None else site.features
                                                      for site in self._sites_in_scope))
        # every site's plan asks for its risks: indexed once, not a scan of every risk per site (quadratic in sites).
        # Made here, not when first asked: what rendering reads of the organisation is the same whatever it asked first
        # (generator.render.reads)
        self._risks_by_site: dict[str, list[Risk]] = {}
        for risk in sorted(self.risks, key=lambda r: -r.score):
            for code in dict.fromkeys(self.sites_of(risk)):
                self._risks_by_site.setdefault(code, []).append(risk)
        # the same for each site's scenarios and people and each role's reports: 300 site plans and 600 job
        # descriptions each scanning every one of them read every one of them
        self._scenarios_by_site: dict[str, list[Scenario]] = {}
        for scenario in self.scenarios:
            for code in dict.fromkeys(self.sites_of(scenario)):
                self._scenarios_by_site.setdefault(code, []).append(scenario)
        self._people_by_site: dict[str | None, list[Person]] = {}
        for person in self.people:
            self._people_by_site.setdefault(person.site, []).append(person)
        self._reports: dict[str | None, list[Role]] = {}
        for role in self.roles:
            self._reports.setdefault(role.reports_to, []).append(role)

    def planned_controls(self) -> list[tuple[str, PlannedControl]]:
        """Every control marked planned in sites.yml and processes.yml, with where it is stated."""
        found = [(f"site {s.code}", c) for s in self.sites for c in s.security_measures]
        found += [(f"process {p.id}", c) for p in self.processes for c in p.security_controls]
        return [(where, c) for where, c in found if isinstance(c, PlannedControl)]

    def rate(self) -> None:
        """Compute every risk's rating from the criteria. Called once the scales are known to be valid."""
        for _, planned in self.planned_controls():
            if planned.planned in self.risk:
                planned._due = self.risk[planned.planned].treatment.due
        for risk in self.risks:
            risk._rating = self.criteria.band(risk.score)
            risk._residual_rating = self.criteria.band(risk.residual.score)

    @property
    def notification_duties(self) -> list[tuple[LegalRequirement, Notification]]:
        """Every duty to notify someone of an incident, from the legal register, the quickest first."""
        duties = [(req, n) for req in self.legal for n in req.notifications]
        return sorted(duties, key=lambda pair: (pair[1].within_hours or 0, pair[0].id))

    @property
    def sites_in_scope(self) -> list[Site]:
        return list(self._sites_in_scope)

    def has(self, name: str) -> bool:
        """Whether any site in scope has the feature, or the organisation does the operation, `name`."""
        if self.vocabulary.word(name).kind == "operation":
            return self.org.does(name)
        return name in self._features_in_scope

    def sites_of(self, item: Risk | Scenario) -> list[str]:
        """The site codes a risk or scenario applies to ("all": every site in scope)."""
        return codes_of(item.site, self.scope.sites)

    def where(self, item: Risk | Scenario) -> str:
        """Where a risk or scenario applies, as a table cell says it: "DC1", "DC1, XD1" or "All sites"."""
        return "All sites" if item.site == "all" else ", ".join(self.sites_of(item))

    def site_names(self, item: Risk | Scenario) -> str:
        """The names of the sites a risk or scenario applies to: "Daventry Distribution Centre", "all sites"."""
        if item.site == "all":
            return "all sites"
        names = [self.site[c].name for c in self.sites_of(item) if c in self.site]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def risks_at(self, site_code: str) -> list[Risk]:
        """The risks assessed at a site, the highest-scored first."""
        return list(self._risks_by_site.get(site_code, ()))

    def risks_by_threat(self) -> list[tuple[str, list[Risk]]]:
        """Risks grouped by threat, the highest-rated threat first: how a multi-site plan reads the same threat
        assessed at many sites."""
        groups: dict[str, list[Risk]] = {}
        for risk in sorted(self.risks, key=lambda r: -r.score):
            groups.setdefault(risk.threat, []).append(risk)
        return list(groups.items())

    def scenarios_at(self, site_code: str) -> list[Scenario]:
        return list(self._scenarios_by_site.get(site_code, ()))

    def works_at(self, role: Role, site_code: str) -> bool:
        """Whether the role's work can be done at the site by its own people: it is based there, one of its holders
        works there, or a partner provides it (the contract puts its people where they are needed)."""
        return role.site == site_code or role.external or any(p.site == site_code for p in role.holders)

    def people_at(self, site_code: str) -> list[Person]:
        return list(self._people_by_site.get(site_code, ()))

    def reports(self, role_key: str) -> list[Role]:
        return list(self._reports.get(role_key, ()))

    def holder_names(self, role: Role) -> str:
        names = ", ".join(p.name for p in role.holders)
        if role.provided_by is not None:
            partner = next((p.name for p in self.partners if p.id == role.provided_by), role.provided_by)
            return f"{names} ({partner})" if names else f"people of {partner}"
        return names or "vacant"
