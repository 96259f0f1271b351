"""Eligibility for systemic therapy: each threshold at its boundary, and unknowns reported as missing."""

from __future__ import annotations

from typing import Any

import pytest

Facts = dict[str, Any]

# Every severity marker known and below threshold, and every other criterion met.
BELOW_ALL: Facts = {
    "bsa_percent": 9, "iga": 2, "pruritus_nrs": 6, "qol_impaired": False, "high_impact_areas": (),
    "sleep_disruption": False, "psychosocial_impact": False,
}
OTHERS_MET: Facts = {"topical_trial_days": 14, "topical_potency": "medium", "severity_timepoints": 2, "adherent": True}
ELIGIBLE: Facts = {**BELOW_ALL, **OTHERS_MET, "bsa_percent": 10}


def verdict(ask: Any, facts: Facts) -> str:
    result = ask(facts, topic="eligibility")
    (d,) = [d for d in result.decisions if d.rule_id == "ELIG-SYSTEMIC"]
    return str(d.verdict)


def test_eligible_case(ask: Any) -> None:
    result = ask(ELIGIBLE, topic="eligibility")
    d = result.decisions[0]
    assert (result.status, d.verdict) == ("answered", "eligible")
    assert "BSA ≥10%" in d.statement
    assert {c.passage_id for c in d.citations} >= {"before-systemic-5", "algorithm-1"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"bsa_percent": 9}, "not_yet"),  # BSA 9%: below 10
        ({"bsa_percent": 10}, "eligible"),  # BSA 10%: at threshold
        ({"bsa_percent": 9, "iga": 3}, "eligible"),  # IGA 3: at threshold
        ({"bsa_percent": 9, "iga": 2}, "not_yet"),  # IGA 2: below
        ({"bsa_percent": 9, "pruritus_nrs": 7}, "eligible"),  # NRS 7: severe pruritus
        ({"bsa_percent": 9, "pruritus_nrs": 6}, "not_yet"),  # NRS 6: below
        ({"bsa_percent": 9, "pruritus_nrs": 6.9}, "not_yet"),  # NRS 6.9: still below
        ({"bsa_percent": 9, "qol_impaired": True}, "eligible"),  # quality of life impaired
        ({"bsa_percent": 9, "high_impact_areas": ("hands",)}, "eligible"),  # high-impact area, low BSA
        ({"bsa_percent": 2, "high_impact_areas": ("eyelids", "face")}, "eligible"),  # very low BSA, face/eyelids
        ({"bsa_percent": 9, "sleep_disruption": True}, "eligible"),  # sleep disruption
        ({"bsa_percent": 9, "psychosocial_impact": True}, "eligible"),  # psychosocial impact
        ({"topical_trial_days": 6}, "not_yet"),  # 6 days: less than 1 week
        ({"topical_trial_days": 7}, "eligible"),  # 7 days: 1 week
        ({"topical_trial_days": 28}, "eligible"),  # 4 weeks
        ({"topical_potency": "low"}, "not_yet"),  # low potency is not an intensive trial
        ({"topical_potency": "medium"}, "eligible"),  # medium
        ({"topical_potency": "high"}, "eligible"),  # high
        ({"topical_potency": "super_high"}, "eligible"),  # super-high
        ({"topical_potency": None, "topical_steroid": "clobetasol 0.05%"}, "eligible"),  # named: class 1
        ({"topical_potency": None, "topical_steroid": "triamcinolone 0.1%"}, "eligible"),  # named: medium
        ({"topical_potency": None, "topical_steroid": "hydrocortisone 1%"}, "not_yet"),  # named: low
        ({"topical_potency": None, "topical_steroid": "desonide"}, "not_yet"),  # named: low
        ({"severity_timepoints": 1}, "not_yet"),  # one time point is not 'multiple'
        ({"severity_timepoints": 2}, "eligible"),  # two time points
        ({"adherent": False}, "not_yet"),  # nonadherence: not a true failure
        ({"adherent": None, "steroid_phobia": True}, "not_yet"),  # steroid phobia: educate first
        ({"adherent": True, "steroid_phobia": True}, "eligible"),  # phobia reported but regimen used
        # everything a patient can report below threshold (extent, itch, QoL, areas, sleep), IGA not given
        ({"bsa_percent": 3, "iga": None, "psychosocial_impact": None}, "not_yet"),
        ({"bsa_percent": None, "iga": None, "pruritus_nrs": 2, "psychosocial_impact": None}, "not_yet"),
    ],
)
def test_eligibility_boundaries(ask: Any, change: Facts, expected: str) -> None:
    assert verdict(ask, {**ELIGIBLE, **change}) == expected


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"bsa_percent": 9}, "severity criteria are not met"),  # severity
        ({"bsa_percent": 9}, "hands, face or eyelids"),  # ... with the high-impact exception stated
        ({"topical_trial_days": 6}, "shorter than 1-4 weeks"),  # duration
        ({"topical_potency": "low"}, "not medium-to-high potency"),  # potency
        ({"severity_timepoints": 1}, "multiple time points"),  # documentation
        ({"adherent": False}, "patient education"),  # adherence
    ],
)
def test_not_yet_says_why(ask: Any, change: Facts, reason: str) -> None:
    d = ask({**ELIGIBLE, **change}, topic="eligibility").decisions[0]
    assert d.statement.startswith("Not yet eligible")
    assert reason in d.statement


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        ({"bsa_percent": None, "iga": None, "pruritus_nrs": None, "qol_impaired": None, "high_impact_areas": None,
          "sleep_disruption": None, "psychosocial_impact": None}, ("severity",)),  # no severity marker
        ({"bsa_percent": 9, "iga": None, "qol_impaired": None}, ("severity",)),  # BSA below; IGA or QoL could qualify
        ({"topical_trial_days": None}, ("topical_trial_days",)),  # duration unknown
        ({"topical_potency": None}, ("topical_potency",)),  # potency unknown
        ({"topical_potency": None, "topical_steroid": "unobtainium"}, ("topical_potency",)),  # unrecognised name
        ({"topical_trial_days": None, "adherent": None}, ("topical_trial_days", "adherent")),  # two unknowns
        ({"bsa_percent": 5, "iga": None, "pruritus_nrs": None, "qol_impaired": None, "high_impact_areas": None,
          "sleep_disruption": None, "psychosocial_impact": None}, ("severity",)),  # one score below: ask
        ({"bsa_percent": 5, "iga": None, "high_impact_areas": None, "psychosocial_impact": None},
         ("severity",)),  # extent, itch, QoL and sleep below, but the areas not stated: could still qualify
    ],
)
def test_unknowns_cannot_tell(ask: Any, change: Facts, missing: tuple[str, ...]) -> None:
    result = ask({**ELIGIBLE, **change}, topic="eligibility")
    d = result.decisions[0]
    below = (change.get("bsa_percent") or 10) < 10  # a score given below threshold is said as such (a caution)
    assert (result.status, d.outcome) == ("needs_info", "needs_info")
    assert d.verdict == ("below_threshold_so_far" if below else "cannot_tell")
    assert d.severity == ("caution" if below else "info")
    assert d.missing == missing == result.missing


