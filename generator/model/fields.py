"""Value types every data model is built from: keys, codes, folder names, text, colours, SMS functions and
classification levels. Each is validated once, here, whatever file or template it comes from."""
from __future__ import annotations

from enum import Enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$"), Field(description="Hex colour, e.g. #0B3D91")]


class Strict(BaseModel):
    """Every data model rejects unknown fields, so a misspelt field is reported instead of ignored."""
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)


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
