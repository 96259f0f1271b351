"""Matching the concept map (``corpus/concepts.yaml``) against a question.

A question's words are normalised the way the index reads passages (NFKC, lower case, brand names and
abbreviations read as the generic drug, light stemming) and every concept term is looked for as a whole
run of words. The result says which guideline ideas a question touches and how strongly each passage is
pointed to; retrieval fuses that with its lexical scores. Deterministic, no I/O after the map is loaded.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from corpus import Concept, get_concepts

from .embedding import _WORD_RE, _normalise, _phrase_tables, stem
from .lexicon import OUTSIDE, RELATIVES, OutsideVocabulary

__all__ = ["ConceptHit", "ConceptMatcher", "get_concept_matcher", "match_words"]

FIRST_PASSAGE = 1.0
"""Weight of a concept's first (best) passage."""
OTHER_PASSAGE = 0.7
"""Weight of the concept's other passages."""
PHRASE_BONUS = 0.5
"""Extra weight per additional word of the longest matched term: "eye drops" says more than "drops"."""
DRUG_CONCEPT_WEIGHT = 0.5
"""A drug's own concept mostly says whose passages to prefer; it weighs less than what is asked about it."""
TOGETHER_WINDOW = 6
"""Words within which every group of a concept's ``together`` rule must occur."""


@dataclass(frozen=True)
class ConceptHit:
    """A concept found in a question, with the words that matched it."""

    concept: Concept
    terms: tuple[str, ...]
    """The concept terms that matched, as written in the map."""
    words: int
    """Length in words of the longest matched term."""

    @property
    def weight(self) -> float:
        base = 1.0 + PHRASE_BONUS * (self.words - 1)
        return base * DRUG_CONCEPT_WEIGHT if self.concept.drug else base


# The embedding's stemmer also maps synonyms ("elderly" → "older", "teens" → "adolescent") for BM25; the concept
# map lists its own synonyms, and "older" must not mean "elderly" in "older, cheaper drugs".
_KEEP = frozenset({"elderly", "teens"})


def _stem(word: str) -> str:
    return word if word in _KEEP else stem(word)


def match_words(text: str) -> list[str]:
    """The stemmed words of ``text`` (stopwords kept), hyphenated words split, drug names made generic."""
    drugs, _, longest = _phrase_tables()
    raw: list[str] = []
    for word in _WORD_RE.findall(_normalise(text)):
        raw.extend(p for p in word.split("-") if p)
    out: list[str] = []
    i = 0
    while i < len(raw):
        for n in range(min(longest, len(raw) - i), 0, -1):
            phrase = tuple(raw[i : i + n])
            stemmed = tuple(stem(w) for w in phrase)
            key = phrase if phrase in drugs else stemmed
            if key in drugs:
                out.extend(_stem(w) for w in drugs[key])
                i += n
                break
        else:
            out.append(_stem(raw[i]))
            i += 1
    return out


class ConceptMatcher:
    """Finds concepts in questions and turns them into per-passage scores."""

    def __init__(self, concepts: Sequence[Concept], outside: OutsideVocabulary | None = None) -> None:
        self.concepts = tuple(concepts)
        vocab = outside if outside is not None else OUTSIDE
        self._outside = [(tuple(match_words(c)), c) for c in vocab.conditions]
        self._inside = frozenset(w for term in vocab.inside for w in match_words(term))
        self._relatives = frozenset(stem(w) for w in RELATIVES) | {"famili", "fhx"}
        self._by_first: dict[str, list[tuple[tuple[str, ...], int, str]]] = defaultdict(list)
        for index, concept in enumerate(self.concepts):
            for term in concept.terms:
                words = tuple(match_words(term))
                if words:
                    self._by_first[words[0]].append((words, index, term))
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e[0]))
        self._together = [
            (index, [[tuple(match_words(t)) for t in group if match_words(t)] for group in concept.together])
            for index, concept in enumerate(self.concepts) if concept.together
        ]
        self.owner: dict[str, str] = {}
        """Passage id → the drug concept's ``drug`` it belongs to."""
        for concept in self.concepts:
            if concept.drug:
                for pid in concept.passages:
                    self.owner.setdefault(pid, concept.drug)

    def outside(self, text: str) -> list[str]:
        """The conditions outside the guideline that ``text`` names (``vocab/outside.yaml``), unless it also
        names atopic dermatitis itself."""
        words = match_words(text)
        if self.names_ad(text):
            return []
        found = []
        for phrase, label in self._outside:
            n = len(phrase)
            starts = [i for i in range(len(words) - n + 1) if tuple(words[i : i + n]) == phrase]
            # "her mother has lupus" is a relative's condition, not the question's subject
            if any(not self._relatives.intersection(words[max(0, i - 4) : i]) for i in starts):
                found.append(label)
        return found

    def names_ad(self, text: str) -> bool:
        """``text`` names atopic dermatitis itself (atopic, eczema, dermatitis, AD)."""
        return any(w in self._inside for w in match_words(text))

    def match(self, text: str) -> list[ConceptHit]:
        """Every concept whose terms (or ``together`` rule) occur in ``text``, in map order."""
        words = match_words(text)
        found: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for i, word in enumerate(words):
            for term_words, index, term in self._by_first.get(word, ()):
                if tuple(words[i : i + len(term_words)]) == term_words:
                    found[index].append((term, len(term_words)))
        for index, groups in self._together:
            positions = [[i for i, w in enumerate(words) if any(tuple(words[i : i + len(g)]) == g for g in group)]
                         for group in groups]
            if all(positions) and any(all(any(abs(p - q) <= TOGETHER_WINDOW for q in other) for other in positions)
                                      for p in positions[0]):
                found[index].append(("+".join(g[0] for g in self.concepts[index].together), 2))
        return [
            ConceptHit(self.concepts[i], tuple(dict.fromkeys(t for t, _ in found[i])), max(n for _, n in found[i]))
            for i in sorted(found)
        ]

    def named_drugs(self, hits: Sequence[ConceptHit]) -> frozenset[str]:
        """The drug concepts the question names."""
        return frozenset(h.concept.drug for h in hits if h.concept.drug)

    def passage_scores(self, hits: Sequence[ConceptHit]) -> dict[str, float]:
        """How strongly the matched concepts point to each passage (unnormalised)."""
        drugs = self.named_drugs(hits)
        scores: dict[str, float] = defaultdict(float)
        for hit in hits:
            concept = hit.concept
            specificity = 1.0 / math.sqrt(len(concept.passages))
            for rank, pid in enumerate(concept.passages):
                if concept.facet and drugs and self.owner.get(pid) not in drugs:
                    continue  # "monitoring" with methotrexate named points to methotrexate's monitoring only
                position = FIRST_PASSAGE if rank == 0 else OTHER_PASSAGE
                scores[pid] += hit.weight * specificity * position
        return dict(scores)


@functools.cache
def get_concept_matcher() -> ConceptMatcher:
    """The matcher for the packaged concept map (built once per process)."""
    return ConceptMatcher(get_concepts())
