"""Embeddings for the passage index: an offline, deterministic lexical one (default) and an optional OpenAI one.

The lexical embedding is domain aware: text is NFKC-normalised and lower-cased, brand names and
abbreviations become generic names (``Rinvoq`` → ``upadacitinib``), clinician words in questions
become the guideline's words, words are lightly stemmed, and unigrams plus word bigrams are hashed
(blake2b, so stable across processes) into a fixed-size vector weighted by sublinear tf × idf, where
the idf comes from the indexed passages. Vectors are L2-normalised float32.

chromadb and langchain_openai are imported lazily: ``import assistant.embedding`` imports neither.
The chromadb-facing classes (``LexicalEmbeddingFunction``, ``OpenAIEmbeddingFunction``) are created
and registered with chromadb on first use, so a persisted collection reloads with the same function
and chromadb never falls back to its downloading default model.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import RetrievalError
from .lexicon import DRUG_ALIASES, TERM_SYNONYMS

if TYPE_CHECKING:
    from chromadb.api.types import EmbeddingFunction

__all__ = [
    "DEFAULT_DIM",
    "EMBEDDINGS_ENV",
    "EMBEDDING_PROVIDERS",
    "LEXICAL_NAME",
    "OPENAI_NAME",
    "STOPWORDS",
    "LexicalEmbedder",
    "analyze",
    "get_embedding_function",
    "lexical_embedding_function_class",
    "openai_embedding_function_class",
    "register_embedding_functions",
    "resolve_embedding_name",
    "stem",
]

log = logging.getLogger(__name__)

LEXICAL_NAME = "adguide-lexical"
"""chromadb name of the lexical embedding function."""
OPENAI_NAME = "adguide-openai"
"""chromadb name of the OpenAI embedding function."""
EMBEDDINGS_ENV = "ADGUIDE_EMBEDDINGS"
"""Environment variable choosing the embedding: ``lexical`` (default) or ``openai``."""
DEFAULT_DIM = 1024
"""Dimension of the hashed lexical vectors (the corpus has ~1,300 distinct features)."""
BIGRAM_WEIGHT = 0.5
"""Bigrams add word-order evidence but should not outweigh the words themselves."""
DEFAULT_OPENAI_MODEL = "text-embedding-3-small"

STOPWORDS: frozenset[str] = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing done during each either else ever every few
    for from further had has have having he her here hers him his how i if in into is it its itself just
    me might more most much must my myself no nor not of off on once only or other our ours out over own
    per please same shall she should so some such than that the their theirs them then there these they
    this those through to too under until up upon us very was we were what when where which while who
    whom whose why will with would yet you your yours tell know need want give get got use using used
    patient patients someone somebody anyone thing things something anything okay ok hi hello thanks
    thank drug drugs medication medications medicine medicines""".split()
)
"""Words that carry no guideline meaning; dropped from both questions and passages.

"patient" is here because nearly every passage and question is about patients; "use"/"give" because
they only say that a drug is wanted, which every question about a drug implies; "drug"/"medication"
because the whole guideline is about drugs.
"""

# Morphological variants the suffix stripper cannot join (applied before stemming).
_IRREGULAR: dict[str, str] = {
    "dosage": "dose", "dosages": "dose", "dosed": "dose", "doses": "dose", "dosing": "dose",
    "children": "child", "adolescents": "adolescent", "teens": "adolescent", "elderly": "older",
}

# Hyphens and inner periods stay inside a word so "nb-uvb" and "1.0" reach the lexicon intact.
_WORD_RE = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")
_HASH_KEY = b"adguide-lexical"


