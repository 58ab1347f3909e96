"""The generated pages in docs/: one per document (control data in front matter) and the indexes, with the
navigation. The intermediate form every output reads."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from generator.base.clock import today
from generator.base.files import within, write_if_changed
from generator.base.workspace import Workspace
from generator.checks.assess import Outcome
from generator.checks.matrix import clause_matrix
from generator.checks.report import Check
from generator.control.acknowledgements import Obligation
from generator.control.register import Register
from generator.control.state import ControlState
from generator.model.datafiles import Decision
from generator.model.organisation import Organisation
from generator.publish.audience import Audience, View
from generator.publish.change_requests import PAGE as CHANGE_REQUESTS_PAGE
from generator.publish.change_requests import change_requests_page
from generator.publish.pages import (
    RoleSources,
    acknowledgements_page,
    applicability_page,
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
from generator.publish.records import record_pages
from generator.publish.redline.site import redline_page, site_redlines
from generator.render.applicability import NotIssued
from generator.render.document import Document, Task
from generator.render.markdown import html_text, md_escape, page_link

# Material renders the open section of the navigation into every page, so a section of n pages costs n * n: a long
# section is split into groups of this many entries, named by their first and last entry.
NAV_GROUP = 40


@dataclass
class Generated:
    nav: list
    pages: list[str]


def write_docs(ws: Workspace, org: Organisation, view: View, figures: dict[str, str],
               states: dict[str, ControlState], tasks: dict[str, list[Task]] | None = None,
               register: Register | None = None, release: str | None = None,
               not_issued: list[NotIssued] | None = None,
               included: list[tuple[Document, Decision]] | None = None,
               owed: list[Obligation] | None = None, *, checks: list[Check]) -> Generated:
    """Write the pages `view`'s audience gets: one per document it may see, the index pages it may see, and the
    figures those documents draw; remove pages smsgen wrote earlier that are no longer among them. Every page's
    links to documents the audience does not get become plain text (`View.unlink`)."""
    audience = view.audience
    pages: dict[str, str] = {}
    owed = owed or []   # who still has to read what (clause 7.3), computed once by assess
    sections: list[tuple[str, str, int]] = []
    nav: list = [{"Home": "index.md"}]
    # "changes from revision N" pages, only of the documents this audience gets (so never in its search otherwise)
    redlines = site_redlines(ws, org, view, states, register)
    for type_key, type_def in org.documents.types.items():
        docs = sorted((d for d in view.documents if d.type == type_key), key=lambda d: d.id)
        if not docs:
            continue
        sections.append((type_def.label, type_def.folder, len(docs)))
        if audience.sees_page("sections"):
            pages[f"{type_def.folder}/index.md"] = section_index(type_def.label, docs, states)
        for doc in docs:
            found = redlines.get(doc.id)
            pages[doc.docs_path] = document_page(doc, states[doc.id], org.documents,
                                                 found[0].old_revision if found else "")
            if found:
                pages[found[0].page] = redline_page(*found, org.documents.label(doc.classification))
        short = f"{org.org.document_prefix}-"
        index = [f"{type_def.folder}/index.md"] if audience.sees_page("sections") else []
        nav.append({html_text(type_def.label): index + _grouped(
            [(d.id.removeprefix(short), d.label, d.docs_path) for d in docs])})
    matrix = functools.cache(lambda: clause_matrix(view.all, states))   # for the matrix and the readiness pages
    indexes = [("clause_index", "Clause index", "clauses.md", lambda: clause_index(view)),
               ("master_list", "Master document list", "master-list.md", lambda: master_list_page(view, states, org)),
               ("clause_matrix", "Clause matrix", "clause-matrix.md",
                lambda: clause_matrix_page(view, matrix(), states, not_issued,
                                           audience.sees_page("applicability"))),
               ("readiness", "Readiness report", "readiness.md",
                lambda: readiness_page(org, view, checks, matrix(), states)),
               ("acknowledgements", "Acknowledgements", "acknowledgements.md",
                lambda: acknowledgements_page(view, owed)),
               ("applicability", "Applicability register", "applicability.md",
                lambda: applicability_page(org, not_issued or [], included or [])),
               ("changes", "What changed", "changes.md", lambda: changes_page(view, states, register, release)),
               ("change_requests", "Change requests", CHANGE_REQUESTS_PAGE,
                lambda: change_requests_page(view, register, org))]
    if audience.sees_page("roles"):
        role_sources = RoleSources.of(view)
        role_rows = ["# Roles", "", "What each role does in the SMS: its tasks, forms and instructions.", ""]
        for role in org.roles:
            pages[f"roles/{role.key}.md"] = role_page(role, org, view, tasks or {}, role_sources, owed)
            link = page_link("roles/index.md", f"roles/{role.key}.md")
            role_rows.append(f"- [{md_escape(role.title)}]({link}): {md_escape(role.purpose)}")
        pages["roles/index.md"] = front_matter({"title": "Roles"}) + "\n".join(role_rows) + "\n"
        nav.append({"Roles": ["roles/index.md"] + _grouped([(r.title, r.title, f"roles/{r.key}.md")
                                                             for r in org.roles])})
    for key, title, path, page in indexes:
        if audience.sees_page(key):
            pages[path] = page()
            nav.append({title: path})
    records = record_pages(org, today(), audience.sees_page)
    pages.update(records.pages)
    nav += records.nav
    if audience.sees_page("home"):
        pages["index.md"] = home_page(org, view, sections, states, register, release)
    # links to documents this audience does not get become plain words; and an ID a template printed as plain text
    # (not through ref()) is caught as well, so no page names what its audience may not see
    pages = {rel: view.redact(view.unlink(rel, text)) for rel, text in pages.items()}
    pages["branding.css"] = _branding_css(org)
    pages.update({f"figures/{name}": svg for name, svg in view.figures(figures).items()})

    docs_dir = ws.docs_dir
    for rel, content in pages.items():
        write_if_changed(docs_dir / rel, content)
    manifest = ws.pages_manifest
    previous = manifest.read_text(encoding="utf-8").split() if manifest.exists() else []
    for rel in set(previous) - set(pages):
        if within(docs_dir / rel, docs_dir):   # the manifest is a file on disk: never follow it out of docs/
            (docs_dir / rel).unlink(missing_ok=True)
            # a folder only smsgen's pages were in goes with them (roles/ on a site that has no role pages), and
            # so does a folder of such folders (records/ with its audits/ and reviews/)
            folder = (docs_dir / rel).parent
            while folder != docs_dir and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
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
    """Write the pages of an assessed set for the assessment's audience, unless the assessment forbids it (see
    Outcome.publishable). The documents were rendered for no audience; `View` derives what this one gets."""
    if not outcome.publishable or outcome.org is None or outcome.result is None:
        return None
    view = Audience.of(outcome.org, outcome.audience).view(outcome.documents)
    for doc in outcome.documents:   # what `build` reports as written
        doc.published = view.sees(doc)
    return write_docs(ws, outcome.org, view, outcome.result.figures, outcome.states, outcome.result.tasks,
                      outcome.register, release, outcome.result.not_issued, outcome.result.included, outcome.owed,
                      checks=outcome.readiness)
