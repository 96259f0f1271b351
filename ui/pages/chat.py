"""Chat page: ask in free text; each answer shows the core's decision, status, verbatim quotes and why."""

from __future__ import annotations

import streamlit as st

from assistant import render_passage_answers
from ui.common import (
    GUIDELINE_PAGE,
    STATUS_BADGES,
    VERDICT_BADGES,
    ChatEntry,
    after_answer,
    chat_history,
    conversation,
    escape_md,
    get_assistant_or_error,
    headline,
    md_block,
)
from ui.patient import render_patient_panel

__all__ = ["EXAMPLES", "main", "render_answer"]

EXAMPLES = (
    "Dupixent dosing for an adult?",
    "72 yo on upadacitinib 15 mg, can I go to 30?",
    "pt 154 lb starting CsA how much/day",
    "crusting and pustules, start dupi today?",
    "What is the tralokinumab dose?",
)
_CRITERION_MARK = {"met": "✓ met", "not_met": "✗ not met", "unknown": "? unknown"}


def _ask_example(question: str) -> None:
    st.session_state["pending_question"] = question


def _passage_link(passage_id: str, label: str) -> None:
    st.page_link(GUIDELINE_PAGE, label=label, icon=":material/menu_book:", query_params={"passage": passage_id})


def _refs(refs: tuple[str, ...] | list[str]) -> str:
    return f" · refs [{', '.join(refs)}]" if refs else ""


def render_answer(entry: ChatEntry) -> None:
    """One assistant message: badge, primary decision, text, quotes, 'Why' and retrieved context."""
    answer = entry.answer
    assert answer is not None
    with st.container(horizontal=True):
        v_label, v_colour, v_icon = VERDICT_BADGES.get(answer.verdict, (answer.verdict, "gray", ""))
        st.badge(v_label, color=v_colour, icon=v_icon)  # type: ignore[arg-type]
        label, colour, icon = STATUS_BADGES.get(answer.status, (answer.status, "gray", None))
        st.badge(label, color=colour, icon=icon)  # type: ignore[arg-type]
    # blocks and cautions are alerts above everything else, never inside an expander
    for d in answer.decisions:
        if d.severity == "block":
            st.error(escape_md(d.statement), icon=":material/do_not_disturb_on:")
        elif d.severity == "caution":
            st.warning(escape_md(d.statement), icon=":material/warning:")
    if answer.decisions:
        st.subheader(escape_md(headline(answer.decisions[0])), anchor=False)
    # the alerts already say the blocks and cautions; the body gives the rest of the answer text once
    alerted = {d.statement for d in answer.decisions if d.severity != "info"}
    # passages that answer what no rule decides get their own section (lead, verbatim quote, link)
    quoted = set(render_passage_answers(answer.passage_answers).split("\n")) if answer.passage_answers else set()
    body = "\n".join(line for line in answer.answer.split("\n") if line not in alerted and line not in quoted)
    if answer.passage_answers:
        st.markdown("**The guideline on this (verbatim):**")
        for pa in answer.passage_answers:
            where = pa.heading.split(" › ")[-1]
            st.markdown(f"{escape_md(where)}: **{escape_md(pa.lead)}**")
            st.markdown("> " + escape_md(pa.quote))
            cols = st.columns([2, 3], vertical_alignment="center")
            cols[0].caption(f"passage `{pa.passage_id}` · retrieval score {pa.score:.2f}")
            with cols[1]:
                _passage_link(pa.passage_id, f"Open {pa.passage_id} in the guideline")
    if body.strip():
        st.markdown(md_block(body))
    for problem in answer.problems:
        st.warning(escape_md(problem), icon=":material/warning:")
    answered_from = {pa.passage_id for pa in answer.passage_answers}
    citations = [c for c in answer.citations if c.passage_id not in answered_from]  # each passage is shown once
    if citations:
        st.markdown("**From the guideline (verbatim):**")
        for i, cite in enumerate(citations):
            st.markdown("> " + escape_md(cite.quote))
            cols = st.columns([2, 3], vertical_alignment="center")
            cols[0].caption(f"passage `{cite.passage_id}`{_refs(cite.refs)}")
            with cols[1]:
                _passage_link(cite.passage_id, f"Open {cite.passage_id} in the guideline")
            if i < len(citations) - 1:
                st.write("")
    if answer.decisions:
        with st.expander("Why", icon=":material/psychology:"):
            for d in answer.decisions:
                st.markdown(f"**{escape_md(d.rule_id)}** — {escape_md(d.kind)}"
                            + (f" · {escape_md(d.drug)}" if d.drug else "") + f" · outcome {escape_md(d.outcome)}"
                            + (f" · verdict {escape_md(d.verdict)}" if d.verdict else ""))
                for c in d.criteria:
                    line = f"{_CRITERION_MARK.get(c.status, c.status)} — **{escape_md(c.name)}**: {escape_md(c.detail)}"
                    if c.basis:
                        line += f" _(basis: {escape_md(c.basis)})_"
                    st.markdown("- " + line)
                if d.formula:
                    st.caption("Dose formula")
                    st.code(d.formula, language=None, wrap_lines=True)
                if d.missing:
                    st.markdown("Missing: " + escape_md(", ".join(d.missing)))
            if answer.facts:
                st.caption("Facts used")
                st.json(answer.facts, expanded=False)
    shown = {pa.passage_id for pa in answer.passage_answers} | {c.passage_id for c in answer.citations}
    further = [p for p in answer.context if p.passage_id not in shown]  # each passage is shown once
    if further:
        with st.expander(f"Further reading ({len(further)})", icon=":material/search:"):
            for p in further:
                st.markdown("> " + escape_md(p.quote))
                st.caption(f"passage `{p.passage_id}`{_refs(p.refs)} · score {p.score:.3f}")
                _passage_link(p.passage_id, f"Open {p.passage_id}")
    meta = f"mode {answer.mode}" + (f" ({answer.model})" if answer.model else "") + \
        f" · corpus `{answer.corpus_sha256[:12]}`"
    if answer.latency_ms is not None:
        meta += f" · {answer.latency_ms:.0f} ms"
    st.caption(escape_md(meta).replace("\\`", "`"))


