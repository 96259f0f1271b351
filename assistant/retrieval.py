"""Passage retrieval over a persistent chromadb index, with an abstain signal.

Retrieval never decides anything: it supplies verbatim guideline passages as context and says when a
question is outside the guideline (``abstain``). Scores fuse chromadb's cosine similarity with a
BM25 score computed in Python over the same analysed terms; ties break by passage order.

The index lives in ``$ADGUIDE_HOME/index`` (default ``~/.adguide/index``), one collection per corpus
hash and embedding. It is built on first use, rebuilt when the corpus hash changes (collections for
other hashes are deleted), and guarded by a file lock so concurrent processes build it once.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import shutil
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from corpus import Corpus, Passage, get_corpus

from .concepts import ConceptHit, get_concept_matcher
from .embedding import (
    LexicalEmbedder,
    analyze,
    get_embedding_function,
    register_embedding_functions,
    resolve_embedding_name,
)
from .errors import RetrievalError
from .learned import get_learned_model
from .lexicon import DRUG_ALIASES
from .spelling import get_spelling_corrector

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

__all__ = [
    "ABSTAIN_COVERAGE",
    "ABSTAIN_THRESHOLD",
    "HOME_ENV",
    "INDEXED_KINDS",
    "LEARNED_WEIGHT",
    "Retrieval",
    "RetrievedPassage",
    "Retriever",
    "adguide_home",
    "corpus_documents",
    "get_retriever",
    "on_topic_signal",
    "reset_retrievers",
]

log = logging.getLogger(__name__)

HOME_ENV = "ADGUIDE_HOME"
"""Environment variable naming adguide's data folder (default ``~/.adguide``)."""
INDEXED_KINDS = frozenset({"statement", "bullet", "intro"})
"""Passage kinds that can be cited and are therefore indexed (title and headings are context only)."""
INDEX_FORMAT = 1
"""Bumped when the document text or metadata layout changes, forcing a rebuild."""

ABSTAIN_THRESHOLD = 0.6
"""Abstain when the on-topic signal is below this, or when the question is about a condition outside the
guideline (``vocab/outside.yaml``) and does not name atopic dermatitis.

The signal is the idf-weighted share of the question's terms found in the passages (``_coverage``), plus
``ANCHOR_WEIGHT`` times the strongest non-facet concept hit, plus 1 when it names a guideline drug and 0.5
when it names atopic dermatitis. Calibrated on 855 on-topic questions with known passages (the project's
suites and ``evals/retrieval_blind``) and 96 off-topic ones (``evals/retrieval_offtopic`` and the suites'
out-of-scope questions): 0.6 gives 1.1% false abstains and 12.5% false answers; 0.5 gives 0.6% and 14.6%,
0.8 gives 3.5% and 8.3%. After the concept families of session 18, over 989 on-topic and 121 off-topic
questions (retrieval_blind2 included): 0.6 gives 0.4% and 9.9%, 0.8 gives 3.0% and 7.4%.
``adguide eval calibrate`` recomputes the table.
"""
ANCHOR_WEIGHT = 0.5
"""Weight of the strongest guideline concept in the on-topic signal."""
ABSTAIN_COVERAGE = ABSTAIN_THRESHOLD
"""Former name of ``ABSTAIN_THRESHOLD``."""
VECTOR_WEIGHT = 0.31
"""Share of the fused score from chromadb's cosine similarity.

The three shares and ``OTHER_DRUG_FACTOR`` were chosen by a grid search for the best MRR over 855 on-topic
questions of the project's suites and ``evals/retrieval_blind`` (0.741 → 0.753; the landscape is flat: every
setting within ±0.1 of these scores within 0.015). ``evals/retrieval_blind2`` was not used.
"""
BM25_WEIGHT = 0.27
"""Share from BM25 (rank-bm25's Okapi), relative to the best passage."""
CONCEPT_WEIGHT = 0.42
"""Share from the concept map (``corpus/concepts.yaml``), relative to the passage it points to most."""
OTHER_DRUG_FACTOR = 0.4
"""A passage about a drug the question does not name, when it names one, keeps this share of its score."""
LEARNED_WEIGHT = 0.3
"""Added for the learned model's relative posterior (``assistant/learned.py``), on passages already scoring.

Chosen on leave-one-set-out runs over the four blind retrieval sets (train on three, score the fourth): recall@1
rose from 0.82-0.85 to 0.89-0.93 at 0.3-0.4 with recall@3 unchanged; 0.3 kept recall@3 on every fold.
"""
BM25_K1 = 1.2
BM25_B = 0.75
LOCK_TIMEOUT_S = 120.0

