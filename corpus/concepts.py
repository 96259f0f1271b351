"""The concept map: the guideline's ideas, the words people use for them, and the passages they point to.

The map is data (``corpus/concepts.yaml``), checked when it is loaded: every passage id must be a citable
passage of the corpus, ids are unique, and every concept has words. Retrieval uses it to expand questions
deterministically; nothing here decides anything.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ConceptMapError
from .loader import CORPUS_DIR, Corpus, get_corpus

__all__ = ["CONCEPTS_FILE", "Concept", "get_concepts", "load_concepts"]

CONCEPTS_FILE = CORPUS_DIR / "concepts.yaml"
"""The packaged concept map."""

_UNCITABLE = frozenset({"title", "heading"})


class Concept(BaseModel):
    """One idea of the guideline and how people name it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """Stable id (``eye_problems``)."""
    label: str = Field(min_length=1)
    """What the idea is, in a few words (shown in retrieval explanations)."""
    passages: tuple[str, ...] = Field(min_length=1)
    """The passages that state it, best first."""
    terms: tuple[str, ...] = Field(min_length=1)
    """Words and phrases people use for it (clinical, abbreviated, brand, lay, symptoms)."""
    facet: bool = False
    """An aspect several drugs share (dosing, monitoring, adverse effects): it counts for a passage only
    together with that passage's drug, or on its own when the question names no drug."""
    drug: str | None = None
    """Set on a drug's own concept: the passages that belong to that drug (``jak`` for the class)."""
    together: tuple[tuple[str, ...], ...] = ()
    """Word groups that name the idea when one word of every group occurs within a few words of the others
    ("terrified of using the steroid cream": a fear word and a steroid word), for phrasings too varied to list."""


def load_concepts(path: Path | None = None, corpus: Corpus | None = None) -> tuple[Concept, ...]:
    """Read and check the concept map against ``corpus`` (default: the packaged one)."""
    source = Path(path) if path is not None else CONCEPTS_FILE
    corpus = corpus if corpus is not None else get_corpus()
    try:
        raw: Any = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConceptMapError(f"Cannot read the concept map {source}: {exc}. Restore it with "
                              "`git checkout -- corpus/concepts.yaml`.") from exc
    if not isinstance(raw, list):
        raise ConceptMapError(f"{source}: the concept map is a YAML list of concepts.")
    citable = {p.id for p in corpus.passages if p.kind not in _UNCITABLE}
    concepts: list[Concept] = []
    problems: list[str] = []
    for i, item in enumerate(raw):
        try:
            concept = Concept.model_validate(item)
        except ValidationError as exc:
            err = exc.errors()[0]
            name = item.get("id") if isinstance(item, dict) else None
            where = f"entry {i}" + (f" ({name})" if name else "")
            hint = " (quote a term YAML reads as a number or a boolean: '600', 'true')" if (
                err["type"] == "string_type") else ""
            problems.append(f"{where}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}{hint}")
            continue
        problems += [f"{concept.id}: '{pid}' is not a citable passage id" for pid in concept.passages
                     if pid not in citable]
        problems += [f"{concept.id}: an empty term" for t in concept.terms if not t.strip()]
        problems += [f"{concept.id}: 'together' needs two or more non-empty groups" for _ in [1]
                     if concept.together and (len(concept.together) < 2 or not all(concept.together))]
        concepts.append(concept)
    ids = [c.id for c in concepts]
    problems += [f"duplicate concept id '{i}'" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if problems:
        raise ConceptMapError(f"Invalid concept map {source}:\n  - " + "\n  - ".join(problems)
                              + "\nFix the entries named (passage ids: `corpus.get_corpus().passages`).")
    return tuple(concepts)


@lru_cache(maxsize=1)
def get_concepts() -> tuple[Concept, ...]:
    """The packaged concept map, checked against the packaged corpus (loaded once per process)."""
    return load_concepts()
