"""The offline lexical embedding: deterministic, domain aware, registered with chromadb, lazily imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.embedding import (
    DEFAULT_DIM,
    LEXICAL_NAME,
    OPENAI_NAME,
    LexicalEmbedder,
    analyze,
    get_embedding_function,
    resolve_embedding_name,
    stem,
)
from assistant.errors import AssistantError, RetrievalError

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "Dupilumab conjunctivitis: preservative-free lubricants",
    "Rinvoq 15 mg once daily in patients ≥65 years",
    "pink eye on Dupixent",
    "",
]
VECTOR_SCRIPT = """
import hashlib, numpy as np
from assistant.embedding import get_embedding_function
ef = get_embedding_function("lexical")
docs = ef(["Dupilumab conjunctivitis: preservative-free lubricants", "MTX weekly dose"])
query = ef.embed_query(["pink eye on Dupixent"])
print(hashlib.sha256(b"".join(np.asarray(v, dtype=np.float32).tobytes() for v in [*docs, *query])).hexdigest())
"""


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("ADGUIDE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ADGUIDE_EMBEDDINGS", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def _digest(vectors) -> str:
    import hashlib

    return hashlib.sha256(b"".join(np.asarray(v, dtype=np.float32).tobytes() for v in vectors)).hexdigest()


def _subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"ADGUIDE_EMBEDDINGS", "OPENAI_API_KEY"}}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def test_two_fresh_instances_give_identical_vectors():
    a, b = get_embedding_function(), get_embedding_function()
    assert a is not b
    for va, vb in zip(a(TEXTS), b(TEXTS), strict=True):
        assert np.array_equal(va, vb)
    for va, vb in zip(a.embed_query(TEXTS), b.embed_query(TEXTS), strict=True):
        assert np.array_equal(va, vb)


def test_vectors_are_identical_across_processes_with_different_hash_seeds():
    # Python's str hash is salted per process; the feature hash must not be.
    digests = set()
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", VECTOR_SCRIPT], cwd=ROOT, env=_subprocess_env(PYTHONHASHSEED=seed),
            capture_output=True, text=True, timeout=120, check=True,
        )
        digests.add(out.stdout.strip().splitlines()[-1])
    ef = get_embedding_function("lexical")
    here = _digest([*ef(["Dupilumab conjunctivitis: preservative-free lubricants", "MTX weekly dose"]),
                    *ef.embed_query(["pink eye on Dupixent"])])
    assert digests == {here}


def test_vectors_are_unit_float32_of_fixed_dimension():
    ef = get_embedding_function()
    vectors = ef(TEXTS)
    for text, v in zip(TEXTS, vectors, strict=True):
        assert v.dtype == np.float32 and v.shape == (DEFAULT_DIM,)
        expected = 0.0 if not analyze(text) else 1.0
        assert float(np.linalg.norm(v)) == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize(
    ("brand", "generic"),
    [
        ("Rinvoq dosing", "upadacitinib dosing"),
        ("Dupixent conjunctivitis", "dupilumab conjunctivitis"),
        ("CsA monitoring", "cyclosporine monitoring"),
        ("MMF teratogenicity", "mycophenolate teratogenicity"),
        ("Cibinqo", "abrocitinib"),
    ],
)
def test_brand_names_embed_like_generics(brand, generic):
    ef = get_embedding_function()
    assert analyze(brand) == analyze(generic)
    assert np.array_equal(ef.embed_query([brand])[0], ef.embed_query([generic])[0])


def test_analyze_normalises_expands_and_stems():
    assert analyze("Patients on DUPIXENT") == ["dupilumab"]  # "patient" is a stopword
    assert analyze("prednisone") == ["systemic", "corticosteroid"]
    assert analyze("mycophenolate mofetil") == ["mycophenolat"]  # a two-word alias
    # Clinician synonyms only expand in questions, never in the indexed passages.
    assert "conjunctivitis" in analyze("pink eye", query=True)
    assert "conjunctivitis" not in analyze("pink eye")
    assert "injection" in analyze("afraid of needle", query=True)  # singular finds the "needles" entry
    # NFKC: full-width letters and the ligature fold to plain ones.
    assert analyze("ｄｕｐｉｌｕｍａｂ") == ["dupilumab"]
    assert analyze("ﬂares") == analyze("flares")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("injections", "injection"), ("therapies", "therapy"), ("biologics", "biologic"), ("dosing", "dose"),
        ("doses", "dose"), ("monitoring", "monitor"), ("conjunctivitis", "conjunctivitis"), ("15", "15"),
        ("preferred", "prefer"), ("mg", "mg"),
    ],
)
def test_stem(word, expected):
    assert stem(word) == expected


def test_synonym_original_is_kept_when_the_guideline_uses_it():
    ef = get_embedding_function()
    vocabulary = ef.embedder.vocabulary
    # "itch" is a guideline word ("itch control") and maps to "pruritus itch": both survive.
    assert analyze("itch", query=True, vocabulary=vocabulary).count("itch") >= 1
    # "pregnant" is not: only the guideline's word remains.
    assert analyze("pregnant", query=True, vocabulary=vocabulary) == ["teratogenicity"]


def test_idf_comes_from_the_documents_and_is_deterministic():
    docs = ["dupilumab dosing", "dupilumab conjunctivitis", "methotrexate dosing"]
    a, b = LexicalEmbedder.fit(docs), LexicalEmbedder.fit(reversed(docs))
    assert a.get_config() == b.get_config()
    assert (a.n_docs, a.df["dupilumab"], a.df["conjunctivitis"]) == (3, 2, 1)
    assert a.idf("conjunctivitis") > a.idf("dupilumab") > 0
    assert a.idf("psoriasis") > a.idf("conjunctivitis")  # unseen words weigh the most


def test_config_round_trip_and_chromadb_registration():
    from chromadb.utils.embedding_functions import config_to_embedding_function, known_embedding_functions

    ef = get_embedding_function()
    assert ef.name() == LEXICAL_NAME
    assert known_embedding_functions[LEXICAL_NAME] is type(ef)
    assert not ef.is_legacy()
    rebuilt = config_to_embedding_function({"name": LEXICAL_NAME, "config": ef.get_config()})
    assert type(rebuilt) is type(ef)
    for va, vb in zip(ef.embed_query(TEXTS), rebuilt.embed_query(TEXTS), strict=True):
        assert np.array_equal(va, vb)
    assert ef.default_space() == "cosine"


def test_openai_is_used_only_with_an_api_key(monkeypatch):
    monkeypatch.setenv("ADGUIDE_EMBEDDINGS", "openai")
    assert resolve_embedding_name() == "lexical"  # no key: falls back, the app keeps working offline
    with pytest.raises(RetrievalError, match="OPENAI_API_KEY"):
        resolve_embedding_name("openai")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-used")
    assert resolve_embedding_name() == "openai"
    ef = get_embedding_function()
    assert ef.name() == OPENAI_NAME
    assert "sk-test" not in repr(ef.get_config())  # the key is never persisted in chromadb's config
    monkeypatch.delenv("ADGUIDE_EMBEDDINGS")
    assert resolve_embedding_name() == "lexical"


def test_unknown_provider_is_refused():
    with pytest.raises(RetrievalError, match="Unknown embedding"):
        get_embedding_function("word2vec")
    assert issubclass(RetrievalError, AssistantError)


def test_import_assistant_does_not_import_chromadb_or_langchain_openai():
    code = (
        "import sys, assistant, assistant.embedding, assistant.retrieval; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'chromadb', 'langchain_openai', 'onnxruntime'}); "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_subprocess_env(),
                         capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
