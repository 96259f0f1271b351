"""Run a golden suite through the assistant, score every answer and summarise (offline by default)."""

from __future__ import annotations

import json
import platform
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from .models import CaseResult, CategorySummary, DecisionSnapshot, GoldenCase, Provenance, Run, RunSummary, Score
from .scorers import DEFAULT_K, score_answer
from .suite import Suite, load_suite

__all__ = [
    "DEFAULT_BASELINE",
    "DEFAULT_THRESHOLD",
    "Baseline",
    "BaselineCase",
    "Progress",
    "load_baseline",
    "load_run",
    "provenance",
    "run_case",
    "run_suite",
    "summarise",
]

DEFAULT_THRESHOLD = 0.95
"""Minimum pass rate for a run to succeed."""
DEFAULT_BASELINE = Path(__file__).resolve().parent / "baseline.json"
"""The blessed baseline (changed only by ``adguide eval bless``)."""
REPO_ROOT = Path(__file__).resolve().parent.parent

Progress = Callable[[int, int, CaseResult], None]
"""``progress(done, total, result)`` after each case."""

_PACKAGES = ("adguide", "pydantic", "typer", "pyyaml", "chromadb", "langchain", "langchain-openai", "openai", "rich")


class BaselineCase(BaseModel):
    """A case's outcome in the baseline."""

    model_config = ConfigDict(extra="forbid")

    passed: bool
    """Whether the case passed when blessed."""
    category: str
    """Its category."""
    critical: bool = False
    """Whether it is critical."""


class Baseline(BaseModel):
    """The blessed reference run: per-case outcomes plus the run's provenance and summary."""

    model_config = ConfigDict(extra="forbid")

    provenance: Provenance
    """Provenance of the blessed run."""
    summary: RunSummary
    """Summary of the blessed run."""
    cases: dict[str, BaselineCase]
    """Case id → outcome."""


# --------------------------------------------------------------------------------------------------- provenance
def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=5,
                             check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "unknown"


def _packages() -> dict[str, str]:
    out = {}
    for name in _PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def provenance(suite: Suite, mode: str, model: str | None, corpus_sha256: str | None = None) -> Provenance:
    """What this run rests on."""
    if corpus_sha256 is None:
        from corpus import get_corpus

        corpus_sha256 = get_corpus().sha256
    return Provenance(corpus_sha256=corpus_sha256, suite_sha256=suite.sha256, suite_path=str(suite.path),
                      git_commit=_git_commit(), packages=_packages(), mode=mode, model=model,
                      started_at=datetime.now(UTC).isoformat(timespec="seconds"),
                      python=platform.python_version())


# ------------------------------------------------------------------------------------------------------ running
def _make_assistant(mode: str) -> Any:
    from assistant.pipeline import Assistant
    from assistant.providers import OfflineProvider, provider_from_env

    provider = OfflineProvider() if mode == "offline" else provider_from_env(mode)
    return Assistant(provider=provider)


def _new_conversation() -> Any:
    from assistant.conversation import Conversation

    return Conversation()


def _snapshot(d: Any) -> DecisionSnapshot:
    return DecisionSnapshot(
        rule_id=d.rule_id, kind=d.kind, drug=d.drug, outcome=d.outcome, verdict=d.verdict,
        doses=[dose.model_dump(exclude_none=True) if hasattr(dose, "model_dump") else dict(dose) for dose in d.doses],
    )


def run_case(case: GoldenCase, assistant: Any, *, conversation_factory: Callable[[], Any] = _new_conversation,
             judge: bool = False, k: int = DEFAULT_K) -> CaseResult:
    """Ask every turn of ``case`` in one conversation and score the turns that carry an expectation."""
    turns = case.turns()
    scores: list[Score] = []
    answer: Any = None
    start = time.perf_counter()
    said: list[str] = []
    error = None
    try:
        conv = conversation_factory() if len(turns) > 1 else None
        for i, turn in enumerate(turns):
            said.append(turn.say)
            answer = assistant.ask(turn.say, conv)
            if turn.expect is None:
                continue
            turn_scores = score_answer(turn.expect, answer, said, k=k)
            if len(turns) > 1:
                turn_scores = [s.model_copy(update={"turn": i}) for s in turn_scores]
            scores += turn_scores
        if judge and case.rubric and answer is not None:
            from .judge import judge_rubric

            rubric = judge_rubric(turns[-1].say, answer.answer, case.rubric)
            if rubric is not None:
                scores.append(rubric)
    except Exception as exc:  # a crash is a failure of that case, never of the run
        error = f"{type(exc).__name__}: {exc}"
    elapsed = (time.perf_counter() - start) * 1000
    last = turns[-1]
    exp = last.expect or case.expect
    passed = error is None and all(s.passed for s in scores if s.gating)
    return CaseResult(
        id=case.id, category=case.category, critical=case.critical, passed=passed, scores=scores,
        question=last.say[:500] + ("…" if len(last.say) > 500 else ""),
        expected=exp.model_dump(mode="json", exclude_defaults=True) if exp is not None else {},
        status=getattr(answer, "status", None), answer=getattr(answer, "answer", "") or "",
        decisions=[_snapshot(d) for d in getattr(answer, "decisions", ()) or ()],
        citations=[f"{c.passage_id}: {c.quote}" for c in getattr(answer, "citations", ()) or ()],
        problems=list(getattr(answer, "problems", ()) or ()), error=error, latency_ms=round(elapsed, 2),
    )


