"""Patient facts: impossible values and contradictions are rejected with a message naming field and range."""

from __future__ import annotations

import math
from typing import Any

import pytest

from core import (
    FACT_RANGES,
    LB_TO_KG,
    InvalidFactsError,
    PatientFacts,
    ckd_stage_for_egfr,
    classify_age,
    classify_potency,
    classify_renal,
    fmt,
    parse_facts,
    round1,
)

# field -> the range text the error message must show
RANGE_TEXT = {
    "weight_kg": "0.3 to 400 kg",
    "weight_lb": "0.7 to 881.8 lb",
    "age_years": "0 to 120 years",
    "bsa_percent": "0 to 100 %",
    "iga": "0 to 4",
    "pruritus_nrs": "0 to 10",
    "egfr": "0 to 200",
    "ckd_stage": "1 to 5",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weight_kg", 0),  # zero weight
        ("weight_kg", 0.0001),  # a typo, not a patient (it once answered "0-0 mg/day")
        ("weight_kg", 0.29),  # just under the smallest plausible newborn
        ("weight_kg", -5),  # negative weight
        ("weight_kg", 400.1),  # just over the 400 kg limit
        ("weight_lb", 0),  # zero pounds
        ("weight_lb", 881.9),  # over 400 kg expressed in pounds
        ("age_years", -1),  # negative age
        ("age_years", 121),  # one year over the limit
        ("age_years", 300),  # a typo
        ("bsa_percent", -1),  # negative area
        ("bsa_percent", 140),  # more than the whole body
        ("iga", -1),  # below the scale
        ("iga", 5),  # above the 0-4 scale
        ("pruritus_nrs", 11),  # above the 0-10 scale
        ("pruritus_nrs", -0.5),  # below the scale
        ("egfr", -1),  # negative filtration
        ("egfr", 250),  # above 200
        ("ckd_stage", 0),  # no stage 0
        ("ckd_stage", 6),  # no stage 6
    ],
)
def test_out_of_range_is_rejected_naming_field_and_range(field: str, value: float) -> None:
    with pytest.raises(InvalidFactsError) as info:
        parse_facts({field: value})
    message = str(info.value)
    assert field in message
    assert RANGE_TEXT[field] in message
    assert f"(got {value:g})" in message
    assert info.value.problems and info.value.problems[0].startswith(f"{field}:")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weight_kg", 400),  # upper bound is inclusive
        ("weight_kg", 0.5),  # a tiny neonate is still a weight
        ("weight_kg", 0.3),  # the lower bound is inclusive
        ("weight_lb", 881.8),  # the pound limit
        ("age_years", 0),  # newborn
        ("age_years", 120),  # the limit
        ("bsa_percent", 0),  # no involvement
        ("bsa_percent", 100),  # whole body
        ("iga", 0),  # clear
        ("iga", 4),  # severe
        ("pruritus_nrs", 10),  # worst itch
        ("egfr", 0),  # anuric
        ("ckd_stage", 5),  # kidney failure
        ("topical_trial_days", 0),  # no trial
        ("weeks_on_treatment", 520),  # ten years
    ],
)
def test_boundary_values_are_accepted(field: str, value: float) -> None:
    assert getattr(parse_facts({field: value}), field) == value


@pytest.mark.parametrize(
    "field",
    [
        "weight_kg",  # NaN / inf weight
        "age_years",  # NaN / inf age
        "bsa_percent",  # NaN / inf area
        "pruritus_nrs",  # NaN / inf itch
        "egfr",  # NaN / inf filtration
    ],
)
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_rejected(field: str, value: float) -> None:
    with pytest.raises(InvalidFactsError) as info:
        parse_facts({field: value})
    assert field in str(info.value)
    assert "finite" in str(info.value)


