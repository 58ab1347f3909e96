"""One pydantic model per data file. Field descriptions double as editor help: `smsgen schema` turns these
models into JSON Schema. Derived values (risk scores and ratings, role holders) are computed, never typed in the
YAML."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, PrivateAttr, create_model

from generator.model.fields import (
    Classification,
    Code,
    Colour,
    EmailAddress,
    Function,
    Key,
    Name,
    Slug,
    Strict,
    Text,
    WebAddress,
    WorkspaceFile,
)
from generator.model.gap import GapAnalysisFile
from generator.model.locality import Country, postal_address
from generator.model.profile import IMPLIED
from generator.model.programmes import Programme, known_programme, programmes
from generator.model.records import RECORD_FILES

ProgrammeKey = Annotated[str, AfterValidator(known_programme)]

# --- organisation.yml -------------------------------------------------------------------------------------------

class Address(Strict):
    street: Text
    city: Text
    postcode: Text
    region: str | None = None
    country: Country

    def __str__(self) -> str:
        """On one line, in the order of the country's post (generator.model.locality)."""
        return postal_address(self.street, self.city, self.postcode, self.region, self.country)


class Branding(Strict):
    logo: WorkspaceFile | None = Field(None, description="Path of the logo image inside the workspace, relative to "
                                                         "it (SVG or PNG)")
    primary_colour: Colour = "#0B3D91"
    accent_colour: Colour = "#F2A900"
    font: Text = Field("Liberation Sans", description="Body font for DOCX and PDF outputs")


class Organisation_(Strict):
    name: Name = Field(description="Trading name used in documents")
    short_name: Name = Field(description="Short name used in running text and headers")
    legal_entity: Name = Field(description="Registered legal name")
    registration_number: str | None = None
    address: Address
    sector: Text
    description: Text = Field(description="Two or three sentences on what the organisation does")
    website: WebAddress | None = None
    site_url: WebAddress | None = Field(None, description="Where the published site is served (http:// or https://): "
                                                          "sets the sitemap and canonical links; released versions "
                                                          "are under it as VERSION/")
    employees: int = Field(gt=0, description="Approximate head count")
    document_prefix: Code = Field(description="Prefix of every document ID, e.g. ABC-SMS")
    branding: Branding = Branding()
    operations: list[Key] | None = Field(
        None, description="What the organisation does (customs_representation, transport_operated... and the words "
                          "of sector overlays): decides which documents and sections apply. Not given: every one "
                          "applies")

    def does(self, operation: str) -> bool:
        """Whether the organisation does `operation`; one that declares none does the general ones (IMPLIED)."""
        return operation in IMPLIED if self.operations is None else operation in self.operations


class OrganisationFile(Strict):
    organisation: Organisation_


# --- documents.yml ----------------------------------------------------------------------------------------------

class DocumentType(Strict):
    code: Code = Field(description="Type code inside document IDs, e.g. PR")
    label: Name = Field(description="Plural heading used in navigation, e.g. Procedures")
    review_months: int = Field(ge=1, le=60, description="Default periodic review interval")
    classification: Classification = Classification.internal
    folder: Slug = Field(description="Folder of this type's pages on the site")
    acknowledge_days: int | None = Field(None, ge=1, le=365, description="Days after a revision becomes effective "
                                         "by which the holders of the roles it gives tasks must acknowledge that "
                                         "they have read and understood it (clause 7.3); empty: this type needs no "
                                         "acknowledgement")


