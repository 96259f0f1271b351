"""Domain vocabulary: brand names, abbreviations and synonyms, mapped to the guideline's words.

Shared by the question extractor and the retrieval embedding so both understand "Rinvoq", "CsA" or
"NB-UVB" the same way. The words live in validated data files under ``assistant/vocab/`` (adding a brand
or a synonym is one line there); this module loads them through pydantic models that refuse unknown
keys, unknown agents and duplicates, and fails at start-up with a message naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, RootModel, TypeAdapter, ValidationError, field_validator, model_validator

from core import Drug

from .errors import VocabularyError

__all__ = [
    "AGE_DECADES",
    "CHECKLIST_CUES",
    "DECADE_PARTS",
    "DRUG_ALIASES",
    "OTHER_AGENTS",
    "RELATIVES",
    "RELATIVES_BY_GENDER",
    "OUTSIDE",
    "TERM_SYNONYMS",
    "OutsideVocabulary",
    "DrugNames",
    "DrugVocabulary",
    "PersonVocabulary",
    "load_drug_aliases",
    "load_checklist_cues",
    "load_other_agents",
    "load_outside",
    "load_relatives",
    "load_relatives_by_gender",
    "load_terms",
]

_VOCAB = Path(__file__).with_name("vocab")


class DrugNames(BaseModel):
    """The names of one agent in ``vocab/drugs.yaml`` (every list optional, every name lower case)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    generic: tuple[str, ...] = ()
    """International and national generic names (cyclosporine, ciclosporin)."""
    brands: tuple[str, ...] = ()
    """Brand names (Dupixent, Neoral)."""
    abbreviations: tuple[str, ...] = ()
    """Clinical shorthand (CsA, MTX, upa)."""
    misspellings: tuple[str, ...] = ()
    """Common misspellings the fuzzy match does not reach."""
    phrases: tuple[str, ...] = ()
    """Several-word names and regimen words (steroid taper, Medrol dose pack)."""

    @field_validator("generic", "brands", "abbreviations", "misspellings", "phrases")
    @classmethod
    def _lower_case(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        bad = [n for n in names if n != n.strip().lower() or not n]
        if bad:
            raise ValueError(f"names must be lower case without surrounding spaces: {bad}")
        return names

    def all(self) -> tuple[str, ...]:
        """Every name, in file order."""
        return (*self.generic, *self.brands, *self.abbreviations, *self.misspellings, *self.phrases)


class DrugVocabulary(RootModel[dict[Drug, DrugNames]]):
    """``vocab/drugs.yaml``: agent id (as the core names it) → its names; a name may belong to one agent only."""

    @model_validator(mode="after")
    def _each_name_once(self) -> DrugVocabulary:
        seen: dict[str, str] = {}
        dupes = []
        for drug, names in self.root.items():
            for name in names.all():
                if name in seen:
                    dupes.append(f"{name!r} ({seen[name]} and {drug})")
                seen[name] = drug
        if dupes:
            raise ValueError("a name is given more than once: " + ", ".join(dupes))
        return self


def _read_yaml(name: str) -> Any:
    with (_VOCAB / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_drug_aliases(data: Any | None = None) -> dict[str, Drug]:
    """Every name → agent, validated (``data`` defaults to ``vocab/drugs.yaml``); raises ``VocabularyError``."""
    try:
        vocab = DrugVocabulary.model_validate(_read_yaml("drugs.yaml") if data is None else data)
    except ValidationError as exc:
        raise VocabularyError(f"assistant/vocab/drugs.yaml is invalid: {exc}. Fix the file; every name is lower "
                              "case and belongs to one agent.") from exc
    return {name: drug for drug, names in vocab.root.items() for name in names.all()}


def load_terms(data: Any | None = None) -> dict[str, str]:
    """Clinicians' words → the guideline's words (``vocab/terms.yaml``), validated."""
    raw = _read_yaml("terms.yaml") if data is None else data
    try:
        return TypeAdapter(dict[str, str]).validate_python(raw)
    except ValidationError as exc:
        raise VocabularyError(f"assistant/vocab/terms.yaml is invalid: {exc}. Each line is 'term: words'.") from exc


def load_other_agents(data: Any | None = None) -> frozenset[str]:
    """Agents the guideline does not cover (``vocab/other_agents.yaml``), validated."""
    raw = _read_yaml("other_agents.yaml") if data is None else data
    try:
        names = TypeAdapter(list[str]).validate_python(raw)
    except ValidationError as exc:
        raise VocabularyError(f"assistant/vocab/other_agents.yaml is invalid: {exc}. It is a list of names.") from exc
    if len(set(names)) != len(names):
        raise VocabularyError("assistant/vocab/other_agents.yaml lists a name twice; give each once.")
    return frozenset(names)


class OutsideVocabulary(BaseModel):
    """``vocab/outside.yaml``: conditions and topics the guideline does not cover, and the words that bring a
    question back inside it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    conditions: tuple[str, ...]
    """Conditions and topics outside the guideline, lower case, each once."""
    inside: tuple[str, ...]
    """Words naming atopic dermatitis itself: with one of them the question stays inside."""

    @field_validator("conditions", "inside")
    @classmethod
    def _lower_and_once(cls, words: tuple[str, ...]) -> tuple[str, ...]:
        if any(w != w.strip().lower() or not w for w in words):
            raise ValueError("every entry is lower case, with no surrounding spaces")
        if len(set(words)) != len(words):
            raise ValueError("an entry is listed twice")
        return words


def load_outside(data: Any | None = None) -> OutsideVocabulary:
    """The conditions outside the guideline (``vocab/outside.yaml``), validated."""
    try:
        return OutsideVocabulary.model_validate(_read_yaml("outside.yaml") if data is None else data)
    except ValidationError as exc:
        raise VocabularyError(f"assistant/vocab/outside.yaml is invalid: {exc}. It holds two lists, 'conditions' "
                              "and 'inside', of lower-case entries, each once.") from exc


class PersonVocabulary(BaseModel):
    """``vocab/persons.yaml``: the words for people a message may be about besides the patient."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    relatives: tuple[str, ...]
    """Relatives' nouns, lower case, each once ('son', 'mother', …)."""
    female: tuple[str, ...] = ()
    """The relatives 'she'/'her' can refer to (a pronoun of the other gender never does)."""
    male: tuple[str, ...] = ()
    """The relatives 'he'/'him' can refer to."""

    @field_validator("relatives", "female", "male")
    @classmethod
    def _lower_and_once(cls, words: tuple[str, ...]) -> tuple[str, ...]:
        if any(w != w.strip().lower() or not w for w in words):
            raise ValueError("every word is lower case, with no surrounding spaces")
        if len(set(words)) != len(words):
            raise ValueError("a word is listed twice")
        return words

    @model_validator(mode="after")
    def _genders_are_relatives(self) -> PersonVocabulary:
        unknown = sorted(set(self.female + self.male) - set(self.relatives))
        if unknown:
            raise ValueError(f"'female'/'male' name words that are not in 'relatives': {unknown}")
        if set(self.female) & set(self.male):
            raise ValueError("a word is listed as both female and male")
        return self


def load_relatives_by_gender(data: Any | None = None) -> dict[str, frozenset[str]]:
    """{'female': …, 'male': …}: the relatives each pronoun can refer to (``vocab/persons.yaml``)."""
    vocab = PersonVocabulary.model_validate(_read_yaml("persons.yaml") if data is None else data)
    return {"female": frozenset(vocab.female), "male": frozenset(vocab.male)}


def load_relatives(data: Any | None = None) -> frozenset[str]:
    """Relatives' nouns (``vocab/persons.yaml``), validated."""
    try:
        vocab = PersonVocabulary.model_validate(_read_yaml("persons.yaml") if data is None else data)
    except ValidationError as exc:
        raise VocabularyError(f"assistant/vocab/persons.yaml is invalid: {exc}. It holds one list, 'relatives', "
                              "of lower-case words, each once.") from exc
    return frozenset(vocab.relatives)


DRUG_ALIASES: dict[str, Drug] = load_drug_aliases()
"""Every name a clinician may use for an agent → the agent (from ``vocab/drugs.yaml``)."""

TERM_SYNONYMS: dict[str, str] = load_terms()
"""Words clinicians use → the words the guideline uses (from ``vocab/terms.yaml``)."""

RELATIVES: frozenset[str] = load_relatives()
"""Relatives' nouns (from ``vocab/persons.yaml``): who else a message may speak of."""

RELATIVES_BY_GENDER: dict[str, frozenset[str]] = load_relatives_by_gender()
"""The relatives 'she'/'her' ('female') and 'he'/'him' ('male') can refer to."""

OUTSIDE: OutsideVocabulary = load_outside()
"""Conditions the guideline does not cover, and the words for atopic dermatitis (from ``vocab/outside.yaml``)."""

OTHER_AGENTS: frozenset[str] = load_other_agents()
"""Systemic agents the guideline does not cover for AD (from ``vocab/other_agents.yaml``); never mapped to a Drug."""

assert not (OTHER_AGENTS & set(DRUG_ALIASES)), "a name is either a covered agent or another one"

AGE_DECADES: dict[str, int] = {
    "teens": 13, "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60, "seventies": 70,
    "eighties": 80, "nineties": 90,
}
"""'in her seventies' → at least 70 years (a lower bound, never an exact age)."""

DECADE_PARTS: dict[str, int] = {"early": 0, "mid": 3, "late": 6}
"""How far into a decade 'early', 'mid' and 'late' put the lower bound ('late 60s' → at least 66)."""

def load_checklist_cues(data: Any | None = None) -> dict[str, tuple[str, ...]]:
    """Checklist step → the phrases that ask about it alone (``vocab/checklist.yaml``), validated."""
    from core.query import ChecklistItem

    raw = _read_yaml("checklist.yaml") if data is None else data
    try:
        cues = TypeAdapter(dict[ChecklistItem, list[str]]).validate_python(raw)
    except ValidationError as exc:
        raise VocabularyError(f"assistant/vocab/checklist.yaml is invalid: {exc}. Each key is a checklist step "
                              "(core.query.ChecklistItem) with a list of phrases.") from exc
    seen: dict[str, str] = {}
    for item, phrases in cues.items():
        for phrase in phrases:
            low = phrase.lower().strip()
            if low in seen:
                raise VocabularyError(f"assistant/vocab/checklist.yaml gives {phrase!r} for both {seen[low]} and "
                                      f"{item}; give each phrase once.")
            seen[low] = item
    return {item: tuple(p.lower().strip() for p in phrases) for item, phrases in cues.items()}


CHECKLIST_CUES: dict[str, tuple[str, ...]] = load_checklist_cues()
"""Checklist step → the phrases that ask about it (``vocab/checklist.yaml``)."""