@pytest.mark.parametrize(
    ("facts", "fragments"),
    [
        # 70 kg is 154 lb, not 100 lb
        ({"weight_kg": 70, "weight_lb": 100}, ("weight_kg 70", "weight_lb 100", "disagree")),
        # stated adult but 10 years old
        ({"age_group": "adult", "age_years": 10}, ("age_group 'adult'", "age_years 10")),
        # stated child but 40 years old
        ({"age_group": "child", "age_years": 40}, ("age_group 'child'", "age_years 40")),
        # eGFR 20 is stage 4, not 2
        ({"egfr": 20, "ckd_stage": 2}, ("egfr 20", "CKD stage 2")),
        # eGFR below 30 contradicts 'no severe renal impairment'
        ({"egfr": 20, "severe_renal_impairment": False}, ("egfr 20", "severe_renal_impairment")),
        # a dose without a drug
        ({"current_dose_mg": 15}, ("current_dose_mg", "current_drug")),
    ],
)
def test_contradictions_are_rejected(facts: dict[str, Any], fragments: tuple[str, ...]) -> None:
    with pytest.raises(InvalidFactsError) as info:
        parse_facts(facts)
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.mark.parametrize(
    "facts",
    [
        {"weight_kg": 70, "weight_lb": 154.3},  # 154.3 lb = 69.99 kg: the same weight twice
        {"age_group": "adult", "age_years": 18},  # 18 is adult
        {"age_group": "child", "age_years": 17.9},  # under 18 is a child
        {"egfr": 20, "ckd_stage": 4},  # consistent
        {"egfr": 90, "ckd_stage": 1},  # G1 starts at 90
        {"egfr": 29, "severe_renal_impairment": True},  # consistent
        {"current_drug": "upadacitinib", "current_dose_mg": 15},  # dose with its drug
    ],
)
def test_consistent_pairs_are_accepted(facts: dict[str, Any]) -> None:
    parse_facts(facts)


def test_several_problems_are_all_listed() -> None:
    with pytest.raises(InvalidFactsError) as info:
        parse_facts({"age_years": 300, "weight_kg": -1, "iga": 9})
    fields = sorted(p.split(":")[0] for p in info.value.problems)
    assert fields == ["age_years", "iga", "weight_kg"]


@pytest.mark.parametrize(
    "facts",
    [
        {"shoe_size": 42},  # unknown field
        {"age_group": "teen"},  # not 'adult' or 'child'
        {"topical_potency": "extreme"},  # not a potency
        {"current_drug": "aspirin"},  # not a guideline agent
        {"iga": 3.5},  # IGA is an integer scale
    ],
)
def test_unknown_fields_and_values_are_rejected(facts: dict[str, Any]) -> None:
    with pytest.raises(InvalidFactsError):
        parse_facts(facts)


def test_invalid_facts_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_facts({"age_years": -1})


def test_every_ranged_field_exists() -> None:
    assert set(FACT_RANGES) <= set(PatientFacts.model_fields)


def test_unknown_is_none_never_a_default() -> None:
    facts = PatientFacts()
    assert all(v is None for v in facts.model_dump().values())
    assert facts.known() == {}
    assert facts.weight_in_kg is None and facts.is_adult is None


@pytest.mark.parametrize(
    ("facts", "kg"),
    [
        ({"weight_kg": 70}, 70),  # as given
        ({"weight_lb": 154}, 154 * 0.45359237),  # converted exactly
        ({"weight_lb": 1}, 0.45359237),  # the definition of the pound
        ({"weight_kg": 70, "weight_lb": 154.3}, 70),  # kg wins when both are given
    ],
)
def test_weight_in_kg(facts: dict[str, Any], kg: float) -> None:
    assert PatientFacts(**facts).weight_in_kg == pytest.approx(kg, abs=1e-12)
    assert LB_TO_KG == 0.45359237


