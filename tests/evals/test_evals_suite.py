"""The golden suite loads, validates, and covers every rule and passage."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core import RULES
from corpus import get_corpus
from evals import SuiteError, load_suite
from evals.scorers import needed_passages

# Rules no case needs to name, with the reason. Keep empty unless a rule cannot be reached from a question.
RULE_ALLOWLIST: dict[str, str] = {}
# Passages that are headings or the title: never cited by a rule (the core cites statements and bullets only).
PASSAGE_KINDS_NOT_CITED = {"title", "heading"}


@pytest.fixture(scope="module")
def suite():  # type: ignore[no-untyped-def]
    return load_suite()


def test_suite_loads_with_enough_cases(suite) -> None:  # type: ignore[no-untyped-def]
    assert len(suite.cases) >= 150
    assert len({c.id for c in suite.cases}) == len(suite.cases)
    assert len(suite.categories) >= 12


def test_every_rule_is_exercised(suite) -> None:  # type: ignore[no-untyped-def]
    named = set()
    for case in suite.cases:
        for turn in case.turns():
            exp = turn.expect
            if exp is None:
                continue
            named |= {d.rule_id for d in [*exp.decisions, *exp.decisions_absent] if d.rule_id}
    missing = sorted(set(RULES) - named - set(RULE_ALLOWLIST))
    assert not missing, f"rules no golden case expects: {missing}"
    assert set(RULE_ALLOWLIST) <= set(RULES)


def test_every_citable_passage_is_needed_by_some_case(suite) -> None:  # type: ignore[no-untyped-def]
    needed = set()
    for case in suite.cases:
        for turn in case.turns():
            if turn.expect is not None:
                needed |= set(needed_passages(turn.expect))
    citable = {p.id for p in get_corpus().passages if p.kind not in PASSAGE_KINDS_NOT_CITED}
    assert not sorted(citable - needed), f"passages no case needs: {sorted(citable - needed)}"


def test_every_critical_category_present(suite) -> None:  # type: ignore[no-untyped-def]
    cats = set(suite.categories)
    assert {"dosing", "upadacitinib", "eligibility", "pre_systemic", "choice", "monitoring", "adverse_effects",
            "concomitant", "response", "pitfalls", "not_covered", "out_of_scope", "injection", "malformed",
            "multi_turn"} <= cats
    injections = [c for c in suite.cases if c.category == "injection"]
    assert injections and all(c.expect.status == "refused" and c.expect.decisions for c in injections)


def _write(tmp_path: Path, cases: list[dict]) -> Path:  # type: ignore[type-arg]
    folder = tmp_path / "suite"
    folder.mkdir()
    (folder / "dosing.yaml").write_text(yaml.safe_dump(cases, allow_unicode=True), encoding="utf-8")
    return folder


_GOOD = {"id": "x", "category": "dosing", "question": "Dupixent dose?",
         "expect": {"status": "answered", "cites": ["Dosing: 600 mg subcutaneous loading dose"]}}


def test_valid_minimal_suite_loads(tmp_path: Path) -> None:
    assert len(load_suite(_write(tmp_path, [_GOOD])).cases) == 1


def test_non_verbatim_cite_is_rejected_naming_the_case(tmp_path: Path) -> None:
    bad = {**_GOOD, "id": "corrupt-cite", "expect": {"status": "answered",
                                                     "cites": ["Dosing: 600 mg subcutaneous loading dose weekly"]}}
    with pytest.raises(SuiteError, match=r"corrupt-cite.*not verbatim"):
        load_suite(_write(tmp_path, [bad]))


def test_unknown_key_duplicate_id_and_unknown_rule_rejected(tmp_path: Path) -> None:
    extra = {**_GOOD, "id": "extra", "expeted": 1}
    dup = dict(_GOOD)
    unknown_rule = {**_GOOD, "id": "rule", "expect": {"status": "answered", "decisions": [{"rule_id": "NOPE"}]}}
    with pytest.raises(SuiteError) as err:
        load_suite(_write(tmp_path, [_GOOD, extra, dup, unknown_rule]))
    text = str(err.value)
    assert "'extra'" in text and "expeted" in text
    assert "duplicate id" in text
    assert "unknown rule id 'NOPE'" in text


def test_question_and_messages_are_exclusive(tmp_path: Path) -> None:
    both = {**_GOOD, "messages": ["a", "b"]}
    with pytest.raises(SuiteError, match="exactly one"):
        load_suite(_write(tmp_path, [both]))


@pytest.mark.parametrize(("case", "valid"), [
    # what the contract documents: a decision matched on its drug alone, expectations only on the turns
    ({"decisions": [{"drug": "upadacitinib"}]}, True),
    ({"decisions": [{"outcome": "decided"}]}, False),                # nothing that names a decision
])
def test_a_decision_expectation_may_name_only_its_drug(case: dict[str, object], valid: bool) -> None:
    from evals.models import GoldenCase

    raw = {"id": "x", "category": "c", "question": "q?", "expect": case}
    if valid:
        assert GoldenCase.model_validate(raw).expect is not None
    else:
        with pytest.raises(ValueError, match="rule_id, kind, severity or drug"):
            GoldenCase.model_validate(raw)


def test_a_conversation_may_carry_its_expectations_on_its_turns() -> None:
    from evals.models import GoldenCase

    ok = GoldenCase.model_validate({"id": "x", "category": "c", "messages": [
        {"say": "a", "expect": {"status": "answered"}}, {"say": "b", "expect": {"status": "needs_info"}}]})
    assert [t.expect.status for t in ok.turns() if t.expect] == ["answered", "needs_info"]
    with pytest.raises(ValueError, match="an 'expect' on the last of 'messages'"):
        GoldenCase.model_validate({"id": "x", "category": "c", "messages": [
            {"say": "a", "expect": {"status": "answered"}}, "b"]})
