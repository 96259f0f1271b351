"""adguide evals: the golden-question suite, deterministic scorers, runner, reports and run comparison.

Typical use::

    from evals import run_suite, write_run, compare_runs
    run = run_suite()                      # offline, evals/golden, checked against evals/baseline.json
    write_run(run, "runs/latest")
"""

from __future__ import annotations

from .compare import compare_runs, comparison_markdown, mcnemar_exact
from .models import (
    CaseChange,
    CaseResult,
    CategorySummary,
    Comparison,
    DecisionExpect,
    DoseExpect,
    Expect,
    GoldenCase,
    Provenance,
    RubricItem,
    Run,
    RunSummary,
    Score,
    Turn,
)
from .report import html_report, markdown_summary, write_run
from .runner import DEFAULT_THRESHOLD, Baseline, load_baseline, load_run, run_case, run_suite, summarise
from .scorers import score_answer
from .suite import Suite, SuiteError, load_suite

__all__ = [
    "DEFAULT_THRESHOLD",
    "Baseline",
    "CaseChange",
    "CaseResult",
    "CategorySummary",
    "Comparison",
    "DecisionExpect",
    "DoseExpect",
    "Expect",
    "GoldenCase",
    "Provenance",
    "RubricItem",
    "Run",
    "RunSummary",
    "Score",
    "Suite",
    "SuiteError",
    "Turn",
    "compare_runs",
    "comparison_markdown",
    "html_report",
    "load_baseline",
    "load_run",
    "load_suite",
    "markdown_summary",
    "mcnemar_exact",
    "run_case",
    "run_suite",
    "score_answer",
    "summarise",
    "write_run",
]