@pytest.mark.parametrize(
    ("facts", "adult"),
    [
        ({"age_years": 17.99}, False),  # just under 18
        ({"age_years": 18}, True),  # 18 is adult
        ({"age_group": "adult"}, True),  # stated
        ({"age_group": "child"}, False),  # stated
        ({}, None),  # unknown
    ],
)
def test_is_adult(facts: dict[str, Any], adult: bool | None) -> None:
    assert PatientFacts(**facts).is_adult is adult
    assert classify_age(PatientFacts(**facts)).value == {True: "adult", False: "child", None: None}[adult]


@pytest.mark.parametrize(
    ("egfr", "stage"),
    [
        (200, 1), (90, 1),  # G1 from 90
        (89.9, 2), (60, 2),  # G2 60-89
        (59.9, 3), (30, 3),  # G3 30-59 (3a and 3b)
        (29.9, 4), (15, 4),  # G4 15-29: severe
        (14.9, 5), (0, 5),  # G5 <15: kidney failure
    ],
)
def test_ckd_stage_for_egfr(egfr: float, stage: int) -> None:
    assert ckd_stage_for_egfr(egfr) == stage


@pytest.mark.parametrize(
    ("facts", "renal"),
    [
        ({"egfr": 30}, "not_severe"),  # G3
        ({"egfr": 29}, "severe"),  # G4
        ({"egfr": 15}, "severe"),  # G4 lower bound
        ({"egfr": 14.9}, "kidney_failure"),  # G5
        ({"ckd_stage": 3}, "not_severe"),  # stage given
        ({"ckd_stage": 4}, "severe"),  # stage given
        ({"ckd_stage": 5}, "kidney_failure"),  # stage given
        ({"severe_renal_impairment": True}, "severe"),  # clinician's words
        ({"severe_renal_impairment": False}, "not_severe"),  # clinician's words
        ({}, None),  # unknown
    ],
)
def test_classify_renal(facts: dict[str, Any], renal: str | None) -> None:
    result = classify_renal(PatientFacts(**facts))
    assert result.value == renal
    if "egfr" in facts or "ckd_stage" in facts:
        assert "KDIGO" in result.basis  # the standard used is shown


@pytest.mark.parametrize(
    ("steroid", "potency"),
    [
        ("clobetasol propionate 0.05%", "super_high"),  # class 1
        ("Clobetasol", "super_high"),  # case-insensitive
        ("augmented betamethasone dipropionate 0.05%", "super_high"),  # augmented: class 1
        ("betamethasone dipropionate 0.05%", "high"),  # not augmented
        ("fluocinonide 0.05%", "high"),  # class 2
        ("mometasone furoate 0.1%", "medium"),  # medium at least
        ("triamcinolone 0.1%", "medium"),  # the classic medium
        ("betamethasone valerate 0.1%", "medium"),  # medium
        ("hydrocortisone butyrate 0.1%", "medium"),  # a hydrocortisone ester, not plain hydrocortisone
        ("desonide 0.05%", "low"),  # class 6
        ("hydrocortisone 1%", "low"),  # class 7
        ("hydrocortisone 2.5%", "low"),  # class 7
        ("unobtainium cream", None),  # not recognised → unknown, never guessed
    ],
)
def test_classify_potency_from_names(steroid: str, potency: str | None) -> None:
    assert classify_potency(PatientFacts(topical_steroid=steroid)).value == potency


def test_stated_potency_wins_over_name() -> None:
    facts = PatientFacts(topical_potency="low", topical_steroid="clobetasol")
    assert classify_potency(facts).value == "low"


@pytest.mark.parametrize(
    ("value", "rounded", "shown"),
    [
        (209.55, 209.6, "209.6"),  # half-up, not half-even
        (0.25, 0.3, "0.3"),  # half-up
        (210.0, 210.0, "210"),  # no trailing .0
        (104.775, 104.8, "104.8"),  # repr-based: 104.775 → 104.8
        (7.5, 7.5, "7.5"),  # unchanged
    ],
)
def test_round1_and_fmt(value: float, rounded: float, shown: str) -> None:
    assert round1(value) == rounded
    assert fmt(value) == shown
