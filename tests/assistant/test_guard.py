"""The guard rejects generated text with any number, dose, frequency or quote the core did not back."""

from __future__ import annotations

import pytest

from assistant.guard import check_explanation, numbers_in
from core import PatientFacts, Query, build_rulebook, decide
from corpus import get_corpus

CORPUS = get_corpus()
BOOK = build_rulebook(CORPUS)


def _decisions(facts: PatientFacts, query: Query):  # type: ignore[no-untyped-def]
    return list(decide(BOOK, facts, query).decisions)


UPA_70 = _decisions(PatientFacts(age_years=70, egfr=80), Query(topic="dose", drug="upadacitinib", escalation=True))
MTX = _decisions(PatientFacts(age_group="adult"), Query(topic="dose", drug="methotrexate"))
TRALO = _decisions(PatientFacts(), Query(topic="dose", drug="tralokinumab"))
CSA_70 = _decisions(PatientFacts(weight_kg=70), Query(topic="dose", drug="cyclosporine"))


def _failed(text: str, decisions, question: str = "") -> set[str]:  # type: ignore[no-untyped-def]
    return {e.check for e in check_explanation(text, decisions, CORPUS.text, question) if not e.passed}


@pytest.mark.parametrize(
    ("text", "decisions", "question", "expected"),
    [
        # safe paraphrase with the core's own dose and the user's own age
        ("At 70 years the patient stays on 15 mg once daily.", UPA_70, "70 yo upa go to 30?", set()),
        # the classic unsafe escalation: 30 mg is not a dose the core gave this patient
        ("You can increase to 30 mg daily.", UPA_70, "70 yo upa go to 30?", {"doses"}),
        # an invented number with no source anywhere
        ("Response rates reach 87% at week 8.", UPA_70, "", {"numbers"}),
        # weekly methotrexate turned into daily
        ("Give methotrexate 7.5 mg daily.", MTX, "", {"frequency"}),
        ("MTX should be taken every day.", MTX, "", {"frequency"}),
        # the weekly schedule is fine
        ("Methotrexate is taken once weekly.", MTX, "", set()),
        # a dose for a drug whose dose the guideline does not give
        ("Tralokinumab: give 300 mg every 2 weeks.", TRALO, "", {"doses", "numbers", "frequency"}),
        # a quotation that is not guideline text
        ('The guideline says "upadacitinib is safe in every patient".', UPA_70, "", {"quotes"}),
        # a real quotation passes
        ('The guideline says "use only 15 mg once daily in patients ≥65 years".', UPA_70, "", set()),
        # computed weight-based doses are backed by the core's formula
        ("For 70 kg that is 210-350 mg/day, 105-175 mg twice daily.", CSA_70, "", set()),
        # ...but a different computed amount is not
        ("For 70 kg that is 280-420 mg/day.", CSA_70, "", {"numbers", "doses"}),
    ],
)
def test_guard_table(text: str, decisions, question: str, expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    assert _failed(text, decisions, question) == expected


def test_numbers_in_reads_ranges_thresholds_and_decimals() -> None:
    assert numbers_in("BSA ≥10%, IGA ≥3, 1-4 weeks, ~25%, 1.0-1.5 g") == {10.0, 3.0, 1.0, 4.0, 25.0, 1.5}


def test_every_check_reports_a_reason() -> None:
    events = check_explanation("Give 999 mg daily of methotrexate.", MTX, CORPUS.text, "")
    assert {e.check for e in events} == {"numbers", "doses", "quotes", "frequency"}
    assert all(e.detail for e in events)
    assert not all(e.passed for e in events)