class GeneratedPages(Strict):
    """The classification of each page smsgen generates besides the documents. An audience build publishes such a
    page only to audiences allowed to see it, and its lists name only documents the audience may see: so these say
    what the page itself discloses (role pages name the people holding each role; the readiness report says where
    the SMS is weak)."""
    home: Classification = Field(Classification.public, description="The home page: scope, sites and quick links")
    sections: Classification = Field(Classification.public, description="Each document type's index page")
    clause_index: Classification = Field(Classification.public, description="Clause -> documents addressing it")
    changes: Classification = Field(Classification.public, description="What changed since the last release")
    roles: Classification = Field(Classification.internal,
                                  description="Role pages: holders' names, tasks, forms and instructions")
    master_list: Classification = Field(Classification.internal, description="The master document list")
    clause_matrix: Classification = Field(Classification.internal, description="The clause cross-reference matrix")
    readiness: Classification = Field(Classification.confidential, description="The Stage 1 readiness report")
    applicability: Classification = Field(Classification.internal,
                                          description="The applicability register: documents not issued, and why")
    records: Classification = Field(Classification.confidential,
                                    description="The records pages: audits, management reviews, corrective actions, "
                                                "exercises, training and partner reviews (they name people)")
    dashboard: Classification = Field(Classification.confidential,
                                      description="The dashboard: objectives against target, actions, audit coverage")
    incidents: Classification = Field(Classification.restricted, description="The security incident log")
    acknowledgements: Classification = Field(Classification.internal, description="Who has still to acknowledge "
                                             "reading which documents (it names people)")
    change_requests: Classification = Field(Classification.internal, description="Change requests: reason, "
                                            "management-of-change assessment, documents and their states (it names "
                                            "people)")


class ClassificationName(Strict):
    """How the organisation names a classification level and marks what carries it (a regulator's scheme: a port's
    restricted level is "Sensitive Security Information", with the legend the regulation requires)."""
    label: Name = Field(description="The level's name in documents, e.g. Sensitive Security Information")
    marking: Text | None = Field(None, description="A statement every document of this level carries under its "
                                                   "control block (a handling or distribution legend)")


def _default_scheme() -> dict[Classification, ClassificationName]:
    return {c: ClassificationName(label=c.value.capitalize()) for c in Classification}


class DocumentsFile(Strict):
    revision_scheme: Literal["numeric", "alpha"] = Field("numeric", description="numeric: 1, 2, 3; alpha: A, B, C")
    types: dict[Key, DocumentType]
    audiences: dict[Key, Classification] = Field(
        default_factory=lambda: {"public": Classification.public, "employees": Classification.internal,
                                 "management": Classification.confidential, "security": Classification.restricted},
        description="Audience name -> the highest classification it may see (smsgen build --audience NAME)")
    pages: GeneratedPages = Field(default_factory=GeneratedPages,
                                  description="Classification of the generated index pages (home, roles, registers)")
    classification_names: dict[Classification, ClassificationName] = Field(
        default_factory=dict, description="The organisation's own names and markings of the levels (public, "
                                          "internal, confidential, restricted); a level not given keeps its name")
    signatures: Literal["off", "optional", "required"] = Field(
        "off", description="Signed approvals (smsgen keys, smsgen sign): off (none), optional (an approval may be "
                           "signed with the approver's key; the control block says whether it is) or required (a "
                           "controlled build, a pack and a release refuse an approved revision without a valid "
                           "signature)")

    def label(self, level: Classification) -> str:
        """The level's name as documents print it."""
        return (self.classification_names.get(level) or _default_scheme()[level]).label

    def marking(self, level: Classification) -> str:
        found = self.classification_names.get(level)
        return found.marking or "" if found else ""


# Where a risk or scenario applies: one site, several, or the whole organisation ("all": every site in scope)
Where = Code | list[Code] | Literal["all"]


def codes_of(where: Code | list[Code] | str, in_scope: list[str]) -> list[str]:
    """The site codes `where` names, "all" meaning every site in scope."""
    if where == "all":
        return list(in_scope)
    return [where] if isinstance(where, str) else list(where)


# --- controls that are planned, not yet in place -----------------------------------------------------------------

class PlannedControl(Strict):
    """A control a site or process will have once a risk treatment is complete. Written so, a document never
    describes it as in place: it says it is planned and by when (the treatment's due date)."""
    control: Text
    planned: Code = Field(description="ID of the risk (risks.yml) whose treatment puts the control in place")
    _due: dt.date | None = PrivateAttr(None)

    @property
    def in_place(self) -> bool:
        return False

    def __str__(self) -> str:
        due = f", due {self._due.isoformat()}" if self._due else ""
        return f"{self.control} (planned under {self.planned}{due})"