_FIX = "Run `adguide index --rebuild`, or delete the folder {path} and try again."


def adguide_home() -> Path:
    """``$ADGUIDE_HOME`` or ``~/.adguide`` (read on every call so tests can point it elsewhere)."""
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else Path.home() / ".adguide"


def _document(passage: Passage) -> str:
    # Headings go into the indexed text so "dupilumab monitoring" finds "Monitoring: Ocular surveillance…"
    # under the Dupilumab heading; the quote handed back stays verbatim.
    parts = [passage.section, passage.subsection or "", passage.quote]
    return "\n".join(p for p in parts if p)


def corpus_documents(corpus: Corpus | None = None) -> list[tuple[Passage, str]]:
    """The citable passages of ``corpus`` (default: the packaged one) with the text indexed for each."""
    corpus = corpus if corpus is not None else get_corpus()
    return [(p, _document(p)) for p in corpus.passages if p.kind in INDEXED_KINDS]


class RetrievedPassage(BaseModel):
    """One guideline passage returned as context."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    passage_id: str
    """The passage's stable id in the corpus (``dupilumab-5``)."""
    score: float
    """Fused relevance in [0, 1 + LEARNED_WEIGHT]: cosine similarity, BM25 and the concept map (shares summing to
    1), plus the learned model's share, weighted as the module says."""
    quote: str
    """The passage's citable text, verbatim from the guideline."""
    section: str
    """The top-level section heading."""
    subsection: str | None
    """The drug-level heading, if any."""
    refs: tuple[str, ...]
    """Reference markers of the passage (``("2", "4")``)."""


class Retrieval(BaseModel):
    """The answer of ``Retriever.search``: passages, or an abstention with its reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    passages: tuple[RetrievedPassage, ...]
    """Best passages first (empty when abstaining)."""
    abstain: bool
    """True when the question is outside the guideline's vocabulary: do not use retrieved context."""
    reason: str
    """Why it abstained, or which question terms matched and what ranked first."""


class _Index:
    """What a search needs once the collection is open: the collection and the BM25 model (rank-bm25)."""

    def __init__(self, collection: Collection, analyzer: LexicalEmbedder) -> None:
        from rank_bm25 import BM25Okapi

        self.collection = collection
        got = collection.get(include=["documents", "metadatas"])
        rows = sorted(
            zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True),
            key=lambda row: int(str(row[2]["order"])),
        )
        self.ids = [r[0] for r in rows]
        self.order = {r[0]: int(str(r[2]["order"])) for r in rows}  # metadata values are typed loosely by chromadb
        self.meta: dict[str, dict[str, Any]] = {r[0]: dict(r[2]) for r in rows}
        self.analyzer = analyzer
        # An empty document would make rank-bm25 divide by zero; a placeholder term matches nothing.
        self._bm25 = BM25Okapi([analyzer.terms(doc) or ["\x00"] for _, doc, _ in rows] or [["\x00"]],
                               k1=BM25_K1, b=BM25_B)

    def bm25(self, terms: Sequence[str]) -> list[float]:
        """BM25 score of every passage (in ``ids`` order) for the analysed query terms, each counted once."""
        if not self.ids:
            return []
        return [float(x) for x in self._bm25.get_scores(sorted(set(terms)))]


