"""Evals page: run the golden suite with a progress bar; per-category results, failures, baseline comparison."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.common import escape_md
from ui.evalrun import DEFAULT_SUITE, EvalOutcome, HarnessUnavailable, run_golden_suite

__all__ = ["main"]


def _run(suite: str) -> None:
    bar = st.progress(0.0, text="Starting…")

    def progress(done: int, total: int, case_id: str) -> None:
        bar.progress(done / total if total else 1.0, text=f"{done}/{total} · {case_id}")

    try:
        outcome = run_golden_suite(suite.strip() or None, progress=progress)
    except HarnessUnavailable as exc:
        bar.empty()
        st.session_state["eval_error"] = str(exc)
        st.session_state.pop("eval_outcome", None)
        return
    bar.progress(1.0, text="Done")
    st.session_state["eval_outcome"] = outcome
    st.session_state.pop("eval_error", None)


def _summary(run: Any) -> None:
    s = run.summary
    cols = st.columns(4)
    cols[0].metric("Pass rate", f"{s.pass_rate:.1%}", help=f"threshold {s.threshold:.0%}")
    cols[1].metric("Passed", f"{s.passed}/{s.total}")
    cols[2].metric("Critical failed", f"{len(s.critical_failed)}/{s.critical_total}")
    cols[3].metric("Run", "OK" if s.ok else "FAILED")
    for reason in s.reasons:
        st.error(escape_md(reason), icon=":material/error:")
    p = run.provenance
    st.caption(f"mode {p.mode} · corpus `{p.corpus_sha256[:12]}` · suite `{p.suite_sha256[:12]}` · "
               f"commit `{p.git_commit[:12]}` · {p.duration_s:.1f} s")

    st.subheader("By category", anchor=False)
    rows = [{"category": c, "passed": v.passed, "failed": v.total - v.passed, "pass rate": round(v.pass_rate, 4)}
            for c, v in s.by_category.items()]
    st.bar_chart(rows, x="category", y=["passed", "failed"], color=["#2e7d32", "#c62828"], stack=True,
                 horizontal=True)
    st.dataframe(rows, hide_index=True, width="stretch")


def _failures(run: Any) -> None:
    failed = [r for r in run.results if not r.passed]
    st.subheader(f"Failing cases ({len(failed)})", anchor=False)
    if not failed:
        st.success("Every case passed.", icon=":material/check:")
    for r in failed:
        title = f"{'CRITICAL · ' if r.critical else ''}{r.id} ({r.category})"
        with st.expander(title, icon=":material/close:"):
            st.markdown("**Question:** " + escape_md(r.question))
            for score in r.failures:
                st.markdown(f"- ✗ **{escape_md(score.name)}**: {escape_md(score.reason)}")
            if r.error:
                st.code(r.error, language=None, wrap_lines=True)
            cols = st.columns(2)
            with cols[0]:
                st.caption("Expected")
                st.json(r.expected, expanded=True)
            with cols[1]:
                st.caption("Actual")
                st.json({"status": r.status, "decisions": [d.model_dump(exclude_none=True) for d in r.decisions],
                         "citations": r.citations, "problems": r.problems}, expanded=True)
                st.caption("Answer text")
                st.text(r.answer)


def _comparison(outcome: EvalOutcome) -> None:
    st.subheader("Against the baseline", anchor=False)
    c = outcome.comparison
    if c is None:
        st.info("No evals/baseline.json: nothing to compare with.", icon=":material/info:")
        return
    cols = st.columns(4)
    cols[0].metric("Pass rate (paired)", f"{c.new_pass_rate:.1%}", delta=f"{c.new_pass_rate - c.base_pass_rate:+.1%}")
    cols[1].metric("Fixed", c.fixed)
    cols[2].metric("Broken", c.broken, delta=-c.broken if c.broken else None)
    cols[3].metric("McNemar p", f"{c.mcnemar_p:.3g}")
    if not c.same_corpus:
        st.warning("The baseline was run on a different guideline text.", icon=":material/warning:")
    if not c.same_suite:
        st.warning("The baseline was run on a different version of the suite.", icon=":material/warning:")
    changed = [ch for ch in c.changes if ch.change not in ("still_passing",)]
    if changed:
        st.dataframe([{"case": ch.id, "category": ch.category, "change": ch.change, "critical": ch.critical,
                       "reason": ch.reason} for ch in changed], hide_index=True, width="stretch")
    if c.category_deltas:
        st.caption("Pass-rate change per category")
        st.bar_chart([{"category": k, "delta": v} for k, v in c.category_deltas.items()], x="category", y="delta")


def _gated_retrieval_sets() -> tuple[str, ...]:
    """The retrieval sets ``make test`` gates: the keys of evals/retrieval_baseline.json (never a copied list)."""
    import json
    from pathlib import Path

    baseline = Path(__file__).resolve().parents[2] / "evals" / "retrieval_baseline.json"
    if not baseline.exists():
        return ()
    return tuple(sorted(json.loads(baseline.read_text(encoding="utf-8")),
                        key=lambda name: (name == "evals/golden", name)))


RETRIEVAL_SETS = _gated_retrieval_sets()
"""The retrieval sets ``make test`` gates (evals/retrieval_baseline.json), scored here against that baseline."""


def _retrieval() -> None:
    """Score the retriever on a committed retrieval set and show it beside the committed baseline."""
    import json
    from pathlib import Path

    st.divider()
    st.subheader("Retrieval", anchor=False)
    st.caption("Recall@1, recall@3 and MRR of the passage that answers each question; false abstains (on-topic "
               "questions declined) and false answers (off-topic questions answered).")
    chosen = st.selectbox("Retrieval set", RETRIEVAL_SETS, key="retrieval_set")
    if st.button("Score retrieval", icon=":material/search:", key="retrieval_run"):
        from assistant import get_retriever
        from evals.retrieval_set import load_retrieval_set, score_retrieval

        root = Path(__file__).resolve().parents[2]
        report = score_retrieval(load_retrieval_set(root / chosen), get_retriever().search)
        st.session_state["retrieval_report"] = (chosen, report)
    got = st.session_state.get("retrieval_report")
    if not got:
        return
    name, report = got
    baseline_file = Path(__file__).resolve().parents[2] / "evals" / "retrieval_baseline.json"
    baseline = json.loads(baseline_file.read_text(encoding="utf-8")).get(name, {}) if baseline_file.exists() else {}
    figures = report.figures()
    cols = st.columns(5)
    for col, (key, label) in zip(cols, [("recall_at_1", "Recall@1"), ("recall_at_3", "Recall@3"), ("mrr", "MRR"),
                                        ("false_abstain", "False abstain"), ("false_answer", "False answer")],
                                 strict=True):
        value = figures[key]
        delta = None if key not in baseline else f"{value - baseline[key]:+.3f} vs baseline"
        better_low = key in ("false_abstain", "false_answer")
        col.metric(label, f"{value:.1%}" if better_low else f"{value:.2f}", delta,
                   delta_color="inverse" if better_low else "normal")
    st.caption(f"{report.cases} on-topic and {report.off_topic} off-topic questions in {escape_md(name)}.")
    st.dataframe([{"style": style, **{k: round(v, 3) for k, v in row.items()}}
                  for style, row in report.by_style.items()], hide_index=True)
    misses = [s for s in report.scores if (s.off_topic and not s.abstained)
              or (not s.off_topic and (s.rank is None or s.rank > 3))]
    if misses:
        with st.expander(f"Misses ({len(misses)})", icon=":material/search_off:"):
            st.dataframe([{"id": m.id, "style": m.style, "rank": m.rank, "abstained": m.abstained,
                           "retrieved": ", ".join(m.retrieved[:3])} for m in misses], hide_index=True)


def main() -> None:
    """The Evals page."""
    st.title("Evals", anchor=False)
    st.caption("Evaluators: run the golden-question suite (offline, deterministic) and compare with the baseline.")
    suite = st.text_input("Suite (folder of YAML files, or one file)", value=str(DEFAULT_SUITE), key="eval_suite")
    if st.button("Run suite", type="primary", icon=":material/play_arrow:", key="eval_run"):
        _run(suite)
    if "eval_error" in st.session_state:
        st.warning(escape_md(st.session_state["eval_error"]), icon=":material/warning:")
    outcome: EvalOutcome | None = st.session_state.get("eval_outcome")
    if outcome is not None:
        _summary(outcome.run)
        _failures(outcome.run)
        _comparison(outcome)
    _retrieval()


main()
