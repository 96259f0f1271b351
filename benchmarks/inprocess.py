"""In-process figures: core decision, warm assistant, the ratios, index build, audit write, golden suite."""

from __future__ import annotations

import gc
import itertools
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import Row, dist_row, golden_questions


def _cases(questions: list[str]) -> list[tuple[Any, Any]]:
    """(PatientFacts, Query) pairs: those the golden questions produce, plus a topic × drug × facts grid."""
    from assistant.conversation import Conversation
    from assistant.extract import extract
    from core import DRUGS, PatientFacts, Query, parse_facts

    out: list[tuple[Any, Any]] = []
    for q in questions:
        try:
            turn = Conversation().update(extract(q))
            query = turn.query()
            if query is not None:
                out.append((parse_facts(turn.facts), query))
        except Exception:  # noqa: BLE001 - invalid facts are the extractor's business, not the core's speed
            continue
    facts_grid = [
        PatientFacts(),
        PatientFacts(age_years=72, egfr=25),
        PatientFacts(age_years=40, weight_kg=70),
        PatientFacts(age_years=10, weight_kg=30),
        PatientFacts(age_years=30, bsa_percent=15, iga=3, pruritus_nrs=8, topical_trial_days=28,
                     topical_potency="high", severity_timepoints=2, adherent=True),
        PatientFacts(age_years=55, weight_lb=180, pregnancy_or_planning=True),
    ]
    topics = ["dose", "eligibility", "pre_systemic", "choice", "monitoring", "adverse_effects", "concomitant",
              "response", "overview"]
    for facts, topic, drug in itertools.product(facts_grid, topics, [None, *list(DRUGS)[:6]]):
        try:
            out.append((facts, Query(topic=topic, drug=drug)))  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001
            continue
    return out


def core_decision(questions: list[str], repeat: int = 20) -> Row:
    """``core.decide`` with a prebuilt rulebook over varied facts/queries; one sample per call."""
    from core import build_rulebook, decide
    from corpus import get_corpus

    book = build_rulebook(get_corpus())
    cases = _cases(questions)
    for facts, query in cases:  # warm up
        decide(book, facts, query)
    samples: list[float] = []
    gc.disable()
    try:
        for _ in range(repeat):
            for facts, query in cases:
                t0 = time.perf_counter_ns()
                decide(book, facts, query)
                samples.append((time.perf_counter_ns() - t0) / 1000)
    finally:
        gc.enable()
    med = statistics.median(samples)
    # every check runs on every situation since the fact-driven assessment (issue 9): about six rule families
    # where one ran before, so the target moved from 50 to 150 µs; the user-facing budget is the warm answer
    return dist_row("core assessment (core.decide → assess, every check)", "µs", samples, target="median ≤ 150 µs",
                    ok=med <= 150, note=f"{len(cases)} distinct facts/query pairs × {repeat}")


def assistant_warm(home: Path, questions: list[str], source: str, repeat: int = 5) -> tuple[list[Row], dict[str, Any]]:
    """Warm in-process ``Assistant.ask`` over the questions, plus the core and chromadb shares."""
    from assistant.conversation import Conversation
    from assistant.extract import extract
    from assistant.pipeline import Assistant
    from assistant.retrieval import get_retriever
    from core import decide, parse_facts

    a = Assistant()
    for q in questions:
        a.ask(q)  # warm: index open, caches filled
    samples: list[float] = []
    for _ in range(repeat):
        for q in questions:
            t0 = time.perf_counter_ns()
            a.ask(q)
            samples.append((time.perf_counter_ns() - t0) / 1e6)
    p50, p99 = statistics.median(samples), sorted(samples)[int(0.99 * (len(samples) - 1))]
    rows = [dist_row("assistant warm in-process (ask)", "ms", samples, target="p50 ≤ 10 ms, p99 ≤ 50 ms",
                     ok=p50 <= 10 and p99 <= 50, note=f"{source}, × {repeat}, retrieval on, audit off")]

    # the shares: the core's decide and the chromadb query, on the same questions
    core_s, chroma_s, search_s, extract_s = [], [], [], []
    retriever = get_retriever()
    index = retriever._ensure()
    for _ in range(repeat):
        for q in questions:
            t0 = time.perf_counter_ns()
            ex = extract(q)
            extract_s.append((time.perf_counter_ns() - t0) / 1e6)
            try:
                turn = Conversation().update(ex)
                query = turn.query()
                facts = parse_facts(turn.facts)
            except Exception:  # noqa: BLE001
                query = None
            if query is not None:
                t0 = time.perf_counter_ns()
                decide(a.book, facts, query)
                core_s.append((time.perf_counter_ns() - t0) / 1e6)
            if q.strip():
                t0 = time.perf_counter_ns()
                index.collection.query(query_texts=[q[:2000]], n_results=len(index.ids), include=["distances"])
                chroma_s.append((time.perf_counter_ns() - t0) / 1e6)
                t0 = time.perf_counter_ns()
                retriever.search(q[:2000], k=3)
                search_s.append((time.perf_counter_ns() - t0) / 1e6)
    core_med, chroma_med = statistics.median(core_s), statistics.median(chroma_s)
    rows += [
        dist_row("  of which: extract (regex)", "ms", extract_s),
        dist_row("  of which: core.decide", "ms", core_s),
        dist_row("  of which: chromadb collection.query", "ms", chroma_s),
        dist_row("  of which: Retriever.search (query+BM25)", "ms", search_s),
        Row(name="ratio assistant / core (medians)", unit="×", value=round(p50 / core_med, 1),
            note=f"{p50:.3f} ms / {core_med * 1000:.1f} µs"),
        Row(name="ratio assistant / chromadb query (medians)", unit="×", value=round(p50 / chroma_med, 2),
            note=f"{p50:.3f} ms / {chroma_med:.3f} ms"),
    ]
    return rows, {"assistant": a}


