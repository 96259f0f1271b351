"""adguide Streamlit app (entry point: ``streamlit run ui/app.py`` from the repository root)."""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run ui/app.py` puts ui/ (not the repository root) on sys.path; a bare checkout needs the root.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from corpus import get_corpus  # noqa: E402
from ui.common import get_assistant_or_error  # noqa: E402

__all__: list[str] = []

st.set_page_config(page_title="adguide", page_icon=":material/dermatology:", layout="wide")

pages = [
    st.Page("pages/chat.py", title="Chat", icon=":material/chat:", url_path="chat", default=True),
    st.Page("pages/guideline.py", title="Guideline", icon=":material/menu_book:", url_path="guideline"),
    st.Page("pages/review.py", title="Review", icon=":material/rate_review:", url_path="review"),
    st.Page("pages/evals.py", title="Evals", icon=":material/fact_check:", url_path="evals"),
]
page = st.navigation(pages)

# Mode and corpus version on every page, so a screenshot always says what produced it.
_assistant = get_assistant_or_error()
_corpus = _assistant.corpus if _assistant is not None else get_corpus()
if _assistant is not None:
    _mode = _assistant.provider.mode
    _mode_text = f"{_mode} ({_assistant.provider.model})" if _mode != "offline" and _assistant.provider.model else _mode
else:
    _mode_text = "unavailable"
st.sidebar.caption(f"Mode: **{_mode_text}** · Corpus: `{_corpus.short_sha}`")
# What the audit store said about itself (a damaged store moved aside, answers not being recorded), on every page
# for as long as the process runs; each answer also carries it once in its problems.
for _notice in getattr(_assistant.audit if _assistant is not None else None, "notices", None) or []:
    st.sidebar.warning(_notice, icon=":material/warning:")

page.run()
