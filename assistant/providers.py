"""Language providers behind one small interface.

``offline`` (the default) is deterministic and complete: the rule-based extractor understands the
question and the answer is the core's statements. ``openai`` (any OpenAI-compatible server) adds an
LLM extraction that may only fill gaps, and a short explanation that must pass the guard.
"""

from __future__ import annotations

import os
from typing import Protocol

from core import Decision

from .answer import GuardEvent, Mode
from .extract import Extraction, bare_correction_followup, correction_followup, extract, unit_followup

__all__ = ["OfflineProvider", "Provider", "provider_from_env"]


class Provider(Protocol):
    """What the pipeline needs from a language provider."""

    mode: Mode
    model: str | None

    def understand(self, question: str, history: list[str]) -> tuple[Extraction, list[GuardEvent]]:
        """Facts and intent of ``question`` (``history``: earlier user turns, oldest first)."""
        ...

    def explain(self, question: str, answer_text: str,
                decisions: list[Decision]) -> tuple[str | None, list[GuardEvent]]:
        """A short explanation around the decisions (None: the deterministic text alone), and provider events."""
        ...


class OfflineProvider:
    """Deterministic, network-free provider: the default."""

    mode: Mode = "offline"
    model: str | None = None

    def understand(self, question: str, history: list[str]) -> tuple[Extraction, list[GuardEvent]]:
        """Rule-based extraction. A message that only corrects the last one is read as that message restated:
        "sorry, I meant 52 not 72" or "I meant 13" (the number replaced), "lb, not kg - sorry" (the bare weight
        given its unit)."""
        restated = (correction_followup(question, history) or bare_correction_followup(question, history)
                    or unit_followup(question, history))
        if restated is None:
            return extract(question), []
        # the restated message is a correction of this patient, never another patient with a new age
        return extract(restated).model_copy(update={"correction": True}), []

    def explain(self, question: str, answer_text: str,
                decisions: list[Decision]) -> tuple[str | None, list[GuardEvent]]:
        """No generated text offline."""
        return None, []


def provider_from_env(name: str | None = None) -> Provider:
    """``ADGUIDE_MODE`` (offline|openai) or, when unset, openai if ``OPENAI_API_KEY`` is set, else offline."""
    choice = (name or os.environ.get("ADGUIDE_MODE") or ("openai" if os.environ.get("OPENAI_API_KEY") else
                                                         "offline")).lower()
    if choice == "offline":
        return OfflineProvider()
    if choice == "openai":
        from .openai_provider import OpenAIProvider  # lazy: offline mode never imports langchain/openai

        return OpenAIProvider.from_env()
    raise ValueError(f"Unknown ADGUIDE_MODE {choice!r}: use 'offline' or 'openai'.")
