"""The vocabulary data files: validated at load, a name is one line, a bad file fails loudly with its name."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.errors import VocabularyError
from assistant.extract import extract
from assistant.lexicon import DRUG_ALIASES, OTHER_AGENTS, load_drug_aliases, load_other_agents, load_terms


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"dupilumab": {"brands": ["dupixent"], "nicknames": ["dupi"]}}, "nicknames"),  # unknown key
        ({"dupilumabb": {"generic": ["dupilumabb"]}}, "dupilumabb"),  # an agent the core does not know
        ({"dupilumab": {"brands": ["dupixent"]}, "tralokinumab": {"brands": ["dupixent"]}}, "more than once"),
        ({"dupilumab": {"brands": ["Dupixent"]}}, "lower case"),  # names are stored lower case
        ({"dupilumab": {"brands": "dupixent"}}, "brands"),  # a list, not a string
    ],
)
def test_a_bad_drug_vocabulary_is_refused_naming_the_problem(data: dict[str, Any], fragment: str) -> None:
    with pytest.raises(VocabularyError) as info:
        load_drug_aliases(data)
    assert "drugs.yaml" in str(info.value) and fragment in str(info.value)


def test_adding_a_brand_is_one_line_and_the_reader_uses_the_loaded_table() -> None:
    aliases = load_drug_aliases({"dupilumab": {"generic": ["dupilumab"], "brands": ["dupixent", "zzdupi"]}})
    assert aliases["zzdupi"] == "dupilumab"
    # the shipped table carries every agent's generic name and the brands the reader is tested with
    assert {DRUG_ALIASES[n] for n in ("dupixent", "rinvoq", "neoral", "cellcept", "imuran")} == {
        "dupilumab", "upadacitinib", "cyclosporine", "mycophenolate", "azathioprine"}
    assert extract("Cibinqo dose?").drug == "abrocitinib"


def test_other_agents_and_terms_are_validated() -> None:
    with pytest.raises(VocabularyError, match="twice"):
        load_other_agents(["humira", "humira"])
    with pytest.raises(VocabularyError, match="terms.yaml"):
        load_terms({"tcs": ["topical corticosteroids"]})
    assert "humira" in OTHER_AGENTS and not (OTHER_AGENTS & set(DRUG_ALIASES))
