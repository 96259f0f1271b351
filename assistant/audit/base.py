"""What every audit backend shares: records, redaction, secret scrubbing, atomic export, the protocol, errors.

The backends are :mod:`assistant.audit.sqlite` and :mod:`assistant.audit.postgres`; :mod:`assistant.audit` chooses
one from the environment.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NoReturn, Protocol, runtime_checkable
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict

from ..answer import Answer
from ..errors import AssistantError

__all__ = [
    "AUDIT_ENV",
    "AUDIT_SYNC_ENV",
    "BUSY_TIMEOUT_MS",
    "DB_URL_ENV",
    "EXPORT_FORMATS",
    "REASON_CODES",
    "SCHEMA_VERSION",
    "SQLITE_FILENAME",
    "AuditError",
    "AuditMode",
    "AuditRecord",
    "AuditStore",
    "DbUrl",
    "ExportFormat",
    "Review",
    "Table",
    "UnavailableAuditStore",
    "Verdict",
    "one_line",
    "parse_db_url",
    "scrub",
    "write_export",
]

AUDIT_ENV = "ADGUIDE_AUDIT"
"""``full`` (default), ``redacted`` or ``off``."""
DB_URL_ENV = "ADGUIDE_DB_URL"
"""``postgresql://user:pass@host:5432/db`` or ``sqlite:///path/to/file.sqlite``; unset means the SQLite default."""
AUDIT_SYNC_ENV = "ADGUIDE_AUDIT_SYNC"
"""SQLite ``synchronous`` level: ``normal`` (default) or ``full`` (an fsync per answer; see the module docstring)."""
SCHEMA_VERSION = 1
"""Bumped with every schema change; a migration from each older version is in ``_SQLITE_MIGRATIONS``."""
BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite writer waits for another one before giving up."""
SQLITE_FILENAME = "adguide.sqlite"

AuditMode = Literal["full", "redacted", "off"]
Verdict = Literal["correct", "incorrect", "unsafe"]
ExportFormat = Literal["jsonl", "csv"]
Table = Literal["answers", "reviews"]
EXPORT_FORMATS: tuple[str, ...] = ("jsonl", "csv")
REASON_CODES: tuple[str, ...] = (
    "ok", "wrong_dose", "wrong_eligibility", "missing_citation", "citation_does_not_support", "should_have_refused",
    "other",
)
"""Review reason codes the UI offers ('ok' goes with a 'correct' verdict); any short snake_case code is accepted."""
_REASON_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
REDACTED = "[REDACTED]"


class AuditError(AssistantError):
    """The audit store cannot be opened or written; the message says how to fix it."""


# -- secrets ------------------------------------------------------------------------------------------------------

_KEY_PATTERNS = re.compile(
    r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-]{16,}"  # OpenAI-style (sk-…, sk-proj-…, sk-test-…)
    r"|(?<![A-Za-z0-9])(?:ghp|gho|ghu|ghs|github_pat)_[A-Za-z0-9_]{20,}"  # GitHub
    r"|(?<![A-Za-z0-9])xox[abpr]-[A-Za-z0-9-]{10,}"  # Slack
    r"|(?<![A-Z0-9])AKIA[0-9A-Z]{16}(?![A-Z0-9])"  # AWS access key id
    r"|(?<![A-Za-z0-9])AIza[0-9A-Za-z_\-]{30,}"  # Google API key
    r"|\bBearer\s+[A-Za-z0-9._~+/\-]{16,}=*"  # HTTP bearer tokens
    r"|(?i:\b(?:api[_-]?key|secret|password|passwd|access[_-]?token|auth[_-]?token)\b\s*[:=]\s*)[^\s\"',;]{6,}"
)
_SECRET_ENV = re.compile(r"(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$", re.IGNORECASE)


def _env_secrets(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    env = os.environ if environ is None else environ
    values = {v.strip() for k, v in env.items() if _SECRET_ENV.search(k) and len(v.strip()) >= 8}
    return tuple(sorted(values, key=len, reverse=True))


def scrub(text: str, secrets: Sequence[str] | None = None) -> str:
    """``text`` with API-key-like strings and secret environment values replaced by ``[REDACTED]``.

    ``secrets``: exact values to remove (default: values of environment variables whose name ends in KEY,
    TOKEN, SECRET, PASSWORD or CREDENTIALS, at least 8 characters long).
    """
    for value in _env_secrets() if secrets is None else secrets:
        if value and value in text:
            text = text.replace(value, REDACTED)
    return _KEY_PATTERNS.sub(REDACTED, text)


# -- records ------------------------------------------------------------------------------------------------------


class AuditRecord(BaseModel):
    """One audited answer, as stored and exported."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int
    """Row id (increasing in commit order)."""
    created_at: str
    """When the answer was recorded, ISO 8601 UTC."""
    question: str | None
    """The question as received; ``None`` when redacted."""
    answer: str | None
    """The answer text shown; ``None`` when redacted."""
    status: str
    """answered, needs_info, not_covered, out_of_scope or refused."""
    intent: str | None
    """What the question was understood to ask."""
    drug: str | None
    """The agent asked about."""
    decisions: list[dict[str, Any]]
    """The core's decisions (full JSON)."""
    citations: list[dict[str, Any]]
    """Every citation of the answer."""
    facts: dict[str, Any]
    """The patient facts used."""
    missing: list[str]
    """Facts that were missing."""
    mode: str
    """offline or openai."""
    model: str | None
    """LLM model name in openai mode."""
    guard: list[dict[str, Any]]
    """Guard events (rejected generated text removed when redacted)."""
    latency_ms: float | None
    """Time to answer."""
    corpus_sha256: str
    """sha256 of the guideline text the answer rests on."""
    app_version: str
    """adguide version that answered."""
    redacted: bool
    """True when the question and answer text were not kept."""


