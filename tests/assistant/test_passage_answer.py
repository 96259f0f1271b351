"""Questions no rule decides are answered by quoting the passage that answers them, with a verbatim lead."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.answer import ContextPassage
from assistant.passage_answer import LeadNumberError, check_lead, lead_clause, passage_answers
from assistant.pipeline import Assistant
from corpus import get_corpus

CORPUS = get_corpus()
CITABLE = [p for p in CORPUS.passages if p.kind not in ("title", "heading")]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    import os

    os.environ.setdefault("ADGUIDE_HOME", str(tmp_path_factory.mktemp("home")))
    return Assistant(audit=None)


@pytest.mark.parametrize(("question", "passage", "lead_has"), [
    # eye symptoms asked as "what should I do?": the management passage, not the adverse-event rate
    ("my patient on dupilumab has red itchy eyes, what should I do?", "dupilumab-5", "preservative-free lubricants"),
    # a waiting question: the efficacy timeline, not the regimen
    ("When will I know whether dupilumab works?", "dupilumab-3", "16 weeks"),
    # whether phototherapy is required: the passage that says it can be bypassed
    ("Is phototherapy required before systemic therapy?", "before-systemic-6", "bypassed"),
    # patch-test allergens are named by the checklist passage itself, not its header
    ("which allergens should patch testing cover?", "before-systemic-2", "fragrances"),
    ("could refractory eczema actually be a lymphoma?", "before-systemic-2", "lymphoma"),
])
def test_an_informational_question_quotes_the_passage_that_answers_it(
        assistant: Assistant, question: str, passage: str, lead_has: str) -> None:
    answer = assistant.ask(question)
    assert answer.status == "answered"
    quoted = {a.passage_id: a for a in answer.passage_answers}
    if passage not in quoted:
        # a rule that answers it (the checklist step asked about) quotes the same passage as its citation
        cited = {c.passage_id: c for c in answer.citations}
        assert passage in cited, ([a.passage_id for a in answer.passage_answers], list(cited))
        assert cited[passage].quote in CORPUS.text and lead_has in answer.answer
        return
    hit = quoted[passage]
    assert hit.quote == CORPUS.passage(passage).quote and hit.quote in answer.answer
    assert f"[{passage}]" in answer.answer
    assert lead_has in hit.quote and hit.lead in hit.quote


@pytest.mark.parametrize("question", [
    "Dupixent dosing for an adult?",                 # the rule answers it and cites the dosing passage itself
    "abrocitinib dose?",                             # not covered: never padded with upadacitinib's dose
    "methotrexate: when should I expect a response?",  # dupilumab's 16 weeks is another drug's timeline
    "best biologic for psoriasis",                   # out of scope
    "Which cream is best for getting rid of a cold sore quickly?",  # not about dupilumab: its passage answers nothing
])
def test_no_passage_is_quoted_where_a_rule_answers_or_the_guideline_is_silent(
        assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.passage_answers == [], [a.passage_id for a in answer.passage_answers]
    if "abrocitinib" in question:
        assert "15 mg" not in answer.answer and "30 mg" not in answer.answer


def test_a_passage_that_states_a_dose_is_never_quoted_as_an_answer() -> None:
    context = [ContextPassage(passage_id="dupilumab-2", quote=CORPUS.passage("dupilumab-2").quote, score=0.9)]
    assert passage_answers("how is dupilumab given?", context, cited=(), corpus=CORPUS) == []


def test_another_drugs_passage_is_not_quoted_for_a_named_drug() -> None:
    context = [ContextPassage(passage_id="dupilumab-3", quote=CORPUS.passage("dupilumab-3").quote, score=0.9)]
    assert passage_answers("when does it work?", context, cited=(), corpus=CORPUS, drug="methotrexate") == []
    assert passage_answers("when does it work?", context, cited=(), corpus=CORPUS) == []  # no drug named
    assert [a.passage_id for a in passage_answers("when does it work?", context, (), CORPUS, drug="dupilumab")] == [
        "dupilumab-3"]


def test_check_lead_fails_loudly_on_a_number_the_passage_lacks() -> None:
    quote = CORPUS.passage("dupilumab-3").quote
    check_lead("Expect response by 16 weeks using EASI and IGA scores", quote)  # verbatim: passes
    with pytest.raises(LeadNumberError, match="not verbatim"):
        check_lead("Expect response by 12 weeks", quote)
    with pytest.raises(LeadNumberError, match="not verbatim"):
        check_lead("response by 16 weeks, 8 weeks at the latest", quote)
    # a slice that cuts "16" to "6" is verbatim text but states a number the passage does not
    with pytest.raises(LeadNumberError, match=r"states \['6'\]"):
        check_lead("6 weeks using EASI", quote)


@settings(max_examples=200)
@given(st.sampled_from(CITABLE), st.text(max_size=120))
def test_every_lead_is_a_verbatim_clause_with_only_the_passages_numbers(passage, question: str) -> None:
    lead = lead_clause(question, passage.quote)
    assert lead and lead in passage.quote
    assert set(re.findall(r"\d+(?:\.\d+)?", lead)) <= set(re.findall(r"\d+(?:\.\d+)?", passage.quote))
    check_lead(lead, passage.quote)