def stem(word: str) -> str:
    """A small, deterministic suffix stripper (plurals, -ing, -ed, final -e); numbers are kept as-is."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if not word.isalpha() or len(word) <= 3:
        return word
    w = word
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    stripped = False
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            stripped = True
            break
    # "preferred" -> "preferr" -> "prefer"; keep "ll"/"ss"/"zz" which are part of the root.
    if stripped and len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouslz":
        w = w[:-1]
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    # Dashes and slashes separate words in the guideline ("adherence versus ... efficacy—address").
    return re.sub(r"[\u2010-\u2015/]", " ", text)


@functools.cache
def _phrase_tables() -> tuple[dict[tuple[str, ...], tuple[str, ...]], dict[tuple[str, ...], tuple[str, ...]], int]:
    """Alias and synonym phrases as word tuples → replacement words, and the longest phrase length."""

    def words(text: str) -> tuple[str, ...]:
        return tuple(_WORD_RE.findall(_normalise(text.replace("_", " "))))

    def table(mapping: Mapping[str, str]) -> dict[tuple[str, ...], tuple[str, ...]]:
        out: dict[tuple[str, ...], tuple[str, ...]] = {}
        for key, value in mapping.items():
            out.setdefault(words(key), words(value))
        # Stemmed keys as a fallback, so "needle" finds the "needles" entry and "Rinvoqs" still maps.
        for key, value in mapping.items():
            out.setdefault(_stem_phrase(words(key)), words(value))
        return out

    drugs, terms = table(DRUG_ALIASES), table(TERM_SYNONYMS)
    longest = max(len(p) for p in (*drugs, *terms))
    return drugs, terms, longest


def _stem_phrase(phrase: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(stem(w) for w in phrase)


def _split(word: str) -> list[str]:
    """A hyphenated word becomes its parts; numbers like ``1.0`` stay whole."""
    parts = [p for p in word.split("-") if p]
    out: list[str] = []
    for p in parts:
        out.extend([p] if re.fullmatch(r"[0-9.]+", p) else [q for q in p.split(".") if q])
    return out


def analyze(text: str, *, query: bool = False, vocabulary: Iterable[str] | None = None) -> list[str]:
    """The content terms of ``text``, in order: normalised, alias-expanded, stemmed, stopwords removed.

    Brand names and abbreviations always become the generic name. With ``query`` the clinician synonyms
    are expanded too (``pink eye`` → ``conjunctivitis``); the original words are kept only when they occur
    in ``vocabulary`` (the indexed passages' terms), so a word the guideline also uses is not lost.
    """
    drugs, terms, longest = _phrase_tables()
    vocab = frozenset(vocabulary or ())
    words = _WORD_RE.findall(_normalise(text))
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            phrase = tuple(words[i : i + n])
            stemmed = _stem_phrase(phrase)
            key = phrase if phrase in drugs else stemmed
            if key in drugs:
                replacement: tuple[str, ...] = drugs[key]
                break
            key = phrase if phrase in terms else stemmed
            if query and key in terms:
                kept = tuple(w for w in phrase if all(stem(p) in vocab for p in _split(w)))
                replacement = kept + terms[key]
                break
        else:
            n, replacement = 1, (words[i],)
        for word in replacement:
            for part in _split(word):
                term = stem(part)
                if term not in STOPWORDS and part not in STOPWORDS and (len(term) > 1 or term.isdigit()):
                    out.append(term)
        i += n
    return out


def _features(terms: Sequence[str]) -> Counter[str]:
    """Unigram and bigram counts (bigrams prefixed so they never collide with a word by name)."""
    feats: Counter[str] = Counter(terms)
    feats.update(f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False))
    return feats


def _bucket(feature: str, dim: int) -> tuple[int, float]:
    """Stable (index, sign) for a feature: blake2b, not Python's per-process salted ``hash``."""
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8, key=_HASH_KEY).digest()
    value = int.from_bytes(digest, "big")
    return value % dim, (1.0 if value >> 63 == 0 else -1.0)


