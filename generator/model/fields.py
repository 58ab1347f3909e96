"""Value types every data model is built from: keys, codes, folder names, text, colours, SMS functions and
classification levels. Each is validated once, here, whatever file or template it comes from."""
from __future__ import annotations

import re
from enum import Enum
from pathlib import PurePosixPath
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$"),
                Field(description="Lower-case key: letters, digits, underscores")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]*$"),
                 Field(description="Upper-case code: letters, digits, hyphens")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$"),
                 Field(description="Lower-case folder name: letters, digits, hyphens")]
# A value that becomes part of a file name (a document number, and so its ID): letters, digits, dots, hyphens and
# underscores, starting with a letter or digit. No separators, no "..": nothing from data or templates can name a
# path outside the folder it belongs in.
PATH_PART = r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$"
# Text is bounded: a value is printed into pages, headers and PDFs, so a megabyte in one field would be copied into
# every page that shows it. Names (of the organisation, roles, sites, people, document types) head pages and
# navigation entries and are shorter still.
MAX_TEXT = 5_000
MAX_NAME = 200
Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT, strip_whitespace=True)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME, strip_whitespace=True)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$"), Field(description="Hex colour, e.g. #0B3D91")]


def _web_address(value: str) -> str:
    """Data is text, never a link target a reader could be sent to: only http(s) addresses are links."""
    if not re.fullmatch(r"https?://[^\s<>\"'`\\{}|^]+", value, re.I):
        raise ValueError("a web address starts with http:// or https:// and has no spaces, quotes or brackets")
    return value


def _email_address(value: str) -> str:
    """name@domain: no scheme, space, quote mark or bracket that could make it a link or markup (o'brien is fine)."""
    if not re.fullmatch(r"[^\s@<>()\[\]\"`\\,;:]+@[^\s@<>()\[\]\"'`\\,;:]+\.[^\s@<>()\[\]\"'`\\,;:]+", value):
        raise ValueError("an e-mail address is name@domain.example, with no spaces, quotes or brackets")
    return value


def _workspace_file(value: str) -> str:
    """A path in data names a file inside the workspace: relative, with no `..`, so data can never make smsgen read
    (and publish) a file from elsewhere on the machine."""
    path = PurePosixPath(value.replace("\\", "/"))
    if path.is_absolute() or re.match(r"^[A-Za-z]:", value) or ".." in path.parts or "\x00" in value:
        raise ValueError("a path in data is relative to the workspace and stays inside it (no leading '/', no '..')")
    return value


WebAddress = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2_000), AfterValidator(_web_address),
                       Field(description="An http:// or https:// address")]
EmailAddress = Annotated[str, StringConstraints(strip_whitespace=True, max_length=320), AfterValidator(_email_address),
                         Field(description="An e-mail address, e.g. name@example.com")]
WorkspaceFile = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True, max_length=1_000),
                          AfterValidator(_workspace_file),
                          Field(description="Path of a file inside the workspace, relative to it")]


class Strict(BaseModel):
    """Every data model rejects unknown fields, so a misspelt field is reported instead of ignored."""
    # schemas built when a model is first used, not at import: a build with nothing to do uses none
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True, defer_build=True)


class Function(str, Enum):
    """SMS functions that templates assign work to. Each organisation maps every function to one of its roles,
    so the same template library serves organisations with different role titles and structures."""
    top_management = "top_management"
    sms_manager = "sms_manager"
    security_manager = "security_manager"
    document_controller = "document_controller"
    risk_coordinator = "risk_coordinator"
    internal_audit_lead = "internal_audit_lead"
    hr_lead = "hr_lead"
    operations_lead = "operations_lead"
    transport_lead = "transport_lead"
    procurement_lead = "procurement_lead"
    it_security_lead = "it_security_lead"
    customs_compliance_lead = "customs_compliance_lead"
    compliance_lead = "compliance_lead"
    security_supervisor = "security_supervisor"
    security_officer = "security_officer"
    incident_lead = "incident_lead"
    training_coordinator = "training_coordinator"
    site_lead = "site_lead"   # in charge of one site: usually held per site (a role with `site:` at each)
    facility_security_officer = "facility_security_officer"   # a regulated port facility's security officer, per site


class Classification(str, Enum):
    public = "public"
    internal = "internal"
    confidential = "confidential"
    restricted = "restricted"

    @property
    def level(self) -> int:
        return list(Classification).index(self)

    def visible_at(self, level: int | None) -> bool:
        """The one audience rule: content of this classification may be shown where `level` is the highest level
        allowed (None: no limit). Pages, links, figures, role pages and packs all ask it."""
        return level is None or self.level <= level
