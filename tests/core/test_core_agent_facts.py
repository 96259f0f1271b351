"""Monitoring, adverse effects, concomitant therapy, response, pitfalls and overview."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from core import Drug, PitfallTopic

ALL_DRUGS: tuple[str, ...] = get_args(Drug)

# (topic, drug) -> (rule id, words the statement must contain). Every pair not listed is not covered.
COVERED: dict[tuple[str, str], tuple[str, str]] = {
    ("monitoring", "dupilumab"): ("MON-DUPILUMAB", "ocular surveillance"),
    ("monitoring", "cyclosporine"): ("MON-CYCLOSPORINE", "blood pressure"),
    ("monitoring", "methotrexate"): ("MON-METHOTREXATE", "CBC and CMP"),
    ("monitoring", "azathioprine"): ("MON-AZATHIOPRINE", "TPMT"),
    ("monitoring", "mycophenolate"): ("MON-MYCOPHENOLATE", "CBC and CMP"),
    ("adverse_effects", "dupilumab"): ("AE-DUPILUMAB", "conjunctivitis (occurs in ~25% within first 4 months)"),
    ("adverse_effects", "cyclosporine"): ("AE-CYCLOSPORINE", "nephrotoxicity"),
    ("adverse_effects", "methotrexate"): ("AE-METHOTREXATE", "hepatotoxicity"),
    ("adverse_effects", "mycophenolate"): ("AE-MYCOPHENOLATE", "gastrointestinal"),
    ("adverse_effects", "systemic_corticosteroids"): ("AE-CORTICOSTEROIDS", "rebound flares"),
    ("concomitant", "dupilumab"): ("CONCOMITANT-DUPILUMAB", "calcineurin inhibitors"),
    ("response", "dupilumab"): ("RESPONSE-DUPILUMAB", "16 weeks"),
}
TOPICS = ("monitoring", "adverse_effects", "concomitant", "response")


@pytest.mark.parametrize("topic", TOPICS)
@pytest.mark.parametrize("drug", ALL_DRUGS)
def test_agent_facts_table(ask: Any, topic: str, drug: str) -> None:
    result = ask({}, topic=topic, drug=drug)
    if drug == "systemic_corticosteroids":
        # whatever is asked, the recommendation against leads (a block), and the status comes from it
        block, no_dose, d = result.decisions
        assert (block.rule_id, block.severity, result.verdict) == ("CHOICE-CORTICOSTEROIDS-AGAINST", "block", "dont")
        assert (no_dose.rule_id, no_dose.severity) == ("DOSE-CORTICOSTEROIDS", "block")
        assert result.status == "answered"
        assert d.outcome == ("decided" if (topic, drug) in COVERED else "not_covered")
        return
    else:
        (d,) = result.decisions
    assert d.drug == drug
    if (topic, drug) in COVERED:
        rule_id, words = COVERED[(topic, drug)]
        assert (result.status, d.rule_id) == ("answered", rule_id)
        assert words in d.statement
        assert all(c.passage_id.split("-")[0] in drug or c.passage_id.startswith("corticosteroids")
                   for c in d.citations)
    else:
        # the guideline is silent: say so, citing the passage that names the agent
        assert (result.status, d.rule_id, d.verdict) == ("not_covered", "INFO-NOT-STATED", "not_in_guideline")
        assert d.statement.startswith("Not covered: the guideline gives no")
        assert d.doses == ()
        assert d.citations


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_without_drug_lists_every_covered_agent(ask: Any, topic: str) -> None:
    result = ask({}, topic=topic)
    assert [d.drug for d in result.decisions] == [drug for (t, drug) in COVERED if t == topic]
    assert result.status == "answered"


@pytest.mark.parametrize(
    ("weeks", "verdict", "fragment"),
    [
        (None, None, None),  # unknown: just the timeline
        (8, "too_early", "has not been reached yet"),  # 8 weeks
        (15.9, "too_early", "has not been reached yet"),  # just before 16
        (16, "assess_now", "has been reached"),  # at 16 weeks
        (52, "assess_now", "has been reached"),  # a year
    ],
)
def test_dupilumab_response_timepoint(ask: Any, weeks: float | None, verdict: str | None,
                                      fragment: str | None) -> None:
    d = ask({"weeks_on_treatment": weeks}, topic="response", drug="dupilumab").decisions[0]
    assert d.verdict == verdict
    if fragment:
        assert fragment in d.statement


# (pitfall, rule id, words the statement must contain)
PITFALL_TABLE = [
    ("topicals_first", "PITFALL-TOPICALS-FIRST", "corticosteroid phobia"),
    ("contact_dermatitis", "PITFALL-CONTACT-DERMATITIS", "patch testing is essential in refractory cases"),
    ("quality_of_life", "PITFALL-QUALITY-OF-LIFE", "lower body surface area involvement"),
    ("antihistamines", "PITFALL-ANTIHISTAMINES", "42%"),
    ("antibiotics", "PITFALL-ANTIBIOTICS", "prophylactically"),
]


@pytest.mark.parametrize(("pitfall", "rule_id", "words"), PITFALL_TABLE)
def test_each_pitfall(ask: Any, pitfall: str, rule_id: str, words: str) -> None:
    result = ask({}, topic="pitfalls", pitfall=pitfall)
    (d,) = result.decisions
    assert (d.rule_id, d.verdict, d.kind) == (rule_id, "avoid", "pitfall")
    assert words in d.statement
    assert any(words in c.quote for c in d.citations) or words == "corticosteroid phobia"


def test_pitfall_table_covers_every_pitfall() -> None:
    assert sorted(p for p, _, _ in PITFALL_TABLE) == sorted(get_args(PitfallTopic))


def test_all_pitfalls_without_a_topic(ask: Any) -> None:
    result = ask({}, topic="pitfalls")
    assert [d.rule_id for d in result.decisions] == [r for _, r, _ in PITFALL_TABLE]


def test_overview(ask: Any) -> None:
    result = ask({}, topic="overview")
    (d,) = result.decisions
    assert (result.status, d.rule_id) == ("answered", "OVERVIEW")
    assert "dupilumab" in d.statement and "recommended against" in d.statement
