"""The pre-systemic checklist: infections first, then the other steps the guideline lists."""

from __future__ import annotations

from typing import Any

import pytest

Facts = dict[str, Any]

ALL_DONE: Facts = {
    "bacterial_superinfection": False, "eczema_herpeticum": False, "contact_dermatitis_excluded": True,
    "adherent": True, "severity_timepoints": 2, "phototherapy_considered": True,
}


def test_complete(ask: Any) -> None:
    result = ask(ALL_DONE, topic="pre_systemic")
    (summary,) = result.decisions
    assert (result.status, summary.verdict) == ("answered", "complete")
    assert summary.rule_id == "PRE-CHECKLIST"


def test_bacterial_superinfection_requires_antibiotics_first(ask: Any) -> None:
    facts = {**ALL_DONE, "bacterial_superinfection": True, "infection_signs": ("crusting", "pustules")}
    result = ask(facts, topic="pre_systemic")
    summary, detail = result.decisions  # an untreated infection makes the summary a block: it leads
    assert summary.severity == detail.severity == "block" and result.verdict == "dont"
    assert summary.verdict == "action_required"
    assert summary.statement.startswith("Do not start systemic therapy yet")
    assert "systemic antibiotics before starting immunosuppression" in summary.statement
    assert detail.rule_id == "PRE-BACTERIAL-INFECTION"
    assert "crusting, weeping, pustules" in detail.citations[0].quote
    crit = next(c for c in summary.criteria if c.name == "no untreated bacterial superinfection")
    assert crit.status == "not_met" and "crusting, pustules" in crit.detail


def test_eczema_herpeticum_requires_antivirals_first(ask: Any) -> None:
    result = ask({**ALL_DONE, "eczema_herpeticum": True}, topic="pre_systemic", drug="dupilumab")
    summary, detail, baseline = result.decisions  # the agent's own baseline checks come last
    assert baseline.rule_id == "MON-DUPILUMAB"
    assert summary.verdict == "action_required"
    assert summary.statement.startswith("Do not start dupilumab yet")
    assert "antivirals before starting immunosuppression" in summary.statement
    assert detail.rule_id == "PRE-ECZEMA-HERPETICUM"


@pytest.mark.parametrize(
    "infection",
    [
        {"bacterial_superinfection": True},  # treated bacterial infection
        {"eczema_herpeticum": True},  # treated herpeticum
    ],
)
def test_treated_infection_no_longer_blocks(ask: Any, infection: Facts) -> None:
    result = ask({**ALL_DONE, **infection, "infection_treated": True}, topic="pre_systemic")
    assert result.decisions[0].verdict == "complete"


@pytest.mark.parametrize(
    ("change", "rule_id", "fragment"),
    [
        ({"contact_dermatitis_excluded": False}, "PRE-CONTACT-DERMATITIS", "patch testing"),  # not ruled out
        ({"adherent": False}, "PRE-ADHERENCE", "patient education"),  # nonadherence
        ({"adherent": None, "steroid_phobia": True}, "PRE-ADHERENCE", "steroid phobia"),  # phobia
        ({"severity_timepoints": 1}, "PRE-DOCUMENT-SEVERITY", "multiple time points"),  # one time point
        ({"phototherapy_considered": False}, "PRE-PHOTOTHERAPY", "narrowband UVB"),  # not considered
        ({"refractory": True, "lymphoma_excluded": False}, "PRE-LYMPHOMA", "cutaneous lymphoma"),  # refractory
    ],
)
def test_open_items_are_actions(ask: Any, change: Facts, rule_id: str, fragment: str) -> None:
    result = ask({**ALL_DONE, **change}, topic="pre_systemic")
    (summary,) = [d for d in result.decisions if d.rule_id == "PRE-CHECKLIST"]
    assert summary.verdict == "action_required"
    assert summary.statement.startswith("Before systemic therapy:")  # not an infection: no 'do not start'
    (item,) = [d for d in result.decisions if d.kind == "pre_systemic" and d.rule_id != "PRE-CHECKLIST"]
    assert item.rule_id == rule_id and fragment in item.statement


def test_phototherapy_can_be_bypassed_when_inaccessible(ask: Any) -> None:
    facts = {**ALL_DONE, "phototherapy_considered": False, "phototherapy_accessible": False}
    assert ask(facts, topic="pre_systemic").decisions[0].verdict == "complete"


def test_refractory_adds_lymphoma_and_patch_testing(ask: Any) -> None:
    result = ask({**ALL_DONE, "refractory": True, "contact_dermatitis_excluded": None}, topic="pre_systemic")
    summary = result.decisions[0]
    names = [c.name for c in summary.criteria]
    assert "cutaneous lymphoma ruled out (refractory case)" in names
    assert summary.verdict == "to_confirm"


