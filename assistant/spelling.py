"""Misspelt words in a question, corrected toward the words the guideline and the concept map use.

Only for retrieval: a word of five letters or more that neither the guideline, the concept map, the drug
vocabulary nor the stopwords know is replaced by the closest known word (``difflib``, similarity ≥
``CUTOFF``); anything less close is left alone. The reader never sees the corrected text.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable

from corpus import get_concepts, get_corpus

from .embedding import STOPWORDS
from .lexicon import DRUG_ALIASES, OTHER_AGENTS, OUTSIDE, TERM_SYNONYMS

__all__ = ["CUTOFF", "SpellingCorrector", "get_spelling_corrector"]

CUTOFF = 0.84
"""difflib similarity a known word needs to replace an unknown one of six letters or more."""
SHORT_CUTOFF = 0.9
"""The similarity a five-letter word needs: "eczma" → "eczema" (0.91) is corrected, "stick" → "tick" (0.89) is not."""
MIN_LENGTH = 5
"""Shorter words are too easily close to another word ("dose"/"does") to correct."""

_WORD = re.compile(r"[a-z]+")


class SpellingCorrector:
    """Corrects unknown words toward a fixed vocabulary (deterministic: ties go to the first candidate)."""

    def __init__(self, vocabulary: Iterable[str], known_only: Iterable[str] = ()) -> None:
        self.known = frozenset(w for w in (*vocabulary, *known_only) if w)
        # words that are never corrected but never a correction either (conditions outside the guideline)
        self._candidates = sorted(w for w in set(vocabulary) if w and len(w) >= MIN_LENGTH - 1)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one corrector per process, bounded cache
    def word(self, word: str) -> str:
        """The known word ``word`` most likely stands for, or ``word`` itself."""
        low = word.lower()
        if len(low) < MIN_LENGTH or low in self.known or not low.isalpha():
            return word
        cutoff = SHORT_CUTOFF if len(low) == MIN_LENGTH else CUTOFF
        best = difflib.get_close_matches(low, self._candidates, n=1, cutoff=cutoff)
        return best[0] if best else word

    def correct(self, text: str) -> str:
        """``text`` with every correctable word replaced (the rest, spacing and punctuation, unchanged)."""
        return re.sub(r"[A-Za-z]+", lambda m: self.word(m.group(0)), text)


def _vocabulary() -> set[str]:
    words: set[str] = set(STOPWORDS)
    words |= set(_WORD.findall(get_corpus().text.lower()))
    for concept in get_concepts():
        for term in (*concept.terms, *(t for group in concept.together for t in group)):
            words |= set(_WORD.findall(term.lower()))
    for name in (*DRUG_ALIASES, *TERM_SYNONYMS, *TERM_SYNONYMS.values(), *OUTSIDE.inside):
        words |= set(_WORD.findall(name.lower()))
    return words


def _outside_words() -> set[str]:
    return {w for name in (*OUTSIDE.conditions, *OTHER_AGENTS) for w in _WORD.findall(name.lower())}


@functools.cache
def get_spelling_corrector() -> SpellingCorrector:
    """The corrector over the packaged guideline, concept map and vocabularies (built once per process)."""
    return SpellingCorrector(_vocabulary(), known_only=_outside_words())
