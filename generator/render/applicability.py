"""Which documents are issued, decided once from the data: each template's `applies` condition over what the sites
are and the organisation does, the workspace's own include/exclude decisions (data/applicability.yml), and
`applies_with` (a form or instruction goes with the documents it serves). Every consumer reads the one decision:
rendering, references, job-description tasks, the clause matrix and the applicability register."""
from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.base.findings import Finding, Findings, Severity
from generator.model.clauses import catalogue
from generator.model.datafiles import Decision, Site
from generator.model.organisation import Organisation
from generator.model.profile import Vocabulary, Word
from generator.render.document import Document
from generator.render.markdown import join_and

APPLICABILITY_FILE = "applicability.yml"


@dataclass(frozen=True)
class NotIssued:
    """A document the set does not issue, with the reason an auditor reads in the applicability register."""
    document: Document
    reason: str
    decision: Decision | None = None   # set when the workspace excluded it; else the data decided


@dataclass
class Applicability:
    issued: list[Document] = field(default_factory=list)
    not_issued: list[NotIssued] = field(default_factory=list)
    # issued although the data says the document does not apply, by the workspace's decision
    included: list[tuple[Document, Decision]] = field(default_factory=list)

    @functools.cached_property
    def _by_ref(self) -> dict[str, NotIssued]:
        """Read only once `decide` has finished the lists (the first reference a template makes)."""
        return {k: n for n in self.not_issued for k in (n.document.key, n.document.id)}

    def reason(self, key_or_id: str) -> NotIssued | None:
        """Why the document with this key or ID is not issued; None when it is, or when there is no such document."""
        return self._by_ref.get(key_or_id)


def unmet(applies: list[str] | None, org: Organisation, site: Site | None) -> str | None:
    """Why a document that applies when any of the words `applies` holds is not issued (about `site` when it is one
    site's document), or None when it applies."""
    if applies is None:
        return None
    words = [org.vocabulary.word(w) for w in applies]
    features = [w for w in words if w.kind == "site"]
    operations = [w for w in words if w.kind == "operation"]
    holders = [site] if site is not None else org.sites_in_scope
    if any(s.has(f.name) for s in holders for f in features) or any(org.org.does(o.name) for o in operations):
        return None
    reasons = []
    if features:
        subject = site.name if site is not None else "any site in scope"
        reasons.append(f"the data does not say that {subject} {_either(features)}")
    if operations:
        reasons.append(f"{'nor' if reasons else 'the data does not say'} that {org.org.short_name} "
                       f"{_either(operations)}")
    return ", ".join(reasons)


def _either(words: list[Word]) -> str:
    phrases = [w.phrase for w in words]
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " or " + phrases[-1]


Locate = Callable[[int, str, str, str, Severity], Finding]