Control = Text | PlannedControl


# --- sites.yml --------------------------------------------------------------------------------------------------

class Site(Strict):
    code: Code
    name: Name
    type: Literal["head_office", "distribution_centre", "cross_dock_depot", "warehouse", "terminal",
                  "manufacturing", "laboratory", "office", "yard"]
    address: Address
    activities: list[Text] = Field(min_length=1)
    physical_boundary: Text = Field(description="Fences, buildings, gates and areas inside the SMS boundary")
    logical_boundary: Text = Field(description="Networks, systems and data inside the SMS boundary")
    operating_hours: Text
    headcount: int = Field(gt=0)
    assets: list[Text] = Field(min_length=1, description="What the site protects: cargo, facilities, systems, data")
    security_measures: list[Control] = Field(
        min_length=1, description="Physical and technical measures: in place (text), or planned ({control: text, "
                                  "planned: risk ID whose treatment brings it})")
    features: list[Key] | None = Field(
        None, description="What the site is, has and does (goods, seals, cctv, guard_force, port_facility... and "
                          "the words of sector overlays): decides which documents and sections apply to it. Not "
                          "given: every one applies")

    @property
    def type_label(self) -> str:
        return self.type.replace("_", " ").capitalize()

    def has(self, feature: str) -> bool:
        """Whether the site has `feature`; a site that declares no features has the general ones (profile.IMPLIED)."""
        return feature in IMPLIED if self.features is None else feature in self.features


# --- scope.yml --------------------------------------------------------------------------------------------------

class Exclusion(Strict):
    item: Text
    justification: Text


class Scope(Strict):
    statement: Text = Field(description="The scope sentence as it appears on the certificate")
    activities_in: list[Text] = Field(min_length=1)
    activities_out: list[Text] = []
    exclusions: list[Exclusion] = []
    sites: list[Code] = Field(min_length=1, description="Codes of the sites within scope")


class ScopeFile(Strict):
    scope: Scope


IssueCategory = Literal["political", "economic", "social", "technological", "legal", "environmental", "strategic",
                        "organisational", "operational", "people", "information"]
PartyCategory = Literal["customer", "regulator", "authority", "employee", "supplier", "partner", "owner", "insurer",
                        "community", "certification_body"]


# --- context.yml ------------------------------------------------------------------------------------------------

class ContextIssue(Strict):
    id: Code
    type: Literal["internal", "external"]
    category: IssueCategory
    issue: Text
    effect: Text = Field(description="How the issue can affect security outcomes")
    response: Text = Field(description="How the SMS addresses it")


# --- interested_parties.yml -------------------------------------------------------------------------------------

class InterestedParty(Strict):
    id: Code
    name: Text
    category: PartyCategory
    needs: list[Text] = Field(min_length=1, description="Needs and expectations relevant to security")
    addressed_by: Text = Field(description="How the SMS meets them")
    legal_requirements: list[Code] = Field([], description="IDs from legal.yml that formalise these needs")
    owner: Key = Field(description="Role key of the relationship owner")


# --- legal.yml --------------------------------------------------------------------------------------------------

class Notification(Strict):
    """A duty to tell someone of an incident within a time: an obligation the incident procedure must carry out."""
    notify: Text = Field(description="Who must be told: the authority, regulator or customer")
    within_hours: int | None = Field(None, ge=1, le=8760, description="Hours from discovery; absent: at once")
    when: Text = Field(description="What triggers the duty, e.g. a personal data breach likely to harm individuals")

    @property
    def deadline(self) -> str:
        """"within 72 hours", "at once"."""
        if self.within_hours is None:
            return "at once"
        return f"within {self.within_hours} hour{'' if self.within_hours == 1 else 's'}"

    def __str__(self) -> str:
        return f"Notify {self.notify} {self.deadline} of {self.when}"


