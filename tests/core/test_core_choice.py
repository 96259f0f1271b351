"""Choice of agent: recommendation strength, route preference, second-line conditions, teratogenicity."""

from __future__ import annotations

from typing import Any

import pytest


def rule_ids(result: Any) -> list[str]:
    return [d.rule_id for d in result.decisions]


def test_general_choice_puts_first_line_first(ask: Any) -> None:
    result = ask({}, topic="choice")
    assert rule_ids(result) == ["CHOICE-FIRST-LINE", "CHOICE-SECOND-LINE"]
    first = result.decisions[0]
    assert first.verdict == "first_line"
    assert first.statement.index("dupilumab") < first.statement.index("upadacitinib")
    assert "recommended against" in first.statement


def test_oral_preference_offers_jak_inhibitors(ask: Any) -> None:
    result = ask({"route_preference": "oral"}, topic="choice")
    assert rule_ids(result) == ["CHOICE-ORAL-PREFERENCE", "CHOICE-JAK"]
    assert result.decisions[0].verdict == "oral_first_line"
    for jak in ("upadacitinib", "abrocitinib", "baricitinib"):
        assert jak in result.decisions[0].statement


@pytest.mark.parametrize(
    "barriers",
    [
        ("unavailable",),  # first-line agents unavailable
        ("unaffordable",),  # unaffordable
        ("contraindicated",),  # contraindicated
        ("unavailable", "unaffordable"),  # several
    ],
)
def test_barriers_open_second_line(ask: Any, barriers: tuple[str, ...]) -> None:
    result = ask({"first_line_barriers": barriers}, topic="choice")
    assert rule_ids(result) == ["CHOICE-SECOND-LINE", "CHOICE-CYCLOSPORINE-RAPID"]
    assert result.decisions[0].verdict == "second_line"
    assert " / ".join(barriers) in result.decisions[0].statement


def test_pregnancy_flags_methotrexate_and_mycophenolate(ask: Any) -> None:
    result = ask({"first_line_barriers": ("unaffordable",), "pregnancy_or_planning": True}, topic="choice")
    teratogenic = [d for d in result.decisions if d.verdict == "teratogenic"]
    assert [(d.rule_id, d.drug) for d in teratogenic] == [
        ("AE-METHOTREXATE", "methotrexate"), ("AE-MYCOPHENOLATE", "mycophenolate")]
    for d in teratogenic:
        assert "teratogenic" in d.statement
        assert any("teratogenicity" in c.quote for c in d.citations)


@pytest.mark.parametrize(
    ("drug", "facts", "verdicts"),
    [
        ("dupilumab", {}, ["strongest"]),  # strongest recommendation
        ("tralokinumab", {}, ["strong"]),  # strong
        ("upadacitinib", {}, ["strong"]),  # JAK: strong
        ("abrocitinib", {"route_preference": "oral"}, ["strong", "oral_first_line"]),  # JAK + oral preference
        ("baricitinib", {"route_preference": "injection"}, ["strong"]),  # prefers injections: no oral note
        ("cyclosporine", {}, ["conditional", "context"]),  # barriers unknown; rapid control context
        ("methotrexate", {"first_line_barriers": ()}, ["first_line_preferred"]),  # no barrier
        ("azathioprine", {"first_line_barriers": ("contraindicated",)}, ["second_line_appropriate"]),  # barrier
        ("mycophenolate", {"pregnancy_or_planning": True, "first_line_barriers": ("contraindicated",)},
         ["teratogenic", "second_line_appropriate"]),  # pregnancy: the teratogenicity block leads
        ("methotrexate", {"pregnancy_or_planning": True}, ["teratogenic", "conditional"]),  # block leads
        ("azathioprine", {"pregnancy_or_planning": True},
         ["pregnancy_not_addressed", "conditional"]),  # not listed as teratogenic: the guideline is silent
        ("systemic_corticosteroids", {}, ["recommended_against", "no_dose_recommended_against"]),  # against, no dose
        ("systemic_corticosteroids", {"acute_severe_flare": True},
         ["recommended_against", "no_dose_recommended_against"]),  # still against
    ],
)
def test_choice_per_drug(ask: Any, drug: str, facts: dict[str, Any], verdicts: list[str]) -> None:
    result = ask(facts, topic="choice", drug=drug)
    assert result.status == "answered"
    assert [d.verdict for d in result.decisions] == verdicts
    assert all(d.drug == drug for d in result.decisions)


def test_corticosteroids_choice_states_rescue_only(ask: Any) -> None:
    d = ask({}, topic="choice", drug="systemic_corticosteroids").decisions[0]
    assert d.rule_id == "CHOICE-CORTICOSTEROIDS-AGAINST"
    assert "conditional recommendation against" in d.statement
    assert "short-term rescue" in d.statement
    assert {c.passage_id for c in d.citations} == {"corticosteroids-1", "corticosteroids-2", "algorithm-6"}


def test_rapid_control_asked_names_cyclosporine_among_the_traditional_agents(ask) -> None:
    result = ask({"rapid_control_needed": True}, topic="choice")
    assert result.decisions[0].rule_id == "CHOICE-CYCLOSPORINE-RAPID"
    assert result.decisions[0].drug == "cyclosporine"
    assert "CHOICE-CYCLOSPORINE-RAPID" not in {d.rule_id for d in ask({}, topic="choice").decisions}

