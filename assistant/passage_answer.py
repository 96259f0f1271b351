"""Answering from passages: when the question asks what no rule decides, the passage that answers it leads.

Retrieval ranks the guideline's passages for the question. When the best ones are not already quoted by a
decision, the answer quotes them verbatim with their ids, after a one-line lead. The lead is one clause of
the passage itself, the one sharing most words with the question, so it can only say what the passage says;
``check_lead`` proves that every number in it is in the quote and fails loudly otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from corpus import Corpus

from .answer import ContextPassage, PassageAnswer
from .concepts import get_concept_matcher
from .embedding import analyze
from .errors import AssistantError

__all__ = [
    "ANSWER_MIN_SCORE",
    "ANSWER_RELATIVE_SCORE",
    "PASSAGE_LABEL",
    "LeadNumberError",
    "PassageAnswer",
    "check_lead",
    "lead_clause",
    "passage_answers",
    "render_passage_answers",
]

ANSWER_MIN_SCORE = 0.45
"""A retrieved passage answers the question only from this fused score up (see ``assistant.retrieval``)."""
ANSWER_RELATIVE_SCORE = 0.85
"""A second passage is quoted too when it scores at least this share of the best one."""
MAX_PASSAGES = 2

# Clause boundaries inside a passage: "Label: a; b—c". A clause is always a verbatim slice of the quote.
_CLAUSE_SPLIT = re.compile(r";\s+|\s*—\s*|(?<=[a-z)])\.\s+")
_LABEL = re.compile(r"^[A-Z][A-Za-z -]{2,40}:\s+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
PASSAGE_LABEL = re.compile(r"\[[a-z][a-z-]*-\d+\]")
"""A passage id shown after a quote (``[dupilumab-5]``): its digit is a label, not a number of the answer."""
_DOSE = re.compile(r"\d(?:[\d.\-]*\d)?\s*(?:mg|g)\b")
JAK_DRUGS = frozenset({"upadacitinib", "abrocitinib", "baricitinib"})
"""Agents whose class passages (``drug: jak`` in the concept map) speak of them too."""


class LeadNumberError(AssistantError):
    """A lead line states a number its passage does not: a defect in ``lead_clause``, never shown to a user."""


def _clauses(quote: str) -> list[str]:
    body = _LABEL.sub("", quote, count=1)
    parts = [p.strip(" ,") for p in _CLAUSE_SPLIT.split(body)]
    return [p for p in parts if len(p.split()) >= 3] or [body.strip()]


def lead_clause(question: str, quote: str) -> str:
    """The clause of ``quote`` that shares the most content words with ``question`` (the first on ties)."""
    asked = set(analyze(question, query=True))
    best, best_overlap = "", -1
    for clause in _clauses(quote):
        overlap = len(asked & set(analyze(clause)))
        if overlap > best_overlap:
            best, best_overlap = clause, overlap
    return best


def check_lead(lead: str, quote: str) -> None:
    """Raise ``LeadNumberError`` unless the lead is verbatim from the quote and states no number the quote lacks."""
    if lead not in quote:
        raise LeadNumberError(f"lead {lead!r} is not verbatim from its passage {quote!r}")
    extra = set(_NUMBER.findall(lead)) - set(_NUMBER.findall(quote))
    if extra:
        raise LeadNumberError(f"lead {lead!r} states {sorted(extra)} which its passage does not")


def passage_answers(question: str, context: Sequence[ContextPassage], cited: Iterable[str],
                    corpus: Corpus, *, drug: str | None = None) -> list[PassageAnswer]:
    """The retrieved passages that answer ``question`` and no decision quotes yet (best first, at most two).

    Never a passage that states a dose (doses are the core's to give or to withhold), nor a drug's own passage
    unless the question is about that drug (``drug``).
    """
    if not context:
        return []
    matcher = get_concept_matcher()
    allowed_owners = {None, drug, *(("jak",) if drug in JAK_DRUGS else ())}
    top = context[0].score
    if top < ANSWER_MIN_SCORE:
        return []
    already = set(cited)
    out: list[PassageAnswer] = []
    for hit in context:
        if len(out) == MAX_PASSAGES or hit.score < max(ANSWER_MIN_SCORE, ANSWER_RELATIVE_SCORE * top):
            break
        if hit.passage_id in already:
            if not out and hit is context[0]:
                return []  # the best passage is already a decision's citation: the rules answered it
            continue
        passage = corpus.passage(hit.passage_id)
        owner = matcher.owner.get(passage.id)
        # a drug's own passage answers only a question about that drug ("cold sore cream?" is not about dupilumab)
        if _DOSE.search(passage.quote) or (owner is not None and (drug is None or owner not in allowed_owners)):
            if not out and hit is context[0]:
                return []  # the best match is a dose, or another drug's passage: not an answer to quote
            continue
        lead = lead_clause(question, passage.quote)
        check_lead(lead, passage.quote)
        out.append(PassageAnswer(passage_id=passage.id, heading=passage.heading_path, lead=lead,
                                 quote=passage.quote, score=hit.score))
    return out


def render_passage_answers(answers: Sequence[PassageAnswer]) -> str:
    """'From the guideline (Dupilumab …): <lead>.' then each quote with its passage id."""
    lines = []
    for a in answers:
        where = a.heading.split(" › ")[-1]
        if a.lead == _LABEL.sub("", a.quote, count=1).strip():  # the lead is the whole statement: quote it once
            lines.append(f"From the guideline ({where}): “{a.quote}” [{a.passage_id}]")
        else:
            lines.append(f"From the guideline ({where}): {a.lead.rstrip('.')}.")
            lines.append(f"  “{a.quote}” [{a.passage_id}]")
    return "\n".join(lines)
