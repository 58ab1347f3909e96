"""What an audience may see: the one place that decides it, for document pages, figures, the generated index pages,
role pages, the changes page, search (which indexes only the pages written) and packs.

The documents are rendered once, for nobody in particular: that text is what is approved and fingerprinted. An
audience's view is derived from it when its pages are written, and never changes a document's words beyond this:
a link to a page the audience does not get becomes plain text naming neither the document's ID nor its title (even
a title can say too much: "Site security plan: Night gate codes"). Lists (indexes, registers, role pages) leave such
documents out, or count them where leaving them out would mislead ("2 confidential documents").

Every decision comes down to `Classification.visible_at`, the audience rule of the data model.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.model.datafiles import GeneratedPages
from generator.model.fields import Classification
from generator.model.organisation import Organisation
from generator.render.document import Document
from generator.render.markdown import resolve_link

# A link between generated pages, as `RenderContext.ref` and the index pages write it: [label](relative.md#anchor).
# Images (![alt](...)) and links with a scheme are not links to pages.
PAGE_LINK = re.compile(r"(?<!!)\[((?:\\.|[^\]\\])+)\]\((?![a-zA-Z][a-zA-Z0-9+.-]*:)([^)\s]+?\.md)(#[^)\s]*)?\)")


def a_document(classification: Classification, label: str | None = None) -> str:
    """What a link to a page the audience does not get becomes: its classification (as the organisation names it,
    when it does), never its ID or title."""
    name = label or classification.value
    article = "an" if name[0].lower() in "aeiou" else "a"
    return f"{article} {name} document (not published on this site)"


@dataclass(frozen=True)
class Audience:
    """Who pages are written for: the highest classification level they may see (None: no limit, a build for the
    people who maintain the set) and the classification of each generated index page."""
    name: str | None = None
    level: int | None = None
    pages: GeneratedPages = field(default_factory=GeneratedPages)
    # the organisation's own names of levels (documents.yml classification_names), where it gives them
    labels: tuple[tuple[Classification, str], ...] = ()

    @classmethod
    def of(cls, org: Organisation, name: str | None) -> Audience:
        """The audience `name` of data/documents.yml; None: everyone (no limit). The name was checked by `assess`."""
        level = org.documents.audiences[name].level if name is not None else None
        labels = tuple((c, n.label) for c, n in org.documents.classification_names.items())
        return cls(name, level, org.documents.pages, labels)

    @classmethod
    def up_to(cls, classification: Classification | None) -> Audience:
        """Readers cleared up to `classification` (None: everything), e.g. a certification body."""
        return cls(None, classification.level if classification is not None else None)

    def hidden_as(self, classification: Classification) -> str:
        """What a link to a document of this level becomes on this audience's pages."""
        return a_document(classification, dict(self.labels).get(classification))

    def may_see(self, classification: Classification) -> bool:
        return classification.visible_at(self.level)

    def sees(self, doc: Document) -> bool:
        return self.may_see(doc.classification)

    def sees_page(self, page: str) -> bool:
        """Whether a generated index page (a field of GeneratedPages: "roles", "readiness" ...) is published."""
        return self.may_see(getattr(self.pages, page))

    def view(self, documents: list[Document]) -> View:
        return View(self, documents)


class View:
    """One audience's view of a rendered set: which documents it gets, and their pages' text as it may read it."""

    def __init__(self, audience: Audience, documents: list[Document]):
        self.audience = audience
        self.all = documents
        self.documents = [d for d in documents if audience.sees(d)]
        self.hidden = [d for d in documents if not audience.sees(d)]
        self._hidden_pages = {d.docs_path: d for d in self.hidden}

    @property
    def limited(self) -> bool:
        """Whether some classification is kept from this audience: then a document no longer in the set (withdrawn),
        whose classification is unknown, is counted rather than named."""
        return not all(self.audience.may_see(c) for c in Classification)

    def sees(self, doc: Document) -> bool:
        return self.audience.sees(doc)

    def unlink(self, page: str, text: str) -> str:
        """The Markdown of the page at `page` (a path in docs/) with every link to a document page this audience does
        not get made plain text (see `a_document`). Links to pages it gets are kept as they are."""
        if not self._hidden_pages:
            return text

        def replace(match: re.Match) -> str:
            target = self._hidden_pages.get(resolve_link(page, match.group(2)))
            return match.group(0) if target is None else self.audience.hidden_as(target.classification)
        return PAGE_LINK.sub(replace, text)

    def figures(self, figures: dict[str, str]) -> dict[str, str]:
        """The figures to publish: those a document this audience gets draws. A figure belongs to the documents that
        draw it, so a heat map drawn only for a restricted plan is not in a lower site at all, not even by URL."""
        drawn = {name for doc in self.documents for name in doc.figures}
        return {name: svg for name, svg in figures.items() if name in drawn}

    def count_hidden(self, documents: Iterable[Document]) -> str:
        """Documents of a list the audience does not get, counted per classification: "2 confidential documents";
        "" when there are none."""
        counts: dict[Classification, int] = {}
        for doc in documents:
            if not self.sees(doc):
                counts[doc.classification] = counts.get(doc.classification, 0) + 1
        return " and ".join(f"{n} {c.value} document{'' if n == 1 else 's'}"
                            for c, n in sorted(counts.items(), key=lambda item: item[0].level))

    def redact(self, text: str) -> str:
        """Text (a readiness finding, a whole page) with every hidden document's "ID Title", then ID, replaced by what
        a link to it becomes."""
        for doc in self.hidden:
            if doc.id in text:
                named = re.compile(rf"(?<![\w-]){re.escape(doc.id)}(?![\w-])( {re.escape(doc.title)})?")
                text = named.sub(self.audience.hidden_as(doc.classification), text)
        return text