class LegalRequirement(Strict):
    id: Code
    title: Text
    kind: Literal["law", "regulation", "contract", "standard", "code_of_practice", "voluntary"]
    jurisdiction: Text
    issuer: Text
    obligations: list[Text | Notification] = Field(
        min_length=1, description="What it requires of the organisation: text, or a duty to notify "
                                  "({notify: who, within_hours: N, when: what triggers it}), which the incident "
                                  "procedure then carries as a step")
    applies_to: list[Code] = Field(min_length=1, description="Site codes it applies to")
    owner: Key = Field(description="Role key of the person who tracks it")
    review_months: int = Field(12, ge=1, le=36)
    last_evaluated: dt.date

    @property
    def notifications(self) -> list[Notification]:
        return [o for o in self.obligations if isinstance(o, Notification)]


# --- policy.yml -------------------------------------------------------------------------------------------------

class Commitment(Strict):
    topic: Literal["requirements", "objectives", "improvement", "risk", "legal", "resources", "supply_chain",
                   "communication", "people", "information", "resilience"]
    text: Text


class Policy(Strict):
    purpose: Text
    commitments: list[Commitment] = Field(min_length=1)
    signed_by: Key = Field(description="Role key of the top-management role that signs the policy")
    communication: Text = Field(description="How the policy is communicated and made available")


class PolicyFile(Strict):
    policy: Policy


# --- roles.yml and people.yml -----------------------------------------------------------------------------------

class Competence(Strict):
    education: Text
    experience: Text
    training: list[Text] = Field(min_length=1)
    licences: list[Text] = []


class Role(Strict):
    key: Key
    code: Code = Field(description="Short code used in job-description IDs, e.g. SM")
    title: Name
    reports_to: Key | None = Field(None, description="Role key of the line manager; empty for the top role")
    site: Code | None = Field(None, description="Site code where the role is based, if it is site-bound")
    purpose: Text
    functions: list[Function] = Field([], description="SMS functions this role fulfils")
    responsibilities: list[Text] = Field(min_length=1)
    authorities: list[Text] = Field(min_length=1)
    approves: list[Key] = Field([], description="Document types (keys of documents.yml) this role may approve")
    provided_by: Code | None = Field(None, description="ID of the business partner (partners.yml) whose people hold "
                                                         "this role (contract guards, outsourced IT, an external "
                                                         "auditor): its contract, not a job description, says what "
                                                         "it does")
    audited_by: Text | None = Field(None, description="Who audits this role's own work when it also leads the "
                                                      "internal audit (an external auditor, another organisation's "
                                                      "auditor): auditors never audit their own area")
    chair: Key | None = Field(None, description="A collective body's chair (person id), who signs for it")
    compensating_control: Text | None = Field(
        None, description="Where this role must both own and approve a document (a very small organisation), how "
                          "the lack of segregation is compensated, e.g. an external review before approval: printed "
                          "in the approval record of each such document")
    collective: bool = Field(False, description="The role is a body (a board, a commission) that decides by "
                                                "resolution, not one person: documents say it adopts and its chair "
                                                "signs")
    competence: Competence
    _holders: list[Person] = PrivateAttr(default_factory=list)

    @property
    def holders(self) -> list[Person]:
        return self._holders

    @property
    def external(self) -> bool:
        return self.provided_by is not None


class Person(Strict):
    id: Key
    name: Name
    roles: list[Key] = Field(min_length=1, description="Role keys this person holds")
    site: Code
    email: EmailAddress
    phone: Text


# --- objectives.yml ---------------------------------------------------------------------------------------------

class PlanAction(Strict):
    action: Text
    owner: Key
    due: dt.date
    resources: Text


class Objective(Strict):
    id: Code
    title: Text
    policy_link: Text = Field(description="The policy commitment the objective serves")
    measure: Text
    baseline: Text
    target: Text
    owner: Key
    due: dt.date
    frequency: Text = Field(description="How often progress is measured")
    plan: list[PlanAction] = Field(min_length=1)


# --- risk_criteria.yml and risks.yml ----------------------------------------------------------------------------

class ScaleLevel(Strict):
    level: int = Field(ge=1, le=10)
    name: Text
    description: Text


class Band(Strict):
    name: Text
    min_score: int = Field(ge=1)
    max_score: int = Field(ge=1)
    colour: Colour
    action: Text = Field(description="What a risk in this band requires, and by when")


