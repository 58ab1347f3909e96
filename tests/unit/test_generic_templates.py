"""The template library serves every organisation: no template names a role title, site or system of the reference
organisation (ABC Logistics) or of any fixture. Templates name SMS functions (`fn.security_manager.title`) and read
the organisation's data; a title typed into a template is wrong for every other organisation."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

TEMPLATES = REPO / "sms_templates"
FIXTURES = [REPO / "data",
            *sorted(p / "data" for p in (REPO / "tests" / "fixtures").iterdir() if (p / "data").is_dir())]
# Words of the reference organisation's structure that are not role titles in its data but read as if they were
PHRASES = ["head of security", "site manager", "depot manager", "control room", "control tower", "duty manager",
           "transport manager", "operations director"]


# Roles that regulations name (ISPS Code, 33 CFR 105): a template may use the regulation's word for the duty even when
# a fixture gives a role that title
REGULATORY = {"Facility Security Officer", "Port Facility Security Officer", "Ship Security Officer",
              "Company Security Officer"}


def role_titles() -> set[str]:
    titles = set()
    for data in FIXTURES:
        for role in yaml.safe_load((data / "roles.yml").read_text(encoding="utf-8"))["roles"]:
            titles.add(role["title"])
            # "Head of Security (Company Security Officer)": each part is a title a reader would recognise
            titles.update(t.strip() for t in re.split(r"[(),]", role["title"]) if len(t.strip().split()) > 1)
    return titles - REGULATORY


def template_files() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.j2"))


@pytest.mark.parametrize("template", template_files(), ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_no_template_names_a_role_title_of_a_fixture(template):
    text = template.read_text(encoding="utf-8")
    for term in REGULATORY:   # "Facility Security Officer" is the regulation's word, not the role "Security Officer"
        text = re.sub(rf"\b{term}s?\b", " ", text, flags=re.I)
    found = sorted(t for t in role_titles() if re.search(rf"\b{re.escape(t)}\b", text))
    found += [p for p in PHRASES if re.search(rf"\b{re.escape(p)}s?\b", text, re.I)]
    assert not found, f"{template.relative_to(TEMPLATES)} names {found}: use fn.<function>.title or the data"
