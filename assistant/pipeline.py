"""question → facts → core → retrieval → answer → guard: the one entry point for CLI, UI, evals and audit."""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from core import (
    CoreResult,
    Decision,
    InvalidFactsError,
    PatientFacts,
    Query,
    Rulebook,
    assess,
    build_rulebook,
    derived_facts,
    parse_facts,
)
from corpus import Corpus, get_corpus

from .answer import Answer, AnswerStatus, ContextPassage, FactSource, GuardEvent, PassageAnswer
from .conversation import Conversation, Turn
from .extract import Extraction
from .guard import check_explanation
from .passage_answer import passage_answers, render_passage_answers
from .providers import Provider, provider_from_env
from .render import FACT_LABELS, OUT_OF_SCOPE_TEXT, REFUSED_TEXT, missing_text, render_answer
from .unread import unread_note, unread_numbers

__all__ = ["MAX_QUESTION_CHARS", "Assistant", "ask", "get_assistant"]

MAX_QUESTION_CHARS = 2000
"""Longer questions are refused with a message stating this limit."""

try:
    _VERSION = version("adguide")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    _VERSION = "0+unknown"


_ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[@-Z\\-_])")


def _clean(text: str) -> str:
    """NFC; terminal escape sequences and control characters (but newlines and tabs) removed."""
    text = _ANSI.sub("", unicodedata.normalize("NFC", text))
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


def _with_sources(problems: list[str], matched: list[str]) -> list[str]:
    """Add what the user wrote to each problem: 'topical_trial_days: … (got 3654)' ← '522W' was read as days."""
    spans: dict[str, str] = {}
    for item in matched:
        field, _, span = item.partition(":")
        spans.setdefault(field, span)
    out = []
    for problem in problems:
        field = problem.partition(":")[0]
        out.append(f'{problem}, read from "{spans[field]}"' if field in spans else problem)
    return out


_NAMED = frozenset({"antihistamines", "antibiotics"})
"""Pitfalls that fire as findings when named, whatever was asked (core.findings)."""


def _fact_sources(turn: Turn, facts: PatientFacts) -> dict[str, FactSource]:
    """Where each fact used came from: this message, an earlier one, or derived by the core from the others."""
    sources: dict[str, FactSource] = {k: "this message" if k in turn.changed else "earlier" for k in facts.known()}
    return sources | dict.fromkeys(derived_facts(facts), "derived")


def _shown(field: str, value: Any) -> str:
    label = FACT_LABELS.get(field, field.replace("_", " "))
    if isinstance(value, bool):
        return f"{label}: {'yes' if value else 'no'}"
    if isinstance(value, list | tuple):
        return f"{label}: {', '.join(map(str, value)) or 'none'}"
    return f"{label} {value:g}" if isinstance(value, float) else f"{label} {value}"


_MISSING_FOR = {"age_at_least_years": "age_years", "age_below_years": "age_years", "weight_kg": "weight",
                "weight_lb": "weight",
                "egfr": "renal_function", "ckd_stage": "renal_function"}
"""The missing-fact name to ask for when a fact was stated with two values."""


def _context_note(turn: Turn, facts: PatientFacts) -> str:
    """Say which earlier facts the answer used, what was not carried over, and when it was a hypothetical."""
    notes = []
    if turn.not_carried:
        dropped = "; ".join(_shown(k, v) for k, v in turn.not_carried.items() if k != "infection_signs")
        notes.append(f"This looks like another patient (a new age), so earlier facts were not carried over "
                     f"({dropped}). If it is the same patient, restate them.")
    earlier = {k: v for k, v in facts.known().items() if k not in turn.changed and k != "infection_signs"}
    if earlier:
        notes.append("Using facts from earlier messages: " + "; ".join(_shown(k, v) for k, v in earlier.items())
                     + ".")
    if turn.hypothetical:
        notes.append("Hypothetical: answered with the values in this message; the stored patient facts are "
                     "unchanged.")
    return "\n".join(notes)


def _adopt(conv: Conversation, trial: Conversation, question: str, *, keep_facts: bool = False) -> None:
    """Make ``conv`` the merged ``trial`` state (its own facts kept when the new ones were rejected)."""
    for name in Conversation.model_fields:
        if not (keep_facts and name == "facts"):
            setattr(conv, name, getattr(trial, name))
    conv.remember(question)


