"""Guideline page: the full text by section, every passage with its id, references and the rules citing it."""

from __future__ import annotations

import json
from collections import defaultdict

import streamlit as st

from core import build_rulebook
from corpus import Corpus, Passage, get_corpus
from ui.common import escape_md

__all__ = ["cited_by", "passage_container_key"]

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@st.cache_resource(show_spinner=False)
def cited_by(corpus_sha256: str) -> dict[str, list[str]]:
    """passage id → ids of the rules citing it (cached per corpus version)."""
    corpus = get_corpus()
    book = build_rulebook(corpus)
    out: dict[str, list[str]] = defaultdict(list)
    for rule_id in sorted(book.rules):
        for cite in book.citations(rule_id):
            if rule_id not in out[cite.passage_id]:
                out[cite.passage_id].append(rule_id)
    return dict(out)


def passage_container_key(passage_id: str) -> str:
    """Key of a passage's container (rendered as the CSS class ``st-key-<key>``, the scroll target)."""
    return f"passage-{passage_id}"


def _render_passage(p: Passage, rules: list[str], target: bool) -> None:
    with st.container(key=passage_container_key(p.id), border=target):
        if target:
            st.badge("Linked passage", color="orange", icon=":material/link:")
        if p.kind == "heading":
            text = f"**{escape_md(p.text)}**"
        elif p.kind == "bullet":
            text = "• " + escape_md(p.quote)
        else:
            text = escape_md(p.quote)
        if p.refs:
            text += " " + "˒".join(r.translate(_SUPERSCRIPT) for r in p.refs)  # markers as in print, no HTML
        st.markdown(f":orange-background[{text}]" if target else text)
        meta = f"`{p.id}` · line {p.line}"
        if p.refs:
            meta += f" · refs [{', '.join(p.refs)}]"
        if rules:
            meta += " · cited by " + ", ".join(f"`{r}`" for r in rules)
        st.caption(meta)


def _scroll_to(passage_id: str) -> None:
    """Scroll the parent page to the passage (the id is a known corpus id, never raw query text)."""
    selector = json.dumps(f".st-key-{passage_container_key(passage_id)}")
    st.iframe(
        "<script>const f=()=>{const el=window.parent.document.querySelector(" + selector + ");"
        "if(el){el.scrollIntoView({block:'center'});}else{setTimeout(f,100);}};setTimeout(f,150);</script>",
        height=1,  # the smallest height st.iframe accepts; the frame only runs the scroll
    )


def _sections(corpus: Corpus) -> dict[str, list[Passage]]:
    sections: dict[str, list[Passage]] = {}
    for p in corpus.passages:
        sections.setdefault(p.section, []).append(p)
    return sections


def main() -> None:
    """The Guideline page."""
    corpus = get_corpus()
    rules = cited_by(corpus.sha256)
    st.title("Guideline", anchor=False)
    st.caption(f"{corpus.passages[0].text} · {len(corpus.passages)} passages · corpus `{corpus.short_sha}` · "
               f"{sum(1 for p in corpus.passages if p.id in rules)} passages cited by rules")

    ids = {p.id for p in corpus.passages}
    raw = st.query_params.get("passage")
    target = raw if raw in ids else None
    if raw and target is None:
        st.warning("No passage with id " + escape_md(str(raw)[:80]) + " in this guideline version.")

    query = st.text_input("Search the guideline", key="guideline_search", placeholder="e.g. renal, 15 mg, infection",
                          help="Case-insensitive search over passage text, ids and reference markers.")
    only_cited = st.toggle("Only passages cited by rules", key="guideline_only_cited")
    needle = query.strip().lower()

    if target:
        p = next(p for p in corpus.passages if p.id == target)
        st.info(f"Linked passage `{p.id}` in **{escape_md(p.heading_path)}** (highlighted below).",
                icon=":material/link:")

    def matches(p: Passage) -> bool:
        if needle and not (needle in p.text.lower() or needle in p.id or needle in " ".join(p.refs)):
            return False
        return not only_cited or p.id in rules

    shown = 0
    for section, passages in _sections(corpus).items():
        hits = [p for p in passages if p.kind != "heading" and matches(p)]
        if not hits and (needle or only_cited):
            continue
        shown += len(hits)
        st.subheader(escape_md(section), anchor=False, divider="gray")
        for p in passages:
            if p.kind == "heading":
                # the section heading is the subheader; a drug heading is shown if any of its passages is
                if p.text != section and (p in hits or any(h.subsection == p.subsection for h in hits)
                                          or not (needle or only_cited)):
                    _render_passage(p, rules.get(p.id, []), p.id == target)
            elif p in hits or not (needle or only_cited):
                _render_passage(p, rules.get(p.id, []), p.id == target)
    if needle and not shown:
        st.info("No passage matches " + escape_md(query[:80]) + ".")
    if target:
        _scroll_to(target)


main()