class RiskCriteria(Strict):
    likelihood: list[ScaleLevel] = Field(min_length=2)
    impact: list[ScaleLevel] = Field(min_length=2)
    bands: list[Band] = Field(min_length=2, description="Rating bands over score = likelihood x impact")
    acceptance: Text = Field(description="Name of the highest band that may be accepted without treatment")
    review_months: int = Field(12, ge=1, le=36)

    def band(self, score: int) -> Band:
        for band in self.bands:
            if band.min_score <= score <= band.max_score:
                return band
        raise ValueError(f"score {score} falls in no band")

    def acceptable(self, score: int) -> bool:
        names = [b.name for b in self.bands]
        return names.index(self.band(score).name) <= names.index(self.acceptance)


class RiskCriteriaFile(Strict):
    criteria: RiskCriteria


class Treatment(Strict):
    option: Literal["reduce", "avoid", "transfer", "accept"]
    actions: list[Text] = Field(min_length=1)
    due: dt.date


class Acceptance(Strict):
    """The recorded decision to live with a residual risk above the acceptance threshold: who, when, until when."""
    by: Key = Field(description="Person id (people.yml) of the member of top management who accepted it")
    date: dt.date
    until: dt.date = Field(description="When the acceptance lapses and the risk must be decided again")
    rationale: Text = Field(description="Why the risk is accepted at this level")


class Rated(Strict):
    likelihood: int
    impact: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class Risk(Rated):
    id: Code
    site: Where = Field(description="Where the risk is assessed: a site code, a list of site codes, or all (every "
                                    "site in scope)")
    asset: Text
    threat: Text
    vulnerability: Text
    consequence: Text
    existing_controls: list[Text] = Field(min_length=1)
    treatment: Treatment
    owner: Key
    residual: Rated = Field(description="Expected likelihood and impact once the treatment is in place")
    acceptance: Acceptance | None = Field(None, description="Required when the residual rating is above the "
                                                            "acceptance threshold: who accepted it, when, until when")
    _rating: Band | None = PrivateAttr(None)
    _residual_rating: Band | None = PrivateAttr(None)

    # Organisation.rate() sets both once the scales are valid; invalid scales are fatal, so nothing reads them unset
    @property
    def rating(self) -> Band:
        assert self._rating is not None, "risk ratings are read before Organisation.rate()"
        return self._rating

    @property
    def residual_rating(self) -> Band:
        assert self._residual_rating is not None, "risk ratings are read before Organisation.rate()"
        return self._residual_rating


# --- processes.yml, partners.yml, scenarios.yml -----------------------------------------------------------------

class Process(Strict):
    id: Code
    name: Text
    owner: Key
    sites: list[Code] = Field(min_length=1)
    description: Text
    inputs: list[Text] = Field(min_length=1)
    outputs: list[Text] = Field(min_length=1)
    security_controls: list[Control] = Field(
        min_length=1, description="Controls of the process: in place (text), or planned ({control: text, planned: "
                                  "risk ID})")
    risks: list[Code] = Field([], description="IDs of risks in risks.yml that bear on the process")


class HeldProgramme(Strict):
    programme: ProgrammeKey = Field(description="Key of a security programme or certification: eu_aeo_s, uk_aeo_f, "
                                                "ctpat, pip, tapa_fsr, iso28000, iso27001... (the catalogue is "
                                                "generator/model/catalogue/programmes.yml)")
    reference: Text | None = Field(None, description="Authorisation, certificate or membership number")
    valid_until: dt.date | None = Field(None, description="When the certificate or authorisation expires")


# The older single fields, read as programmes: aeo_status AEOS is eu_aeo_s, and so on
LEGACY_AEO = {"AEOS": "eu_aeo_s", "AEOF": "eu_aeo_f", "AEOC": "eu_aeo_c"}