def test_nothing_known_lists_what_to_confirm(ask: Any) -> None:
    result = ask({}, topic="pre_systemic")
    (summary,) = result.decisions
    assert summary.verdict == "to_confirm"
    assert summary.statement.startswith("Before starting systemic therapy, confirm:")
    assert all(c.status == "unknown" for c in summary.criteria)


def test_infections_are_listed_first(ask: Any) -> None:
    facts = {**ALL_DONE, "bacterial_superinfection": True, "contact_dermatitis_excluded": False}
    (summary,) = [d for d in ask(facts, topic="pre_systemic").decisions if d.rule_id == "PRE-CHECKLIST"]
    assert summary.statement.index("systemic antibiotics") < summary.statement.index("patch testing")


@pytest.mark.parametrize(
    ("drug", "extra_rule"),
    [
        ("azathioprine", "MON-AZATHIOPRINE"),  # TPMT before initiation is part of starting it
        ("cyclosporine", "MON-CYCLOSPORINE"),  # baseline CBC, CMP, blood pressure
        ("dupilumab", "MON-DUPILUMAB"),  # ocular surveillance
        ("upadacitinib", None),  # the guideline gives no monitoring for it: nothing is added
    ],
)
def test_checklist_for_an_agent_adds_its_own_baseline_checks(ask: Any, drug: str, extra_rule: str | None) -> None:
    rules = [d.rule_id for d in ask({}, topic="pre_systemic", drug=drug).decisions]
    assert rules[0] == "PRE-CHECKLIST"
    assert (extra_rule in rules) if extra_rule else not any(r.startswith(("MON-", "INFO-")) for r in rules)


def test_the_summary_quotes_the_passage_of_every_open_item(ask: Any) -> None:
    # nothing known: every item is open, so each checklist passage is quoted in the guideline's words
    (summary,) = ask({}, topic="pre_systemic").decisions
    quotes = {c.passage_id: c.quote for c in summary.citations}
    assert {"before-systemic-1", "before-systemic-2", "before-systemic-3", "before-systemic-5",
            "before-systemic-6"} <= set(quotes)
    assert "propylene glycol" in quotes["before-systemic-2"] and "antivirals" in quotes["before-systemic-3"]
    # everything done: only the rule's own passages
    (done,) = ask(ALL_DONE, topic="pre_systemic").decisions
    assert {c.passage_id for c in done.citations} == {"before-systemic-1", "algorithm-2"}
    # a refractory case adds the lymphoma item and its quote
    (refractory, *_) = ask({**ALL_DONE, "refractory": True}, topic="pre_systemic").decisions
    assert any("cutaneous lymphoma" in c.quote for c in refractory.citations)


@pytest.mark.parametrize(
    ("item", "rule_id", "words"),
    [
        ("contact_dermatitis", "PRE-CONTACT-DERMATITIS", "propylene glycol"),  # the allergens named
        ("lymphoma", "PRE-LYMPHOMA", "cutaneous lymphoma"),  # asked, even when refractoriness is not stated
        ("phototherapy", "PRE-PHOTOTHERAPY", "bypassed if impractical or inaccessible"),
        ("adherence", "PRE-ADHERENCE", "adherence versus actual lack of efficacy"),
        ("document_severity", "PRE-DOCUMENT-SEVERITY", "BSA ≥10%, IGA ≥3"),
    ],
)
def test_a_step_asked_about_leads_in_the_guidelines_words(ask: Any, item: str, rule_id: str, words: str) -> None:
    result = ask({}, topic="pre_systemic", checklist_item=item)
    lead, summary = result.decisions[:2]
    assert (lead.rule_id, summary.rule_id) == (rule_id, "PRE-CHECKLIST")
    assert words in lead.statement
    assert result.status == "answered" and lead.severity == "info"


def test_a_step_asked_about_that_is_done_still_leads_and_says_so(ask: Any) -> None:
    result = ask({**ALL_DONE, "phototherapy_accessible": False}, topic="pre_systemic", checklist_item="phototherapy")
    lead = result.decisions[0]
    assert lead.rule_id == "PRE-PHOTOTHERAPY" and "can be bypassed" in lead.statement
    assert all(d.verdict != "action_required" for d in result.decisions)  # nothing to do: no action decision


def test_an_open_step_asked_about_leads_as_the_action(ask: Any) -> None:
    result = ask({**ALL_DONE, "adherent": False}, topic="pre_systemic", checklist_item="adherence")
    # the nonadherence block (a finding) comes first, as every block does; then the step asked about leads the list
    assert result.decisions[0].severity == "block"
    steps = [d for d in result.decisions if d.kind == "pre_systemic"]
    assert steps[0].rule_id == "PRE-ADHERENCE" and steps[0].verdict == "action_required"