def _render_entry(entry: ChatEntry) -> None:
    if entry.answer is None:
        st.divider()
        st.caption("New patient: facts cleared.")
        return
    with st.chat_message("user"):
        st.markdown(md_block(entry.question))
    with st.chat_message("assistant"):
        render_answer(entry)


def main() -> None:
    """The Chat page."""
    st.title("adguide", anchor=False)
    st.caption("Cited, rule-based answers on systemic treatment of moderate-to-severe atopic dermatitis after "
               "topical therapy failure. Decision support for clinicians: it does not replace clinical judgement.")
    history = chat_history()
    typed = st.chat_input("Ask about systemic treatment of atopic dermatitis…", key="chat_prompt")
    question = typed or st.session_state.pop("pending_question", None)
    assistant = get_assistant_or_error()

    if not any(e.answer is not None for e in history) and not question:
        st.markdown("**Try an example** — or type your own question below:")
        with st.container(horizontal=True, wrap=True):
            for i, example in enumerate(EXAMPLES):
                st.button(example, key=f"example_{i}", on_click=_ask_example, args=(example,),
                          icon=":material/chat_bubble:")

    for entry in history:
        _render_entry(entry)

    if question and assistant is not None:
        entry = ChatEntry(id=len(history) + 1, question=question)
        with st.chat_message("user"):
            st.markdown(md_block(question))
        with st.chat_message("assistant"):
            conv = conversation()
            before = dict(conv.facts)
            with st.spinner("Checking the guideline…"):
                entry.answer = assistant.ask(question, conv)
            entry.facts_before = before
            history.append(entry)
            st.session_state["patient_notice"] = ""
            after_answer(before)
            render_answer(entry)

    # Last, so the panel shows the facts after this turn's answer.
    render_patient_panel()


main()