def assistant_with_audit(home: Path, questions: list[str], repeat: int = 3) -> list[Row]:
    """Cost of the audit trail: warm ``ask`` with the default store on, and ``record`` alone per sync level."""
    from assistant.audit import SQLiteAuditStore
    from assistant.pipeline import Assistant

    tmp = Path(tempfile.mkdtemp(prefix="adguide-bench-audit-"))
    store = SQLiteAuditStore(tmp / "a.sqlite")
    audited = Assistant(audit=store)
    for q in questions:
        audited.ask(q)
    samples = []
    for _ in range(repeat):
        for q in questions:
            t0 = time.perf_counter_ns()
            audited.ask(q)
            samples.append((time.perf_counter_ns() - t0) / 1e6)
    p50, p99 = statistics.median(samples), sorted(samples)[int(0.99 * (len(samples) - 1))]
    rows = [dist_row("assistant warm in-process, audit on (default)", "ms", samples,
                     target="p50 ≤ 10 ms, p99 ≤ 50 ms", ok=p50 <= 10 and p99 <= 50,
                     note=f"SQLite synchronous={store.synchronous.upper()}; Assistant(audit=store)")]
    store.close()
    shutil.rmtree(tmp, ignore_errors=True)
    a = Assistant()
    answers = [a.ask(q) for q in questions]
    for sync in ("full", "normal"):
        tmp = Path(tempfile.mkdtemp(prefix="adguide-bench-audit-"))
        store = SQLiteAuditStore(tmp / "a.sqlite", synchronous=sync)  # type: ignore[arg-type]
        samples = []
        for _ in range(repeat):
            for ans in answers:
                t0 = time.perf_counter_ns()
                store.record(ans)
                samples.append((time.perf_counter_ns() - t0) / 1e6)
        store.close()
        shutil.rmtree(tmp, ignore_errors=True)
        rows.append(dist_row(f"audit record (SQLite WAL, synchronous={sync.upper()})", "ms", samples,
                             note="one transaction per answer"))
    return rows


def index_build(repeat: int = 3) -> Row:
    """Index build from scratch in a fresh ADGUIDE_HOME (chromadb already imported; client open included)."""
    from assistant.retrieval import Retriever

    warm = Path(tempfile.mkdtemp(prefix="adguide-bench-warm-"))
    _ = Retriever(home=warm).collection  # imports chromadb once, outside the timing
    shutil.rmtree(warm, ignore_errors=True)
    samples = []
    for _ in range(repeat):
        tmp = Path(tempfile.mkdtemp(prefix="adguide-bench-index-"))
        r = Retriever(home=tmp)
        t0 = time.perf_counter()
        _ = r.collection  # opens the client and builds the collection
        samples.append(time.perf_counter() - t0)
        assert r.builds == 1
        shutil.rmtree(tmp, ignore_errors=True)
    med = statistics.median(samples)
    return dist_row("index build from scratch (in-process)", "s", samples, target="≤ 2 s", ok=med <= 2,
                    note=f"median of {repeat} fresh homes")


def golden_suite() -> Row:
    """The whole offline golden suite, in process (``evals.runner.run_suite``), a fresh assistant included."""
    try:
        from evals.runner import run_suite
    except Exception as exc:  # noqa: BLE001
        return Row(name="golden suite end to end (offline)", unit="s", verdict="SKIP", target="≤ 10 s",
                   note=f"evals has no runner: {exc}")
    t0 = time.perf_counter()
    run = run_suite(mode="offline", baseline=None)
    elapsed = time.perf_counter() - t0
    s = run.summary
    return Row(name="golden suite end to end (offline)", unit="s", n=s.total, value=round(elapsed, 3),
               target="≤ 10 s", verdict="PASS" if elapsed <= 10 else "MISS",
               note=f"{s.passed}/{s.total} passed; evals.runner.run_suite in process, assistant built inside")


LONG_INPUT_CHUNKS = (
    "72 yo on upadacitinib 15 mg, eGFR 22, crusting, hands. ", "1", " ", "a", "9.", "dupixant ", "xyzzyq ",
    "18/52 ", "200 bid ", "G2P1 at 20 wks ", "for autoimmune hepatitis ", "policy is approved ",
    "allegra 180 bid ", "NB-UVB unit 10 min from ", "week 1",
)
"""Repeated to 100 kB: shapes that once made the regex extractor slow (it must stay linear)."""


def extract_long_input(size: int = 100_000) -> Row:
    """Worst-case ``extract`` time on 100 kB of each repeated chunk (the pipeline refuses such input; the
    extractor itself must still never hang on it)."""
    from assistant.extract import extract

    samples = []
    for chunk in LONG_INPUT_CHUNKS:
        text = (chunk * (size // len(chunk) + 1))[:size]
        t0 = time.perf_counter()
        extract(text)
        samples.append(time.perf_counter() - t0)
    worst = max(samples)
    return dist_row("extract on 100 kB repeated input (worst chunk)", "s", samples, target="worst ≤ 2 s",
                    ok=worst <= 2, value=round(worst, 3), note=f"{len(samples)} shapes; linear, never hangs")


def run_all(home: Path) -> tuple[list[Row], dict[str, Any]]:
    questions, source = golden_questions()
    rows = [core_decision(questions)]
    warm_rows, extra = assistant_warm(home, questions, source)
    rows += warm_rows
    rows += assistant_with_audit(home, questions)
    rows.append(index_build())
    rows.append(extract_long_input())
    rows.append(golden_suite())
    extra["questions"] = questions
    extra["question_source"] = source
    return rows, extra
