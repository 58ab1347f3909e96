"""A synthetic organisation for benchmarks: the reference data scaled up in sites and roles.

Every extra site is a copy of a reference site with its own code, risks and scenarios (one more security plan);
every extra role is a copy of a reference role without SMS functions (one more job description).
"""
from __future__ import annotations

import copy
import shutil
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def _load(folder: Path, name: str):
    return yaml.safe_load((folder / name).read_text(encoding="utf-8"))


def _dump(folder: Path, name: str, data) -> None:
    header = f"# yaml-language-server: $schema=.schema/{Path(name).stem}.schema.json\n"
    (folder / name).write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def make(target: Path, extra_sites: int, extra_roles: int) -> Path:
    """Write a workspace at `target` with the reference data plus the extra sites and roles."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(REPO / "data", target / "data", ignore=shutil.ignore_patterns(".schema"))
    for folder in ("overrides", "assets"):
        shutil.copytree(REPO / "docs" / folder, target / "docs" / folder)
    shutil.copy2(REPO / "mkdocs.yml", target / "mkdocs.yml")
    data = target / "data"

    sites, risks, scenarios, scope, people, roles = (_load(data, n) for n in (
        "sites.yml", "risks.yml", "scenarios.yml", "scope.yml", "people.yml", "roles.yml"))
    base_sites = list(sites["sites"])
    for i in range(extra_sites):
        source = base_sites[i % len(base_sites)]
        code = f"S{i + 1:03d}"
        site = copy.deepcopy(source)
        site["code"], site["name"] = code, f"{source['name']} annex {i + 1}"
        sites["sites"].append(site)
        scope["scope"]["sites"].append(code)
        for risk in [r for r in risks["risks"] if r["site"] == source["code"]][:2]:
            clone = copy.deepcopy(risk)
            clone["id"], clone["site"] = f"{risk['id']}-{code}", code
            risks["risks"].append(clone)
        first = next(s for s in scenarios["scenarios"] if s["site"] == source["code"])
        clone = copy.deepcopy(first)
        clone["id"], clone["site"] = f"{first['id']}-{code}", code
        clone["risks"] = [f"{r}-{code}" for r in clone["risks"]
                          if any(x["id"] == f"{r}-{code}" for x in risks["risks"])] or \
            [next(x["id"] for x in risks["risks"] if x["site"] == code)]
        scenarios["scenarios"].append(clone)
    if extra_sites:  # a real scope statement names every site it covers
        codes = [s["code"] for s in sites["sites"][len(base_sites):]]
        scope["scope"]["statement"] += f" It also covers the annex sites {', '.join(codes)}."
    base_roles = list(roles["roles"])
    for i in range(extra_roles):
        source = base_roles[1 + i % (len(base_roles) - 1)]
        role = copy.deepcopy(source)
        role["key"], role["code"] = f"{source['key']}_{i + 1}", f"{source['code']}{i + 1}"
        role["title"] = f"{source['title']} {i + 1}"
        role["functions"] = []
        roles["roles"].append(role)
        people["people"].append({"id": f"synthetic_{i + 1}", "name": f"Synthetic Person {i + 1}",
                                 "roles": [role["key"]], "site": base_sites[0]["code"],
                                 "email": f"person{i + 1}@example.org", "phone": "+44 20 0000 0000"})
    for name, value in (("sites.yml", sites), ("risks.yml", risks), ("scenarios.yml", scenarios),
                        ("scope.yml", scope), ("people.yml", people), ("roles.yml", roles)):
        _dump(data, name, value)
    return target


if __name__ == "__main__":
    make(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