@pytest.mark.parametrize(
    "change",
    [
        {"severity_timepoints": None},  # documentation: only the clinician can confirm it
        {"adherent": None},  # adherence not assessed
        {"severity_timepoints": None, "adherent": None},  # both
    ],
)
def test_only_confirmable_conditions_left_is_a_conditional_answer(ask: Any, change: Facts) -> None:
    result = ask({**ELIGIBLE, **change}, topic="eligibility")
    d = result.decisions[0]
    assert (result.status, d.verdict, result.verdict) == ("answered", "eligible_if_confirmed", "go")
    assert result.missing == ()
    assert "Before starting, confirm:" in d.statement


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"bsa_percent": 5, "iga": 2}, "not_yet"),  # two scores given, both below: criteria not met
        ({"bsa_percent": 5, "iga": 2, "pruritus_nrs": 4}, "not_yet"),  # all three below
        ({"bsa_percent": 5, "iga": 2, "high_impact_areas": ("hands",)}, "eligible_if_confirmed"),  # hands qualify
        ({"bsa_percent": 5}, "below_threshold_so_far"),  # one score below: the others could still qualify
        ({"bsa_percent": 5, "pruritus_nrs": 4}, "below_threshold_so_far"),  # IGA unknown: IGA ≥3 could qualify
        ({"bsa_percent": 5, "iga": 3}, "eligible_if_confirmed"),  # IGA 3 qualifies
    ],
)
def test_scores_below_threshold_are_a_verdict_not_a_question(ask: Any, scores: Facts, expected: str) -> None:
    facts = {"topical_trial_days": 14, "topical_potency": "medium", **scores}
    assert verdict(ask, facts) == expected


def test_nothing_known(ask: Any) -> None:
    result = ask({}, topic="eligibility")
    assert result.missing == ("severity", "topical_trial_days", "topical_potency", "severity_timepoints", "adherent")


def test_a_failed_criterion_wins_over_unknowns(ask: Any) -> None:
    # 3 days of therapy is already too short, whatever the unknowns would be
    assert verdict(ask, {"topical_trial_days": 3}) == "not_yet"


def test_every_criterion_is_reported(ask: Any) -> None:
    d = ask(ELIGIBLE, topic="eligibility").decisions[0]
    names = [c.name for c in d.criteria]
    assert names[:5] == [
        "moderate-to-severe disease (any one marker)", "intensive topical trial ≥1 week (1-4 weeks)",
        "medium-to-high potency topical corticosteroid", "severity documented at multiple time points",
        "true topical failure (adherent, not steroid phobia)"]
    assert "BSA ≥10%" in names and "IGA ≥3" in names and "severe pruritus NRS ≥7" in names


def test_named_steroid_classification_is_shown_with_its_basis(ask: Any) -> None:
    d = ask({**ELIGIBLE, "topical_potency": None, "topical_steroid": "clobetasol 0.05%"},
            topic="eligibility").decisions[0]
    potency = next(c for c in d.criteria if c.name == "medium-to-high potency topical corticosteroid")
    assert potency.status == "met"
    assert "super-high" in potency.detail
    assert potency.basis and "not in the guideline" in potency.basis