class Retriever:
    """Searches the guideline's citable passages held in a persistent chromadb collection.

    Construction is cheap; the index is opened (and built if needed) on first use, under a lock.
    """

    def __init__(
        self, corpus: Corpus | None = None, *, home: Path | str | None = None, embedding: str | None = None
    ) -> None:
        self.corpus = corpus if corpus is not None else get_corpus()
        self.home = Path(home).expanduser() if home is not None else adguide_home()
        self.embedding = resolve_embedding_name(embedding)
        self.builds = 0
        """How many times this instance built the collection (0 when it reused a persisted one)."""
        self._documents = corpus_documents(self.corpus)
        self._lock = threading.RLock()
        self._client: ClientAPI | None = None
        self._index: _Index | None = None

    @property
    def index_dir(self) -> Path:
        """The chromadb folder."""
        return self.home / "index"

    @property
    def collection_name(self) -> str:
        """``adguide-<corpus sha256[:12]>-<embedding>``."""
        return f"adguide-{self.corpus.sha256[:12]}-{self.embedding}"

    @property
    def collection(self) -> Collection:
        """The open collection (opening or building it if needed)."""
        return self._ensure().collection

    # -- index lifecycle -------------------------------------------------------------------------

    def _open_client(self) -> ClientAPI:
        if self._client is None:
            import chromadb
            from chromadb.config import Settings

            register_embedding_functions()  # before any collection is loaded from its stored config
            try:
                self.index_dir.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(
                    path=str(self.index_dir), settings=Settings(anonymized_telemetry=False, allow_reset=True)
                )
                self._client.heartbeat()
            except Exception as exc:
                raise RetrievalError(
                    f"Cannot open the passage index at {self.index_dir}: {exc}. " + _FIX.format(path=self.index_dir)
                ) from exc
        return self._client

    def _file_lock(self) -> Any:
        from filelock import FileLock  # installed with chromadb

        self.home.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.home / "index.lock"), timeout=LOCK_TIMEOUT_S)

    def _ensure(self) -> _Index:
        index = self._index
        if index is not None:
            return index
        with self._lock:
            if self._index is None:
                self._index = self._open(force=False)
            return self._index

    def rebuild(self) -> None:
        """Drop and rebuild this corpus's collection (``adguide index --rebuild``).

        An index folder chromadb cannot open at all is deleted and recreated.
        """
        with self._lock:
            self._index = None
            self._index = self._open(force=True)

    def _open(self, *, force: bool) -> _Index:
        from filelock import Timeout

        fix = _FIX.format(path=self.index_dir)
        try:
            # The client is opened under the lock too: chromadb creates its sqlite schema on first open.
            with self._file_lock():
                try:
                    client = self._open_client()
                except RetrievalError:
                    if not force:
                        raise
                    # An explicit rebuild may wipe an unreadable index: it only holds derived data.
                    log.warning("passage index at %s is unreadable: deleting it to rebuild", self.index_dir)
                    shutil.rmtree(self.index_dir, ignore_errors=True)
                    client = self._open_client()
                try:
                    self._drop_stale(client)
                    collection = None if force else self._existing(client)
                    if collection is None:
                        collection = self._build(client)
                    return _Index(collection, self._analyzer(collection))
                except RetrievalError:
                    raise
                except Exception as exc:
                    raise RetrievalError(f"The passage index at {self.index_dir} is unusable: {exc}. {fix}") from exc
        except Timeout as exc:
            raise RetrievalError(
                f"Timed out after {LOCK_TIMEOUT_S:.0f} s waiting for another process building the index "
                f"({self.home / 'index.lock'}). If none is running, delete that lock file."
            ) from exc

    def _analyzer(self, collection: Collection) -> LexicalEmbedder:
        ef = getattr(collection, "_embedding_function", None)
        embedder = getattr(ef, "embedder", None)
        if isinstance(embedder, LexicalEmbedder):
            return embedder
        # Other embeddings still need the lexical statistics for BM25 and the abstain signal.
        return LexicalEmbedder.fit(doc for _, doc in self._documents)

    def _drop_stale(self, client: ClientAPI) -> None:
        """Delete adguide collections made for another corpus hash (or an older index format)."""
        for col in client.list_collections():
            meta = col.metadata or {}
            if not col.name.startswith("adguide-") or col.name == self.collection_name:
                continue
            if meta.get("corpus_sha256") != self.corpus.sha256 or meta.get("index_format") != INDEX_FORMAT:
                log.info("deleting stale passage collection %s", col.name)
                client.delete_collection(col.name)

    def _existing(self, client: ClientAPI) -> Collection | None:
        """The persisted collection if it is complete and matches this corpus, else ``None`` (after deleting it)."""
        names = {c.name for c in client.list_collections()}
        if self.collection_name not in names:
            return None
        collection = client.get_collection(self.collection_name, embedding_function=self._embedding_function())
        meta = collection.metadata or {}
        if (
            meta.get("complete") is True
            and meta.get("corpus_sha256") == self.corpus.sha256
            and meta.get("index_format") == INDEX_FORMAT
            and collection.count() == len(self._documents)
        ):
            return collection
        log.warning("passage collection %s is incomplete or outdated: rebuilding", self.collection_name)
        client.delete_collection(self.collection_name)
        return None

    def _embedding_function(self) -> Any:
        return get_embedding_function(self.embedding, documents=[doc for _, doc in self._documents])

    def _metadata(self, ef: Any, *, complete: bool, built_at: str) -> dict[str, Any]:
        return {
            "corpus_sha256": self.corpus.sha256,
            "corpus_source": self.corpus.source_id,
            "embedding": ef.name(),
            "index_format": INDEX_FORMAT,
            "built_at": built_at,
            "complete": complete,
        }

    def _build(self, client: ClientAPI) -> Collection:
        started = time.perf_counter()
        if self.collection_name in {c.name for c in client.list_collections()}:
            client.delete_collection(self.collection_name)
        ef = self._embedding_function()
        built_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        collection = client.create_collection(
            self.collection_name,
            configuration={"hnsw": {"space": "cosine"}},
            metadata=self._metadata(ef, complete=False, built_at=built_at),
            embedding_function=ef,
        )
        if self._documents:
            collection.add(
                ids=[p.id for p, _ in self._documents],
                documents=[doc for _, doc in self._documents],
                metadatas=[
                    {
                        "order": i,
                        "kind": p.kind,
                        "section": p.section,
                        "subsection": p.subsection or "",
                        "quote": p.quote,
                        "refs": ",".join(p.refs),
                    }
                    for i, (p, _) in enumerate(self._documents)
                ],
            )
        # Marked complete only after every passage is in, so a crash mid-build is detected next time.
        collection.modify(metadata=self._metadata(ef, complete=True, built_at=built_at))
        self.builds += 1
        log.info("built %s (%d passages) in %.0f ms", self.collection_name, len(self._documents),
                 (time.perf_counter() - started) * 1000)
        return collection

    # -- search ----------------------------------------------------------------------------------

    def on_topic(self, question: str) -> tuple[float, list[str]]:
        """The abstain gate's inputs for ``question``: its on-topic signal and the outside conditions it names."""
        analyzer = self._ensure().analyzer
        question = get_spelling_corrector().correct(question)
        terms = analyzer.terms(question, query=True)
        coverage, known, _ = _coverage(analyzer, terms)
        matcher = get_concept_matcher()
        signal = on_topic_signal(coverage, matcher.match(question), named_drug=any(t in _drug_terms() for t in known),
                                 names_ad=matcher.names_ad(question))
        return signal, matcher.outside(question)

    def question_terms(self, question: str) -> list[str]:
        """The terms the index reads in ``question`` (spelling corrected, synonyms expanded): what is scored, and
        what the learned model was trained on."""
        return self._ensure().analyzer.terms(get_spelling_corrector().correct(question), query=True)

    def search(self, question: str, k: int = 4) -> Retrieval:
        """The ``k`` passages most relevant to ``question``, or an abstention."""
        if k < 1:
            raise ValueError(f"k must be at least 1 (got {k})")
        if not question or not question.strip():
            return Retrieval(passages=(), abstain=True, reason="Empty question.")
        index = self._ensure()
        analyzer = index.analyzer
        question = get_spelling_corrector().correct(question)  # "eczma" → "eczema", for matching only
        terms = analyzer.terms(question, query=True)
        coverage, known, unknown = _coverage(analyzer, terms)
        drugs = [t for t in known if t in _drug_terms()]
        matcher = get_concept_matcher()
        hits = matcher.match(question)
        signal = on_topic_signal(coverage, hits, named_drug=bool(drugs), names_ad=matcher.names_ad(question))
        outside = matcher.outside(question)
        if outside or signal < ABSTAIN_THRESHOLD:
            if outside:
                why = f"It is about {', '.join(outside)}, which the guideline does not cover"
            else:
                why = ("No guideline terms in the question" if not known else f"Only {', '.join(known)} matched") + (
                    f" (signal {signal:.2f} < {ABSTAIN_THRESHOLD})")
            unknown_txt = f"; unknown: {', '.join(unknown)}" if unknown else ""
            return Retrieval(
                passages=(),
                abstain=True,
                reason=f"{why}{unknown_txt}: the question looks outside the guideline.",
            )
        concept = matcher.passage_scores(hits)
        top_concept = max(concept.values(), default=0.0)
        named = matcher.named_drugs(hits)

        try:
            result = index.collection.query(
                query_texts=[question], n_results=len(index.ids), include=["distances"]
            )
        except Exception as exc:
            fix = _FIX.format(path=self.index_dir)
            raise RetrievalError(f"Querying the passage index failed: {exc}. {fix}") from exc
        distances = (result["distances"] or [[]])[0]
        cosine = {pid: 1.0 - float(d) for pid, d in zip(result["ids"][0], distances, strict=True)}
        bm25 = index.bm25(terms)
        top_bm25 = max(bm25, default=0.0)
        model = get_learned_model()
        learned = model.relative(terms) if model is not None else {}
        scored = []
        for pid, lex in zip(index.ids, bm25, strict=True):
            lex_n = lex / top_bm25 if top_bm25 > 0 else 0.0
            con_n = concept.get(pid, 0.0) / top_concept if top_concept > 0 else 0.0
            score = VECTOR_WEIGHT * max(cosine.get(pid, 0.0), 0.0) + BM25_WEIGHT * lex_n + CONCEPT_WEIGHT * con_n
            owner = matcher.owner.get(pid)
            if named and owner is not None and owner not in named:
                score *= OTHER_DRUG_FACTOR
            if score > 0:
                # what labelled questions worded like this one were answered by (added last, as it was validated);
                # it only reorders passages the question already matches, never brings in one it does not
                score += LEARNED_WEIGHT * learned.get(pid, 0.0)
                scored.append((round(score, 6), pid))
        # Rounded so float noise cannot reorder equal scores; then passage order decides.
        scored.sort(key=lambda s: (-s[0], index.order[s[1]]))
        passages = tuple(_retrieved(pid, score, index.meta[pid]) for score, pid in scored[:k])
        if not passages:
            return Retrieval(passages=(), abstain=True, reason=f"No passage scored above zero for {', '.join(terms)}.")
        return Retrieval(
            passages=passages,
            abstain=False,
            reason=f"Matched {', '.join(known)} (coverage {coverage:.2f})"
            + (f"; concepts {', '.join(h.concept.id for h in hits)}" if hits else "")
            + f"; top {passages[0].passage_id} ({passages[0].score:.2f}).",
        )