class LexicalEmbedder:
    """The lexical embedding itself (numpy only): analyse, weight by tf × idf, hash, normalise."""

    def __init__(self, df: Mapping[str, int] | None = None, n_docs: int = 0, dim: int = DEFAULT_DIM) -> None:
        if dim < 16:
            raise ValueError(f"dim must be at least 16 (got {dim})")
        self.dim = int(dim)
        self.n_docs = int(n_docs)
        # Sorted so get_config() is byte-identical however the counts were built.
        counts = df or {}
        self.df: dict[str, int] = {k: int(counts[k]) for k in sorted(counts)}
        self.vocabulary: frozenset[str] = frozenset(k for k in self.df if " " not in k)

    @classmethod
    def fit(cls, documents: Iterable[str], dim: int = DEFAULT_DIM) -> LexicalEmbedder:
        """Document frequencies of every feature in ``documents`` (the indexed passage texts)."""
        df: Counter[str] = Counter()
        n = 0
        for doc in documents:
            df.update(set(_features(analyze(doc))))
            n += 1
        return cls(df, n, dim)

    def idf(self, feature: str) -> float:
        """Smoothed idf; a feature never seen in the passages gets the largest value."""
        return math.log((1 + self.n_docs) / (1 + self.df.get(feature, 0))) + 1.0

    def terms(self, text: str, *, query: bool = False) -> list[str]:
        """``analyze`` with this embedder's vocabulary."""
        return analyze(text, query=query, vocabulary=self.vocabulary)

    def vector(self, terms: Sequence[str]) -> np.ndarray:
        """The L2-normalised float32 vector of already analysed terms (all zeros for no terms)."""
        vec = np.zeros(self.dim, dtype=np.float64)
        for feature, tf in sorted(_features(terms).items()):
            weight = (1.0 + math.log(tf)) * self.idf(feature)
            if " " in feature:
                weight *= BIGRAM_WEIGHT
            index, sign = _bucket(feature, self.dim)
            vec[index] += sign * weight
        norm = float(np.linalg.norm(vec))
        return (vec / norm if norm > 0 else vec).astype(np.float32)

    def embed(self, texts: Sequence[str], *, query: bool = False) -> list[np.ndarray]:
        """One vector per text; ``query`` also expands clinician synonyms."""
        return [self.vector(self.terms(t, query=query)) for t in texts]

    def get_config(self) -> dict[str, Any]:
        """Everything needed to rebuild an identical embedder (JSON-serialisable)."""
        return {"dim": self.dim, "n_docs": self.n_docs, "df": dict(self.df)}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LexicalEmbedder:
        """Inverse of ``get_config``."""
        return cls(config.get("df") or {}, int(config.get("n_docs", 0)), int(config.get("dim", DEFAULT_DIM)))


class _LexicalMixin:
    """chromadb ``EmbeddingFunction`` protocol methods around a ``LexicalEmbedder``."""

    def __init__(self, embedder: LexicalEmbedder | None = None) -> None:
        self.embedder = embedder if embedder is not None else LexicalEmbedder()

    def __call__(self, input: Sequence[str]) -> list[np.ndarray]:  # chromadb checks the parameter name
        return self.embedder.embed(list(input))

    def embed_query(self, input: Sequence[str]) -> list[np.ndarray]:
        return self.embedder.embed(list(input), query=True)

    @staticmethod
    def name() -> str:
        return LEXICAL_NAME

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return self.embedder.get_config()

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> Any:
        return lexical_embedding_function_class()(LexicalEmbedder.from_config(config))

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        if int(config.get("dim", DEFAULT_DIM)) < 16:
            raise ValueError("adguide-lexical: dim must be at least 16")

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        # Changing dim or idf would silently mismatch the stored vectors: rebuild the collection instead.
        if old_config != new_config:
            raise ValueError("adguide-lexical config cannot change; rebuild the index instead")


