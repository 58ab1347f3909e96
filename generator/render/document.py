"""A rendered document: its metadata from the template's front matter, its Markdown body, and the tasks it gives
roles. What every later stage (control, checks, publishing) reads."""
from __future__ import annotations

from array import array
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
    # the SMS functions that own and approve it: the first of the template's `owner:` / `approver:` a role holds
    owner_function: str = ""
    approver_function: str = ""
    # why no role can own or approve it (no role holds the functions): an error only if the document is issued
    vacant: str = ""
    # forms: the classification of a completed record, which may be higher than the blank form's (`classification`)
    record_classification: Classification | None = None
    # whether the audience pages were last written for may see it: set by generator.publish.audience when pages are
    # written, never read while rendering (the rendering is the same for every audience: it is what is approved)
    published: bool = True
    body: str = ""
    references: set[str] = field(default_factory=set)   # IDs of documents this one links to
    figures: set[str] = field(default_factory=set)      # file names under docs/figures/ this document draws

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


@dataclass
class Withheld:
    """Tasks given to a role by documents of one classification that the page listing the role's tasks may not
    show: counted, never quoted, and neither their documents' IDs nor titles named. The count tells the holder and an
    auditor that the duties exist (and changes when they do); the owners are whom the holder asks."""
    classification: Classification
    tasks: int          # distinct tasks: the same step in every site's plan counts once, as `task_groups` lists it
    documents: int
    owners: list[Role]

    @property
    def sentence(self) -> str:
        """Plain text (escape it where Markdown is written): the same words in a job description and on a role page."""
        one_task, one_doc, one_owner = self.tasks == 1, self.documents == 1, len(self.owners) == 1
        titles = [f"the {r.title}" for r in self.owners]
        owners = titles[0] if one_owner else ", ".join(titles[:-1]) + " and " + titles[-1]
        return (f"{self.tasks} task{'' if one_task else 's'} from {self.documents} {self.classification.value} "
                f"document{'' if one_doc else 's'} {'is' if one_task else 'are'} not reproduced here. "
                f"{owners[0].upper()}{owners[1:]}, who own{'s' if one_owner else ''} "
                f"{'that document' if one_doc else 'those documents'}, brief{'s' if one_owner else ''} the holders of "
                f"this role on {'it' if one_task else 'them'}.")


def withheld(tasks: list[Task]) -> list[Withheld]:
    """`tasks` (those a page may not show) summarised per classification, lowest first."""
    out = []
    for level in sorted({t.document.classification for t in tasks}, key=lambda c: c.level):
        mine = [t for t in tasks if t.document.classification is level]
        groups = task_groups(mine)
        docs = {t.document.id: t.document for t in mine}
        owners = {d.owner.key: d.owner for d in sorted(docs.values(), key=lambda d: d.id)}
        out.append(Withheld(level, sum(len(items) for _, items in groups), len(docs),
                            sorted(owners.values(), key=lambda r: r.title)))
    return out


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
class Rendered:
    """What rendering one document did, to be done to the set (generator.render.render `_apply`), and what it read
    (generator.render.reads): kept by the render memo for the next build."""
    index: int                      # in its phase
    body: str
    references: set[str]
    given: list[tuple[str, Markup]]   # tasks: role key and text, in the order given
    drawn: list[tuple[str, str]]      # figures: name and SVG, in the order drawn
    findings: Findings
    stopped: bool
    read_tasks: bool
    facts: array | None = None   # the numbers of the facts it read; None: not recorded, or not for keeping
    run: int = -1                # the run that rendered it, whose process numbered those facts (RenderMemo.runs)


@dataclass
class RenderResult:
    documents: list[Document]
    findings: Findings
    tasks: dict[str, list[Task]]   # role key -> tasks that documents assign to it
    figures: dict[str, str] = field(default_factory=dict)   # file name under docs/figures/ -> SVG text
    # documents the templates could produce that this organisation does not issue, with why (render.applicability)
    not_issued: list = field(default_factory=list)
    included: list = field(default_factory=list)   # issued by the workspace's decision against the data
    # how many documents were rendered; the others were taken from the render memo, as they last rendered
    rendered: int = 0
