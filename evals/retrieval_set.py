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

__all__ = [
    "CalibrationRow",
    "RetrievalCase",
    "RetrievalReport",
    "RetrievalScore",
    "calibrate_abstain",
    "cases_from_suite",
    "gate_retrieval",
    "load_retrieval_set",
    "score_retrieval",
]

DEFAULT_SET = Path(__file__).resolve().parent / "retrieval_blind"
_STRICT = ConfigDict(extra="forbid")


class RetrievalCase(BaseModel):
    """One question and the passages that answer it."""

    model_config = _STRICT

    id: str
    """Unique id (``rb-001``)."""
    question: str
    """The question as a user would write it."""
    gold: list[str] = Field(default_factory=list, max_length=3)
    """Passage ids that answer it, best first; empty for a question the guideline does not answer (it should
    abstain)."""
    notes: str | None = None
    """The words of the gold passage that answer it."""
    style: str | None = None
    """How it is phrased (lay, clinical, abbreviation, misspelt, indirect, long-vignette, off-topic)."""

    @property
    def off_topic(self) -> bool:
        """The guideline does not answer it: the retriever should abstain."""
        return not self.gold


class RetrievalScore(BaseModel):
    """How one question was retrieved."""

    model_config = _STRICT

    id: str
    """The case id."""
    style: str | None
    """The case's phrasing style."""
    off_topic: bool = False
    """The guideline does not answer it (no gold): the retriever should abstain."""
    rank: int | None
    """1-based rank of the first gold passage among those retrieved, or None (not retrieved, abstained, off topic)."""
    abstained: bool
    """The retriever declined the question."""
    retrieved: list[str]
    """The passage ids returned, best first."""


class RetrievalReport(BaseModel):
    """Recall@1, recall@3, MRR and the abstain error rates over a set, overall and per style."""

    model_config = _STRICT

    cases: int
    """On-topic questions scored (those with gold passages)."""
    recall_at_1: float
    """Share of on-topic questions with a gold passage ranked first."""
    recall_at_3: float
    """Share with a gold passage in the top 3."""
    mrr: float
    """Mean reciprocal rank of the first gold passage (0 when not retrieved)."""
    false_abstain: float
    """Share of on-topic questions the retriever declined."""
    off_topic: int = 0
    """Off-topic questions scored (no gold)."""
    false_answer: float = 0.0
    """Share of off-topic questions the retriever did not decline."""
    by_style: dict[str, dict[str, float]]
    """The same figures per phrasing style (off-topic questions under their own style)."""
    scores: list[RetrievalScore]
    """Every question's result."""

    def figures(self) -> dict[str, float]:
        """The headline figures, for baselines and gates."""
        return {"recall_at_1": self.recall_at_1, "recall_at_3": self.recall_at_3, "mrr": self.mrr,
                "false_abstain": self.false_abstain, "false_answer": self.false_answer}


def cases_from_suite(path: str | Path) -> list[RetrievalCase]:
    """A behaviour suite's single questions as retrieval cases: the passages its expectations cite are the gold;
    a question expected ``out_of_scope`` with nothing cited is off topic."""
    from .suite import load_suite, passages_of_quote

    out: list[RetrievalCase] = []
    for case in load_suite(path).cases:
        if case.question is None or case.question_repeat or case.expect is None:
            continue
        exp = case.expect
        gold: list[str] = []
        for quote in exp.cites:
            found = passages_of_quote(quote)
            if found:
                gold.append(found[0])
        gold = list(dict.fromkeys([*gold, *exp.passages]))[:3]
        if gold:
            out.append(RetrievalCase(id=case.id, question=case.question, gold=gold, style=f"suite:{case.category}"))
        elif exp.status == "out_of_scope" and not exp.decisions:
            out.append(RetrievalCase(id=case.id, question=case.question, style="off-topic"))
    return out


def _is_behaviour_suite(files: Sequence[Path]) -> bool:
    for f in files:
        raw: Any = yaml.safe_load(f.read_text(encoding="utf-8")) or []
        if isinstance(raw, list) and raw and isinstance(raw[0], dict) and "category" in raw[0]:
            return True
    return False


