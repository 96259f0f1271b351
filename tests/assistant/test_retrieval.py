"""Passage retrieval over the persistent chromadb index: ranking, abstention, persistence, rebuilds, safety."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from assistant.errors import AssistantError, RetrievalError
from assistant.retrieval import (
    ABSTAIN_COVERAGE,
    INDEXED_KINDS,
    LEARNED_WEIGHT,
    Retrieval,
    Retriever,
    get_retriever,
    reset_retrievers,
)
from corpus import Corpus, get_corpus

ROOT = Path(__file__).resolve().parents[2]

# Questions a clinician asks about the guideline: none may abstain (used to calibrate ABSTAIN_COVERAGE).
CALIBRATION_ON_TOPIC = [
    "dupilumab conjunctivitis", "Rinvoq dosing", "what dose of dupixent", "how do I dose upadacitinib in a 70 year old",
    "what labs for cyclosporine", "methotrexate monitoring", "is mycophenolate safe in pregnancy",
    "can I use prednisone for a flare", "should I prescribe antihistamines for itch", "when is patch testing needed",
    "cyclosporine side effects", "how fast does dupilumab work", "TPMT before azathioprine",
    "tralokinumab recommendation", "JAK inhibitor age limit", "abrocitinib or baricitinib",
    "oral option for needle phobic patient", "what to check before starting systemic therapy",
    "phototherapy before biologics", "eczema herpeticum treatment", "antibiotics to prevent flares", "CsA dose",
    "MTX weekly dose", "second line options if dupilumab unaffordable",
    "how long to try topical steroids before systemic", "BSA and IGA threshold for systemic",
    "quality of life impact hands face", "steroid phobia adherence", "can dupilumab be combined with tacrolimus",
    "renal impairment upadacitinib", "cutaneous lymphoma rule out", "pink eye on dupixent",
    "cold sores on dupilumab", "kidney function on cyclosporine", "is dupilumab first line",
    "which drug has the strongest recommendation", "MMF pediatric dose", "hepatotoxicity methotrexate", "Rinvoq 30 mg",
]
# Questions outside the guideline: all must abstain.
CALIBRATION_OFF_TOPIC = [
    "best biologic for psoriasis", "weather in Paris", "treatment for psoriasis", "what is the capital of France",
    "how to treat acne", "dose of amoxicillin for otitis", "insulin for diabetes", "migraine prophylaxis",
    "rheumatoid arthritis biologic", "covid vaccine schedule", "who won the football game", "hello",
    "lupus nephritis treatment", "statin for cholesterol", "best shampoo for dandruff", "hair loss alopecia",
    "chemotherapy for breast cancer", "asthma inhaler", "weight loss drugs", "psoriasis dose",
]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    monkeypatch.delenv("ADGUIDE_EMBEDDINGS", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    reset_retrievers()
    yield
    reset_retrievers()


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh ADGUIDE_HOME for one test."""
    path = tmp_path / "adguide-home"
    monkeypatch.setenv("ADGUIDE_HOME", str(path))
    return path