class Review(BaseModel):
    """A clinician's verdict on one answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int
    """Row id."""
    created_at: str
    """When the review was recorded, ISO 8601 UTC."""
    verdict: Verdict
    """correct, incorrect or unsafe."""
    reason_code: str
    """Short snake_case code (see ``REASON_CODES``; 'ok' with a correct verdict)."""
    comment: str
    """Free-text comment (secrets scrubbed)."""
    reviewer: str
    """Who reviewed ('' when not given)."""
    question: str | None
    """The reviewed question; ``None`` when redacted."""
    answer: dict[str, Any]
    """The reviewed answer's JSON (question and answer text removed when redacted)."""
    corpus_sha256: str
    """sha256 of the guideline text the reviewed answer rests on."""


_ANSWER_COLUMNS = tuple(AuditRecord.model_fields)
_JSON_ANSWER_COLUMNS = frozenset({"decisions", "citations", "facts", "missing", "guard"})
_REVIEW_COLUMNS = tuple(Review.model_fields)
_REVIEW_INSERT = "created_at, verdict, reason_code, comment, reviewer, question, answer, corpus_sha256"


@dataclass(frozen=True)
class _Row:
    """The column values of one answer row, scrubbed and redacted, ready to insert."""

    created_at: str
    question: str | None
    answer: str | None
    status: str
    intent: str | None
    drug: str | None
    decisions: str
    citations: str
    facts: str
    missing: str
    mode: str
    model: str | None
    guard: str
    latency_ms: float | None
    corpus_sha256: str
    app_version: str
    redacted: bool

    def values(self) -> tuple[Any, ...]:
        return (self.created_at, self.question, self.answer, self.status, self.intent, self.drug, self.decisions,
                self.citations, self.facts, self.missing, self.mode, self.model, self.guard, self.latency_ms,
                self.corpus_sha256, self.app_version, self.redacted)


