"""The vocabulary applicability is decided in: what a site is, has and does (`SiteFeature`) and what the
organisation does (`Operation`). Templates declare when they apply in these words; data says which hold. Each word
carries the phrase a reason is written with ("no site in scope handles sealed conveyances")."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal


class SiteFeature(str, Enum):
    """What a site is, has or does that decides whether a document (or a section of one) applies to it."""
    goods = "goods"
    vehicles = "vehicles"
    containers = "containers"
    seals = "seals"
    high_value_goods = "high_value_goods"
    hazardous_goods = "hazardous_goods"
    bonded_goods = "bonded_goods"
    controlled_substances = "controlled_substances"
    air_cargo = "air_cargo"
    guard_force = "guard_force"
    gatehouse = "gatehouse"
    perimeter = "perimeter"
    cctv = "cctv"
    intruder_alarm = "intruder_alarm"
    secure_store = "secure_store"
    keys = "keys"
    mail_room = "mail_room"
    visitors = "visitors"
    server_room = "server_room"
    monitoring_centre = "monitoring_centre"
    port_facility = "port_facility"


SITE_PHRASES: dict[SiteFeature, str] = {
    SiteFeature.goods: "receives, stores or dispatches goods",
    SiteFeature.vehicles: "has goods vehicles loading, unloading, parking or based there",
    SiteFeature.containers: "packs, receives or inspects containers or trailers",
    SiteFeature.seals: "applies or verifies security seals on conveyances",
    SiteFeature.high_value_goods: "holds high-value goods",
    SiteFeature.hazardous_goods: "holds dangerous goods",
    SiteFeature.bonded_goods: "holds goods under customs or excise control",
    SiteFeature.controlled_substances: "holds controlled substances",
    SiteFeature.air_cargo: "prepares secure air cargo",
    SiteFeature.guard_force: "has security officers on duty",
    SiteFeature.gatehouse: "has a staffed gatehouse",
    SiteFeature.perimeter: "has a fenced perimeter with controlled gates",
    SiteFeature.cctv: "has CCTV",
    SiteFeature.intruder_alarm: "has an intruder alarm",
    SiteFeature.secure_store: "has a secure store, cage or vault",
    SiteFeature.keys: "controls mechanical keys and locks",
    SiteFeature.mail_room: "receives post and deliveries for screening",
    SiteFeature.visitors: "receives visitors",
    SiteFeature.server_room: "houses servers or network equipment",
    SiteFeature.monitoring_centre: "has a room that monitors alarms, cameras or vehicles",
    SiteFeature.port_facility: "is a regulated port facility",
}


class Operation(str, Enum):
    """What the organisation does, wherever it does it."""
    customs_representation = "customs_representation"
    transport_operated = "transport_operated"
    transport_subcontracted = "transport_subcontracted"
    freight_forwarding = "freight_forwarding"
    warehousing = "warehousing"
    business_partners = "business_partners"
    information_systems = "information_systems"


OPERATION_PHRASES: dict[Operation, str] = {
    Operation.customs_representation: "represents clients before customs",
    Operation.transport_operated: "operates its own vehicles",
    Operation.transport_subcontracted: "subcontracts transport",
    Operation.freight_forwarding: "arranges freight for clients",
    Operation.warehousing: "stores goods for clients",
    Operation.business_partners: "relies on business partners in the supply chain",
    Operation.information_systems: "runs information systems that hold security-relevant data",
}


@dataclass(frozen=True)
class Word:
    """One word of the vocabulary: a site feature or an operation, with the phrase reasons are written with."""
    name: str
    kind: Literal["site", "operation"]
    phrase: str
    sector: str = ""   # the sector overlay that declared it; "" for the built-in words


# What a site or organisation that declares nothing is taken to have: the general words, so a workspace written
# before applicability keeps its whole set. A specialised word (a regulated port facility) and every sector's words
# hold only where declared: an undeclared office never issues a facility security plan.
IMPLIED = frozenset({f.value for f in SiteFeature} - {SiteFeature.port_facility.value}
                    | {o.value for o in Operation})

BUILT_IN: dict[str, Word] = {
    **{f.value: Word(f.value, "site", phrase) for f, phrase in SITE_PHRASES.items()},
    **{o.value: Word(o.value, "operation", phrase) for o, phrase in OPERATION_PHRASES.items()},
}


@dataclass(frozen=True)
class Vocabulary:
    """The built-in words and those the sector overlays in use declare (sms_templates/sectors/*/sector.yml), so a
    consultant adds a sector, and the site features it needs, without touching Python."""
    words: dict[str, Word] = field(default_factory=lambda: dict(BUILT_IN))

    def word(self, name: str) -> Word:
        """The word `name`; ValueError naming the known words when it is not one."""
        found = self.words.get(name)
        if found is None:
            close = difflib.get_close_matches(name, list(self.words), n=1)
            raise ValueError(f"'{name}' is not a site feature or an operation"
                             + (f"; did you mean '{close[0]}'?" if close else "")
                             + "\nknown: " + ", ".join(self.words))
        return found

    def of_kind(self, kind: str) -> list[str]:
        return [w.name for w in self.words.values() if w.kind == kind]
