"""Numbers in a question that the extractor did not use: never silently ignored.

A clinician who writes "her latest eGFR came back 24" is telling us something. If the extractor could
not place the number, the answer must say so rather than answer as if it had not been written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .extract import Extraction
from .guard import number_spans, numbers_in

__all__ = ["unread_note", "unread_numbers"]

_WORD = re.compile(r"\S+")


def unread_numbers(question: str, extraction: Extraction, applied: Mapping[str, Any] | None = None) -> list[str]:
    """Short snippets around each number in ``question`` that no extracted fact or request accounts for.

    ``applied``: facts the conversation actually set from this message (a bare "and 65?" counts only once
    the conversation has read it as an age).
    """
    used: set[float] = set()
    for item in extraction.matched:
        field, _, span = item.partition(":")
        if field not in ("bare_number", "unreadable_number"):  # "7e1 kg" was seen, never used: it must be named
            used |= numbers_in(span)
    for requested in (extraction.requested_dose_mg, extraction.requested_dose_mg_per_kg_day):
        if requested is not None:
            used.add(round(float(requested), 2))
    for value in [*extraction.facts.values(), *(applied or {}).values()]:
        if isinstance(value, int | float) and not isinstance(value, bool):
            used.add(round(float(value), 2))
    # "7e1 kg", "0x46": numbers in a notation the reader refuses are always named, whatever else was read
    out: list[str] = [span for field, _, span in (i.partition(":") for i in extraction.matched)
                      if field == "unreadable_number"]
    seen: set[float] = set()
    words = [(m.start(), m.end()) for m in _WORD.finditer(question)]
    for value, start, _end in number_spans(question):
        if value in used or value in seen:
            continue
        seen.add(value)
        at = next((i for i, (a, b) in enumerate(words) if a <= start < b), None)
        if at is None:  # pragma: no cover - every number lies inside a word
            continue
        lo, hi = words[max(0, at - 2)][0], words[min(len(words) - 1, at + 1)][1]
        snippet = question[lo:hi].strip(" ,;:.?!-–")
        if snippet not in out:  # "3-5 mg/kg" holds two unread numbers but is one thing the user wrote
            out.append(snippet)
    return out


def unread_note(snippets: list[str], *, answered: bool = True) -> str:
    """The sentence that says which numbers were not used (``answered``: an answer follows or precedes it)."""
    quoted = ", ".join(f"“{s}”" for s in snippets)
    restate = "restate it with what it measures (for example eGFR, BSA %, IGA, weight in kg or lb, age)"
    if not answered:
        return f"I could not tell what {quoted} refers to, so nothing was decided. Please {restate}."
    return f"Not understood: {quoted}. This answer does not use it; if it matters, {restate}."
