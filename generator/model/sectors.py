"""Sector overlays: a folder `sms_templates/sectors/<sector>/` holding the sector's templates and a `sector.yml` that
names the sector and declares the site features and operations its templates apply by. Reading those files is how
the vocabulary grows without Python; the templates themselves are found like any other."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import Field, ValidationError

from generator.base.findings import Findings, Severity
from generator.model.fields import Key, Name, Strict, Text
from generator.model.profile import BUILT_IN, Vocabulary, Word
from generator.model.validation import from_pydantic
from generator.model.yaml_source import read

SECTORS = "sectors"
SECTOR_FILE = "sector.yml"


class Sector(Strict):
    name: Name = Field(description="The sector, e.g. Port facility")
    description: Text = Field(description="Who the overlay is for and what it adds")
    features: dict[Key, Text] = Field({}, description="Site features the overlay's templates apply by: word -> the "
                                                      "phrase a reason is written with ('is a regulated port "
                                                      "facility')")
    operations: dict[Key, Text] = Field({}, description="Operations of the organisation, the same way")


class SectorFile(Strict):
    sector: Sector


def sector_files(template_dirs: list[Path]) -> list[Path]:
    """Each sector's sector.yml, the first template directory (the workspace's) winning per sector."""
    chosen: dict[str, Path] = {}
    for base in template_dirs:
        for file in sorted((base / SECTORS).glob(f"*/{SECTOR_FILE}")):
            chosen.setdefault(file.parent.name, file)
    return [chosen[name] for name in sorted(chosen)]


def vocabulary(template_dirs: list[Path], display: Callable[[Path], str]) -> tuple[Vocabulary, Findings]:
    """The built-in words and every sector's, with a finding for each sector file that cannot be read or declares a
    word twice over."""
    findings = Findings()
    words: dict[str, Word] = dict(BUILT_IN)
    for file in sector_files(template_dirs):
        shown = display(file)
        source, problems = read(file, shown)
        findings += problems
        if source.data is None or problems:
            continue
        try:
            sector = SectorFile.model_validate(source.data).sector
        except ValidationError as exc:
            findings += [from_pydantic(e, source, SectorFile) for e in exc.errors()]
            continue
        key = file.parent.name
        for kind, declared in (("site", sector.features), ("operation", sector.operations)):
            for name, phrase in declared.items():
                other = words.get(name)
                if other is not None and (other.kind != kind or other.phrase != phrase):
                    where = f"the {other.sector} sector" if other.sector else "the built-in vocabulary"
                    findings.append(source.finding(
                        ("sector", "features" if kind == "site" else "operations", name),
                        f"'{name}' is already a {'site feature' if other.kind == 'site' else 'operation'} of {where}",
                        "sector.word", "use the existing word as it is, or choose another name", Severity.fatal))
                    continue
                words[name] = Word(name, kind, phrase, key)  # type: ignore[arg-type]
    return Vocabulary(words), findings
