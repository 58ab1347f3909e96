"""The generated pages in docs/: one per document (control data in front matter) and the indexes, with the
navigation. The intermediate form every output reads."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from generator.base.files import write_if_changed
from generator.base.workspace import Workspace
from generator.checks.assess import Outcome
from generator.control.register import Register
from generator.control.state import ControlState
from generator.model.organisation import Organisation
from generator.publish.pages import (
    changes_page,
    clause_index,
    clause_matrix_page,
    document_page,
    front_matter,
    home_page,
    master_list_page,
    readiness_page,
    role_page,
    section_index,
)
from generator.render.document import Document, Task
from generator.render.markdown import html_text, md_escape, page_link

# Material renders the open section of the navigation into every page, so a section of n pages costs n * n: a long
# section is split into groups of this many entries, named by their first and last entry.
NAV_GROUP = 40


@dataclass
class Generated:
    nav: list
    pages: list[str]


def write_docs(ws: Workspace, org: Organisation, documents: list[Document], figures: dict[str, str],
               states: dict[str, ControlState], tasks: dict[str, list[Task]] | None = None,
               register: Register | None = None, release: str | None = None,
               hidden: Collection[str] = frozenset()) -> Generated:
    """Write one page per document plus the indexes; remove pages smsgen wrote earlier that no longer exist."""
    pages: dict[str, str] = {}
    sections: list[tuple[str, str, int]] = []
    nav: list = [{"Home": "index.md"}]
    for type_key, type_def in org.documents.types.items():
        docs = sorted((d for d in documents if d.type == type_key), key=lambda d: d.id)
        if not docs:
            continue
        sections.append((type_def.label, type_def.folder, len(docs)))
        pages[f"{type_def.folder}/index.md"] = section_index(type_def.label, docs, states)
        for doc in docs:
            pages[doc.docs_path] = document_page(doc, states[doc.id])
        short = f"{org.org.document_prefix}-"
        nav.append({html_text(type_def.label): [f"{type_def.folder}/index.md"] + _grouped(
            [(d.id.removeprefix(short), d.label, d.docs_path) for d in docs])})
    pages["clauses.md"] = clause_index(documents)
    pages["master-list.md"] = master_list_page(documents, states, org)
    pages["clause-matrix.md"] = clause_matrix_page(documents, states)
    pages["readiness.md"] = readiness_page(org, documents, states)
    role_rows = ["# Roles", "", "What each role does in the SMS: its tasks, forms and instructions.", ""]
    for role in org.roles:
        pages[f"roles/{role.key}.md"] = role_page(role, org, documents, tasks or {})
        link = page_link("roles/index.md", f"roles/{role.key}.md")
        role_rows.append(f"- [{md_escape(role.title)}]({link}): {md_escape(role.purpose)}")
    pages["roles/index.md"] = front_matter({"title": "Roles"}) + "\n".join(role_rows) + "\n"
    pages["changes.md"] = changes_page(documents, states, register, release, hidden)
    role_entries = _grouped([(r.title, r.title, f"roles/{r.key}.md") for r in org.roles])
    nav += [{"Roles": ["roles/index.md"] + role_entries}, {"Clause index": "clauses.md"},
            {"Master document list": "master-list.md"}, {"Clause matrix": "clause-matrix.md"},
            {"Readiness report": "readiness.md"}, {"What changed": "changes.md"}]
    pages["index.md"] = home_page(org, documents, sections)
    pages["branding.css"] = _branding_css(org)
    pages.update({f"figures/{name}": svg for name, svg in figures.items()})

    docs_dir = ws.docs_dir
    for rel, content in pages.items():
        write_if_changed(docs_dir / rel, content)
    manifest = ws.pages_manifest
    previous = manifest.read_text(encoding="utf-8").split() if manifest.exists() else []
    for rel in set(previous) - set(pages):
        (docs_dir / rel).unlink(missing_ok=True)
    write_if_changed(manifest, "\n".join(sorted(pages)) + "\n")
    return Generated(nav, sorted(pages))


def _grouped(entries: list[tuple[str, str, str]]) -> list:
    """Navigation entries (short name, label, path), in groups of NAV_GROUP when there are more than that."""
    items = [{html_text(label): path} for _, label, path in entries]
    if len(items) <= NAV_GROUP:
        return items
    groups = []
    for start in range(0, len(items), NAV_GROUP):
        first, last = entries[start][0], entries[min(start + NAV_GROUP, len(entries)) - 1][0]
        groups.append({html_text(f"{first} to {last}"): items[start:start + NAV_GROUP]})
    return groups


def _branding_css(org: Organisation) -> str:
    b = org.org.branding
    return (":root > * {\n"
            f"  --md-primary-fg-color: {b.primary_colour};\n"
            f"  --md-primary-fg-color--dark: {b.primary_colour};\n"
            f"  --md-accent-fg-color: {b.accent_colour};\n"
            f"  --smsgen-brand: {b.primary_colour};\n"
            "}\n")


def write_outcome(ws: Workspace, outcome: Outcome, release: str | None = None) -> Generated | None:
    """Write the pages of an assessed set, unless the assessment forbids it (see Outcome.publishable)."""
    if not outcome.publishable or outcome.org is None or outcome.result is None:
        return None
    documents = outcome.documents
    published = [d for d in documents if d.published]
    hidden = {d.id for d in documents if not d.published}
    return write_docs(ws, outcome.org, published, outcome.result.figures, outcome.states, outcome.result.tasks,
                      outcome.register, release, hidden)
