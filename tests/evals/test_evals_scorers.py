"""Each scorer fails a deliberately wrong answer, with the right reason."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.answer import Answer
from core import PatientFacts, Query, build_rulebook, decide
from corpus import get_corpus
from evals.models import Expect
from evals.scorers import (
    score_answer,
    score_citation_recall,
    score_content,
    score_decisions,
    score_retrieval,
    score_status,
    score_unbacked_numbers,
)

BOOK = build_rulebook(get_corpus())
SHA = get_corpus().sha256
CSA_QUOTE = "Typical dosing: 3-5 mg/kg/day orally divided twice daily"


def _answer(facts: dict[str, Any], **query: Any) -> Answer:
    result = decide(BOOK, PatientFacts(**facts), Query(**query))
    cites = [c for d in result.decisions for c in d.citations]
    return Answer(status=result.status, answer="\n".join(d.statement for d in result.decisions),
                  decisions=list(result.decisions), citations=cites, corpus_sha256=SHA,
                  missing=list(result.missing), facts=PatientFacts(**facts).known())


CSA_EXPECT = Expect.model_validate({
    "status": "answered",
    "decisions": [{"rule_id": "DOSE-CYCLOSPORINE", "doses": [
        {"low": 3, "high": 5, "unit": "mg/kg/day", "frequency": "twice daily", "patient_low_mg": 210,
         "patient_high_mg": 350, "per_dose_low_mg": 105, "per_dose_high_mg": 175}]}],
    "cites": [CSA_QUOTE],
    "answer_contains": ["210-350 mg/day"],
    "answer_excludes": ["once daily"],
})


@pytest.fixture()
def csa() -> Answer:
    return _answer({"weight_kg": 70}, topic="dose", drug="cyclosporine")


def test_correct_answer_passes_every_gating_scorer(csa: Answer) -> None:
    scores = score_answer(CSA_EXPECT, csa, ["Cyclosporine dose for a 70 kg adult?"])
    assert all(s.passed for s in scores if s.gating), [s for s in scores if not s.passed]


def test_wrong_dose_fails(csa: Answer) -> None:
    wrong = _answer({"weight_kg": 80}, topic="dose", drug="cyclosporine")
    s = score_decisions(CSA_EXPECT, wrong)
    assert s is not None and not s.passed
    assert "patient_low_mg 210 mg expected, got 240 mg" in s.reason


def test_wrong_frequency_fails(csa: Answer) -> None:
    d = csa.decisions[0]
    bad = d.model_copy(update={"doses": (d.doses[0].model_copy(update={"frequency": "once daily"}),)})
    s = score_decisions(CSA_EXPECT, csa.model_copy(update={"decisions": [bad]}))
    assert s is not None and not s.passed
    assert "frequency 'twice daily' expected, got 'once daily'" in s.reason


def test_g_and_mg_are_normalised() -> None:
    mmf = _answer({"age_years": 40}, topic="dose", drug="mycophenolate")
    exp = Expect.model_validate({"status": "answered", "decisions": [
        {"rule_id": "DOSE-MYCOPHENOLATE", "doses": [{"low": 1000, "high": 1500, "unit": "mg"}]}]})
    assert score_decisions(exp, mmf).passed  # type: ignore[union-attr]
    exp2 = Expect.model_validate({"status": "answered", "decisions": [
        {"rule_id": "DOSE-MYCOPHENOLATE", "doses": [{"low": 2000, "unit": "mg"}]}]})
    s = score_decisions(exp2, mmf)
    assert s is not None and not s.passed and "low 2000 mg expected, got 1 g" in s.reason


def test_missing_citation_fails(csa: Answer) -> None:
    s = score_citation_recall(CSA_EXPECT, csa.model_copy(update={"citations": [], "decisions": []}))
    assert s is not None and not s.passed and "missing citation" in s.reason and "cyclosporine-1" in s.reason


def test_citation_under_wrong_passage_fails(csa: Answer) -> None:
    c = csa.citations[0].model_copy(update={"passage_id": "azathioprine-1"})
    d = csa.decisions[0].model_copy(update={"citations": (c,)})
    s = score_citation_recall(CSA_EXPECT, csa.model_copy(update={"citations": [c], "decisions": [d]}))
    assert s is not None and not s.passed and "cited under ['azathioprine-1']" in s.reason


def test_unbacked_number_fails(csa: Answer) -> None:
    bad = csa.model_copy(update={"answer": csa.answer + " Many start at 400 mg/day."})
    s = score_unbacked_numbers(bad, ["Cyclosporine dose for a 70 kg adult?"])
    assert not s.passed and "'400'" in s.reason
    ok = score_unbacked_numbers(csa, ["Cyclosporine dose for a 70 kg adult?"])
    assert ok.passed


def test_number_from_question_is_backed(csa: Answer) -> None:
    said = csa.model_copy(update={"answer": csa.answer + " You asked about 123 mg."})
    assert score_unbacked_numbers(said, ["is 123 mg ok?"]).passed


def test_wrong_status_fails(csa: Answer) -> None:
    s = score_status(CSA_EXPECT, csa.model_copy(update={"status": "not_covered"}))
    assert not s.passed and s.reason == "status 'answered' expected, got 'not_covered'"


def test_forbidden_content_fails(csa: Answer) -> None:
    s = score_content(CSA_EXPECT, csa.model_copy(update={"answer": csa.answer + " Or 300 mg once daily."}))
    assert s is not None and not s.passed and "forbidden 'once daily'" in s.reason


def test_required_content_fails(csa: Answer) -> None:
    s = score_content(CSA_EXPECT, csa.model_copy(update={"answer": "Cyclosporine."}))
    assert s is not None and not s.passed and "lacks '210-350 mg/day'" in s.reason


def test_forbidden_decision_fails() -> None:
    allowed = _answer({"age_years": 40, "egfr": 90}, topic="dose", drug="upadacitinib", escalation=True)
    exp = Expect.model_validate({"status": "answered", "decisions_absent": [{"kind": "dose",
                                                                             "verdict": "escalation_allowed"}]})
    s = score_decisions(exp, allowed)
    assert s is not None and not s.passed and "present" in s.reason


def test_retrieval_recall_and_mrr() -> None:
    from assistant.answer import ContextPassage

    ctx = [ContextPassage(passage_id=p, quote="q", score=1.0) for p in ("azathioprine-1", "cyclosporine-1")]
    a = Answer(status="answered", answer="", corpus_sha256=SHA, context=ctx)
    recall, mrr = score_retrieval(CSA_EXPECT, a)
    assert recall.value == 1.0 and mrr.value == 0.5 and not recall.gating
    miss = score_retrieval(CSA_EXPECT, a.model_copy(update={"context": ctx[:1]}))
    assert miss[0].value == 0.0 and not miss[0].passed