@pytest.fixture(scope="module")
def shared() -> Retriever:
    """One retriever over a module-wide temporary ADGUIDE_HOME, for the read-only ranking tests."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="adguide-test-") as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setenv("ADGUIDE_HOME", tmp)
        mp.delenv("ADGUIDE_EMBEDDINGS", raising=False)
        retriever = Retriever()
        assert retriever.collection.count() > 0  # build once
        yield retriever


def _ids(result: Retrieval) -> list[str]:
    return [p.passage_id for p in result.passages]


def _modified_corpus() -> Corpus:
    real = get_corpus()
    text = real.text.replace("conjunctivitis (occurs in ~25%", "conjunctivitis (occurs in ~30%")
    assert text != real.text
    return Corpus.from_text(text, real.manifest)


# -- ranking ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "k", "expected"),
    [
        # The brief's anchor case: both conjunctivitis passages of dupilumab, and nothing else, on top.
        ("dupilumab conjunctivitis", 2, {"dupilumab-4", "dupilumab-5"}),
        # Brand name → generic → the upadacitinib dosing statement.
        ("Rinvoq dosing", 1, {"jak-2"}),
        ("what dose of Dupixent", 1, {"dupilumab-2"}),
        # Abbreviations from the lexicon.
        ("CsA dose", 1, {"cyclosporine-1"}),
        ("MTX weekly dose", 1, {"methotrexate-1"}),
        ("MMF pediatric dose", 1, {"mycophenolate-1"}),
        # Drug heading folded into the document: "Monitoring: CBC, CMP…" under Methotrexate.
        ("methotrexate monitoring", 1, {"methotrexate-2"}),
        ("TPMT before azathioprine", 1, {"azathioprine-2"}),
        # Clinician synonym: pregnancy → teratogenicity.
        ("is mycophenolate safe in pregnancy", 1, {"mycophenolate-3"}),
        ("kidney function on cyclosporine", 1, {"cyclosporine-2"}),
        ("pink eye on dupixent", 2, {"dupilumab-4", "dupilumab-5"}),
        ("cold sores on dupilumab", 1, {"dupilumab-4"}),
        # Systemic steroids: the recommendation against, and the rescue-only bullet.
        # the recommendation against, its rescue-only bullet and the algorithm step, in any order
        ("can I use prednisone for a flare", 3, {"corticosteroids-1", "corticosteroids-2", "algorithm-6"}),
        ("should I prescribe antihistamines for itch", 1, {"pitfalls-4"}),
        ("when is patch testing needed", 2, {"pitfalls-2", "before-systemic-2"}),
        ("antibiotics to prevent flares", 1, {"pitfalls-5"}),
        ("tralokinumab recommendation", 1, {"tralokinumab-1"}),
        ("JAK inhibitor age limit", 1, {"jak-3"}),
        # Patient preference for oral over injections.
        ("oral option for a patient who is afraid of needles", 1, {"jak-4"}),
        ("hepatotoxicity methotrexate", 1, {"methotrexate-3"}),
        ("second line options if dupilumab unaffordable", 1, {"second-line-1"}),
        ("cutaneous lymphoma rule out", 1, {"before-systemic-2"}),
        ("renal impairment upadacitinib", 1, {"jak-2"}),
    ],
)
def test_expected_passages_rank_first(shared, question, k, expected):
    result = shared.search(question, k=k)
    assert not result.abstain, result.reason
    assert set(_ids(result)) == expected, result


def test_brand_names_retrieve_the_same_passages_as_generics(shared):
    pairs = [
        ("Rinvoq dosing", "upadacitinib dosing"),
        ("Dupixent eye problems", "dupilumab eye problems"),
        ("CsA monitoring", "cyclosporine monitoring"),
        ("Imuran TPMT", "azathioprine TPMT"),
    ]
    for brand, generic in pairs:
        a, b = shared.search(brand), shared.search(generic)
        assert _ids(a) == _ids(b) and [p.score for p in a.passages] == [p.score for p in b.passages], (brand, a, b)


def test_results_quote_the_corpus_verbatim_and_skip_headings(shared):
    corpus = get_corpus()
    for question in CALIBRATION_ON_TOPIC:
        for hit in shared.search(question, k=6).passages:
            passage = corpus.passage(hit.passage_id)
            assert passage.kind in INDEXED_KINDS
            assert (hit.quote, hit.section, hit.subsection, hit.refs) == (
                passage.quote, passage.section, passage.subsection, passage.refs)
            assert hit.quote in corpus.text


def test_scores_are_sorted_with_ties_in_passage_order(shared):
    order = {p.id: i for i, p in enumerate(get_corpus().passages)}
    for question in [*CALIBRATION_ON_TOPIC, "CBC CMP", "typical dosing", "adverse effects"]:
        hits = shared.search(question, k=10).passages
        keys = [(-h.score, order[h.passage_id]) for h in hits]
        assert keys == sorted(keys), question
        # the three shares sum to 1; the learned model may add up to LEARNED_WEIGHT on top
        assert all(0 < h.score <= 1.0 + LEARNED_WEIGHT + 1e-9 for h in hits)


def test_search_is_deterministic(shared):
    assert shared.search("dupilumab conjunctivitis", k=8) == shared.search("dupilumab conjunctivitis", k=8)


def test_k_is_respected(shared):
    assert len(shared.search("dupilumab", k=1).passages) == 1
    n_indexed = sum(p.kind in INDEXED_KINDS for p in get_corpus().passages)
    assert len(shared.search("dupilumab", k=500).passages) <= n_indexed
    with pytest.raises(ValueError):
        shared.search("dupilumab", k=0)


# -- abstention ------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["best biologic for psoriasis", "weather in Paris", "", "   \n", "hello?", "!!!"])
def test_abstains_outside_the_guideline(shared, question):
    result = shared.search(question)
    assert result.abstain and result.passages == () and result.reason


def test_abstain_threshold_separates_the_calibration_sets(shared):
    wrongly_abstained = [q for q in CALIBRATION_ON_TOPIC if shared.search(q).abstain]
    wrongly_answered = [q for q in CALIBRATION_OFF_TOPIC if not shared.search(q).abstain]
    assert (wrongly_abstained, wrongly_answered) == ([], [])
    assert 0 < ABSTAIN_COVERAGE < 1


def test_reason_names_the_matched_terms(shared):
    assert "conjunctivitis" in shared.search("dupilumab conjunctivitis").reason
    assert "psoriasis" in shared.search("best biologic for psoriasis").reason


# -- index lifecycle -------------------------------------------------------------------------------


def test_builds_on_first_use_and_records_the_corpus(home):
    retriever = Retriever()
    assert not (home / "index").exists()  # construction is lazy
    collection = retriever.collection
    corpus = get_corpus()
    assert retriever.builds == 1
    assert collection.name == f"adguide-{corpus.sha256[:12]}-lexical"
    assert collection.metadata["corpus_sha256"] == corpus.sha256
    assert collection.metadata["embedding"] == "adguide-lexical"
    assert collection.metadata["complete"] is True
    assert collection.count() == sum(p.kind in INDEXED_KINDS for p in corpus.passages)


def test_second_retriever_on_the_same_folder_does_not_rebuild(home):
    first = Retriever()
    built_at = first.collection.metadata["built_at"]
    second = Retriever()
    assert second.search("dupilumab conjunctivitis") == first.search("dupilumab conjunctivitis")
    assert (first.builds, second.builds) == (1, 0)
    assert second.collection.metadata["built_at"] == built_at


def test_persisted_collection_reloads_with_the_registered_embedding(home, monkeypatch):
    import chromadb
    from chromadb.config import Settings
    from chromadb.utils.embedding_functions import DefaultEmbeddingFunction

    retriever = Retriever()
    name = retriever.collection.name

    # chromadb's default would download an ONNX model: it must never be called.
    def refuse(self, input):
        raise AssertionError("chromadb's default embedding was used")

    monkeypatch.setattr(DefaultEmbeddingFunction, "__call__", refuse)
    client = chromadb.PersistentClient(path=str(home / "index"),
                                       settings=Settings(anonymized_telemetry=False, allow_reset=True))
    collection = client.get_collection(name)  # no embedding function passed: chromadb rebuilds ours from config
    assert collection.configuration["embedding_function"].name() == "adguide-lexical"
    result = collection.query(query_texts=["dupilumab conjunctivitis"], n_results=2)
    assert set(result["ids"][0]) == {"dupilumab-4", "dupilumab-5"}


def test_rebuilds_when_the_corpus_hash_changes_and_drops_the_old_collection(home):
    original = Retriever()
    old = original.collection
    old_name, old_sha = old.name, old.metadata["corpus_sha256"]

    changed = Retriever(_modified_corpus())
    new = changed.collection
    assert changed.builds == 1
    assert new.name != old_name and new.metadata["corpus_sha256"] == changed.corpus.sha256 != old_sha
    client = changed._open_client()
    assert [c.name for c in client.list_collections()] == [new.name]  # the old hash's collection is gone
    hit = changed.search("dupilumab conjunctivitis", k=2)
    assert any("~30%" in p.quote for p in hit.passages)


def test_incomplete_collection_is_rebuilt(home):
    first = Retriever()
    meta = dict(first.collection.metadata)
    meta["complete"] = False  # as if a build had crashed half-way
    first.collection.modify(metadata=meta)
    second = Retriever()
    assert second.collection.metadata["complete"] is True
    assert second.builds == 1


def test_rebuild_forces_a_new_build(home):
    retriever = Retriever()
    retriever.search("dupilumab")
    retriever.rebuild()
    assert retriever.builds == 2
    assert _ids(retriever.search("dupilumab conjunctivitis", k=2)) == ["dupilumab-5", "dupilumab-4"]


def test_corrupt_index_raises_a_clear_error_and_rebuild_repairs_it(home):
    index = home / "index"
    index.mkdir(parents=True)
    (index / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(RetrievalError, match=r"adguide index --rebuild") as info:
        Retriever().search("dupilumab conjunctivitis")
    assert str(index) in str(info.value)
    assert isinstance(info.value, AssistantError)
    repaired = Retriever()
    repaired.rebuild()
    assert not repaired.search("dupilumab conjunctivitis").abstain


def test_build_then_every_calibration_question_is_answered(home):
    # build and query times are `make bench` figures; here: a fresh build answers every on-topic question
    retriever = Retriever()
    assert retriever.collection.count() > 0
    for question in CALIBRATION_ON_TOPIC:
        assert retriever.search(question).passages


# -- process-wide instance, concurrency, isolation -------------------------------------------------


def test_get_retriever_is_cached_per_home(home, monkeypatch, tmp_path):
    assert get_retriever() is get_retriever()
    first = get_retriever()
    monkeypatch.setenv("ADGUIDE_HOME", str(tmp_path / "elsewhere"))
    assert get_retriever() is not first


def test_threads_share_one_build(home):
    results, errors = [], []

    def work():
        try:
            results.append(get_retriever().search("dupilumab conjunctivitis"))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(results) == 8 and all(r == results[0] for r in results)
    assert get_retriever().builds == 1


def test_two_processes_starting_at_once_build_once(home):
    code = (
        "from assistant.retrieval import Retriever; r = Retriever(); "
        "res = r.search('dupilumab conjunctivitis'); print(r.builds, ','.join(p.passage_id for p in res.passages))"
    )
    env = dict(os.environ, ADGUIDE_HOME=str(home), PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    lines = sorted(out.strip().splitlines()[-1] for out, _ in outs)
    builds = [int(line.split()[0]) for line in lines]
    assert sorted(builds) == [0, 1], lines
    assert len({line.split()[1] for line in lines}) == 1


def test_no_network_is_attempted(home, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    retriever = Retriever()
    assert not retriever.search("dupilumab conjunctivitis").abstain
    assert retriever._client.get_settings().anonymized_telemetry is False