def decide(documents: list[Document], org: Organisation, locate: Locate) -> tuple[Applicability, Findings]:
    """Partition `documents` into issued and not issued. `locate(i, field, message, hint, severity)` places a
    finding on decision i of applicability.yml."""
    findings = Findings()
    by_key = {d.key: d for d in documents}
    by_either = by_key | {d.id: d for d in documents}
    decisions: dict[str, tuple[int, Decision]] = {}   # document key -> (position in the file, decision)
    for i, decision in enumerate(org.decisions):
        target = by_either.get(decision.document)
        if target is None:
            close = difflib.get_close_matches(decision.document, list(by_either), n=3)
            findings.append(locate(i, "document", f"no document has the key or ID '{decision.document}'",
                                   (f"did you mean {', '.join(close)}? " if close else "") + "name a document by "
                                   "its template's key or its ID (`smsgen status` lists IDs)", Severity.error))
        elif target.key in decisions:
            findings.append(locate(i, "document", f"a second decision on {target.label} (also decision "
                                   f"{decisions[target.key][0] + 1})", "keep one decision per document",
                                   Severity.error))
        else:
            decisions[target.key] = (i, decision)
        if decision.decided_by not in org.person:
            findings.append(locate(i, "decided_by", f"unknown person id '{decision.decided_by}'",
                                   "known: " + ", ".join(sorted(org.person)), Severity.error))

    out = Applicability()
    reasons: dict[str, NotIssued] = {}
    for doc in documents:
        meta = doc.template.meta
        assert meta is not None   # only templates with valid front matter become documents
        site = doc.subject if isinstance(doc.subject, Site) else None
        why = unmet(meta.applies, org, site)
        i, chosen = decisions.get(doc.key, (-1, None))
        if chosen is not None and chosen.decision == "exclude":
            if meta.mandatory:
                findings.append(locate(i, "decision", f"{doc.label} cannot be excluded: {meta.mandatory}",
                                       "remove this decision: the standard requires the document", Severity.error))
            else:
                reasons[doc.key] = NotIssued(doc, chosen.justification, chosen)
        elif chosen is not None and chosen.decision == "include" and why is None:
            findings.append(locate(i, "decision", f"{doc.label} applies already: the decision to include it changes "
                                   "nothing", "remove the decision, or exclude the document instead",
                                   Severity.warning))
        elif chosen is not None:
            out.included.append((doc, chosen))
        elif why is not None:
            reasons[doc.key] = NotIssued(doc, why)

    # a form or instruction goes with the documents it serves: repeat until no more fall away (chains)
    changed = True
    while changed:
        changed = False
        for doc in documents:
            meta = doc.template.meta
            assert meta is not None
            if doc.key in reasons or not meta.applies_with or doc.key in decisions:
                continue
            served = [by_key[k] for k in meta.applies_with if k in by_key]
            if served and all(s.key in reasons for s in served):
                verb = "is" if len(served) == 1 else "are"
                reasons[doc.key] = NotIssued(doc, f"it serves only {join_and([s.label for s in served])}, which "
                                                  f"{verb} not issued")
                changed = True
    out.issued = [d for d in documents if d.key not in reasons]
    out.not_issued = [reasons[d.key] for d in documents if d.key in reasons]
    findings += _uncovered_clauses(documents, out)
    return out, findings


def _uncovered_clauses(documents: list[Document], out: Applicability) -> Findings:
    """Excluding documents must not leave a clause that requires documented information with none."""
    findings = Findings()
    clauses = catalogue()
    covered = {c for d in out.issued for c in d.clauses}
    for number, clause in clauses.items():
        if clause.documented_information == "none" or number in covered:
            continue
        dropped = [n for n in out.not_issued if number in n.document.clauses]
        if dropped:
            labels = join_and([n.document.label for n in dropped])
            findings.add("applicability.clause-uncovered", Severity.error,
                         f"clause {clause.label} requires documented information ({clause.what}), and no issued "
                         f"document addresses it: {labels} {'is' if len(dropped) == 1 else 'are'} not issued",
                         dropped[0].document.template.display,
                         hint="issue one of them (data/applicability.yml: decision: include), or have another "
                              "document address the clause")
    return findings


def template_findings(documents: list[Document], vocabulary: Vocabulary) -> Findings:
    """What a template declares about applicability must be coherent: its words are in the vocabulary, a mandatory
    document has no condition, and `applies_with` names documents that exist."""
    findings = Findings()
    keys = {d.key for d in documents}
    seen: set[str] = set()
    for doc in documents:
        meta, template = doc.template.meta, doc.template
        if meta is None or template.relpath in seen:
            continue
        seen.add(template.relpath)
        if meta.mandatory and meta.applies is not None and template.source is not None:
            findings.append(template.source.finding(("applies",), "a mandatory document cannot depend on the data",
                                                    "template.applies", "drop `applies` or `mandatory`",
                                                    Severity.fatal))
        for j, name in enumerate(meta.applies or []):
            try:
                vocabulary.word(name)
            except ValueError as exc:
                message, _, hint = str(exc).partition("\n")
                if template.source is not None:
                    findings.append(template.source.finding(("applies", j), message, "template.applies", hint,
                                                            Severity.fatal))
        for j, key in enumerate(meta.applies_with):
            if key not in keys and template.source is not None:
                findings.append(template.source.finding(("applies_with", j), f"no document has the key '{key}'",
                                                        "template.applies", "name a document's key",
                                                        Severity.fatal))
    return findings