_INSERT_COLUMNS = ("created_at", "question", "answer", "status", "intent", "drug", "decisions", "citations", "facts",
                   "missing", "mode", "model", "guard", "latency_ms", "corpus_sha256", "app_version", "redacted")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _redact_answer_json(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    data["question"] = None
    data["answer"] = None
    data["guard"] = [{k: v for k, v in g.items() if k != "rejected_text"} for g in data.get("guard", [])]
    data["problems"] = []  # problems quote the user's values/text
    return data


def _row_for(answer: Answer, mode: AuditMode) -> _Row:
    secrets = _env_secrets()
    redacted = mode == "redacted"

    def text(value: str | None) -> str | None:
        return None if value is None else scrub(value, secrets)

    def js(value: Any) -> str:
        return scrub(_dumps(value), secrets)

    guard = [g.model_dump(mode="json") for g in answer.guard]
    if redacted:
        guard = [{k: v for k, v in g.items() if k != "rejected_text"} for g in guard]
    return _Row(
        created_at=_now(),
        question=None if redacted else text(answer.question),
        answer=None if redacted else text(answer.answer),
        status=answer.status,
        intent=answer.intent,
        drug=answer.drug,
        decisions=js([d.model_dump(mode="json") for d in answer.decisions]),
        citations=js([c.model_dump(mode="json") for c in answer.citations]),
        facts=js(answer.facts),
        missing=js(list(answer.missing)),
        mode=answer.mode,
        model=text(answer.model),
        guard=js(guard),
        latency_ms=answer.latency_ms,
        corpus_sha256=answer.corpus_sha256,
        app_version=answer.app_version,
        redacted=redacted,
    )


def _review_values(answer: Answer | Mapping[str, Any], verdict: str, reason_code: str, comment: str,
                   reviewer: str, mode: AuditMode) -> tuple[Any, ...]:
    if verdict not in ("correct", "incorrect", "unsafe"):
        raise ValueError(f"verdict must be correct, incorrect or unsafe (got {verdict!r})")
    if not isinstance(reason_code, str) or not _REASON_RE.match(reason_code):
        raise ValueError(f"reason_code must be a short snake_case code such as {', '.join(REASON_CODES)} "
                         f"(got {reason_code!r})")
    data = answer.model_dump(mode="json") if isinstance(answer, Answer) else dict(answer)
    if mode == "redacted":
        data = _redact_answer_json(data)
    secrets = _env_secrets()
    question = data.get("question")
    return (_now(), verdict, reason_code, scrub(comment, secrets), scrub(reviewer, secrets),
            None if question is None else scrub(str(question), secrets), scrub(_dumps(data), secrets),
            str(data.get("corpus_sha256") or ""))


def _record_from(row: Mapping[str, Any]) -> AuditRecord:
    data = {k: row[k] for k in _ANSWER_COLUMNS}
    for k in _JSON_ANSWER_COLUMNS:
        if isinstance(data[k], str):
            data[k] = json.loads(data[k])
    data["redacted"] = bool(data["redacted"])
    data["created_at"] = str(data["created_at"])
    return AuditRecord.model_validate(data)


def _review_from(row: Mapping[str, Any]) -> Review:
    data = {k: row[k] for k in _REVIEW_COLUMNS}
    if isinstance(data["answer"], str):
        data["answer"] = json.loads(data["answer"])
    data["created_at"] = str(data["created_at"])
    return Review.model_validate(data)


def one_line(exc: BaseException | str) -> str:
    """An error message on one line (drivers such as libpq spread theirs over several)."""
    return " ".join(str(exc).split())


def write_export(rows: Iterable[BaseModel], fmt: str, path: str | Path, columns: Sequence[str]) -> int:
    """Write ``rows`` to ``path`` atomically; returns how many were written.

    The rows go to a temporary file beside ``path`` (readable by its owner only: exports hold clinical text),
    which is fsynced and then renamed over ``path``. If anything fails — a row that cannot be read from a
    damaged store, a full disk, an interrupt — the temporary file is removed and ``path`` is left as it was.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)} (got {fmt!r})")
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise AuditError(f"Cannot write the export {target}: {one_line(exc)}. Choose a writable --out path.") from exc
    tmp = Path(tmp_name)
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            if fmt == "jsonl":
                for model in rows:
                    fh.write(model.model_dump_json() + "\n")
                    n += 1
            else:
                writer = csv.writer(fh)
                writer.writerow(columns)
                for model in rows:
                    data = model.model_dump(mode="json")
                    writer.writerow([_dumps(data[c]) if isinstance(data[c], list | dict) else
                                     ("" if data[c] is None else data[c]) for c in columns])
                    n += 1
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


# -- the interface ------------------------------------------------------------------------------------------------


@runtime_checkable
class AuditStore(Protocol):
    """Where answers and reviews are kept. Implementations are thread-safe."""

    mode: AuditMode
    notices: list[str]
    """What the user must be told about the store itself (a damaged file moved aside, an unavailable server),
    one line each; the assistant shows them with the next answer, the app in its sidebar."""

    def record(self, answer: Answer) -> None:
        """Store one answer in its own transaction (scrubbed; redacted if the mode says so)."""
        ...

    def add_review(self, answer: Answer | Mapping[str, Any], verdict: Verdict, reason_code: str = "ok",
                   comment: str = "", reviewer: str = "") -> int:
        """Store a clinician's verdict on ``answer``; returns the review's id."""
        ...

    def reviews(self, *, verdict: Verdict | None = None, limit: int | None = None) -> list[Review]:
        """Reviews, newest first (optionally only one verdict, at most ``limit``)."""
        ...

    def records(self, *, limit: int | None = None) -> list[AuditRecord]:
        """Audited answers, oldest first."""
        ...

    def export(self, fmt: ExportFormat, path: str | Path, *, table: Table = "answers") -> int:
        """Write every row of ``table`` to ``path`` as ``jsonl`` or ``csv``; returns the number of rows."""
        ...

    def count(self, table: Table = "answers") -> int:
        """Number of rows in ``table``."""
        ...

    def close(self) -> None:
        """Close every connection."""
        ...



# -- URLs --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DbUrl:
    """A parsed ``ADGUIDE_DB_URL`` (the password is kept out of ``repr``)."""

    scheme: Literal["sqlite", "postgresql"]
    path: str | None = None
    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = None
    database: str | None = None
    raw: str = ""

    def __repr__(self) -> str:
        if self.scheme == "sqlite":
            return f"DbUrl(sqlite, path={self.path!r})"
        return f"DbUrl(postgresql, host={self.host!r}, port={self.port!r}, user={self.user!r}, db={self.database!r})"


def parse_db_url(url: str) -> DbUrl:
    """Parse ``postgresql://user:pass@host:port/db`` (also ``postgres://``, ``postgresql+psycopg://``) or
    ``sqlite:///absolute/path`` / ``sqlite:///relative/path``. Raises ``AuditError`` with the accepted forms."""
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # SQLAlchemy style: sqlite:///relative/path, sqlite:////absolute/path
        path = unquote(text[len("sqlite:///"):]) if text.lower().startswith("sqlite:///") else ""
        if not path:
            raise AuditError(f"{DB_URL_ENV}: a sqlite URL needs a file path, e.g. sqlite:////var/lib/adguide.sqlite")
        return DbUrl(scheme="sqlite", path=path, raw=text)
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        if not parts.hostname and not parts.path.strip("/"):
            raise AuditError(f"{DB_URL_ENV}: a PostgreSQL URL needs a host or a database, "
                             "e.g. postgresql://adguide:secret@localhost:5432/adguide")
        try:
            port = parts.port
        except ValueError as exc:
            raise AuditError(f"{DB_URL_ENV}: invalid port in the PostgreSQL URL: {exc}") from exc
        return DbUrl(scheme="postgresql", host=parts.hostname, port=port,
                     user=unquote(parts.username) if parts.username else None,
                     password=unquote(parts.password) if parts.password else None,
                     database=unquote(parts.path.lstrip("/")) or None,
                     raw="postgresql://" + text.split("://", 1)[1])
    raise AuditError(f"{DB_URL_ENV}: unsupported URL scheme {parts.scheme!r}; use postgresql://user:pass@host/db "
                     "or sqlite:////path/to/adguide.sqlite (or unset it for the default SQLite file).")


# -- a store that could not be opened ------------------------------------------------------------------------------


class UnavailableAuditStore:
    """Stands in for a store that could not be opened, so that answers go on.

    Every ``record`` raises :class:`AuditError`, which the assistant turns into an answer flagged
    ``recorded=False`` (the CLI then exits with ``EXIT_NOT_RECORDED``); ``notices`` says once why and how to fix.
    """

    def __init__(self, reason: str, *, mode: AuditMode = "full") -> None:
        self.reason = one_line(reason)
        self.mode: AuditMode = mode
        self.notices: list[str] = [f"audit: answers are not being recorded: {self.reason}"]

    def __repr__(self) -> str:
        return f"UnavailableAuditStore({self.reason!r})"

    def _fail(self) -> NoReturn:
        raise AuditError(f"the audit store is unavailable: {self.reason}")

    def record(self, answer: Answer) -> None:
        """Always fails: nothing can be recorded."""
        self._fail()

    def add_review(self, answer: Answer | Mapping[str, Any], verdict: Verdict, reason_code: str = "ok",
                   comment: str = "", reviewer: str = "") -> int:
        """Always fails: nothing can be recorded."""
        self._fail()

    def reviews(self, *, verdict: Verdict | None = None, limit: int | None = None) -> list[Review]:
        """Always fails: there is no store to read."""
        self._fail()

    def records(self, *, limit: int | None = None) -> list[AuditRecord]:
        """Always fails: there is no store to read."""
        self._fail()

    def export(self, fmt: ExportFormat, path: str | Path, *, table: Table = "answers") -> int:
        """Always fails: there is no store to read."""
        self._fail()

    def count(self, table: Table = "answers") -> int:
        """Always fails: there is no store to read."""
        self._fail()

    def close(self) -> None:
        """Nothing to close."""