class Partner(Strict):
    id: Code
    name: Text
    type: Literal["haulier", "courier", "shipping_line", "freight_forwarder", "customs_broker", "security_contractor",
                  "it_provider", "warehouse_operator", "port_operator", "waste_contractor", "packaging_supplier",
                  "customer", "supplier", "bank", "stevedore", "drayage_carrier", "terminal_operator",
                  "software_vendor", "cloud_provider", "rail_operator", "airline", "auditor", "consultant"]
    services: Text
    country: Country
    programmes: list[HeldProgramme] = Field(
        [], description="Security programmes and certifications the partner holds (AEO, C-TPAT, PIP, TAPA, ISO "
                        "28000...): which of them count as security evidence is decided by the catalogue")
    aeo_status: Literal["AEOF", "AEOS", "AEOC", "none"] = Field(
        "none", description="EU Authorised Economic Operator status (older form: prefer `programmes`)")
    iso28000_certified: bool = Field(False, description="Older form of `programmes: [{programme: iso28000}]`")
    iso28001_compliant: bool = Field(False, description="Older form of `programmes: [{programme: iso28001}]`")
    security_declaration: bool = Field(description="Signed security declaration on file")
    risk_level: Literal["low", "medium", "high"]
    owner: Key
    last_review: dt.date
    next_review: dt.date

    @property
    def type_label(self) -> str:
        return "IT provider" if self.type == "it_provider" else self.type.replace("_", " ")

    @property
    def held(self) -> list[HeldProgramme]:
        """Every programme the partner holds, the older single fields included, each once."""
        out = list(self.programmes)
        legacy = [LEGACY_AEO.get(self.aeo_status), "iso28000" if self.iso28000_certified else None,
                  "iso28001" if self.iso28001_compliant else None]
        out += [HeldProgramme(programme=key) for key in legacy if key and key not in {h.programme for h in out}]
        return out

    def security_evidence(self, kind: str = "supply_chain", on: dt.date | None = None) -> list[Programme]:
        """The programmes that are evidence of the partner's security (of `kind`: supply_chain or information), in
        force on `on` when given. AEO-C and ISO 9001 never are. Documents call it without a date (what they say must
        not change from one day to the next); the checks pass today's, and report what has expired."""
        catalogue = programmes()
        return [catalogue[h.programme] for h in self.held if catalogue[h.programme].security == kind
                and (on is None or h.valid_until is None or h.valid_until >= on)]

    @property
    def evidence(self) -> list[Programme]:
        """`security_evidence()` for templates: what a document may say the partner is accepted on."""
        return self.security_evidence()

    @property
    def programme_labels(self) -> str:
        """The programmes as a table cell prints them: "AEO-S, TAPA FSR" (or "none")."""
        catalogue = programmes()
        return ", ".join(catalogue[h.programme].short for h in self.held) or "none"


class Scenario(Strict):
    id: Code
    site: Where = Field(description="Where the scenario can happen: a site code, a list of site codes, or all")
    title: Text
    trigger: Text = Field(description="What tells the site the scenario is happening")
    risks: list[Code] = Field(min_length=1)
    lead: Key = Field(description="Role key that leads the response")
    actions: list[Text] = Field(min_length=2, description="Response actions in order")
    notify: list[Text] = Field(min_length=1, description="Who is told, inside and outside the organisation")
    recovery: Text


# --- applicability.yml (optional) --------------------------------------------------------------------------------

class Decision(Strict):
    """A workspace's own decision on one document, over what the template's applicability says."""
    document: Text = Field(description="The document's key (its template's `key:`, e.g. wi-lockdown or "
                                       "site-plan-dc1) or its ID (`smsgen status` lists IDs)")
    decision: Literal["include", "exclude"] = Field(description="include: issue it although the data says it does "
                                                                "not apply; exclude: do not issue it")
    justification: Text = Field(description="Why, as an auditor will read it in the applicability register")
    decided_by: Key = Field(description="Person id (people.yml) of who decided")
    date: dt.date = Field(description="When it was decided")


class ApplicabilityFile(Strict):
    decisions: list[Decision] = []


# --- cycle.yml (optional) ---------------------------------------------------------------------------------------

class PartnerReview(Strict):
    high: int = Field(12, ge=1, le=60)
    medium: int = Field(24, ge=1, le=60)
    low: int = Field(36, ge=1, le=60)


