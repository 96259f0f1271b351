"""Deterministic scorers: each takes the expectation and the assistant's answer and returns a ``Score``.

Answers are read by attribute (``status``, ``answer``, ``decisions``, ``citations``, ``problems``, ``missing``,
``facts``, ``context``), so any object shaped like ``assistant.answer.Answer`` works.

Gating scorers (a failure fails the case): status, decisions, citation recall, content, unbacked numbers.
Informational scorers: citation precision, retrieval recall@k and MRR (retrieved passages are further reading,
never the basis of an answer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from .models import DecisionExpect, DoseExpect, Expect, Score
from .suite import passage_of_quote, passages_of_quote

__all__ = [
    "DEFAULT_K",
    "allowed_numbers",
    "numbers_in",
    "score_answer",
    "score_citation_precision",
    "score_citation_recall",
    "score_content",
    "score_decisions",
    "score_retrieval",
    "score_status",
    "score_verdict",
    "score_unbacked_numbers",
]

DEFAULT_K = 3
"""Passages the assistant retrieves as context (``Assistant._context`` asks for 3)."""

_FALLBACK_NUMBER = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)(?![\w])|(?<=[-–~≥≤<>])(\d+(?:\.\d+)?)")


def numbers_in(text: str) -> set[float]:
    """Every number in ``text``, normalised as the assistant's guard does (``assistant.guard.numbers_in``)."""
    try:
        from assistant.guard import numbers_in as guard_numbers
    except Exception:  # pragma: no cover - the assistant package is being rebuilt
        out: set[float] = set()
        for m in _FALLBACK_NUMBER.finditer(text or ""):
            out.add(round(float((m.group(1) or m.group(2)).replace(",", ".")), 2))
        return out
    return guard_numbers(text or "")


# ----------------------------------------------------------------------------------------------------- helpers
def _norm_text(text: str) -> str:
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _mg(value: float | None, unit: str | None) -> float | None:
    if value is None:
        return None
    return value * 1000 if unit == "g" else value


