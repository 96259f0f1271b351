"""Runner, reports, compare and CLI: small in-memory runs, plus the offline suite end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals import compare_runs, load_suite, mcnemar_exact, run_suite, summarise, write_run
from evals.cli import bless_run, eval_app
from evals.models import CaseResult, Provenance, Run, Score


def _prov() -> Provenance:
    return Provenance(corpus_sha256="c", suite_sha256="s", suite_path="p", git_commit="unknown", packages={},
                      mode="offline", started_at="2025-01-01T00:00:00+00:00")


def _run(outcomes: dict[str, bool], critical: frozenset[str] = frozenset()) -> Run:
    results = [CaseResult(id=i, category="dosing" if i < "m" else "choice", critical=i in critical, passed=ok,
                          question="q", scores=[Score(name="status", value=float(ok), passed=ok,
                                                      reason="ok" if ok else "status 'answered' expected")])
               for i, ok in outcomes.items()]
    return Run(provenance=_prov(), results=results, summary=summarise(results, 0.5))


def test_mcnemar_exact() -> None:
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(5, 0) == pytest.approx(2 / 32)
    assert mcnemar_exact(1, 1) == 1.0
    assert mcnemar_exact(10, 2) == pytest.approx(2 * (1 + 12 + 66) / 4096)


def test_compare_reports_broken_and_fixed(tmp_path: Path) -> None:
    base = _run({"a": True, "b": False, "c": True, "x": True})
    new = _run({"a": False, "b": True, "c": True, "y": True})
    write_run(base, tmp_path / "base")
    write_run(new, tmp_path / "new")
    cmp = compare_runs(tmp_path / "base", tmp_path / "new")
    kinds = {c.id: c.change for c in cmp.changes}
    assert kinds == {"a": "broken", "b": "fixed", "c": "still_passing", "x": "removed", "y": "added"}
    assert cmp.broken == 1 and cmp.fixed == 1 and cmp.mcnemar_p == 1.0
    assert "status" in next(c.reason for c in cmp.changes if c.id == "a")
    result = CliRunner().invoke(eval_app, ["compare", str(tmp_path / "base"), str(tmp_path / "new")])
    assert result.exit_code == 1 and "broken (1)" in result.output


def test_summary_fails_on_critical_threshold_and_regression(tmp_path: Path) -> None:
    run = _run({"a": True, "b": False}, critical=frozenset({"b"}))
    assert not run.summary.ok and "critical" in run.summary.reasons[0]
    write_run(_run({"a": True, "b": True}), tmp_path / "r")
    baseline = bless_run(tmp_path / "r", tmp_path / "baseline.json")
    from evals.runner import load_baseline

    s = summarise(run.results, 0.0, load_baseline(baseline))
    assert s.regressions == ["b"] and not s.ok


def test_write_run_outputs_self_contained_report(tmp_path: Path) -> None:
    paths = write_run(_run({"a": True, "b": False}), tmp_path)
    html = paths["html"].read_text(encoding="utf-8")
    assert "<svg" in html and "<style>" in html and "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "b</code>" in html  # the failure is shown
    assert len(paths["results"].read_text().splitlines()) == 2
    assert json.loads(paths["summary"].read_text())["summary"]["total"] == 2


class _Scripted:
    """A fake assistant whose answers are wrong on purpose."""

    def ask(self, question: str, conversation: object = None) -> object:
        from assistant.answer import Answer

        return Answer(status="answered", answer="Dupilumab 300 mg weekly.", corpus_sha256="x")


def test_runner_with_a_wrong_assistant_fails_cases(tmp_path: Path) -> None:
    suite = tmp_path / "s"
    suite.mkdir()
    (suite / "dosing.yaml").write_text(
        "- id: d1\n  category: dosing\n  critical: true\n  question: Dupixent dose?\n"
        "  expect:\n    status: answered\n    decisions: [{rule_id: DOSE-DUPILUMAB}]\n", encoding="utf-8")
    seen = []
    run = run_suite(suite, assistant=_Scripted(), baseline=None, conversation_factory=lambda: None,
                    progress=lambda done, total, r: seen.append((done, total)))
    assert seen == [(1, 1)]
    r = run.results[0]
    assert not r.passed and {s.name for s in r.failures} == {"decisions", "unbacked_numbers"}
    assert run.summary.critical_failed == ["d1"] and not run.summary.ok


@pytest.mark.slow
def test_offline_suite_end_to_end(tmp_path: Path) -> None:
    """The whole golden suite through the real offline assistant (a few seconds)."""
    n = len(load_suite().cases)
    run = run_suite(baseline=None)
    assert len(run.results) == n
    assert all(r.error is None for r in run.results), [r.error for r in run.results if r.error]
    assert run.provenance.mode == "offline" and len(run.provenance.corpus_sha256) == 64
    paths = write_run(run, tmp_path)
    assert paths["html"].stat().st_size > 1000
    result = CliRunner().invoke(eval_app, ["run", "--out", str(tmp_path / "cli"), "--quiet", "--no-baseline",
                                           "--threshold", "0"])
    assert (tmp_path / "cli" / "report.html").is_file()
    assert result.exit_code in (0, 1)  # 1 only while critical cases fail (the assistant is being finished)
