"""The learned term-passage model: valid data, scikit-learn's own formula, and only a reordering of retrieval."""

from __future__ import annotations

import json
import math

import pytest

from assistant.errors import RetrievalError
from assistant.learned import LEARNED_FILE, get_learned_model, load_learned_model
from corpus import get_corpus


def test_packaged_model_names_only_corpus_passages() -> None:
    model = get_learned_model()
    assert model is not None, f"assistant/vocab/{LEARNED_FILE} is missing: run `adguide eval learn`"
    ids = {p.id for p in get_corpus().passages}
    assert set(model.passages) <= ids
    assert sum(model.trained_on.values()) >= 400  # four blind sets of 94-130 questions


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["passages"].update({"no-such-passage": {"total": 1.0, "counts": {}}}), "corpus does not have"),
        (lambda d: next(iter(d["passages"].values()))["counts"].update({"zzz-unseen": 1.0}), "outside the vocabulary"),
        (lambda d: d.update({"alpha": 0}), "regenerate it"),  # smoothing must be positive
        (lambda d: d.update({"extra": 1}), "regenerate it"),  # unknown keys are refused
    ],
)
def test_a_damaged_model_is_refused_with_the_fix(change: object, message: str) -> None:
    model = get_learned_model()
    assert model is not None
    data = json.loads(model.model_dump_json())
    change(data)  # type: ignore[operator]
    with pytest.raises(RetrievalError) as exc:
        load_learned_model(json.dumps(data))
    assert message in str(exc.value).lower() or message in str(exc.value)
    assert "adguide eval learn" in str(exc.value)


def test_relative_posterior_is_one_for_the_best_and_empty_without_known_terms() -> None:
    model = get_learned_model()
    assert model is not None
    rel = model.relative(["conjunctiv", "eye", "dupilumab"])
    assert max(rel.values()) == pytest.approx(1.0)
    assert all(0 < v <= 1 for v in rel.values())
    assert model.relative(["qqqq-not-a-term"]) == {}  # nothing known: no opinion, not a uniform guess
    assert model.relative([]) == {}


def test_the_eye_question_is_learned_as_the_conjunctivitis_passage() -> None:
    from assistant.retrieval import get_retriever

    model = get_learned_model()
    assert model is not None
    rel = model.relative(get_retriever().question_terms("red gritty eyes since starting Dupixent, what do I do?"))
    # dupilumab-4 (conjunctivitis is common) or dupilumab-5 (how to treat it): both are the eye passages
    assert max(rel, key=rel.__getitem__) in {"dupilumab-4", "dupilumab-5"}


def test_log_likelihood_matches_scikit_learn() -> None:
    pytest.importorskip("sklearn")
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.naive_bayes import MultinomialNB

    from assistant.learned import LearnedModel, LearnedPassage

    docs = [["eye", "red"], ["eye", "drop"], ["dose", "kg"], ["dose", "weight", "kg"]]
    labels = ["dupilumab-5", "dupilumab-5", "cyclosporine-1", "cyclosporine-1"]
    vec = CountVectorizer(analyzer=lambda w: w, binary=True)
    x = vec.fit_transform(docs)
    nb = MultinomialNB(alpha=0.5, fit_prior=False).fit(x, labels)
    vocab = [str(t) for t in vec.get_feature_names_out()]
    model = LearnedModel(trained_on={"toy": 4}, alpha=0.5, vocabulary=vocab, passages={
        str(c): LearnedPassage(total=float(nb.feature_count_[i].sum()),
                               counts={vocab[j]: float(v) for j, v in enumerate(nb.feature_count_[i]) if v})
        for i, c in enumerate(nb.classes_)})
    query = ["eye", "kg", "red"]
    ours = model.log_likelihoods(query)
    theirs = nb.predict_joint_log_proba(vec.transform([query]))[0] - math.log(1 / len(nb.classes_))
    for i, c in enumerate(nb.classes_):
        assert ours[str(c)] == pytest.approx(theirs[i])


@pytest.mark.parametrize("question", [
    "red gritty eyes since starting Dupixent, what do I do?",  # a lay symptom question
    "methotrexate monitoring bloods?",  # terse
    "BSA 30%, failed 4 weeks of clobetasol, which systemic first?",  # a choice
])
def test_the_model_only_reorders_passages_that_already_match(question: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant import retrieval

    retriever = retrieval.get_retriever()
    with_model = {p.passage_id for p in retriever.search(question, k=58).passages}
    monkeypatch.setattr(retrieval, "get_learned_model", lambda: None)
    without = {p.passage_id for p in retriever.search(question, k=58).passages}
    assert with_model == without
