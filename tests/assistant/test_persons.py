"""Who a message is about: the asker's own facts are set aside when it asks for a relative, and the reverse."""

from __future__ import annotations

import pytest

from assistant.errors import VocabularyError
from assistant.extract import extract
from assistant.lexicon import RELATIVES, load_relatives
from assistant.persons import other_person_spans


def _aside(text: str) -> list[str]:
    return [text[a:b] for a, b in other_person_spans(text)]


@pytest.mark.parametrize(("text", "aside"), [
    # a mother asks for her son: her own pregnancy and age are hers, not the patient's
    ("I'm 36 and 20 weeks pregnant; asking for my 16-year-old son (60 kg). Upadacitinib dose for him?",
     ["I'm 36 and 20 weeks pregnant"]),
    # the asker is the patient: the child mentioned beside is set aside
    ("For me - I'm 40, 80 kg. My 8-year-old son also has eczema. dupilumab dose?",
     ["My 8-year-old son also has eczema"]),
    # "can my daughter have …" targets the relative
    ("I have psoriasis myself. Can my daughter have dupilumab? She is 15.", ["I have psoriasis myself"]),
    # no target named: nothing is set aside (two ages become an ambiguity, answered under each)
    ("My 8-year-old and I both have bad eczema.", []),
    # a clinician writing about the patient: nothing is set aside
    ("I have a 30 yo patient on dupilumab, eyes red. What do I do?", []),
    # both targets named: nothing is set aside rather than guess
    ("Can I take dupilumab, and what about for my son?", []),
])
def test_other_person_spans(text: str, aside: list[str]) -> None:
    assert _aside(text) == aside


def test_the_mothers_pregnancy_is_not_the_sons() -> None:
    e = extract("I'm 36 and 20 weeks pregnant; asking for my 16-year-old son (60 kg). Upadacitinib dose for him?")
    assert e.facts.get("age_years") == 16 and e.facts.get("weight_kg") == 60
    assert "pregnancy_or_planning" not in e.facts
    assert any(m.startswith("other_person:I'm 36") for m in e.matched)


def test_the_askers_own_facts_are_read_when_asking_for_themself() -> None:
    e = extract("For me - I'm 40, 80 kg, failed 4 weeks of clobetasol. My 8-year-old son also has eczema.")
    assert e.facts.get("age_years") == 40 and e.facts.get("weight_kg") == 80


def test_relatives_are_data() -> None:
    assert {"son", "daughter", "mother"} <= RELATIVES


@pytest.mark.parametrize("data", [
    {"relatives": ["son", "son"]},       # a word twice
    {"relatives": ["Son"]},              # not lower case
    {"relatives": ["son"], "extra": 1},  # an unknown key
])
def test_bad_person_vocabulary_is_refused(data: object) -> None:
    with pytest.raises(VocabularyError):
        load_relatives(data)


@pytest.mark.parametrize(("text", "age"), [
    # a pronoun question after a relative is named asks for the relative; the asker's "myself" clause names the drug
    ("I'm 44 and doing well on dupilumab myself. My son is 9 and his dermatologist suggested the same drug - what "
     "dose would he get?", 9),
    # "and I'm 44" hands over to the asker inside one sentence
    ("My son is 9 and I'm 44, would he get dupilumab?", 9),
])
def test_the_relative_asked_about_is_the_patient_and_the_drug_stays_named(text: str, age: int) -> None:
    e = extract(text)
    assert e.facts.get("age_years") == age and e.drug == "dupilumab"
    assert "current_drug" not in e.facts  # the asker's own treatment is not the patient's