def summarise(results: list[CaseResult], threshold: float = DEFAULT_THRESHOLD,
              baseline: Baseline | None = None) -> RunSummary:
    """Aggregate results and decide whether the run is ok."""
    total = len(results)
    passed = sum(r.passed for r in results)
    cats: dict[str, list[CaseResult]] = {}
    for r in results:
        cats.setdefault(r.category, []).append(r)
    by_category = {c: CategorySummary(total=len(rs), passed=sum(x.passed for x in rs),
                                      pass_rate=sum(x.passed for x in rs) / len(rs)) for c, rs in cats.items()}
    sums: dict[str, list[float]] = {}
    for r in results:
        for s in r.scores:
            sums.setdefault(s.name, []).append(s.value)
    means = {n: round(sum(v) / len(v), 4) for n, v in sorted(sums.items())}
    recall = next((means[n] for n in means if n.startswith("retrieval_recall@")), None)
    critical_failed = [r.id for r in results if r.critical and not r.passed]
    regressions = []
    if baseline is not None:
        regressions = [r.id for r in results if not r.passed and r.id in baseline.cases
                       and baseline.cases[r.id].passed]
    rate = passed / total if total else 0.0
    reasons = []
    if critical_failed:
        reasons.append(f"{len(critical_failed)} critical case(s) failed: {', '.join(critical_failed)}")
    if rate < threshold:
        reasons.append(f"pass rate {rate:.1%} is under the threshold {threshold:.1%}")
    if regressions:
        reasons.append(f"{len(regressions)} case(s) regressed against the baseline: {', '.join(regressions)}")
    return RunSummary(total=total, passed=passed, pass_rate=round(rate, 4), threshold=threshold,
                      critical_total=sum(r.critical for r in results), critical_failed=critical_failed,
                      failed=[r.id for r in results if not r.passed], by_category=by_category, scorer_means=means,
                      retrieval_recall_at_k=recall, retrieval_mrr=means.get("retrieval_mrr"),
                      regressions=regressions, ok=not reasons, reasons=reasons)


def load_baseline(path: str | Path | None = None) -> Baseline | None:
    """The baseline at ``path`` (default ``evals/baseline.json``), or None when there is none."""
    p = Path(path) if path is not None else DEFAULT_BASELINE
    if not p.is_file():
        return None
    return Baseline.model_validate_json(p.read_text(encoding="utf-8"))


def run_suite(suite_path: str | Path | None = None, *, progress: Progress | None = None, mode: str = "offline",
              threshold: float = DEFAULT_THRESHOLD, baseline: Baseline | str | Path | None = DEFAULT_BASELINE,
              assistant: Any = None, conversation_factory: Callable[[], Any] | None = None,
              judge: bool | None = None, case_ids: list[str] | None = None, k: int = DEFAULT_K) -> Run:
    """Run a suite and return per-case results and the summary.

    ``mode`` is 'offline' (default, deterministic, no network) or 'openai'. ``baseline`` (a path or a loaded
    ``Baseline``; None to skip) marks regressions. ``judge`` (default: only in openai mode with a key) adds the
    informational rubric score. ``assistant`` and ``conversation_factory`` replace the real ones (tests).
    """
    suite = load_suite(suite_path)
    cases = [c for c in suite.cases if case_ids is None or c.id in case_ids]
    bl = baseline if isinstance(baseline, Baseline) or baseline is None else load_baseline(baseline)
    if assistant is None:
        assistant = _make_assistant(mode)
    model = getattr(getattr(assistant, "provider", None), "model", None)
    real_mode = getattr(getattr(assistant, "provider", None), "mode", mode)
    corpus_sha = getattr(getattr(assistant, "corpus", None), "sha256", None)
    prov = provenance(suite, real_mode, model, corpus_sha)
    if judge is None:
        from .judge import judge_available

        judge = real_mode == "openai" and judge_available()
    factory = conversation_factory or _new_conversation
    start = time.perf_counter()
    results: list[CaseResult] = []
    for i, case in enumerate(cases):
        result = run_case(case, assistant, conversation_factory=factory, judge=judge, k=k)
        results.append(result)
        if progress is not None:
            progress(i + 1, len(cases), result)
    prov = prov.model_copy(update={"duration_s": round(time.perf_counter() - start, 3)})
    return Run(provenance=prov, results=results, summary=summarise(results, threshold, bl))


def load_run(path: str | Path) -> Run:
    """A run written by ``write_run`` (its folder or its run.json), or a baseline file."""
    p = Path(path)
    if p.is_dir():
        p = p / "run.json"
    data = json.loads(p.read_text(encoding="utf-8"))
    if "cases" in data and "results" not in data:  # a baseline: rebuild minimal results
        bl = Baseline.model_validate(data)
        results = [CaseResult(id=i, category=c.category, critical=c.critical, passed=c.passed, question="")
                   for i, c in bl.cases.items()]
        return Run(provenance=bl.provenance, results=results, summary=bl.summary)
    return Run.model_validate(data)
