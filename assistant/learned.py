"""Term-passage associations learned from labelled questions (``assistant/vocab/learned_retrieval.json``).

A multinomial naive Bayes over the index analyser's terms, trained by ``adguide eval learn`` (scikit-learn, a
development dependency) on retrieval sets that were written blind and scored at their first run before they were
used here; the file records which sets, and a set never trains what measures it before its first run. At query
time it is a few dictionary lookups: each passage's likelihood of the question's terms, relative to the best one.
Retrieval adds it to its lexical and concept scores (``LEARNED_WEIGHT``); it never decides anything.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from corpus import get_corpus

from .errors import RetrievalError

__all__ = ["LEARNED_FILE", "LearnedModel", "LearnedPassage", "get_learned_model", "load_learned_model"]

LEARNED_FILE = "learned_retrieval.json"
"""The model's file name in ``assistant/vocab``."""


class LearnedPassage(BaseModel):
    """What the training questions whose answer is this passage said, as weighted term counts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    total: float = Field(ge=0)
    """Sum of the weighted counts (a question counts 1 for its first gold passage, 1/2 for its second …)."""
    counts: dict[str, float]
    """Term → weighted number of training questions for this passage that contain it (zeros left out)."""


class LearnedModel(BaseModel):
    """A multinomial naive Bayes (uniform prior) over the analyser's terms, one class per passage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trained_on: dict[str, int]
    """Each training set and how many of its questions were used."""
    alpha: float = Field(gt=0)
    """Additive smoothing, as scikit-learn's ``MultinomialNB(alpha=…)``."""
    vocabulary: list[str]
    """Every term seen in training (terms outside it are ignored at query time)."""
    passages: dict[str, LearnedPassage]
    """Passage id → its counts."""

    @model_validator(mode="after")
    def _known_terms(self) -> LearnedModel:
        vocab = set(self.vocabulary)
        if len(vocab) != len(self.vocabulary):
            raise ValueError("vocabulary lists a term twice")
        for pid, p in self.passages.items():
            unknown = sorted(set(p.counts) - vocab)
            if unknown:
                raise ValueError(f"passage {pid} counts terms outside the vocabulary: {', '.join(unknown[:5])}")
        return self

    @functools.cached_property
    def _vocab(self) -> frozenset[str]:
        return frozenset(self.vocabulary)

    def log_likelihoods(self, terms: Iterable[str]) -> dict[str, float]:
        """Each passage's log-likelihood of the question's distinct known terms (scikit-learn's formula)."""
        known = sorted(set(terms) & self._vocab)
        if not known:
            return {}
        v = len(self.vocabulary)
        return {pid: sum(math.log((p.counts.get(t, 0.0) + self.alpha) / (p.total + self.alpha * v)) for t in known)
                for pid, p in self.passages.items()}

    def relative(self, terms: Iterable[str]) -> dict[str, float]:
        """Each passage's posterior relative to the most likely one (1.0 for the best; {} with no known term)."""
        logs = self.log_likelihoods(terms)
        if not logs:
            return {}
        best = max(logs.values())
        return {pid: math.exp(value - best) for pid, value in logs.items()}


def load_learned_model(text: str) -> LearnedModel:
    """Parse and validate the model; every passage id must exist in the corpus."""
    try:
        model = LearnedModel.model_validate_json(text)
    except ValidationError as exc:
        raise RetrievalError(f"{LEARNED_FILE} is invalid: {exc.errors()[0]['msg']}. Regenerate it with "
                             "`adguide eval learn`.") from exc
    ids = {p.id for p in get_corpus().passages}
    unknown = sorted(set(model.passages) - ids)
    if unknown:
        raise RetrievalError(f"{LEARNED_FILE} names passages the corpus does not have: {', '.join(unknown)}. "
                             "Regenerate it with `adguide eval learn` after changing the segmentation.")
    return model


@functools.lru_cache(maxsize=1)
def get_learned_model() -> LearnedModel | None:
    """The packaged model, or None when the file is absent (retrieval then runs on its other scores alone)."""
    path = resources.files("assistant") / "vocab" / LEARNED_FILE
    if not path.is_file():
        return None
    return load_learned_model(path.read_text(encoding="utf-8"))
