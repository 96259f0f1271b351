"""Metamorphic tests: one situation in many framings gives the same safety findings.

Each group states one clinical situation and asks about it as a dose, an option, a start, monitoring,
safety and a choice of agent. Whatever topic the reader guesses, the blocks and cautions (rule, agent,
verdict, severity) must be identical, and the group's expected finding must be among them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.pipeline import Assistant
from assistant.providers import OfflineProvider

Finding = tuple[str, str | None, str | None, str]

GROUPS: dict[str, tuple[tuple[str, str], tuple[str, ...]]] = {
    # name: ((rule id, severity) that must fire, framings)
    "child-upadacitinib": (("DOSE-UPADACITINIB", "block"), (
        "Upadacitinib dose for an 11 year old, 50 kg?",
        "Is upadacitinib a good choice for my 11-year-old patient who weighs 50 kg?",
        "Can I start Rinvoq in an 11 yo (50 kg)?",
        "What labs do I monitor on upadacitinib for my 11 yo (50 kg)?",
        "Is upadacitinib safe for an 11-year-old, 50 kg?",
        "11 yo, 50 kg: which agent, upadacitinib?",
    )),
    "child-dupilumab": (("DOSE-DUPILUMAB", "block"), (
        "dupilumab dosing for a 7 year old?",
        "is dupilumab an option for a 7 year old?",
        "ok to start Dupixent in a 7 yo?",
        "what monitoring does dupilumab need in a 7 year old?",
        "is dupilumab safe in a 7 year old?",
    )),
    "older-upadacitinib": (("DOSE-UPADACITINIB", "caution"), (
        "upadacitinib dose for a 72 year old?",
        "is upadacitinib an option for a 72 yo?",
        "can I start upadacitinib in a 72-year-old man?",
        "72 yo: what do I monitor on upadacitinib?",
        "is upadacitinib safe at 72?",
    )),
    "infection-dupilumab": (("PRE-BACTERIAL-INFECTION", "block"), (
        "crusting and pustules on both arms - dupilumab dose?",
        "crusting and pustules on both arms - is dupilumab an option?",
        "crusting and pustules on both arms - start dupilumab today?",
        "crusting and pustules on both arms - what do I monitor on dupilumab?",
        "crusting and pustules on both arms - is dupilumab safe?",
        "crusting and pustules on both arms - which systemic, dupilumab?",
    )),
    "short-trial-dupilumab": (("PITFALL-TOPICALS-FIRST", "block"), (
        "BSA 30%, IGA 4 after 4 days of triamcinolone - dupilumab dose?",
        "BSA 30%, IGA 4 after 4 days of triamcinolone - is dupilumab an option?",
        "BSA 30%, IGA 4 after 4 days of triamcinolone - start dupilumab?",
        "BSA 30%, IGA 4 after 4 days of triamcinolone - monitoring on dupilumab?",
        "BSA 30%, IGA 4 after 4 days of triamcinolone - is dupilumab safe?",
    )),
    "phobia-dupilumab": (("PITFALL-TOPICALS-FIRST", "block"), (
        "steroid phobic, barely uses her creams, BSA 30% - dupilumab dose?",
        "steroid phobic, barely uses her creams, BSA 30% - is dupilumab an option?",
        "steroid phobic, barely uses her creams, BSA 30% - start dupilumab?",
        "steroid phobic, barely uses her creams, BSA 30% - what to monitor on dupilumab?",
        "steroid phobic, barely uses her creams, BSA 30% - is dupilumab safe?",
    )),
    "pregnancy-methotrexate": (("AE-METHOTREXATE", "block"), (
        "pregnant patient: methotrexate dose?",
        "pregnant patient: is methotrexate an option?",
        "pregnant patient: can I start methotrexate?",
        "pregnant patient: what do I monitor on methotrexate?",
        "pregnant patient: is methotrexate safe?",
    )),
    "pregnancy-dupilumab": (("SAFETY-PREGNANCY", "caution"), (
        "pregnant patient: dupilumab dose?",
        "pregnant patient: is dupilumab an option?",
        "pregnant patient: can I start dupilumab?",
        "pregnant patient: what do I monitor on dupilumab?",
        "pregnant patient: is dupilumab safe?",
    )),
    "prednisone": (("CHOICE-CORTICOSTEROIDS-AGAINST", "block"), (
        "prednisone dose for an AD flare?",
        "is prednisone an option for her AD flare?",
        "can I start prednisone for the flare?",
        "what do I monitor on prednisone for AD?",
        "is prednisone safe for an AD flare?",
    )),
    # an increase of upadacitinib at 65 or older, asked in the ways people ask for one (with and without units)
    "older-upadacitinib-increase": (("DOSE-UPADACITINIB-ESCALATION", "block"), (
        "70 yo on upadacitinib 15 mg, not responding. Increase to 30 mg?",
        "70 yo, upadacitinib 15 mg not enough after 16 weeks. 30 mg next?",
        "70 yo, upadacitinib 15 mg hasn't worked. Can we push her to 30?",
        "70 yo on upadacitinib 15 mg, not cutting it. double it?",
        "70 yo on Rinvoq 15 mg, still flaring: go up to 30?",
    )),
    # a date of birth that puts the patient under 12, whatever is asked
    "born-2019-upadacitinib": (("DOSE-UPADACITINIB", "block"), (
        "born 2019: upadacitinib dose?",
        "born 2019: is upadacitinib an option?",
        "born 2019: can I start upadacitinib?",
        "born 2019: what do I monitor on upadacitinib?",
        "born 2019: is upadacitinib safe?",
    )),
    # a positive pregnancy test is a pregnancy, whatever is asked about methotrexate
    "hcg-positive-methotrexate": (("AE-METHOTREXATE", "block"), (
        "urine hCG came back positive: methotrexate dose?",
        "urine hCG came back positive: is methotrexate an option?",
        "urine hCG came back positive: can I start methotrexate?",
        "urine hCG came back positive: what do I monitor on methotrexate?",
        "urine hCG came back positive: is methotrexate safe?",
    )),
    # a woman whose pregnancy status is not given, on a teratogenic agent: the caution, whatever is asked
    "woman-methotrexate-status-unknown": (("AE-METHOTREXATE", "caution"), (
        "29F: methotrexate dose?",
        "29F: is methotrexate an option?",
        "29F: can I start methotrexate?",
        "29F: what do I monitor on methotrexate?",
        "29F: which agent, methotrexate?",
    )),
    "cyclosporine-per-kg": (("DOSE-CYCLOSPORINE", "block"), (
        "cyclosporine at 6 mg/kg/day - dose ok?",
        "cyclosporine at 6 mg/kg/day - is it an option?",
        "cyclosporine at 6 mg/kg/day - can I start it?",
        "cyclosporine at 6 mg/kg/day - what do I monitor?",
        "cyclosporine at 6 mg/kg/day - is that safe?",
    )),
}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ADGUIDE_HOME", str(tmp_path_factory.mktemp("home")))
        yield Assistant(provider=OfflineProvider(), retrieval=False)


def _findings(assistant: Assistant, question: str) -> frozenset[Finding]:
    answer = assistant.ask(question)
    return frozenset((d.rule_id, d.drug, d.verdict, d.severity) for d in answer.decisions if d.severity != "info")


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_one_situation_many_framings_same_findings(assistant: Assistant, group: str) -> None:
    (rule_id, severity), framings = GROUPS[group]
    assert len(framings) >= 5
    seen = {q: _findings(assistant, q) for q in framings}
    first = seen[framings[0]]
    assert any(f[0] == rule_id and f[3] == severity for f in first), (group, sorted(first))
    for question, found in seen.items():
        assert found == first, f"{group}: {question!r} gave {sorted(found)}, expected {sorted(first)}"


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_a_block_always_makes_a_dont(assistant: Assistant, group: str) -> None:
    (_, severity), framings = GROUPS[group]
    for question in framings:
        answer = assistant.ask(question)
        assert (answer.verdict == "dont") == (severity == "block" or any(
            d.severity == "block" for d in answer.decisions)), question
        blocks = [d for d in answer.decisions if d.severity == "block"]
        if blocks:
            assert answer.decisions[0] == blocks[0]  # blocks lead
            assert answer.answer.index(blocks[0].statement) < min(
                answer.answer.index(d.statement) for d in answer.decisions if d.severity == "info") \
                if any(d.severity == "info" for d in answer.decisions) else True
