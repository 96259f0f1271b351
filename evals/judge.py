"""Optional HealthBench-style rubric judge (langchain-openai), used only when ``OPENAI_API_KEY`` is set.

Each rubric criterion is judged met / not met by the model; the score is the points earned (negative points
for undesirable behaviour count when met) over the total positive points, clipped to 0..1. The score is
informational (never gating): deterministic scorers decide pass/fail. Not exercised by the offline tests
(there is no recorded cassette for it).
"""

from __future__ import annotations

import json
import os
from typing import Any

from .models import RubricItem, Score

__all__ = ["judge_available", "judge_rubric", "rubric_score"]

_PROMPT = (
    "You grade an answer from a clinical decision-support assistant against ONE rubric criterion.\n"
    "Question: {question}\n\nAnswer:\n{answer}\n\nCriterion: {criterion}\n\n"
    'Reply with JSON only: {{"met": true|false, "why": "<one sentence>"}}'
)


def judge_available() -> bool:
    """True when an OpenAI key is configured."""
    return bool(os.environ.get("OPENAI_API_KEY"))


def rubric_score(rubric: list[RubricItem], met: list[bool]) -> float:
    """HealthBench scoring: earned points / positive points, clipped to 0..1."""
    possible = sum(r.points for r in rubric if r.points > 0)
    if possible <= 0:
        return 1.0
    earned = sum(r.points for r, m in zip(rubric, met, strict=True) if m)
    return max(0.0, min(1.0, earned / possible))


def judge_rubric(question: str, answer_text: str, rubric: list[RubricItem], *, model: str | None = None,
                 llm: Any = None) -> Score | None:
    """Judge ``answer_text`` on ``rubric``; None when there is no rubric or no key (and no ``llm`` given)."""
    if not rubric or (llm is None and not judge_available()):
        return None
    if llm is None:
        from langchain_openai import ChatOpenAI  # lazy: offline runs never import it

        llm = ChatOpenAI(model=model or os.environ.get("ADGUIDE_JUDGE_MODEL", "gpt-4o-mini"), temperature=0)
    met: list[bool] = []
    notes: list[str] = []
    for item in rubric:
        reply = llm.invoke(_PROMPT.format(question=question, answer=answer_text, criterion=item.criterion))
        content = getattr(reply, "content", reply)
        try:
            data = json.loads(str(content).strip().strip("`").removeprefix("json").strip())
            ok = bool(data.get("met"))
        except (ValueError, AttributeError):
            ok = False
            data = {"why": f"unparseable judge reply: {str(content)[:80]!r}"}
        met.append(ok)
        notes.append(f"[{'x' if ok else ' '}] ({item.points:+d}) {item.criterion}")
    value = rubric_score(rubric, met)
    return Score(name="rubric", value=value, passed=value >= 0.5, gating=False, reason=" | ".join(notes))
