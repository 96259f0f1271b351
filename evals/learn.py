"""Train the retriever's learned term-passage model from labelled retrieval sets (``adguide eval learn``).

Only sets already scored at their first run may train it (``TRAINING_SETS``); a new blind set is run once as
written first, and only then may it be added here. scikit-learn is a development dependency: the packaged model
is plain JSON (``assistant/vocab/learned_retrieval.json``) that the assistant reads without it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.learned import LearnedModel, LearnedPassage

from .retrieval_set import RetrievalCase, load_retrieval_set

__all__ = ["DEFAULT_ALPHA", "TRAINING_SETS", "train_learned_model", "write_learned_model"]

_EVALS = Path(__file__).resolve().parent
TRAINING_SETS: tuple[str, ...] = ("retrieval_blind", "retrieval_blind2", "retrieval_blind3", "retrieval_blind4")
"""Blind retrieval sets, each scored at its first run (README) before it trained anything."""
DEFAULT_ALPHA = 0.5
"""Smoothing; 0.5 was best on leave-one-set-out runs over ``TRAINING_SETS`` (README)."""
OUT = Path(__file__).resolve().parent.parent / "assistant" / "vocab" / "learned_retrieval.json"


def _examples(cases: Sequence[RetrievalCase],
              analyse: Callable[[str], list[str]]) -> tuple[list[list[str]], list[str], list[float]]:
    """One row per (question, gold passage); the first gold weighs 1, the second 1/2, the third 1/3."""
    docs: list[list[str]] = []
    labels: list[str] = []
    weights: list[float] = []
    for case in cases:
        if case.off_topic:
            continue
        words = sorted(set(analyse(case.question)))
        for rank, pid in enumerate(case.gold):
            docs.append(words)
            labels.append(pid)
            weights.append(1.0 / (rank + 1))
    return docs, labels, weights


def train_learned_model(sets: Sequence[str | Path] = TRAINING_SETS, alpha: float = DEFAULT_ALPHA) -> LearnedModel:
    """Fit ``MultinomialNB(alpha, fit_prior=False)`` on binary term features and export its counts."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.naive_bayes import MultinomialNB

    from assistant.retrieval import get_retriever

    trained_on: dict[str, int] = {}
    cases: list[RetrievalCase] = []
    for s in sets:
        path = Path(s) if Path(s).exists() else _EVALS / str(s)
        loaded = [c for c in load_retrieval_set(path) if not c.off_topic]
        trained_on[path.name] = len(loaded)
        cases += loaded
    docs, labels, weights = _examples(cases, get_retriever().question_terms)
    vectorizer = CountVectorizer(analyzer=lambda words: words, binary=True)
    x = vectorizer.fit_transform(docs)
    nb = MultinomialNB(alpha=alpha, fit_prior=False).fit(x, labels, sample_weight=weights)
    vocab = [str(t) for t in vectorizer.get_feature_names_out()]
    passages = {}
    for row, pid in enumerate(nb.classes_):
        counts = nb.feature_count_[row]
        passages[str(pid)] = LearnedPassage(
            total=round(float(counts.sum()), 6),
            counts={vocab[i]: round(float(c), 6) for i, c in enumerate(counts) if c > 0})
    return LearnedModel(trained_on=trained_on, alpha=alpha, vocabulary=vocab, passages=passages)


def write_learned_model(model: LearnedModel, out: Path = OUT) -> Path:
    """Write the model as stable, sorted JSON (a diff shows what training changed)."""
    data = model.model_dump()
    data["passages"] = {pid: data["passages"][pid] for pid in sorted(data["passages"])}
    for p in data["passages"].values():
        p["counts"] = dict(sorted(p["counts"].items()))
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return out
