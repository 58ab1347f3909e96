"""A rendered document: its metadata from the template's front matter, its Markdown body, and the tasks it gives
roles. What every later stage (control, checks, publishing) reads."""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from generator.base.findings import Findings
from generator.model.datafiles import DocumentType, Role, Site
from generator.model.fields import Classification
from generator.render.templates import Template


@dataclass
class Document:
    id: str
    key: str
    title: str
    summary: str
    type: str
    type_def: DocumentType
    clauses: list[str]
    owner: Role
    approver: Role
    classification: Classification
    review_months: int
    retention: str | None
    template: Template
    subject: Role | Site | None = None        # the role or site an expanding template was expanded for
    published: bool = True                    # False when the build's audience may not see this classification
    body: str = ""
    references: set[str] = field(default_factory=set)   # IDs of documents this one links to

    @property
    def folder(self) -> str:
        return self.type_def.folder

    @property
    def docs_path(self) -> str:
        """Path of the generated page inside docs/."""
        return f"{self.folder}/{self.id}.md"

    @property
    def label(self) -> str:
        return f"{self.id} {self.title}"


@dataclass
class Task:
    document: Document
    text: Markup


def task_groups(tasks: list[Task]) -> list[tuple[list[Document], list[Task]]]:
    """A role's tasks under the documents that give them, by document ID. Documents that give exactly the same
    tasks (the same step in every site's plan) share one entry, so a 300-site set lists such a task once."""
    by_doc: dict[str, tuple[Document, list[Task]]] = {}
    for task in sorted(tasks, key=lambda t: t.document.id):
        by_doc.setdefault(task.document.id, (task.document, []))[1].append(task)
    groups: dict[tuple[str, ...], tuple[list[Document], list[Task]]] = {}
    for doc, items in by_doc.values():
        groups.setdefault(tuple(str(t.text) for t in items), ([], items))[0].append(doc)
    return list(groups.values())


@dataclass
class RenderResult:
    documents: list[Document]
    findings: Findings
    tasks: dict[str, list[Task]]   # role key -> tasks that documents assign to it
    figures: dict[str, str] = field(default_factory=dict)   # file name under docs/figures/ -> SVG text
