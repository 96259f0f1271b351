"""Review page: record a verdict on an answer from this session's chat; list, filter and export verdicts."""

from __future__ import annotations

import streamlit as st

from ui.common import STATUS_BADGES, ChatEntry, chat_history, escape_md, headline, md_block
from ui.reviews import REASONS, VERDICTS, ReviewStore

__all__ = ["main"]


def _label(entry: ChatEntry) -> str:
    assert entry.answer is not None
    status = STATUS_BADGES.get(entry.answer.status, (entry.answer.status,))[0]
    question = " ".join(entry.question.split())
    return f"#{entry.id} · {status} · {question[:90]}{'…' if len(question) > 90 else ''}"


def _record_form(entries: list[ChatEntry], store: ReviewStore) -> None:
    st.subheader("Record a verdict", anchor=False)
    if not entries:
        st.info("No answers in this session yet: ask something on the Chat page, then come back to review it.",
                icon=":material/info:")
        return
    by_id = {e.id: e for e in entries}
    picked = st.selectbox("Answer", options=[e.id for e in reversed(entries)],
                          format_func=lambda i: _label(by_id[i]), key="review_pick")
    entry = by_id[picked]
    assert entry.answer is not None
    with st.container(border=True):
        st.caption("Question")
        st.markdown(md_block(entry.question))
        st.caption("Answer")
        if entry.answer.decisions:
            st.markdown("**" + escape_md(headline(entry.answer.decisions[0])) + "**")
        st.markdown(md_block(entry.answer.answer))
        for cite in entry.answer.citations:
            st.markdown("> " + escape_md(cite.quote))
            st.caption(f"passage `{cite.passage_id}`")
    with st.form("review_form", clear_on_submit=True):
        verdict = st.radio("Verdict", VERDICTS, horizontal=True, key="review_verdict")
        reason = st.selectbox("Reason (required unless correct)", ["—", *REASONS], key="review_reason",
                              format_func=lambda r: r.replace("_", " "))
        comment = st.text_area("Comment", key="review_comment", max_chars=4000)
        reviewer = st.text_input("Reviewer (optional)", key="review_reviewer", max_chars=80)
        submitted = st.form_submit_button("Save verdict", icon=":material/save:")
    if submitted:
        code = None if reason == "—" else reason
        if verdict != "correct" and code is None:
            st.error("Pick a reason for an incorrect or unsafe verdict; nothing was saved.", icon=":material/error:")
            return
        try:
            review_id = store.add(entry.answer, verdict=verdict, reason=code, comment=comment, reviewer=reviewer)
        except Exception as exc:  # the store explains itself (path, permissions); show it instead of a traceback
            st.error(f"The verdict was not saved: {exc}", icon=":material/error:")
            return
        st.success(f"Saved review #{review_id} ({verdict}) on answer #{entry.id}.", icon=":material/check:")


def _list(store: ReviewStore) -> None:
    st.subheader("Stored verdicts", anchor=False)
    cols = st.columns(2)
    verdicts = cols[0].multiselect("Verdict", VERDICTS, key="review_filter_verdict")
    reasons = cols[1].multiselect("Reason", REASONS, key="review_filter_reason",
                                  format_func=lambda r: r.replace("_", " "))
    try:
        reviews = store.list_reviews(verdicts=verdicts, reasons=reasons)
    except Exception as exc:
        st.error(f"The reviews could not be read: {exc}", icon=":material/error:")
        return
    st.caption(f"{len(reviews)} review(s) shown")
    if reviews:
        st.dataframe(
            [{"id": r.id, "created": r.created_at, "verdict": r.verdict, "reason": r.reason, "question": r.question,
              "comment": r.comment, "reviewer": r.reviewer, "corpus": r.corpus_sha256[:12]} for r in reviews],
            hide_index=True, width="stretch",
        )
    cols = st.columns(2)
    cols[0].download_button("Export CSV", ReviewStore.to_csv(reviews), file_name="adguide-reviews.csv",
                            mime="text/csv", icon=":material/download:", disabled=not reviews, key="export_csv")
    cols[1].download_button("Export YAML (golden cases)", ReviewStore.to_yaml(reviews),
                            file_name="reviewed.yaml", mime="application/x-yaml", icon=":material/download:",
                            disabled=not reviews, key="export_yaml")


def main() -> None:
    """The Review page."""
    st.title("Review", anchor=False)
    st.caption("Educators: check an answer against the guideline text and record a verdict. Verdicts are stored "
               "durably with the full answer and the corpus version.")
    store = ReviewStore()
    entries = [e for e in chat_history() if e.answer is not None]
    _record_form(entries, store)
    _list(store)


main()
