"""Matching the concept map against questions: lay words find guideline ideas, deterministically."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.concepts import get_concept_matcher, match_words

M = get_concept_matcher()


def _ids(text: str) -> set[str]:
    return {h.concept.id for h in M.match(text)}


@pytest.mark.parametrize(("question", "concept"), [
    ("her eyes are red and gritty since the injections", "eye_problems"),          # symptoms, not the diagnosis
    ("how soon does it kick in?", "response_timeline"),                             # a verb of waiting
    ("can he carry on with Protopic alongside it?", "concomitant_topicals"),        # brand of a TCI
    ("do we really need light treatment first?", "phototherapy"),                   # lay name of phototherapy
    ("could the moisturiser itself be the problem?", "contact_allergy"),            # an allergen source
    ("could it be a lymphoma rather than eczema?", "alternative_diagnosis"),
    ("she is terrified of steroid creams and barely uses them", "adherence"),
    ("Zyrtec at night for the itch?", "antihistamines"),                            # antihistamine brand
    ("a short pred burst to tide her over", "steroid_rescue"),
    ("he can't sleep and is missing school", "quality_of_life"),
    ("TPMT before starting?", "tpmt"),
    ("she's trying to conceive", "teratogenicity"),
])
def test_lay_and_clinical_words_find_the_guideline_concept(question: str, concept: str) -> None:
    assert concept in _ids(question)


def test_brand_names_are_read_as_the_generic_drug() -> None:
    assert match_words("Dupixent and Rinvoq") == ["dupilumab", "and", "upadacitinib"]
    assert {"dupilumab_drug", "upadacitinib_drug", "jak_class"} <= _ids("Dupixent or Rinvoq?")


def test_a_facet_points_only_to_the_named_drugs_passage() -> None:
    scores = M.passage_scores(M.match("methotrexate monitoring"))
    assert max(scores, key=scores.__getitem__) == "methotrexate-2"
    assert "cyclosporine-2" not in scores or scores["cyclosporine-2"] < scores["methotrexate-2"]
    unnamed = M.passage_scores(M.match("what monitoring is needed"))  # no drug: every monitoring passage
    assert {"cyclosporine-2", "methotrexate-2", "azathioprine-2", "mycophenolate-2"} <= set(unnamed)


@pytest.mark.parametrize(("question", "outside"), [
    ("best biologic for psoriasis", ["psoriasis"]),
    ("Dupixent for asthma, same dose?", ["asthma"]),                   # a guideline drug for another disease
    ("psoriasis and eczema together, which biologic?", []),            # atopic dermatitis is named too
    ("her mother has lupus; BSA 20%, which agent?", []),               # a relative's condition
    ("dupilumab for eczema", []),
])
def test_conditions_outside_the_guideline_are_named(question: str, outside: list[str]) -> None:
    assert M.outside(question) == outside


@given(st.text(max_size=200))
def test_matching_never_raises_and_is_deterministic(text: str) -> None:
    first = [(h.concept.id, h.terms) for h in M.match(text)]
    assert first == [(h.concept.id, h.terms) for h in M.match(text)]
    assert all(score > 0 for score in M.passage_scores(M.match(text)).values())


@pytest.mark.parametrize(("question", "outside"), [
    ("No contact lenses. Red eyes on dupilumab, what now?", []),        # a negated mention is not the subject
    ("amoxicillin dose for an ear infection", ["ear infection"]),
    ("blood tests before lithium", ["lithium"]),                          # another agent, nothing of the guideline
    ("keep him on doxycycline to stop the flares coming back?", []),     # the prophylactic-antibiotics pitfall
    ("cetirizine at night for the itch?", []),                           # the antihistamine pitfall
    ("hydrocortisone on a baby's nappy rash?", ["nappy rash"]),           # a baby may be the subject, not a relative
])
def test_outside_conditions_negations_and_other_agents(question: str, outside: list[str]) -> None:
    assert M.outside(question) == outside


@pytest.mark.parametrize(("word", "corrected"), [
    ("eczma", "eczema"),          # five letters, one missing: close enough
    ("stick", "stick"),           # five letters, a real word near "tick": left alone
    ("treatmants", "treatments"),
    ("predisone", "prednisone"),  # toward a drug alias
    ("nappy", "nappy"),           # an outside word is known, never corrected and never a correction
])
def test_spelling_is_corrected_only_when_close(word: str, corrected: str) -> None:
    from assistant.spelling import get_spelling_corrector

    assert get_spelling_corrector().word(word) == corrected
