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
from .lexicon import OTHER_AGENTS, OUTSIDE, RELATIVES, OutsideVocabulary

__all__ = ["ConceptHit", "ConceptMatcher", "get_concept_matcher", "match_words"]

FIRST_PASSAGE = 1.0
"""Weight of a concept's first (best) passage."""
OTHER_PASSAGE = 0.7
"""Weight of the concept's other passages."""
PHRASE_BONUS = 0.5
"""Extra weight per additional word of the longest matched term: "eye drops" says more than "drops"."""
DRUG_CONCEPT_WEIGHT = 0.5
"""A drug's own concept mostly says whose passages to prefer; it weighs less than what is asked about it."""
FACET_WITH_DRUG = 1.5
"""A facet's passage of a drug the question names weighs this much more (the facet and the drug both point to it)."""
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


_MAY_BE_THE_PATIENT = frozenset({"baby", "babies", "child", "children", "kid", "kids", "son", "sons", "daughter",
                                 "daughters", "infant", "toddler", "boy", "girl", "teenager", "grandchild"})
_NEGATIONS = frozenset({"no", "not", "without", "deni", "nil", "never", "non"})
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
        # a parent's or sibling's disease is family history; a baby's or a son's may be the question's subject
        self._relatives = frozenset(stem(w) for w in RELATIVES if w not in _MAY_BE_THE_PATIENT) | {"famili", "fhx"}
        self._other_agents = frozenset(w for name in OTHER_AGENTS for w in match_words(name) if len(w) > 3)
        self.drug_words = frozenset(w for c in self.concepts if c.drug for t in c.terms for w in match_words(t)
                                    if len(match_words(t)) == 1)
        """The (stemmed) guideline drug names: a question naming one is about the guideline's agents."""
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
            # "her mother has lupus" is a relative's condition, "no contact lenses" a negation: neither is the subject
            if any(not self._relatives.intersection(words[max(0, i - 4) : i])
                   and not _NEGATIONS.intersection(words[max(0, i - 2) : i]) for i in starts):
                found.append(label)
        if not found:
            # another agent ("amoxicillin for otitis") is outside too, unless an AD pitfall about it is asked
            pitfall = {h.concept.id for h in self.match(text)} & {"prophylactic_antibiotics", "antihistamines",
                                                              "bacterial_infection"}
            named = [w for w in words if w in self._other_agents]
            if named and not pitfall and not any(w in self.drug_words for w in words):
                found.extend(dict.fromkeys(named))
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
                # the named drug's own facet passage is what was asked: "azathioprine … checked before and during"
                both = FACET_WITH_DRUG if concept.facet and drugs else 1.0
                scores[pid] += hit.weight * specificity * position * both
        return dict(scores)


@functools.cache
def get_concept_matcher() -> ConceptMatcher:
    """The matcher for the packaged concept map (built once per process)."""
    return ConceptMatcher(get_concepts())
