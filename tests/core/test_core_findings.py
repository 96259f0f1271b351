"""The safety findings, driven by the drug table: each row's restriction fires whatever the topic.

One test per kind of row value, parametrized over every agent in ``core.DRUGS``: a new agent or a new
restriction in the table is covered here without a new test.
"""

from __future__ import annotations

from typing import Any, get_args

import pytest

from core import DRUGS, SEVERITY_BY_VERDICT, Drug, Topic, severity_of

TOPICS: tuple[str, ...] = get_args(Topic)
ALL: tuple[Drug, ...] = tuple(DRUGS)


def _blocks(result: Any) -> set[tuple[str, str | None, str | None]]:
    return {(d.rule_id, d.drug, d.verdict) for d in result.decisions if d.severity == "block"}


@pytest.mark.parametrize("drug", [d for d in ALL if DRUGS[d].pediatric == "none"])
@pytest.mark.parametrize("topic", TOPICS)
def test_no_pediatric_schedule_blocks_a_child_whatever_is_asked(ask: Any, drug: Drug, topic: str) -> None:
    result = ask({"age_years": 10}, topic=topic, drug=drug)
    assert (f"DOSE-{drug.upper()}", drug, "no_pediatric_dose") in _blocks(result)
    assert result.verdict == "dont"
    assert not any(x.drug == drug for d in result.decisions for x in d.doses)  # no dose for the child


@pytest.mark.parametrize("drug", [d for d in ALL if DRUGS[d].pediatric == "population"])
@pytest.mark.parametrize(
    ("change", "inside"),
    [
        ({"age_years": -1}, False),  # one year under the stated minimum age
        ({"age_years": 0}, True),  # exactly the minimum age
        ({"weight_kg": -0.1}, False),  # 0.1 kg under the minimum weight (39.9 kg for upadacitinib)
        ({"weight_kg": 0}, True),  # exactly the minimum weight (40 kg)
    ],
)
@pytest.mark.parametrize("topic", TOPICS)
def test_a_stated_population_is_enforced_whatever_is_asked(ask: Any, drug: Drug, change: dict[str, float],
                                                          inside: bool, topic: str) -> None:
    info = DRUGS[drug]
    assert info.min_age_years is not None and info.min_weight_kg is not None
    facts = {"age_years": info.min_age_years + change.get("age_years", 5),
             "weight_kg": info.min_weight_kg + change.get("weight_kg", 10)}
    blocked = (f"DOSE-{drug.upper()}", drug, "outside_population") in _blocks(ask(facts, topic=topic, drug=drug))
    assert blocked is not inside


@pytest.mark.parametrize("drug", ALL)
@pytest.mark.parametrize("topic", TOPICS)
def test_pregnancy_teratogenic_blocks_and_the_others_are_not_covered(ask: Any, drug: Drug, topic: str) -> None:
    info = DRUGS[drug]
    result = ask({"pregnancy_or_planning": True, "age_years": 30}, topic=topic, drug=drug)
    kinds = {(d.rule_id, d.severity) for d in result.decisions}
    if info.teratogenic:
        assert (info.teratogenic_rule, "block") in kinds
        assert result.verdict == "dont"
        assert not any(x.drug == drug for d in result.decisions for x in d.doses)  # its dose is not shown
    elif info.line == "against":
        assert ("CHOICE-CORTICOSTEROIDS-AGAINST", "block") in kinds
    else:
        assert ("SAFETY-PREGNANCY", "caution") in kinds
        if topic == "adverse_effects":  # asked about safety: not covered, and no reassurance
            assert result.status == "not_covered"
            assert not any(d.rule_id == f"AE-{drug.upper()}" for d in result.decisions)


@pytest.mark.parametrize("drug", ALL)
def test_the_dose_form_decides_how_a_mg_per_kg_proposal_is_judged(ask: Any, drug: Drug) -> None:
    info = DRUGS[drug]
    result = ask({"age_years": 40, "weight_kg": 70}, topic="dose", drug=drug, requested_dose_mg_per_kg_day=99)
    verdicts = {d.verdict for d in result.decisions if d.drug == drug}
    if info.dose_form in ("fixed", "fixed_adult_weight_based_child"):
        assert "dose_not_in_guideline" in verdicts  # an adult fixed dose is never given per kg
    elif info.dose_form == "weight_based":
        assert "dose_outside_range" in verdicts  # 99 mg/kg/day is above every stated range
    elif info.dose_form == "not_stated":
        assert verdicts == {"no_dose_in_guideline"}
    else:
        assert "no_dose_recommended_against" in verdicts


def test_every_severity_row_names_a_known_rule_or_all() -> None:
    from core import RULES

    for (rule_id, _verdict), severity in SEVERITY_BY_VERDICT.items():
        assert rule_id == "*" or rule_id in RULES, rule_id
        assert severity in ("block", "caution")


def test_severity_of_an_unlisted_verdict_is_info(ask: Any) -> None:
    (d,) = ask({}, topic="monitoring", drug="cyclosporine").decisions
    assert severity_of(d) == "info" == d.severity


@pytest.mark.parametrize("drug", [d for d in ALL if DRUGS[d].pediatric == "population"])
@pytest.mark.parametrize("topic", TOPICS)
def test_a_child_whose_weight_decides_the_population_is_asked_for_it_first(ask: Any, drug: Drug, topic: str) -> None:
    # 13 years: above the minimum age, so only the unknown weight decides whether the guideline gives the agent
    info = DRUGS[drug]
    assert info.min_age_years is not None
    result = ask({"age_years": info.min_age_years + 1}, topic=topic, drug=drug)
    assert (result.status, result.verdict) == ("needs_info", "cant_say")
    assert "weight" in result.missing


@pytest.mark.parametrize(("facts", "blocked"), [
    ({"age_at_least_years": 6, "age_below_years": 8}, True),    # born 2019: under 12 whatever the birthday
    ({"age_below_years": 12}, True),                            # "a child under 12"
    ({"age_below_years": 13, "weight_kg": 50}, False),          # 11 or 12: not known to be under 12
])
@pytest.mark.parametrize("topic", TOPICS)
def test_an_upper_bound_on_the_age_is_enough_to_block(ask: Any, facts: dict[str, float], blocked: bool,
                                                      topic: str) -> None:
    result = ask(facts, topic=topic, drug="upadacitinib")
    assert (("DOSE-UPADACITINIB", "upadacitinib", "outside_population") in _blocks(result)) is blocked


@pytest.mark.parametrize(("facts", "fires"), [
    ({"sex": "female", "age_years": 29}, True),                                  # pregnancy not mentioned
    ({"sex": "female", "age_years": 29, "pregnancy_or_planning": False}, False),  # stated: not pregnant
    ({"sex": "male", "age_years": 29}, False),
    ({"sex": "female", "age_years": 60}, False),                                  # past the age it matters
    ({"sex": "female", "age_years": 15}, False),                                  # a child: no dose anyway
])
@pytest.mark.parametrize("drug", [d for d in ALL if DRUGS[d].teratogenic_rule is not None])
@pytest.mark.parametrize("topic", TOPICS)
def test_a_teratogenic_agent_for_a_woman_whose_pregnancy_status_is_not_given_is_a_caution(
        ask: Any, facts: dict[str, Any], fires: bool, drug: Drug, topic: str) -> None:
    result = ask(facts, topic=topic, drug=drug)
    found = any(d.verdict == "teratogenic_status_unknown" and d.severity == "caution" for d in result.decisions)
    assert found is fires
