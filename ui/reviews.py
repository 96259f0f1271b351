"""Reviewer verdicts for the Review page, kept in the audit store's ``reviews`` table (``assistant.audit``).

The audit store is SQLite in WAL mode at ``$ADGUIDE_HOME/adguide.sqlite`` (or ``ADGUIDE_DB_URL``), one
transaction per write; the reviewer's name is its own column.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.audit import DB_URL_ENV, AuditMode, SQLiteAuditStore, audit_mode_from_env, store_from_url

__all__ = ["CORRECT_REASON", "REASONS", "VERDICTS", "Review", "ReviewStore", "golden_case"]

VERDICTS: tuple[str, ...] = ("correct", "incorrect", "unsafe")
REASONS: tuple[str, ...] = (
    "wrong_dose", "wrong_eligibility", "missing_citation", "citation_does_not_support", "should_have_refused", "other",
)
CORRECT_REASON = "ok"
"""Reason code stored with a 'correct' verdict (the audit store requires one)."""
_CSV_COLUMNS = ("id", "created_at", "verdict", "reason", "comment", "reviewer", "question", "corpus_sha256",
                "answer_json")


@dataclass(frozen=True)
class Review:
    """One stored verdict, as the Review page shows and exports it."""

    id: int
    created_at: str
    verdict: str
    reason: str
    comment: str
    reviewer: str
    question: str
    corpus_sha256: str
    answer_json: str

    @property
    def answer(self) -> dict[str, Any]:
        """The reviewed answer, parsed back from its JSON."""
        return dict(json.loads(self.answer_json))


class ReviewStore:
    """Add and list reviews; each call opens the store and closes it again, so nothing is held between reruns."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None

    def _open(self) -> Any:
        if self.path is not None:
            return SQLiteAuditStore(self.path)
        # a review is a deliberate act, so it is kept even when answers are not audited (ADGUIDE_AUDIT=off)
        mode: AuditMode = "redacted" if audit_mode_from_env() == "redacted" else "full"
        return store_from_url(os.environ.get(DB_URL_ENV), mode=mode)

    def add(self, answer: Any, *, verdict: str, reason: str | None = None, comment: str = "",
            reviewer: str = "") -> int:
        """Store one verdict on ``answer`` (an ``Answer`` or its JSON dict); returns the review id."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)} (got {verdict!r})")
        if verdict != "correct" and reason not in REASONS:
            raise ValueError(f"reason must be one of {', '.join(REASONS)} (got {reason!r})")
        reviewer = " ".join(reviewer.split())[:80]
        store = self._open()
        try:
            return int(store.add_review(answer, verdict, reason or CORRECT_REASON,
                                        comment.strip(), reviewer=reviewer))
        finally:
            store.close()

    def list_reviews(self, *, verdicts: Sequence[str] = (), reasons: Sequence[str] = ()) -> list[Review]:
        """Reviews, newest first, only those with the given verdicts / reasons when given."""
        store = self._open()
        try:
            rows = store.reviews()
        finally:
            store.close()
        out = [_review(r.id, r.created_at, r.verdict, r.reason_code, r.comment, r.reviewer, r.answer,
                       r.corpus_sha256) for r in rows]
        return [r for r in out if (not verdicts or r.verdict in verdicts) and (not reasons or r.reason in reasons)]

    def count(self) -> int:
        """How many reviews are stored."""
        store = self._open()
        try:
            return int(store.count("reviews"))
        finally:
            store.close()

    @staticmethod
    def to_csv(reviews: Sequence[Review]) -> str:
        """One row per review (answer JSON included as a string)."""
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(_CSV_COLUMNS))
        writer.writeheader()
        for r in reviews:
            writer.writerow(asdict(r))
        return buf.getvalue()

    @staticmethod
    def to_yaml(reviews: Sequence[Review]) -> str:
        """Golden cases (``category: reviewed``) in the eval suite's shape."""
        return yaml.safe_dump([golden_case(r) for r in reviews], sort_keys=False, allow_unicode=True, width=120)


def _review(id_: int, created_at: str, verdict: str, reason: str, comment: str, reviewer: str,
            answer: Mapping[str, Any], corpus_sha256: str) -> Review:
    return Review(id=id_, created_at=created_at, verdict=verdict, reason="" if reason == CORRECT_REASON else reason,
                  comment=comment, reviewer=reviewer, question=str(answer.get("question") or ""),
                  corpus_sha256=corpus_sha256, answer_json=json.dumps(answer, ensure_ascii=False))


def golden_case(review: Review) -> dict[str, Any]:
    """A review as a golden case: what the answer was, with the reviewer's verdict in ``notes``."""
    answer = review.answer
    decisions = [{"rule_id": d.get("rule_id"), "drug": d.get("drug") or "none"} for d in answer.get("decisions", [])]
    cites = [c["quote"] for c in answer.get("citations", []) if c.get("quote")]
    notes = f"reviewer verdict: {review.verdict}" + (f" ({review.reason})" if review.reason else "")
    if review.verdict != "correct":
        # the expectation records what adguide said; a wrong answer's case must be corrected before it is used
        notes += "; expect records the reviewed answer: correct it before adding the case to a suite"
    if review.comment:
        notes += f"; comment: {review.comment}"
    if review.reviewer:
        notes += f"; reviewer: {review.reviewer}"
    notes += f"; corpus {review.corpus_sha256[:12]}; reviewed {review.created_at}"
    return {
        "id": f"reviewed-{review.id}",
        "category": "reviewed",
        "question": review.question,
        "expect": {"status": answer.get("status"), "decisions": decisions, "cites": cites},
        "notes": notes,
    }