class _OpenAIMixin:
    """chromadb ``EmbeddingFunction`` around langchain_openai (used only when explicitly configured)."""

    def __init__(self, model: str = DEFAULT_OPENAI_MODEL) -> None:
        self.model = model
        self._client: Any = None

    def _embeddings(self) -> Any:
        if self._client is None:
            from langchain_openai import OpenAIEmbeddings  # lazy: optional, networked

            self._client = OpenAIEmbeddings(model=self.model)
        return self._client

    def __call__(self, input: Sequence[str]) -> list[np.ndarray]:
        vectors = self._embeddings().embed_documents(list(input))
        return [np.asarray(v, dtype=np.float32) for v in vectors]

    def embed_query(self, input: Sequence[str]) -> list[np.ndarray]:
        client = self._embeddings()
        return [np.asarray(client.embed_query(t), dtype=np.float32) for t in input]

    @staticmethod
    def name() -> str:
        return OPENAI_NAME

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        # Never the API key: it is read from OPENAI_API_KEY by langchain_openai.
        return {"model": self.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> Any:
        return openai_embedding_function_class()(str(config.get("model", DEFAULT_OPENAI_MODEL)))


@functools.cache
def lexical_embedding_function_class() -> type[EmbeddingFunction[Any]]:
    """The chromadb subclass for the lexical embedding, created and registered on first use."""
    from chromadb.api.types import Documents, EmbeddingFunction
    from chromadb.utils.embedding_functions import register_embedding_function

    # chromadb declares default_space/supported_spaces as methods with other signatures; ours are compatible at run
    class LexicalEmbeddingFunction(_LexicalMixin, EmbeddingFunction[Documents]):  # type: ignore[misc]
        """chromadb embedding function: adguide's offline lexical embedding."""

    LexicalEmbeddingFunction.__qualname__ = "LexicalEmbeddingFunction"
    register_embedding_function(LexicalEmbeddingFunction)  # type: ignore[no-untyped-call]
    return LexicalEmbeddingFunction


@functools.cache
def openai_embedding_function_class() -> type[EmbeddingFunction[Any]]:
    """The chromadb subclass for OpenAI embeddings, created and registered on first use."""
    from chromadb.api.types import Documents, EmbeddingFunction
    from chromadb.utils.embedding_functions import register_embedding_function

    class OpenAIEmbeddingFunction(_OpenAIMixin, EmbeddingFunction[Documents]):  # type: ignore[misc]
        """chromadb embedding function: OpenAI embeddings via langchain_openai."""

    OpenAIEmbeddingFunction.__qualname__ = "OpenAIEmbeddingFunction"
    register_embedding_function(OpenAIEmbeddingFunction)  # type: ignore[no-untyped-call]
    return OpenAIEmbeddingFunction


def register_embedding_functions() -> None:
    """Register adguide's embedding functions with chromadb (needed before opening a persisted collection)."""
    lexical_embedding_function_class()
    openai_embedding_function_class()


def __getattr__(name: str) -> Any:
    # The chromadb classes are built on first access so that importing this module never imports chromadb
    # (they are left out of __all__ so that a star import does not import it either).
    if name == "LexicalEmbeddingFunction":
        return lexical_embedding_function_class()
    if name == "OpenAIEmbeddingFunction":
        return openai_embedding_function_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _default_documents() -> list[str]:
    from .retrieval import corpus_documents  # the indexed texts define the idf

    return [doc for _, doc in corpus_documents()]


def _make_lexical(documents: Sequence[str] | None) -> EmbeddingFunction[Any]:
    docs = list(documents) if documents is not None else _default_documents()
    return lexical_embedding_function_class()(LexicalEmbedder.fit(docs))


def _make_openai(documents: Sequence[str] | None) -> EmbeddingFunction[Any]:
    return openai_embedding_function_class()(os.environ.get("ADGUIDE_OPENAI_EMBEDDING_MODEL", DEFAULT_OPENAI_MODEL))


EMBEDDING_PROVIDERS: dict[str, Callable[[Sequence[str] | None], EmbeddingFunction[Any]]] = {
    "lexical": _make_lexical,
    "openai": _make_openai,
}
"""Provider name → factory taking the documents to index (``None``: the packaged corpus)."""


def resolve_embedding_name(name: str | None = None) -> str:
    """The provider to use: ``name``, else ``$ADGUIDE_EMBEDDINGS``, else ``lexical``.

    OpenAI is used only with ``OPENAI_API_KEY`` set: asked for explicitly without a key it is an error,
    asked for through the environment it falls back to ``lexical`` with a warning (so the app still runs).
    """
    explicit = name is not None
    chosen = (name if name is not None else os.environ.get(EMBEDDINGS_ENV, "") or "lexical").strip().lower()
    if chosen not in EMBEDDING_PROVIDERS:
        raise RetrievalError(f"Unknown embedding {chosen!r}: choose one of {sorted(EMBEDDING_PROVIDERS)}.")
    if chosen == "openai" and not os.environ.get("OPENAI_API_KEY"):
        if explicit:
            raise RetrievalError("OpenAI embeddings need OPENAI_API_KEY; unset it to use the offline lexical one.")
        log.warning("%s=openai but OPENAI_API_KEY is not set: using the offline lexical embedding", EMBEDDINGS_ENV)
        chosen = "lexical"
    return chosen


def get_embedding_function(
    name: str | None = None, *, documents: Sequence[str] | None = None
) -> EmbeddingFunction[Any]:
    """A chromadb embedding function by provider name (see ``resolve_embedding_name``).

    ``documents`` are the texts that will be indexed; the lexical embedding takes its idf from them
    (default: the packaged corpus's citable passages).
    """
    return EMBEDDING_PROVIDERS[resolve_embedding_name(name)](documents)
