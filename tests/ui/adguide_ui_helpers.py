"""Helpers for the Streamlit app tests (AppTest element text, sidebar widgets)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

__all__ = ["APP", "DUPILUMAB_QUOTE", "REPO_ROOT", "page_text", "sidebar_widget", "unescape"]

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "ui" / "app.py"
"""The Streamlit entry point."""
DUPILUMAB_QUOTE = "Dosing: 600 mg subcutaneous loading dose, then 300 mg subcutaneous every 2 weeks"
"""The verbatim guideline sentence the Dupixent answer must cite."""


def unescape(text: str) -> str:
    """Markdown source → the text a reader sees (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", text)


def page_text(at: Any) -> str:
    """Everything the page displays as text (markdown, captions, text, code, alerts, badges), unescaped."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "text", "code", "error", "warning", "info", "success", "title",
                 "subheader", "header"):
        parts += [unescape(str(e.value)) for e in getattr(at, kind)]
    return "\n".join(parts)


def sidebar_widget(at: Any, kind: str, label: str) -> Any:
    """The sidebar widget of ``kind`` (e.g. 'number_input') with ``label``."""
    for w in getattr(at.sidebar, kind):
        if w.label == label:
            return w
    raise AssertionError(f"no sidebar {kind} labelled {label!r}")
