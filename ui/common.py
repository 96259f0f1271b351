"""Helpers shared by the pages: safe markdown, the assistant, the per-session conversation and chat history."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import streamlit as st

from core import Decision, Dose, fmt

if TYPE_CHECKING:
    from assistant.answer import Answer
    from assistant.conversation import Conversation
    from assistant.pipeline import Assistant

__all__ = [
    "GUIDELINE_PAGE",
    "after_answer",
    "STATUS_BADGES",
    "VERDICT_BADGES",
    "ChatEntry",
    "chat_history",
    "conversation",
    "dose_text",
    "escape_md",
    "facts_version",
    "get_assistant_or_error",
    "headline",
    "md_block",
    "new_patient",
    "set_patient_facts",
]

GUIDELINE_PAGE = "pages/guideline.py"
"""The Guideline page, relative to ``ui/app.py`` (target of passage deep links)."""

STATUS_BADGES: dict[str, tuple[str, str, str]] = {
    # status -> (label, badge colour, icon)
    "answered": ("Answered", "green", ":material/check_circle:"),
    "needs_info": ("Needs info", "orange", ":material/help:"),
    "not_covered": ("Not covered by the guideline", "gray", ":material/block:"),
    "out_of_scope": ("Out of scope", "blue", ":material/explore_off:"),
    "refused": ("Refused", "red", ":material/gpp_bad:"),
}

VERDICT_BADGES: dict[str, tuple[str, str, str]] = {
    # verdict -> (label, badge colour, icon): the answer in one word, separate from the status
    "dont": ("Do not", "red", ":material/do_not_disturb_on:"),
    "cant_say": ("Can't say", "orange", ":material/help:"),
    "go": ("Go", "green", ":material/check_circle:"),
    "info": ("Information", "blue", ":material/info:"),
}

# Characters that start markdown, HTML, LaTeX or Streamlit directives anywhere in a line.
_INLINE = re.compile(r"([\\`*_\[\]<>$~|#{}])")
# Line starts that would make a list, heading, quote, rule or setext underline.
_LINE_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=>])")


def escape_md(text: str) -> str:
    """Make arbitrary text display literally in ``st.markdown`` (no HTML, links, lists, LaTeX or directives)."""
    out = []
    for line in str(text).split("\n"):
        line = _INLINE.sub(r"\\\1", line.replace("\r", "")).lstrip()  # leading spaces would make a code block
        line = _LINE_START.sub(lambda m: (m.group(1) or m.group(4) or "") + (m.group(2) or "") + "\\"
                               + (m.group(3) or m.group(5)), line)
        out.append(line)
    return "\n".join(out)


def md_block(text: str) -> str:
    """Escaped text whose line breaks survive markdown rendering."""
    return "  \n".join(escape_md(text).split("\n"))


# ----------------------------------------------------------------------------------------------------- answers
def dose_text(dose: Dose) -> str:
    """'600 mg subcutaneous once (loading)' or, weight-based, '210-350 mg/day (105-175 mg twice daily)'."""
    amount = fmt(dose.low) + (f"-{fmt(dose.high)}" if dose.high is not None else "")
    if dose.patient_low_mg is not None:
        patient = fmt(dose.patient_low_mg)
        if dose.patient_high_mg is not None and dose.patient_high_mg != dose.patient_low_mg:
            patient += f"-{fmt(dose.patient_high_mg)}"
        text = f"{patient} mg/{dose.patient_per or 'day'}"
        if dose.per_dose_low_mg is not None:
            per = fmt(dose.per_dose_low_mg)
            if dose.per_dose_high_mg is not None and dose.per_dose_high_mg != dose.per_dose_low_mg:
                per += f"-{fmt(dose.per_dose_high_mg)}"
            text += f" ({per} mg {dose.frequency})"
        return f"{text}, from {amount} {dose.unit} {dose.route}"
    return f"{amount} {dose.unit} {dose.route} {dose.frequency} ({dose.phase})"


def headline(decision: Decision) -> str:
    """The primary decision in one line: drug and dose numbers, or drug and verdict."""
    drug = decision.drug.replace("_", " ").capitalize() if decision.drug else "Guideline"
    verdict = decision.verdict.replace("_", " ") if decision.verdict else None
    if decision.doses:
        doses = "; then ".join(dose_text(d) for d in decision.doses)
        return f"{drug}: {verdict} — {doses}" if verdict else f"{drug}: {doses}"
    if verdict:
        return f"{drug}: {verdict}"
    return f"{drug}: {decision.outcome.replace('_', ' ')} ({decision.kind.replace('_', ' ')})"


# ----------------------------------------------------------------------------------------------------- session
@dataclass
class ChatEntry:
    """One turn of this browser session's chat (or a 'new patient' marker when ``answer`` is None)."""

    id: int
    question: str
    answer: Answer | None = None
    facts_before: dict[str, Any] = field(default_factory=dict)


def get_assistant_or_error() -> Assistant | None:
    """The process-wide assistant, or None after showing why it could not be loaded."""
    try:
        from assistant.pipeline import get_assistant

        return get_assistant()
    except Exception as exc:  # the page stays usable (guideline, reviews) even if the assistant is broken
        st.error(f"The assistant could not be loaded: {type(exc).__name__}: {exc}", icon=":material/error:")
        return None


def chat_history() -> list[ChatEntry]:
    """This browser session's chat turns, oldest first."""
    history: list[ChatEntry] = st.session_state.setdefault("chat_history", [])
    return history


def conversation() -> Conversation:
    """This browser session's conversation (the patient's facts across turns)."""
    if "conversation" not in st.session_state:
        from assistant.conversation import Conversation

        st.session_state["conversation"] = Conversation()
    conv: Conversation = st.session_state["conversation"]
    return conv


def facts_version() -> int:
    """Bumped whenever the conversation's facts change, so the patient widgets re-read them."""
    return int(st.session_state.setdefault("facts_version", 0))


def _bump_facts_version() -> None:
    st.session_state["facts_version"] = facts_version() + 1
    st.session_state["patient_errors"] = []  # they were about widget values that are now replaced


def set_patient_facts(facts: dict[str, Any]) -> None:
    """Replace the conversation's facts (the one place that knows how ``Conversation`` stores them)."""
    conv = conversation()
    conv.facts = dict(facts)
    _bump_facts_version()


def new_patient() -> None:
    """Forget the patient: a fresh conversation; the chat history stays (with a marker) for review."""
    from assistant.conversation import Conversation

    st.session_state["conversation"] = Conversation()
    st.session_state["patient_errors"] = []
    history = chat_history()
    if history and history[-1].answer is not None:
        history.append(ChatEntry(id=len(history) + 1, question=""))
    _bump_facts_version()


def after_answer(facts_before: dict[str, Any]) -> None:
    """Refresh the patient widgets if the answer changed the facts."""
    if conversation().facts != facts_before:
        _bump_facts_version()
