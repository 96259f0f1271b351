"""Retrieval sets load strictly and score recall@k, MRR and false abstains from the ranks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals.retrieval_set import RetrievalCase, load_retrieval_set, score_retrieval
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
    ("- {id: a, question: q, gold: []}", "at least 1"),
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
