"""The organisation: every data file of a workspace assembled, with cross-file lookups and derived values."""
from __future__ import annotations

from generator.model.datafiles import (
    ContextIssue,
    DocumentsFile,
    InterestedParty,
    LegalRequirement,
    Objective,
    Organisation_,
    Partner,
    Person,
    Policy,
    Process,
    Risk,
    RiskCriteria,
    Role,
    Scenario,
    Scope,
    Site,
    Strict,
)


class Organisation:
    """All data files of a workspace, with cross-file lookups and derived values. Built only by `load`."""

    def __init__(self, files: dict[str, Strict]):
        f = files
        self.org: Organisation_ = f["organisation.yml"].organisation
        self.documents: DocumentsFile = f["documents.yml"]
        self.sites: list[Site] = f["sites.yml"].sites
        self.scope: Scope = f["scope.yml"].scope
        self.context: list[ContextIssue] = f["context.yml"].issues
        self.parties: list[InterestedParty] = f["interested_parties.yml"].parties
        self.legal: list[LegalRequirement] = f["legal.yml"].requirements
        self.policy: Policy = f["policy.yml"].policy
        self.roles: list[Role] = f["roles.yml"].roles
        self.people: list[Person] = f["people.yml"].people
        self.objectives: list[Objective] = f["objectives.yml"].objectives
        self.criteria: RiskCriteria = f["risk_criteria.yml"].criteria
        self.risks: list[Risk] = f["risks.yml"].risks
        self.processes: list[Process] = f["processes.yml"].processes
        self.partners: list[Partner] = f["partners.yml"].partners
        self.scenarios: list[Scenario] = f["scenarios.yml"].scenarios

        self.site = {s.code: s for s in self.sites}
        self.role = {r.key: r for r in self.roles}
        self.person = {p.id: p for p in self.people}
        self.risk = {r.id: r for r in self.risks}
        self.legal_by_id = {r.id: r for r in self.legal}
        self.function: dict[str, Role] = {}
        for role in self.roles:
            for fn in role.functions:
                self.function.setdefault(fn.value, role)
            role._holders = [p for p in self.people if role.key in p.roles]

    def rate(self) -> None:
        """Compute every risk's rating from the criteria. Called once the scales are known to be valid."""
        for risk in self.risks:
            risk._rating = self.criteria.band(risk.score)
            risk._residual_rating = self.criteria.band(risk.residual.score)

    def risks_at(self, site_code: str) -> list[Risk]:
        return sorted((r for r in self.risks if r.site == site_code), key=lambda r: -r.score)

    def risks_by_threat(self) -> list[tuple[str, list[Risk]]]:
        """Risks grouped by threat, the highest-rated threat first: how a multi-site plan reads the same threat
        assessed at many sites."""
        groups: dict[str, list[Risk]] = {}
        for risk in sorted(self.risks, key=lambda r: -r.score):
            groups.setdefault(risk.threat, []).append(risk)
        return list(groups.items())

    def scenarios_at(self, site_code: str) -> list[Scenario]:
        return [s for s in self.scenarios if s.site == site_code]

    def people_at(self, site_code: str) -> list[Person]:
        return [p for p in self.people if p.site == site_code]

    def reports(self, role_key: str) -> list[Role]:
        return [r for r in self.roles if r.reports_to == role_key]

    def holder_names(self, role: Role) -> str:
        return ", ".join(p.name for p in role.holders) or "vacant"