class Assistant:
    """Answers questions. Thread-safe: ``ask`` keeps no state of its own between calls."""

    def __init__(self, provider: Provider | None = None, *, corpus: Corpus | None = None,
                 retrieval: bool = True, audit: Any = None) -> None:
        self.corpus = corpus or get_corpus()
        self.book: Rulebook = build_rulebook(self.corpus)
        self.provider = provider or provider_from_env()
        self.retrieval = retrieval
        self.audit = audit
        self._retriever: Any = None
        self._lock = threading.Lock()
        self._notices_shown = 0

    # -- public --------------------------------------------------------------------------------------------------
    def ask(self, question: str, conversation: Conversation | None = None) -> Answer:
        """Answer one question; ``conversation`` (updated in place) carries facts across turns."""
        start = time.perf_counter()
        try:
            answer = self._ask(question if isinstance(question, str) else str(question), conversation)
        except Exception as exc:  # never a traceback to the user; the event is kept on the answer
            answer = self._base(str(question)[:MAX_QUESTION_CHARS], status="refused",
                                answer="Internal error: adguide could not answer this question. Nothing was "
                                       "decided. Please report it with the question text.",
                                problems=[f"internal error: {type(exc).__name__}: {exc}"])
        answer.latency_ms = round((time.perf_counter() - start) * 1000, 3)
        if self.audit is not None:
            try:
                self.audit.record(answer)
                answer.recorded = True
            except Exception as exc:  # the clinician still gets the answer; the gap is said, not hidden
                answer.recorded = False
                answer.problems.append(f"audit: this answer could not be recorded ({type(exc).__name__}: {exc}); "
                                       "check ADGUIDE_HOME / ADGUIDE_DB_URL")
            answer.problems[:0] = self._new_store_notices()
        return answer

    def _new_store_notices(self) -> list[str]:
        """What the audit store has said about itself since the last answer (a damaged file moved aside …)."""
        notices: list[str] = list(getattr(self.audit, "notices", None) or [])
        with self._lock:
            fresh, self._notices_shown = notices[self._notices_shown:], len(notices)
        return fresh

    # -- steps ---------------------------------------------------------------------------------------------------
    def _base(self, question: str, **fields: Any) -> Answer:
        if "verdict" not in fields:
            fields["verdict"] = "cant_say" if fields.get("status") in ("needs_info", "not_covered") else "info"
        return Answer(mode=self.provider.mode, model=self.provider.model, corpus_sha256=self.corpus.sha256,
                      question=question, app_version=_VERSION, **fields)

    def _ask(self, raw: str, conversation: Conversation | None) -> Answer:
        if len(raw) > MAX_QUESTION_CHARS:
            return self._base(raw[:MAX_QUESTION_CHARS], status="refused",
                              answer=f"Refused: questions are limited to {MAX_QUESTION_CHARS:,} characters and this "
                                     f"one has {len(raw):,}. Please shorten it to the clinical question.",
                              problems=[f"question too long: {len(raw):,} characters (limit {MAX_QUESTION_CHARS:,})"])
        question = _clean(raw)
        if not question:
            return self._base(raw, status="needs_info", missing=["question"],
                              answer="Please type a question about systemic treatment of moderate-to-severe atopic "
                                     "dermatitis, e.g. 'Dupixent dosing for an adult?'")
        conv = conversation if conversation is not None else Conversation()
        extraction, guard = self.provider.understand(question, list(conv.questions))
        trial = conv.model_copy(deep=True)  # merge on a copy: invalid facts must not replace valid ones
        turn = trial.update(extraction, question)
        try:
            facts = parse_facts(turn.facts)
        except InvalidFactsError as exc:
            problems = _with_sources(exc.problems, extraction.matched)
            _adopt(conv, trial, question, keep_facts=True)  # keep the question ("sorry, 70 kg"), not the facts
            return self._base(question, status="needs_info", problems=problems, intent=turn.intent,
                              drug=turn.drug, facts=dict(conv.facts), guard=guard, understood=list(extraction.matched),
                              answer="I can't use these values, so nothing was decided: "
                                     + "; ".join(problems) + ". Please correct them and ask again.")
        _adopt(conv, trial, question, keep_facts=turn.hypothetical)  # a hypothetical leaves the stored facts
        answer = self._answer(question, turn, extraction, facts, guard)
        conv.awaiting = tuple(answer.missing) if answer.status == "needs_info" else ()
        return answer

    def _answer(self, question: str, turn: Turn, extraction: Extraction, facts: PatientFacts,
                guard: list[GuardEvent]) -> Answer:
        intent, drug = turn.intent, turn.drug
        context, abstain, retrieval_error = self._context(question)
        common: dict[str, Any] = {"intent": intent, "drug": drug, "facts": facts.known() | derived_facts(facts),
                                  "guard": guard,
                                  "understood": list(extraction.matched), "context": context}
        off_topic = intent == "out_of_scope" or (
            intent in (None, "general") and drug is None and not extraction.facts and abstain)
        if off_topic and not extraction.override_attempt:
            return self._base(question, status="out_of_scope", answer=OUT_OF_SCOPE_TEXT, **common)
        unread = unread_numbers(question, turn.extraction, turn.changed)
        if unread and not extraction.facts and extraction.drug is None and extraction.intent in (None, "general"):
            # the message carried a number and nothing else we could read: ask, never answer as if unsaid
            note = unread_note(unread, answered=False)
            return self._base(question, status="needs_info", answer=note, problems=[note],
                              missing=["clarification"], **common)
        result, decisions = self._decide(turn, facts)
        split = self._split_readings(turn, facts, extraction)
        if split is not None:
            field, by_value = split
            return self._ambiguous_answer(question, field, by_value, turn, facts, common)
        status: AnswerStatus = "refused" if extraction.override_attempt else result.status
        lead = REFUSED_TEXT + " What the guideline says:" if status == "refused" else ""
        if not decisions and result.missing:
            text = (lead + "\n" if lead else "") + missing_text(result.missing)
        else:
            text = render_answer(decisions, result.missing, lead)
        answers: list[PassageAnswer] = []
        # Not where the guideline is silent (a not-covered answer must not be padded with a near passage).
        silent = result.status == "not_covered" or any(d.outcome == "not_covered" for d in decisions)
        if status != "refused" and not abstain and not silent:
            # a rule's own passages answer what it decides; a checklist summary also quotes its open items, and
            # "is phototherapy required?" still deserves that item's passage as the answer
            cited = {c.passage_id for d in decisions for c in self.book.citations(d.rule_id)}
            answers = passage_answers(question, context, cited, self.corpus, drug=drug)
        if answers:
            block = render_passage_answers(answers)
            # Findings the facts trigger come first; otherwise the passage that answers the question leads.
            flagged = any(d.severity != "info" for d in decisions)
            text = f"{text}\n{block}" if flagged else f"{block}\n{text}"
            common["passage_answers"] = answers
        problems: list[str] = []
        context_note = _context_note(turn, facts)
        if context_note:
            text = f"{text}\n{context_note}"
        aside = [span for field, _, span in (m.partition(":") for m in extraction.matched) if field == "other_person"]
        if aside:
            text += "\nNot used, as it speaks of someone other than the patient: " + ", ".join(
                f"“{a}”" for a in aside) + ". If it is about the patient, say so."
        if unread:
            problems.append(unread_note(unread))
            text = f"{text}\n{problems[-1]}"
        explanation, provider_events = self.provider.explain(question, text, decisions)
        guard = guard + provider_events
        if explanation:
            events = check_explanation(explanation, decisions, self.corpus.text, question + "\n" + text)
            if all(e.passed for e in events):
                text = f"{text}\n\n{explanation.strip()}"
                guard = guard + events
            else:
                guard = guard + [e if e.passed else e.model_copy(update={"rejected_text": explanation})
                                 for e in events]
        common["guard"] = guard
        if retrieval_error:
            problems.append(retrieval_error)
        citations = list(dict.fromkeys(c for d in decisions for c in d.citations))  # de-duplicated, in order
        verdict = result.verdict
        return self._base(question, status=status, answer=text, decisions=decisions, citations=citations,
                          missing=list(result.missing), problems=problems, verdict=verdict,
                          fact_sources=_fact_sources(turn, facts), **common)

    def _split_readings(self, turn: Turn, facts: PatientFacts, extraction: Extraction
                        ) -> tuple[str, dict[float, CoreResult]] | None:
        """A fact stated with two values ("mother 40, her daughter 9") whose values change the findings.

        Each value is assessed on its own; when the blocks, cautions or verdict differ, the answer must not
        pick one (safety never depends on which reading was right), so the field and each value's result are
        returned. ``None`` when nothing is ambiguous or every value gives the same findings.
        """
        for field, values in extraction.ambiguous.items():
            by_value: dict[float, CoreResult] = {}
            for value in values:
                try:
                    candidate = parse_facts({**turn.facts, field: value})
                except InvalidFactsError:
                    continue  # an impossible value is no reading of the patient
                by_value[value], _ = self._decide(turn, candidate)
            findings = {(r.verdict, frozenset((d.rule_id, d.severity, d.verdict) for d in r.decisions
                                              if d.severity != "info")) for r in by_value.values()}
            if len(findings) > 1:
                return field, by_value
        return None

    def _ambiguous_answer(self, question: str, field: str, by_value: dict[float, CoreResult], turn: Turn,
                          facts: PatientFacts, common: dict[str, Any]) -> Answer:
        """Ask which value is the patient's, and show what each value would trigger (blocks first)."""
        label = FACT_LABELS.get(field, field.replace("_", " "))
        shown = " and ".join(f"{v:g}" for v in by_value)
        lines = [f"This message gives two different values for {label} ({shown}), and the answer depends on "
                 f"which is the patient's, so neither is assumed. What each would mean:"]
        decisions: list[Decision] = []
        for value, result in by_value.items():
            flagged = [d for d in result.decisions if d.severity != "info"]
            lines.append(f"If {label} is {value:g}: " + (" ".join(d.statement for d in flagged)
                                                          if flagged else "no block or caution applies."))
            decisions += [d for d in flagged if d not in decisions]
        decisions.sort(key=lambda d: d.severity != "block")
        missing = [_MISSING_FOR.get(field, field)]
        lines.append(missing_text(missing))
        note = _context_note(turn, facts)
        if note:
            lines.append(note)
        verdict = "dont" if any(d.severity == "block" for d in decisions) else "cant_say"
        citations = list(dict.fromkeys(c for d in decisions for c in d.citations))
        return self._base(question, status="needs_info", answer="\n".join(lines), decisions=decisions,
                          citations=citations, missing=missing, verdict=verdict,
                          problems=[f"two values for {label}: {shown}; say which is the patient's"],
                          fact_sources=_fact_sources(turn, facts), **common)

    def _decide(self, turn: Turn, facts: PatientFacts) -> tuple[CoreResult, list[Decision]]:
        """The core's assessment of this turn: every finding the facts trigger, then what was asked."""
        drug = turn.drug
        asked = turn.query()
        if asked is None:
            # "tell me about X" / "can I start X?": where X stands, then what the guideline says about its dose; a
            # pitfall named beside it ("… and I'll add fexofenadine for the itch") still fires as a finding
            asked = Query(topic="choice" if drug else "overview", drug=drug, also=("dose",) if drug else (),
                          other_drugs=turn.other_drugs, pitfall=turn.pitfall if turn.pitfall in _NAMED else None,
                          also_pitfalls=tuple(p for p in turn.also_pitfalls if p in _NAMED))
        result = assess(self.book, facts, asked)
        return result, list(result.decisions)

    def _context(self, question: str) -> tuple[list[ContextPassage], bool, str | None]:
        """Retrieved passages, the abstain signal, and what went wrong if the index could not be used.

        Retrieval trouble never blocks an answer: the answer comes from the core, the passages are context.
        """
        if not self.retrieval:
            return [], False, None
        try:
            if self._retriever is None:
                with self._lock:
                    if self._retriever is None:
                        from .retrieval import get_retriever

                        self._retriever = get_retriever()
            found = self._retriever.search(question, k=3)
        except Exception as exc:
            return [], False, f"retrieval: context passages unavailable ({type(exc).__name__}); run `adguide index`"
        return [ContextPassage(passage_id=p.passage_id, quote=p.quote, score=round(p.score, 4), refs=p.refs)
                for p in found.passages], found.abstain, None


@lru_cache(maxsize=1)
def get_assistant() -> Assistant:
    """The process-wide default assistant (provider and audit store from the environment).

    A store that cannot be opened does not stop it: answers are then given and flagged ``recorded=False``.
    """
    from .audit import audit_for_answers

    return Assistant(audit=audit_for_answers())


def ask(question: str, conversation: Conversation | None = None) -> Answer:
    """Answer ``question`` with the default assistant."""
    return get_assistant().ask(question, conversation)
