"""The guard: generated text reaches a user only if every number, dose, frequency and quote in it is backed.

Backed means: produced by the core for this answer (statements, doses, formulas, criteria), present in a
cited passage, or stated by the user. Anything else fails the check, and the caller falls back to the
deterministic rendering, recording the event.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from core import Decision

from .answer import GuardEvent
from .lexicon import DRUG_ALIASES

__all__ = ["GUIDELINE_FREQUENCIES", "check_explanation", "number_spans", "numbers_in"]

_NUMBER = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)(?![\w])|(?<=[-–~≥≤<>])(\d+(?:\.\d+)?)")
_DOSE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:(?:-|–|to)\s*(\d+(?:\.\d+)?)\s*)?(mg/kg/day|mg/kg|mg|g)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“]([^\"”]{12,})[\"”]")
_FREQ = {
    "every_2_weeks": re.compile(r"every (?:2|two|other) weeks?|biweekly|q2w|fortnight", re.IGNORECASE),
    "twice_daily": re.compile(r"twice (?:a |per )?day|twice daily|\bbid\b|b\.i\.d|two times a day", re.IGNORECASE),
    "weekly": re.compile(r"(?<!2 )(?<!two )(?<!other )\bweekly\b|once a week|per week|every week|/week",
                         re.IGNORECASE),
    "daily": re.compile(r"(?<!twice )\bdaily\b|every day|once a day|per day|/day|\bqd\b", re.IGNORECASE),
}
GUIDELINE_FREQUENCIES: dict[str, frozenset[str]] = {
    "dupilumab": frozenset({"every_2_weeks"}),
    "upadacitinib": frozenset({"daily"}),
    "cyclosporine": frozenset({"twice_daily", "daily"}),
    "methotrexate": frozenset({"weekly"}),
    "azathioprine": frozenset({"daily"}),
    "mycophenolate": frozenset({"twice_daily", "daily"}),
}
"""Frequencies the guideline pairs with each agent ('daily' covers mg/kg/day)."""
_ALIAS = re.compile(r"\b(" + "|".join(sorted((re.escape(a) for a in DRUG_ALIASES), key=len, reverse=True)) + r")\b",
                    re.IGNORECASE)


def _norm(value: str) -> float:
    return round(float(value.replace(",", ".")), 2)


def number_spans(text: str) -> list[tuple[float, int, int]]:
    """Every number in ``text`` with its position: ``(value, start, end)``."""
    out = []
    for m in _NUMBER.finditer(text):
        group = 1 if m.group(1) is not None else 2
        try:
            out.append((_norm(m.group(group)), m.start(group), m.end(group)))
        except ValueError:
            continue
    return out


def numbers_in(text: str) -> set[float]:
    """Every number in ``text``, normalised."""
    return {value for value, _, _ in number_spans(text)}


def _decision_numbers(decisions: Sequence[Decision]) -> tuple[set[float], set[float]]:
    """(all numbers the core produced or cited, dose amounts the core gave)."""
    nums: set[float] = set()
    doses: set[float] = set()
    for d in decisions:
        nums |= numbers_in(d.statement)
        nums |= numbers_in(d.formula or "")
        for c in d.criteria:
            nums |= numbers_in(c.detail)
        for cite in d.citations:
            nums |= numbers_in(cite.quote)
        for v in d.inputs.values():
            if isinstance(v, int | float) and not isinstance(v, bool):
                nums.add(round(float(v), 2))
        for dose in d.doses:
            for v in (dose.low, dose.high, dose.patient_low_mg, dose.patient_high_mg, dose.per_dose_low_mg,
                      dose.per_dose_high_mg):
                if v is not None:
                    doses.add(round(v, 2))
                    if dose.unit == "g":
                        doses.add(round(v * 1000, 2))
            nums |= numbers_in(dose.formula or "")
    return nums | doses, doses


def _sentences(text: str) -> Iterable[str]:
    return (s for s in re.split(r"(?<=[.!?;])\s+|\n+", text) if s.strip())


def check_explanation(text: str, decisions: Sequence[Decision], corpus_text: str, user_text: str) -> list[GuardEvent]:
    """Run every check on ``text``; the text is safe to show only if every event passed."""
    events: list[GuardEvent] = []
    allowed, dose_amounts = _decision_numbers(decisions)
    allowed |= numbers_in(user_text)
    unbacked = sorted(n for n in numbers_in(text) if n not in allowed)
    events.append(GuardEvent(check="numbers", passed=not unbacked,
                             detail=f"unbacked numbers: {unbacked}" if unbacked else "every number is backed"))
    bad_doses = []
    for m in _DOSE.finditer(text):
        for raw in (m.group(1), m.group(2)):
            if raw is not None and _norm(raw) not in dose_amounts:
                bad_doses.append(m.group(0))
    events.append(GuardEvent(check="doses", passed=not bad_doses,
                             detail=f"doses the core did not give: {bad_doses}" if bad_doses else
                             "every dose was given by the core"))
    bad_quotes = [q for q in _QUOTED.findall(text) if q.strip() not in corpus_text]
    events.append(GuardEvent(check="quotes", passed=not bad_quotes,
                             detail=f"not verbatim guideline text: {bad_quotes}" if bad_quotes else
                             "every quoted span is verbatim"))
    bad_pairs = []
    last_drugs: set[str] = set()
    for sentence in _sentences(text):
        drugs: set[str] = {DRUG_ALIASES[m.group(1).lower()] for m in _ALIAS.finditer(sentence)}
        # a sentence naming no drug ("…; inject it every other week") is read as about the last drug named
        drugs = drugs or last_drugs
        last_drugs = drugs
        freqs = {name for name, rx in _FREQ.items() if rx.search(sentence)}
        for drug in drugs:
            allowed_f = GUIDELINE_FREQUENCIES.get(drug, frozenset())
            wrong = sorted(freqs - allowed_f)
            if wrong:
                bad_pairs.append(f"{drug} with {', '.join(wrong)}: {sentence.strip()[:120]}")
    events.append(GuardEvent(check="frequency", passed=not bad_pairs,
                             detail=f"drug paired with a frequency the guideline does not give: {bad_pairs}"
                             if bad_pairs else "no drug paired with a wrong frequency"))
    return events