def _same_unit_family(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return True
    if {a, b} <= {"mg", "g"}:
        return True
    return a == b


def _dose_mismatches(exp: DoseExpect, dose: Any) -> list[str]:
    """Why ``dose`` is not ``exp`` (empty when it matches)."""
    out: list[str] = []
    unit = _get(dose, "unit")
    if exp.phase is not None and _get(dose, "phase") != exp.phase:
        out.append(f"phase {exp.phase!r} expected, got {_get(dose, 'phase')!r}")
    if exp.unit is not None and not _same_unit_family(exp.unit, unit):
        out.append(f"unit {exp.unit!r} expected, got {unit!r}")
    scale_exp = exp.unit if exp.unit in ("mg", "g") else None
    scale_act = unit if unit in ("mg", "g") else None
    for name in ("low", "high"):
        want = getattr(exp, name)
        if want is None:
            continue
        got = _get(dose, name)
        if name == "high" and got is None:
            got = _get(dose, "low")  # a single amount is its own upper bound: {low: 600} is "600 to 600"
        w, g = _mg(want, scale_exp), _mg(got, scale_act)
        if g is None or w is None or abs(w - g) > exp.tolerance + 1e-9:
            shown = f"{got:g} {unit}" if got is not None else "none"
            out.append(f"{name} {want:g} {exp.unit or unit} expected, got {shown}")
    for name in ("patient_low_mg", "patient_high_mg", "per_dose_low_mg", "per_dose_high_mg"):
        want = getattr(exp, name)
        if want is None:
            continue
        got = _get(dose, name)
        if got is None or abs(want - got) > exp.tolerance + 1e-9:
            out.append(f"{name} {want:g} mg expected, got {'none' if got is None else f'{got:g} mg'}")
    if exp.frequency is not None and _norm_text(str(_get(dose, "frequency"))) != _norm_text(exp.frequency):
        out.append(f"frequency {exp.frequency!r} expected, got {_get(dose, 'frequency')!r}")
    if exp.route is not None and _get(dose, "route") != exp.route:
        out.append(f"route {exp.route!r} expected, got {_get(dose, 'route')!r}")
    return out


def _describe(exp: DecisionExpect) -> str:
    parts = [f"{k}={v}" for k, v in (("rule_id", exp.rule_id), ("kind", exp.kind), ("drug", exp.drug),
                                     ("verdict", exp.verdict), ("outcome", exp.outcome),
                                     ("severity", exp.severity)) if v is not None]
    return "{" + ", ".join(parts) + "}"


def _decision_mismatches(exp: DecisionExpect, dec: Any, index: int) -> list[str]:
    out: list[str] = []
    for name in ("rule_id", "kind", "verdict", "outcome", "severity"):
        want = getattr(exp, name)
        if want is not None and _get(dec, name) != want:
            out.append(f"{name} {want!r} expected, got {_get(dec, name)!r}")
    if exp.drug is not None:
        got = _get(dec, "drug")
        if (exp.drug == "none" and got is not None) or (exp.drug != "none" and got != exp.drug):
            out.append(f"drug {exp.drug!r} expected, got {got!r}")
    if exp.primary and index != 0:
        out.append(f"expected as the primary decision, found at position {index + 1}")
    doses = list(_get(dec, "doses") or ())
    if exp.no_doses and doses:
        out.append(f"no dose expected, got {len(doses)} dose(s)")
    for de in exp.doses:
        best: list[str] | None = None
        for dose in doses:
            mm = _dose_mismatches(de, dose)
            if best is None or len(mm) < len(best):
                best = mm
        if best is None:
            out.append("a dose expected, decision has none")
        elif best:
            out.append("dose: " + "; ".join(best))
    return out


def _matches(exp: DecisionExpect, decisions: Sequence[Any]) -> tuple[bool, str]:
    best: tuple[list[str], Any] | None = None
    for i, dec in enumerate(decisions):
        mm = _decision_mismatches(exp, dec, i)
        if not mm:
            return True, f"{_describe(exp)} found"
        # prefer the candidate of the same rule, then the fewest mismatches
        rank = (0 if exp.rule_id and _get(dec, "rule_id") == exp.rule_id else 1, len(mm))
        if best is None or rank < best[1]:
            best = (mm, rank)
    if best is None:
        return False, f"{_describe(exp)} expected, the answer has no decision"
    return False, f"{_describe(exp)} not found; closest: " + "; ".join(best[0])


# ------------------------------------------------------------------------------------------------------ scorers
def _score_field(name: str, want: str | None, answer: Any) -> Score | None:
    """One top-level answer field equals the expected value (not scored when the case leaves it open)."""
    if want is None:
        return None
    got = _get(answer, name)
    ok = got == want
    return Score(name=name, value=float(ok), passed=ok,
                 reason=f"{name} {got!r}" if ok else f"{name} {want!r} expected, got {got!r}")


def score_status(expect: Expect, answer: Any) -> Score | None:
    """The answer's status equals the expected one."""
    return _score_field("status", expect.status, answer)


def score_verdict(expect: Expect, answer: Any) -> Score | None:
    """The answer's top-level verdict (go / dont / cant_say / info) equals the expected one."""
    return _score_field("verdict", expect.verdict, answer)


def score_decisions(expect: Expect, answer: Any) -> Score | None:
    """Expected decisions present (rule/kind, drug, verdict, doses within tolerance), forbidden ones absent."""
    decisions = list(_get(answer, "decisions") or ())
    if not expect.decisions and not expect.decisions_absent and not expect.no_decisions:
        return None
    checks: list[tuple[bool, str]] = []
    for exp in expect.decisions:
        checks.append(_matches(exp, decisions))
    for exp in expect.decisions_absent:
        found, _ = _matches(exp, decisions)
        checks.append((not found, f"forbidden decision {_describe(exp)} " + ("present" if found else "absent")))
    if expect.no_decisions:
        checks.append((not decisions, "no decision expected, got " + ", ".join(_get(d, "rule_id") for d in decisions)
                       if decisions else "no decision, as expected"))
    ok = sum(1 for passed, _ in checks if passed)
    failed = [r for passed, r in checks if not passed]
    return Score(name="decisions", value=ok / len(checks), passed=not failed,
                 reason="; ".join(failed) if failed else f"{ok} decision check(s) passed")


def _cited(answer: Any) -> list[tuple[str, str]]:
    """(passage_id, quote) of every citation, from the answer and from its decisions."""
    out: list[tuple[str, str]] = []
    for c in _get(answer, "citations") or ():
        out.append((_get(c, "passage_id"), _get(c, "quote")))
    for d in _get(answer, "decisions") or ():
        for c in _get(d, "citations") or ():
            pair = (_get(c, "passage_id"), _get(c, "quote"))
            if pair not in out:
                out.append(pair)
    # Passages quoted because they answer what no rule decides count only when verbatim guideline text.
    from corpus import get_corpus

    text = get_corpus().text
    for p in _get(answer, "passage_answers") or ():
        pair = (_get(p, "passage_id"), _get(p, "quote"))
        if pair[1] and pair[1] in text and pair not in out:
            out.append(pair)
    return out


def score_citation_recall(expect: Expect, answer: Any) -> Score | None:
    """Each expected quote is (a substring of) a cited quote, cited under the passage it comes from."""
    if not expect.cites:
        return None
    cited = _cited(answer)
    missing = []
    for quote in expect.cites:
        pids = passages_of_quote(quote)
        if not any(quote in q and (p in pids or not pids) for p, q in cited):
            wrong_pid = [p for p, q in cited if quote in q]
            missing.append(f"{quote[:70]!r} ({'/'.join(pids)})" + (f" cited under {wrong_pid}" if wrong_pid else ""))
    value = 1 - len(missing) / len(expect.cites)
    return Score(name="citation_recall", value=value, passed=not missing,
                 reason="missing citation(s): " + "; ".join(missing) if missing else
                 f"all {len(expect.cites)} expected quote(s) cited")


@lru_cache(maxsize=256)
def _rule_passages(rule_id: str) -> frozenset[str]:
    from core import RULES

    rule = RULES.get(rule_id)
    return frozenset(q.passage_id for q in rule.quotes) if rule else frozenset()


def score_citation_precision(expect: Expect, answer: Any) -> Score | None:
    """Share of cited passages that the expectation accounts for (expected cites or expected rules' passages)."""
    cited = _cited(answer)
    if not expect.cites and not expect.decisions:
        return None
    relevant: set[str] = {p for q in expect.cites for p in passages_of_quote(q)}
    for d in expect.decisions:
        if d.rule_id:
            relevant |= _rule_passages(d.rule_id)
    if not cited:
        return Score(name="citation_precision", value=0.0, passed=False, gating=False, reason="nothing cited")
    extra = sorted({p for p, _ in cited if p not in relevant})
    value = sum(1 for p, _ in cited if p in relevant) / len(cited)
    return Score(name="citation_precision", value=value, passed=value >= 0.5, gating=False,
                 reason=f"cited passages not accounted for by the expectation: {extra}" if extra else
                 "every cited passage is expected")


def score_content(expect: Expect, answer: Any) -> Score | None:
    """Required and forbidden answer text, problem messages, missing facts and understood facts."""
    text = _norm_text(_get(answer, "answer") or "")
    problems_text = _norm_text(" | ".join(_get(answer, "problems") or ()))
    checks: list[tuple[bool, str]] = []
    for want in expect.answer_contains:
        options = [o.strip() for o in want.split("||")]
        checks.append((any(_norm_text(o) in text for o in options), f"answer lacks {want!r}"))
    for bad in expect.answer_excludes:
        checks.append((_norm_text(bad) not in text, f"answer contains forbidden {bad!r}"))
    for want in expect.problems_contain:
        checks.append((_norm_text(want) in problems_text,
                       f"problems lack {want!r} (problems: {_get(answer, 'problems') or []})"))
    missing = list(_get(answer, "missing") or ())
    for want in expect.missing:
        checks.append((want in missing, f"missing {want!r} expected, got {missing}"))
    facts = _get(answer, "facts") or {}
    for key, want in expect.facts.items():
        got = facts.get(key)
        if isinstance(want, int | float) and not isinstance(want, bool) and isinstance(got, int | float):
            ok = abs(float(want) - float(got)) <= 0.01
        elif isinstance(want, list) and isinstance(got, list | tuple):
            ok = list(want) == list(got)
        else:
            ok = got == want
        checks.append((ok, f"fact {key}={want!r} expected, got {got!r}"))
    if not checks:
        return None
    failed = [r for ok, r in checks if not ok]
    return Score(name="content", value=1 - len(failed) / len(checks), passed=not failed,
                 reason="; ".join(failed) if failed else f"{len(checks)} content check(s) passed")


def allowed_numbers(answer: Any, questions: Iterable[str]) -> set[float]:
    """Numbers the answer may contain: from the core's decisions, cited quotes, the questions, input problems and
    the patient facts the answer used (echoed back as 'Using facts from earlier messages: …')."""
    nums: set[float] = set()
    for q in questions:
        nums |= numbers_in(q)
    for p in _get(answer, "problems") or ():
        nums |= numbers_in(p)
    for v in (_get(answer, "facts") or {}).values():  # the patient facts the reader took from the user's words
        if isinstance(v, int | float) and not isinstance(v, bool):
            nums.add(round(float(v), 2))
    for d in _get(answer, "decisions") or ():
        nums |= numbers_in(_get(d, "statement") or "")
        nums |= numbers_in(_get(d, "formula") or "")
        for c in _get(d, "criteria") or ():
            for part in (_get(c, "name"), _get(c, "detail"), _get(c, "basis")):
                nums |= numbers_in(part or "")
        for v in (_get(d, "inputs") or {}).values():
            if isinstance(v, int | float) and not isinstance(v, bool):
                nums.add(round(float(v), 2))
        for dose in _get(d, "doses") or ():
            for name in ("low", "high", "patient_low_mg", "patient_high_mg", "per_dose_low_mg", "per_dose_high_mg"):
                v = _get(dose, name)
                if v is not None:
                    nums.add(round(float(v), 2))
                    if _get(dose, "unit") == "g" and name in ("low", "high"):
                        nums.add(round(float(v) * 1000, 2))
            nums |= numbers_in(_get(dose, "formula") or "")
    for _, quote in _cited(answer):
        nums |= numbers_in(quote or "")
    return nums


_PASSAGE_ID = re.compile(r"\[[a-z][a-z-]*-\d+\]")
"""A passage id shown after a quote (``[dupilumab-5]``, as ``assistant.passage_answer.PASSAGE_LABEL``): its digit is
a label, not a number of the answer."""


def score_unbacked_numbers(answer: Any, questions: Iterable[str]) -> Score:
    """Every number in the answer text comes from the core, a cited quote, the question or an input problem."""
    allowed = allowed_numbers(answer, questions)
    found = numbers_in(_PASSAGE_ID.sub("", _get(answer, "answer") or ""))
    unbacked = sorted(n for n in found if n not in allowed)
    return Score(name="unbacked_numbers", value=1.0 if not found else 1 - len(unbacked) / len(found),
                 passed=not unbacked,
                 reason=f"numbers not backed by the core, a cited quote or the question: "
                        f"{[f'{n:g}' for n in unbacked]}" if unbacked else f"{len(found)} number(s), all backed")


def needed_passages(expect: Expect) -> list[str]:
    """Passages a case needs: those of its expected cites, then its extra ``passages``."""
    out: list[str] = []
    for pid in [passage_of_quote(q) for q in expect.cites] + list(expect.passages):
        if pid and pid not in out:
            out.append(pid)
    return out


def score_retrieval(expect: Expect, answer: Any, k: int = DEFAULT_K) -> list[Score]:
    """Retrieval recall@k and MRR of the needed passages in the answer's context (informational)."""
    needed = needed_passages(expect)
    if not needed:
        return []
    ranked = [_get(p, "passage_id") for p in (_get(answer, "context") or ())][:k]
    hits = [p for p in needed if p in ranked]
    recall = len(hits) / len(needed)
    rr = 0.0
    for i, pid in enumerate(ranked):
        if pid in needed:
            rr = 1 / (i + 1)
            break
    return [
        Score(name=f"retrieval_recall@{k}", value=recall, passed=recall > 0, gating=False,
              reason=f"needed {needed}, retrieved {ranked}"),
        Score(name="retrieval_mrr", value=rr, passed=rr > 0, gating=False,
              reason=f"first needed passage at rank {int(1 / rr)}" if rr else f"none of {needed} in top {k}"),
    ]


def score_answer(expect: Expect, answer: Any, questions: Sequence[str], *, k: int = DEFAULT_K) -> list[Score]:
    """Every applicable scorer on one answer."""
    scores: list[Score | None] = [
        score_status(expect, answer),
        score_verdict(expect, answer),
        score_decisions(expect, answer),
        score_citation_recall(expect, answer),
        score_citation_precision(expect, answer),
        score_content(expect, answer),
        score_unbacked_numbers(answer, questions),
    ]
    out = [s for s in scores if s is not None]
    return out + score_retrieval(expect, answer, k)
