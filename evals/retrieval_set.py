"""Retrieval sets: paraphrased questions with the passages that answer them, scored by recall@k and MRR.

A retrieval set is a YAML list of ``RetrievalCase``. The blind set (``evals/retrieval_blind``) was written from the
guideline and its passages only, by someone who never saw the retriever or its vocabulary; its first-run figure
is recorded in the README before anything is tuned on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from corpus import get_corpus

from .suite import SuiteError

__all__ = ["RetrievalCase", "RetrievalReport", "RetrievalScore", "load_retrieval_set", "score_retrieval"]

DEFAULT_SET = Path(__file__).resolve().parent / "retrieval_blind"
_STRICT = ConfigDict(extra="forbid")


class RetrievalCase(BaseModel):
    """One question and the passages that answer it."""

    model_config = _STRICT

    id: str
    """Unique id (``rb-001``)."""
    question: str
    """The question as a user would write it."""
    gold: list[str] = Field(min_length=1, max_length=3)
    """Passage ids that answer it, best first."""
    notes: str | None = None
    """The words of the gold passage that answer it."""
    style: str | None = None
    """How it is phrased (lay, clinical, abbreviation, misspelt, indirect, long-vignette)."""


class RetrievalScore(BaseModel):
    """How one question was retrieved."""

    model_config = _STRICT

    id: str
    """The case id."""
    style: str | None
    """The case's phrasing style."""
    rank: int | None
    """1-based rank of the first gold passage among those retrieved, or None (not retrieved, or abstained)."""
    abstained: bool
    """The retriever declined the question."""
    retrieved: list[str]
    """The passage ids returned, best first."""


class RetrievalReport(BaseModel):
    """Recall@1, recall@3, MRR and the false-abstain rate over a set, overall and per style."""

    model_config = _STRICT

    cases: int
    """Questions scored."""
    recall_at_1: float
    """Share with a gold passage ranked first."""
    recall_at_3: float
    """Share with a gold passage in the top 3."""
    mrr: float
    """Mean reciprocal rank of the first gold passage (0 when not retrieved)."""
    false_abstain: float
    """Share the retriever declined although a passage answers it."""
    by_style: dict[str, dict[str, float]]
    """The same figures per phrasing style."""
    scores: list[RetrievalScore]
    """Every question's result."""


def load_retrieval_set(path: str | Path | None = None) -> list[RetrievalCase]:
    """Read and validate a set (a YAML file or a folder of them); every gold id must be a citable passage."""
    root = Path(path) if path is not None else DEFAULT_SET
    files = sorted(root.glob("*.yaml")) if root.is_dir() else [root]
    if not files or not all(f.is_file() for f in files):
        raise SuiteError(f"No retrieval set at {root}: give a YAML file or a folder of them.")
    corpus = get_corpus()
    citable = {p.id for p in corpus.passages if p.kind not in ("title", "heading")}
    cases: list[RetrievalCase] = []
    problems: list[str] = []
    for f in files:
        raw: Any = yaml.safe_load(f.read_text(encoding="utf-8")) or []
        if not isinstance(raw, list):
            raise SuiteError(f"{f}: a retrieval set is a YAML list of cases.")
        for i, item in enumerate(raw):
            try:
                case = RetrievalCase.model_validate(item)
            except ValidationError as exc:
                problems.append(f"{f.name}[{i}]: {exc.errors()[0]['msg']}")
                continue
            problems += [f"{f.name}: {case.id}: '{g}' is not a citable passage id" for g in case.gold
                         if g not in citable]
            cases.append(case)
    ids = [c.id for c in cases]
    problems += [f"duplicate id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if problems:
        raise SuiteError("Invalid retrieval set:\n  - " + "\n  - ".join(problems))
    return cases


def _summary(scores: Sequence[RetrievalScore]) -> dict[str, float]:
    n = len(scores) or 1
    return {
        "cases": float(len(scores)),
        "recall_at_1": sum(s.rank == 1 for s in scores) / n,
        "recall_at_3": sum(s.rank is not None and s.rank <= 3 for s in scores) / n,
        "mrr": sum(1 / s.rank for s in scores if s.rank) / n,
        "false_abstain": sum(s.abstained for s in scores) / n,
    }


def score_retrieval(cases: Sequence[RetrievalCase], search: Callable[[str, int], Any],
                    k: int = 10) -> RetrievalReport:
    """Score ``search(question, k)`` (a ``Retriever.search``) on every case."""
    scores: list[RetrievalScore] = []
    for case in cases:
        result = search(case.question, k)
        retrieved = [p.passage_id for p in result.passages]
        rank = next((i + 1 for i, pid in enumerate(retrieved) if pid in case.gold), None)
        scores.append(RetrievalScore(id=case.id, style=case.style, rank=rank, abstained=bool(result.abstain),
                                     retrieved=retrieved))
    grouped: dict[str, list[RetrievalScore]] = defaultdict(list)
    for s in scores:
        grouped[s.style or "unstyled"].append(s)
    overall = _summary(scores)
    return RetrievalReport(
        cases=len(scores), recall_at_1=overall["recall_at_1"], recall_at_3=overall["recall_at_3"],
        mrr=overall["mrr"], false_abstain=overall["false_abstain"],
        by_style={style: _summary(group) for style, group in sorted(grouped.items())}, scores=scores,
    )
