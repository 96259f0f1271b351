"""The Evals page's one link to the eval harness (``evals``), imported lazily so the app runs without it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_BASELINE", "DEFAULT_SUITE", "EvalOutcome", "HarnessUnavailable", "run_golden_suite"]

_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SUITE = _ROOT / "evals" / "golden"
DEFAULT_BASELINE = _ROOT / "evals" / "baseline.json"


class HarnessUnavailable(RuntimeError):
    """The eval harness cannot be imported, or its suite cannot be loaded; the message says which."""


@dataclass(frozen=True)
class EvalOutcome:
    """A finished run (``evals.Run``) and, if a baseline exists, its comparison (``evals.Comparison``)."""

    run: Any
    comparison: Any | None
    baseline_path: Path | None


def run_golden_suite(suite: str | Path | None = None, *, progress: Callable[[int, int, str], None] | None = None,
                     baseline: str | Path | None = DEFAULT_BASELINE) -> EvalOutcome:
    """Run the golden suite offline; ``progress(done, total, case_id)`` after each case; compare with the baseline."""
    try:
        import evals
        run_suite, load_suite, compare_runs = evals.run_suite, evals.load_suite, evals.compare_runs
    except (ImportError, AttributeError) as exc:
        raise HarnessUnavailable(f"The eval harness is not available ({type(exc).__name__}: {exc}).") from exc
    path = Path(suite) if suite else DEFAULT_SUITE
    try:
        load_suite(path)  # fail early, with the harness's own message, before any case runs
    except Exception as exc:
        raise HarnessUnavailable(f"The golden suite at {path} cannot be loaded: {exc}") from exc
    base = Path(baseline) if baseline and Path(baseline).is_file() else None

    def _progress(done: int, total: int, result: Any) -> None:
        if progress is not None:
            progress(done, total, str(getattr(result, "id", "")))

    run = run_suite(path, progress=_progress, mode="offline", baseline=base)
    comparison = compare_runs(base, run) if base is not None else None
    return EvalOutcome(run=run, comparison=comparison, baseline_path=base)
