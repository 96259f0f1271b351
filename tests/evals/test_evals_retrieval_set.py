"""Retrieval sets load strictly and score recall@k, MRR and false abstains from the ranks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals.retrieval_set import (
    RetrievalCase,
    cases_from_suite,
    gate_retrieval,
    load_retrieval_set,
    score_retrieval,
)
from evals.suite import SuiteError


class _Hit:
    def __init__(self, pid: str) -> None:
        self.passage_id = pid


class _Result:
    def __init__(self, ids: list[str], abstain: bool = False) -> None:
        self.passages = [_Hit(i) for i in ids]
        self.abstain = abstain


def test_the_committed_blind_set_loads_and_covers_every_citable_passage() -> None:
    from corpus import get_corpus

    cases = load_retrieval_set()
    citable = {p.id for p in get_corpus().passages if p.kind not in ("title", "heading")}
    assert len(cases) >= 90
    assert {g for c in cases for g in c.gold} == citable


@pytest.mark.parametrize(("text", "error"), [
    ("- {id: a, question: q, gold: [dupilumab]}", "not a citable passage"),   # a heading is never gold
    ("- {id: a, question: q, gold: [no-such-1]}", "not a citable passage"),
    ("- {id: a, question: q, gold: [dupilumab-1, dupilumab-2, dupilumab-3, dupilumab-4]}", "at most 3"),
    ("- {id: a, question: q, gold: [dupilumab-3]}\n- {id: a, question: r, gold: [dupilumab-3]}", "duplicate id a"),
])
def test_an_invalid_set_is_refused_with_the_reason(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "set.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SuiteError, match=error):
        load_retrieval_set(path)


def test_scores_come_from_the_rank_of_the_first_gold_passage() -> None:
    cases = [
        RetrievalCase(id="first", question="a", gold=["x"], style="lay"),      # rank 1
        RetrievalCase(id="third", question="b", gold=["y", "z"], style="lay"),  # rank 3 (z)
        RetrievalCase(id="missed", question="c", gold=["w"], style="clinical"),  # not retrieved
        RetrievalCase(id="declined", question="d", gold=["x"], style="clinical"),  # abstained
    ]
    results: dict[str, Any] = {"a": _Result(["x", "q"]), "b": _Result(["p", "q", "z"]), "c": _Result(["p"]),
                               "d": _Result([], abstain=True)}
    report = score_retrieval(cases, lambda question, k: results[question])
    assert (report.recall_at_1, report.recall_at_3, report.false_abstain) == (0.25, 0.5, 0.25)
    assert report.mrr == pytest.approx((1 + 1 / 3) / 4)
    assert report.by_style["lay"]["recall_at_3"] == 1.0 and report.by_style["clinical"]["recall_at_3"] == 0.0


def test_off_topic_questions_score_false_answers_not_recall() -> None:
    cases = [
        RetrievalCase(id="on", question="a", gold=["x"]),
        RetrievalCase(id="off-declined", question="b", style="off-topic"),   # abstained: right
        RetrievalCase(id="off-answered", question="c", style="off-topic"),   # answered: a false answer
    ]
    results: dict[str, Any] = {"a": _Result(["x"]), "b": _Result([], abstain=True), "c": _Result(["x"])}
    report = score_retrieval(cases, lambda question, k: results[question])
    assert (report.cases, report.off_topic) == (1, 2)
    assert (report.recall_at_1, report.false_abstain, report.false_answer) == (1.0, 0.0, 0.5)
    assert cases[1].off_topic and not cases[0].off_topic


def test_a_behaviour_suite_reads_as_a_retrieval_set_with_its_cited_passages_as_gold() -> None:
    cases = load_retrieval_set("evals/golden")
    assert cases == cases_from_suite("evals/golden")
    by_id = {c.id: c for c in cases}
    assert len([c for c in cases if not c.off_topic]) >= 60
    assert any(c.off_topic for c in cases)  # out-of-scope questions with nothing cited
    for case in cases:
        assert len(case.gold) <= 3 and (case.style or "").startswith(("suite:", "off-topic"))
    assert by_id and all(c.question for c in by_id.values())


@pytest.mark.parametrize(("figures", "baseline", "worse"), [
    ({"recall_at_3": 0.90}, {"recall_at_3": 0.90}, []),                       # equal: passes
    ({"recall_at_3": 0.89}, {"recall_at_3": 0.90}, ["recall_at_3"]),          # lower recall: regression
    ({"false_abstain": 0.02}, {"false_abstain": 0.01}, ["false_abstain"]),    # more abstains: regression
    ({"false_abstain": 0.00}, {"false_abstain": 0.01}, []),                   # fewer abstains: better
    ({"false_answer": 0.20}, {"false_answer": 0.10}, ["false_answer"]),
])
def test_the_gate_fails_exactly_the_figures_that_got_worse(figures: dict[str, float], baseline: dict[str, float],
                                                           worse: list[str]) -> None:
    base = {"recall_at_1": 0.5, "recall_at_3": 0.5, "mrr": 0.5, "false_abstain": 0.0, "false_answer": 0.0}
    report = score_retrieval([], lambda q, k: _Result([])).model_copy(update={**base, **figures})
    problems = gate_retrieval(report, baseline)
    assert [p.split()[0] for p in problems] == worse


def test_the_gate_names_an_unknown_figure() -> None:
    report = score_retrieval([], lambda q, k: _Result([]))
    assert "unknown figure" in gate_retrieval(report, {"recall_at_9": 1.0})[0]


def test_the_retrieval_gate_command_fails_on_a_regression_and_records_a_baseline(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from evals.cli import eval_app

    baseline = tmp_path / "baseline.json"
    runner = CliRunner()
    args = ["retrieval", "--set", "evals/retrieval_offtopic", "--gate", str(baseline)]
    missing = runner.invoke(eval_app, args)
    assert missing.exit_code == 2 and "--update-baseline" in missing.output  # no entry yet: says how to add one
    assert runner.invoke(eval_app, [*args, "--update-baseline"]).exit_code == 0
    recorded = json.loads(baseline.read_text())["evals/retrieval_offtopic"]
    assert runner.invoke(eval_app, args).exit_code == 0  # the same run passes its own baseline
    baseline.write_text(json.dumps({"evals/retrieval_offtopic": {**recorded, "false_answer": 0.0}}))
    worse = runner.invoke(eval_app, args)
    assert worse.exit_code == 1 and "false_answer" in worse.output


def test_the_html_report_shows_each_figure_beside_its_baseline_and_flags_a_regression() -> None:
    from evals.report import retrieval_html_report

    cases = [RetrievalCase(id="on", question="a", gold=["x"]), RetrievalCase(id="off", question="b", style="off-topic")]
    results: dict[str, Any] = {"a": _Result(["y", "x"]), "b": _Result(["x"])}
    report = score_retrieval(cases, lambda question, k: results[question])
    page = retrieval_html_report(report, "evals/example", {"recall_at_1": 0.9, "recall_at_3": 1.0})
    assert '<td>recall_at_1</td><td class="bad">0.000</td><td>0.900</td>' in page   # worse than its baseline
    assert '<td>recall_at_3</td><td class="ok">1.000</td><td>1.000</td>' in page
    assert "<code>off</code>" in page and "<code>on</code>" not in page            # the answered off-topic one
    assert "<script" not in page


def test_calibration_counts_the_gates_errors_at_each_threshold() -> None:
    from evals.retrieval_set import calibrate_abstain

    cases = [RetrievalCase(id="a", question="weak", gold=["x"]), RetrievalCase(id="b", question="strong", gold=["x"]),
             RetrievalCase(id="c", question="psoriasis", style="off-topic"),      # vetoed by an outside condition
             RetrievalCase(id="d", question="plausible", style="off-topic")]
    signals = {"weak": (0.5, []), "strong": (1.5, []), "psoriasis": (2.0, ["psoriasis"]), "plausible": (0.7, [])}
    rows = calibrate_abstain(cases, signals.__getitem__, [0.4, 0.6, 0.8])
    assert [(r.threshold, r.false_abstain, r.false_answer) for r in rows] == [
        (0.4, 0.0, 0.5),   # everything on topic kept; the plausible off-topic one answered
        (0.6, 0.5, 0.5),   # the weak on-topic one now declined
        (0.8, 0.5, 0.0),   # the plausible off-topic one declined too
    ]
