"""The rule catalog: every citation is verbatim guideline text, and a changed corpus stops the rules loading."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core import RULES, QuoteRef, Rule, Rulebook, RuleDefinitionError, build_rulebook
from corpus import Corpus


def test_every_rule_has_citations(book: Rulebook) -> None:
    assert set(book.rules) == set(RULES)
    for rule_id in RULES:
        assert book.citations(rule_id), rule_id


def test_every_citation_is_verbatim_text_of_its_passage(book: Rulebook, corpus: Corpus) -> None:
    for rule_id in RULES:
        for c in book.citations(rule_id):
            passage = corpus.passage(c.passage_id)
            assert c.quote in corpus.text, (rule_id, c.quote)
            assert c.quote in passage.quote, (rule_id, c.quote)
            assert c.refs == passage.refs
            assert c.source == corpus.source_id


def test_catalog_quotes_match_resolved_citations(book: Rulebook) -> None:
    for rule_id, rule in RULES.items():
        assert [(q.passage_id, q.text) for q in rule.quotes] == [
            (c.passage_id, c.quote) for c in book.citations(rule_id)]


def test_rulebook_is_bound_to_the_corpus(book: Rulebook, corpus: Corpus) -> None:
    assert book.corpus_sha256 == corpus.sha256
    assert book.source == corpus.source_id


def test_no_quote_includes_reference_markers(corpus: Corpus) -> None:
    # a quote ending in a marker ("… every 2 weeks 2") would not be a substring of the passage's quote
    for rule in RULES.values():
        for q in rule.quotes:
            assert q.text.strip() == q.text, rule.id


@pytest.mark.parametrize(
    ("rule_id", "passage_id", "must_contain"),
    [
        ("DOSE-DUPILUMAB", "dupilumab-2", "600 mg subcutaneous loading dose"),  # loading dose
        ("DOSE-UPADACITINIB-ESCALATION", "jak-2", "<65 years old"),  # the 30 mg age limit
        ("DOSE-UPADACITINIB", "jak-3", "weighing ≥40 kg"),  # population
        ("DOSE-CYCLOSPORINE", "cyclosporine-1", "3-5 mg/kg/day"),  # weight based
        ("DOSE-METHOTREXATE", "methotrexate-1", "once weekly"),  # weekly, never daily
        ("DOSE-AZATHIOPRINE", "azathioprine-1", "1-3 mg/kg/day"),  # weight based
        ("DOSE-MYCOPHENOLATE", "mycophenolate-1", "pediatric 30-50 mg/kg daily"),  # pediatric dose
        ("PITFALL-ANTIHISTAMINES", "pitfalls-4", "42% response"),  # antihistamines
        ("PRE-BACTERIAL-INFECTION", "before-systemic-3", "crusting, weeping, pustules"),  # infection signs
        ("ELIG-SYSTEMIC", "algorithm-1", "severe pruritus NRS ≥7"),  # pruritus threshold
    ],
)
def test_key_rules_cite_the_expected_words(book: Rulebook, rule_id: str, passage_id: str, must_contain: str) -> None:
    cites = [c for c in book.citations(rule_id) if c.passage_id == passage_id]
    assert cites and any(must_contain in c.quote for c in cites)


def test_every_dose_rule_names_its_drug() -> None:
    for rule in RULES.values():
        if rule.kind == "dose":
            assert rule.drug is not None, rule.id


# --- a changed corpus --------------------------------------------------------------------------------------------


def test_altered_dose_in_corpus_stops_the_rulebook(corpus: Corpus) -> None:
    altered = Corpus.from_text(corpus.text.replace("600 mg", "800 mg"), corpus.manifest)
    with pytest.raises(RuleDefinitionError) as info:
        build_rulebook(altered)
    message = str(info.value)
    assert "DOSE-DUPILUMAB" in message
    assert "Dosing: 600 mg subcutaneous loading dose, then 300 mg subcutaneous every 2 weeks" in message
    assert "dupilumab-2" in message
    assert altered.sha256 in message


@pytest.mark.parametrize(
    ("old", "new", "rule_id"),
    [
        ("7.5-25 mg orally once weekly", "7.5-25 mg orally once daily", "DOSE-METHOTREXATE"),  # frequency changed
        ("<65 years old", "<75 years old", "DOSE-UPADACITINIB-ESCALATION"),  # age limit changed
        ("3-5 mg/kg/day", "3-6 mg/kg/day", "DOSE-CYCLOSPORINE"),  # range changed
        ("(42% response rate)", "(24% response rate)", "PITFALL-ANTIHISTAMINES"),  # statistic changed
        ("IGA ≥3", "IGA ≥2", "ELIG-SYSTEMIC"),  # threshold changed
    ],
)
def test_any_cited_edit_names_the_rule(corpus: Corpus, old: str, new: str, rule_id: str) -> None:
    assert old in corpus.text
    altered = Corpus.from_text(corpus.text.replace(old, new), corpus.manifest)
    with pytest.raises(RuleDefinitionError, match=rule_id):
        build_rulebook(altered)


def test_edit_outside_any_citation_still_builds(corpus: Corpus) -> None:
    # "benefits maintained long-term" is cited; "Efficacy timeline" too; the refs are not: change a marker
    text = corpus.text.replace("Avoid systemic corticosteroids except potentially for very short-term rescue in acute "
                               "severe flares 1", "Avoid systemic corticosteroids except potentially for very "
                               "short-term rescue in acute severe flares 7")
    altered = Corpus.from_text(text, corpus.manifest)
    rebuilt = build_rulebook(altered)
    assert rebuilt.corpus_sha256 != corpus.sha256
    assert rebuilt.citations("CHOICE-CORTICOSTEROIDS-AGAINST")[-1].refs == ("7",)


def test_quote_from_the_wrong_passage_is_refused(corpus: Corpus) -> None:
    # verbatim guideline text, but not of the passage the rule names
    bad = Rule("TEST-WRONG-PASSAGE", "dose", "dupilumab", "wrong passage",
               (QuoteRef("dupilumab-3", "600 mg subcutaneous loading dose"),))
    with pytest.raises(RuleDefinitionError, match="TEST-WRONG-PASSAGE"):
        build_rulebook(corpus, {bad.id: bad})


@pytest.mark.parametrize(
    ("quotes", "fragment"),
    [
        ((), "has no citation"),  # no citation at all
        ((QuoteRef("dupilumab-99", "Dosing"),), "does not exist"),  # unknown passage
        ((QuoteRef("dupilumab-2", ""),), "not verbatim"),  # empty quote
        ((QuoteRef("dupilumab-2", "every 2 weeks 2, 3"),), "not verbatim"),  # includes reference markers
        ((QuoteRef("dupilumab-2", "Dosing:  600 mg"),), "not verbatim"),  # whitespace changed
    ],
)
def test_malformed_rules_are_refused(corpus: Corpus, quotes: tuple[QuoteRef, ...], fragment: str) -> None:
    rule = Rule("TEST-BAD", "dose", "dupilumab", "bad", quotes)
    with pytest.raises(RuleDefinitionError, match=fragment):
        build_rulebook(corpus, {rule.id: rule})


def test_every_problem_is_listed_not_just_the_first(corpus: Corpus) -> None:
    rules = {r.id: r for r in (
        replace(RULES["DOSE-DUPILUMAB"], quotes=(QuoteRef("dupilumab-2", "700 mg"),)),
        replace(RULES["DOSE-METHOTREXATE"], quotes=(QuoteRef("methotrexate-1", "once daily"),)),
    )}
    with pytest.raises(RuleDefinitionError) as info:
        build_rulebook(corpus, rules)
    assert "2 rule citation(s)" in str(info.value)
    assert "DOSE-DUPILUMAB" in str(info.value) and "DOSE-METHOTREXATE" in str(info.value)