class Cycle(Strict):
    """How often the SMS's recurring activities happen. Stated once here, every document that mentions one renders
    it from here, so no two documents can disagree on it."""
    management_review_months: int = Field(12, ge=1, le=36, description="Top management reviews the SMS at least "
                                                                        "this often")
    internal_audit_months: int = Field(12, ge=1, le=36, description="Every clause, process and site is audited "
                                                                     "within this period")
    high_risk_site_audit_months: int = Field(6, ge=1, le=36, description="A site with a risk in the top two bands "
                                                                          "before treatment is audited this often")
    exercise_months: int = Field(12, ge=1, le=36, description="Each site security plan is exercised this often")
    scenario_months: int = Field(24, ge=1, le=60, description="Every scenario of every plan is exercised within "
                                                               "this period")
    survey_months: int = Field(12, ge=1, le=36, description="Each site is surveyed in full (security survey) this "
                                                             "often")
    context_review_months: int = Field(12, ge=1, le=36, description="The context and interested parties are "
                                                                     "reviewed this often")
    awareness_months: int = Field(12, ge=1, le=36, description="Security awareness is refreshed for everyone this "
                                                                "often")
    refresher_months: int = Field(24, ge=1, le=60, description="Role training (competence) is refreshed this often")
    evidence_months: int = Field(3, ge=1, le=24, description="Before Stage 1, records show the SMS operating in "
                                                                "each of the last this many months")
    partner_review_months: PartnerReview = Field(default_factory=PartnerReview,
                                                 description="A business partner is reviewed this often, by its "
                                                             "risk level")


class CycleFile(Strict):
    cycle: Cycle = Field(default_factory=Cycle)


# --- the file set ---------------------------------------------------------------------------------------------

def list_file(name: str, key: str, item: type[Strict]) -> type[Strict]:
    """The root model of a file holding one non-empty list of records under one key (sites.yml: `sites: [...]`)."""
    model: type[Strict] = create_model(name, __base__=Strict, **{key: (list[item], Field(min_length=1))})  # type: ignore[call-overload, valid-type]
    return model


SitesFile = list_file("SitesFile", "sites", Site)
ContextFile = list_file("ContextFile", "issues", ContextIssue)
InterestedPartiesFile = list_file("InterestedPartiesFile", "parties", InterestedParty)
LegalFile = list_file("LegalFile", "requirements", LegalRequirement)
RolesFile = list_file("RolesFile", "roles", Role)
PeopleFile = list_file("PeopleFile", "people", Person)
ObjectivesFile = list_file("ObjectivesFile", "objectives", Objective)
RisksFile = list_file("RisksFile", "risks", Risk)
ProcessesFile = list_file("ProcessesFile", "processes", Process)
PartnersFile = list_file("PartnersFile", "partners", Partner)
ScenariosFile = list_file("ScenariosFile", "scenarios", Scenario)


# File name (in data/) -> root model. The order is the order files are loaded and reported in.
DATA_FILES: dict[str, type[Strict]] = {
    "organisation.yml": OrganisationFile,
    "documents.yml": DocumentsFile,
    "sites.yml": SitesFile,
    "scope.yml": ScopeFile,
    "context.yml": ContextFile,
    "interested_parties.yml": InterestedPartiesFile,
    "legal.yml": LegalFile,
    "policy.yml": PolicyFile,
    "roles.yml": RolesFile,
    "people.yml": PeopleFile,
    "objectives.yml": ObjectivesFile,
    "risk_criteria.yml": RiskCriteriaFile,
    "risks.yml": RisksFile,
    "processes.yml": ProcessesFile,
    "partners.yml": PartnersFile,
    "scenarios.yml": ScenariosFile,
}
# Files a workspace may leave out: absent, each is its model's empty default.
OPTIONAL_DATA_FILES: dict[str, type[Strict]] = {
    "applicability.yml": ApplicabilityFile,
    "cycle.yml": CycleFile,
    "gap_analysis.yml": GapAnalysisFile,
    **RECORD_FILES,
}