def load_retrieval_set(path: str | Path | None = None) -> list[RetrievalCase]:
    """Read and validate a set (a YAML file or a folder of them); every gold id must be a citable passage.

    A behaviour suite (``evals/golden``) is read with ``cases_from_suite``.
    """
    root = Path(path) if path is not None else DEFAULT_SET
    files = sorted(root.glob("*.yaml")) if root.is_dir() else [root]
    if not files or not all(f.is_file() for f in files):
        raise SuiteError(f"No retrieval set at {root}: give a YAML file or a folder of them.")
    if _is_behaviour_suite(files):
        return cases_from_suite(root)
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
    on = [s for s in scores if not s.off_topic]
    off = [s for s in scores if s.off_topic]
    n = len(on) or 1
    out = {
        "cases": float(len(on)),
        "recall_at_1": sum(s.rank == 1 for s in on) / n,
        "recall_at_3": sum(s.rank is not None and s.rank <= 3 for s in on) / n,
        "mrr": sum(1 / s.rank for s in on if s.rank) / n,
        "false_abstain": sum(s.abstained for s in on) / n,
    }
    if off:
        out["off_topic"] = float(len(off))
        out["false_answer"] = sum(not s.abstained for s in off) / len(off)
    return out


def score_retrieval(cases: Sequence[RetrievalCase], search: Callable[[str, int], Any],
                    k: int = 10) -> RetrievalReport:
    """Score ``search(question, k)`` (a ``Retriever.search``) on every case."""
    scores: list[RetrievalScore] = []
    for case in cases:
        result = search(case.question, k)
        retrieved = [p.passage_id for p in result.passages]
        rank = next((i + 1 for i, pid in enumerate(retrieved) if pid in case.gold), None)
        scores.append(RetrievalScore(id=case.id, style=case.style, off_topic=case.off_topic, rank=rank,
                                     abstained=bool(result.abstain), retrieved=retrieved))
    grouped: dict[str, list[RetrievalScore]] = defaultdict(list)
    for s in scores:
        grouped[s.style or "unstyled"].append(s)
    overall = _summary(scores)
    return RetrievalReport(
        cases=int(overall["cases"]), recall_at_1=overall["recall_at_1"], recall_at_3=overall["recall_at_3"],
        mrr=overall["mrr"], false_abstain=overall["false_abstain"], off_topic=int(overall.get("off_topic", 0)),
        false_answer=overall.get("false_answer", 0.0),
        by_style={style: _summary(group) for style, group in sorted(grouped.items())}, scores=scores,
    )


LOWER_IS_BETTER = frozenset({"false_abstain", "false_answer"})
"""Figures where a rise is a regression."""


def gate_retrieval(report: RetrievalReport, baseline: dict[str, float], *, tolerance: float = 0.0) -> list[str]:
    """The figures of ``report`` that are worse than ``baseline`` by more than ``tolerance`` (empty: passed)."""
    problems = []
    figures = report.figures()
    for name, floor in sorted(baseline.items()):
        if name not in figures:
            problems.append(f"{name}: unknown figure in the baseline (known: {', '.join(sorted(figures))})")
            continue
        value = figures[name]
        worse = value > floor + tolerance if name in LOWER_IS_BETTER else value < floor - tolerance
        if worse:
            problems.append(f"{name} {value:.3f} is worse than the baseline {floor:.3f}")
    return problems


class CalibrationRow(BaseModel):
    """The abstain gate's errors at one threshold."""

    model_config = _STRICT

    threshold: float
    """The on-topic signal below which the retriever would abstain."""
    false_abstain: float
    """Share of on-topic questions it would decline."""
    false_answer: float
    """Share of off-topic questions it would answer."""


def calibrate_abstain(cases: Sequence[RetrievalCase], on_topic: Callable[[str], tuple[float, list[str]]],
                      thresholds: Sequence[float]) -> list[CalibrationRow]:
    """False-abstain and false-answer rates of the abstain gate at each threshold (``Retriever.on_topic``)."""
    signals = [(case.off_topic, *on_topic(case.question)) for case in cases]
    on = [(sig, out) for off, sig, out in signals if not off]
    off = [(sig, out) for is_off, sig, out in signals if is_off]
    rows = []
    for t in thresholds:
        declined = [bool(out) or sig < t for sig, out in on]
        answered = [not out and sig >= t for sig, out in off]
        rows.append(CalibrationRow(threshold=t, false_abstain=sum(declined) / (len(on) or 1),
                                   false_answer=sum(answered) / (len(off) or 1)))
    return rows