def on_topic_signal(coverage: float, hits: Sequence[ConceptHit], *, named_drug: bool, names_ad: bool) -> float:
    """How clearly a question is about the guideline (see ``ABSTAIN_THRESHOLD``)."""
    anchor = max((h.weight / math.sqrt(len(h.concept.passages)) for h in hits if not h.concept.facet), default=0.0)
    return coverage + ANCHOR_WEIGHT * anchor + (1.0 if named_drug else 0.0) + (0.5 if names_ad else 0.0)


def _coverage(analyzer: LexicalEmbedder, terms: Sequence[str]) -> tuple[float, list[str], list[str]]:
    """idf-weighted share of the question's (non-numeric) terms that occur in the indexed passages."""
    unique = [t for t in dict.fromkeys(terms) if not t.replace(".", "").isdigit()]
    if not unique:
        return 0.0, [], []
    known = [t for t in unique if t in analyzer.vocabulary]
    unknown = [t for t in unique if t not in analyzer.vocabulary]
    total = sum(analyzer.idf(t) for t in unique)
    return sum(analyzer.idf(t) for t in known) / total, known, unknown


@functools.cache
def _drug_terms() -> frozenset[str]:
    """The analysed generic drug names (``cyclosporine`` → ``cyclosporin``): naming one anchors a question."""
    return frozenset(analyze(generic.replace("_", " "))[-1] for generic in set(DRUG_ALIASES.values()))


def _retrieved(pid: str, score: float, meta: dict[str, Any]) -> RetrievedPassage:
    refs = str(meta.get("refs") or "")
    return RetrievedPassage(
        passage_id=pid,
        score=score,
        quote=str(meta["quote"]),
        section=str(meta["section"]),
        subsection=str(meta.get("subsection") or "") or None,
        refs=tuple(r for r in refs.split(",") if r),
    )


_retrievers: dict[tuple[Path, str], Retriever] = {}
_retrievers_lock = threading.Lock()


def get_retriever() -> Retriever:
    """The process-wide retriever for the packaged corpus, ``$ADGUIDE_HOME`` and ``$ADGUIDE_EMBEDDINGS``."""
    key = (adguide_home().resolve(), resolve_embedding_name())
    with _retrievers_lock:
        retriever = _retrievers.get(key)
        if retriever is None:
            retriever = _retrievers[key] = Retriever(home=key[0], embedding=key[1])
    return retriever


def reset_retrievers() -> None:
    """Forget cached retrievers (tests, or after ``adguide index --rebuild`` in another process)."""
    with _retrievers_lock:
        _retrievers.clear()
