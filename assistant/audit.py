"""The audit trail: every answer (and every clinician review of one) in one small store.

One interface, :class:`AuditStore`, two implementations:

* :class:`SQLiteAuditStore` — the embedded default, ``$ADGUIDE_HOME/adguide.sqlite`` (default ``~/.adguide``).
  Stdlib ``sqlite3`` in WAL mode; one connection per thread (``threading.local``), ``busy_timeout`` so
  concurrent writers queue instead of failing, one ``BEGIN IMMEDIATE … COMMIT`` transaction per answer.
  ``synchronous=NORMAL`` by default, chosen on measurement: in WAL mode NORMAL is still atomic and consistent
  (never a corrupt file, never half an answer) and durable across a crash of the *process* — a committed row is
  in the WAL file the kernel holds, which ``tests/assistant/test_audit.py`` shows by SIGKILLing a writer. Only a
  power loss or kernel crash can roll back the most recent commits (those not yet checkpointed or flushed by
  the OS). ``FULL`` closes that window with an fsync per answer, which on the development VM cost 2.4–3.5 ms
  median and 22–58 ms p99 per answer (NORMAL: 0.4 ms median) — more than the whole warm answer (≈3 ms) and
  enough to break the p99 ≤ 50 ms target. Deployments that must survive power loss set
  ``ADGUIDE_AUDIT_SYNC=full`` (or use PostgreSQL, which commits durably by default).
* :class:`PostgresAuditStore` — selected by ``ADGUIDE_DB_URL=postgresql://…``; imports ``psycopg`` lazily.

``ADGUIDE_AUDIT`` chooses what is kept: ``full`` (default), ``redacted`` (facts, decisions and citations but no
question or answer text, nor generated text rejected by the guard) or ``off`` (no store at all).

Secrets never reach the store: every text written passes :func:`scrub`, which replaces API-key-like strings
and the values of secret-looking environment variables (``OPENAI_API_KEY`` …) with ``[REDACTED]``.

The schema is versioned (``PRAGMA user_version`` in SQLite, table ``adguide_meta`` in PostgreSQL); a store
written by a newer adguide is refused rather than silently misread.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict

from .answer import Answer
from .errors import AssistantError

__all__ = [
    "AUDIT_ENV",
    "AUDIT_SYNC_ENV",
    "DB_URL_ENV",
    "EXPORT_FORMATS",
    "REASON_CODES",
    "SCHEMA_VERSION",
    "AuditError",
    "AuditMode",
    "AuditRecord",
    "AuditStore",
    "ExportFormat",
    "PostgresAuditStore",
    "Review",
    "SQLiteAuditStore",
    "Verdict",
    "audit_from_env",
    "audit_mode_from_env",
    "default_sqlite_path",
    "parse_db_url",
    "scrub",
    "store_from_url",
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


def _write_export(rows: Iterator[BaseModel], fmt: str, path: Path, columns: Sequence[str]) -> int:
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)} (got {fmt!r})")
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
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
    tmp.replace(path)
    return n


# -- the interface ------------------------------------------------------------------------------------------------


@runtime_checkable
class AuditStore(Protocol):
    """Where answers and reviews are kept. Implementations are thread-safe."""

    mode: AuditMode

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


# -- SQLite -------------------------------------------------------------------------------------------------------

_SQLITE_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE answers (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created_at TEXT NOT NULL,
            question TEXT,
            answer TEXT,
            status TEXT NOT NULL CHECK (status IN ('answered','needs_info','not_covered','out_of_scope','refused')),
            intent TEXT,
            drug TEXT,
            decisions TEXT NOT NULL,
            citations TEXT NOT NULL,
            facts TEXT NOT NULL,
            missing TEXT NOT NULL,
            mode TEXT NOT NULL,
            model TEXT,
            guard TEXT NOT NULL,
            latency_ms REAL,
            corpus_sha256 TEXT NOT NULL,
            app_version TEXT NOT NULL,
            redacted INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX IF NOT EXISTS answers_created_at ON answers (created_at)",
        """CREATE TABLE reviews (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created_at TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('correct','incorrect','unsafe')),
            reason_code TEXT NOT NULL,
            comment TEXT NOT NULL DEFAULT '',
            reviewer TEXT NOT NULL DEFAULT '',
            question TEXT,
            answer TEXT NOT NULL,
            corpus_sha256 TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS reviews_verdict ON reviews (verdict)",
    ),
}


def default_sqlite_path() -> Path:
    """``$ADGUIDE_HOME/adguide.sqlite`` (``~/.adguide`` when unset), read on every call."""
    from .retrieval import adguide_home  # one definition of ADGUIDE_HOME

    return adguide_home() / SQLITE_FILENAME


class SQLiteAuditStore:
    """The embedded audit store (see the module docstring for the durability choices)."""

    def __init__(self, path: str | Path | None = None, *, mode: AuditMode = "full",
                 synchronous: Literal["full", "normal"] | None = None) -> None:
        if mode not in ("full", "redacted"):
            raise ValueError(f"an audit store's mode is full or redacted (got {mode!r})")
        self.path = Path(path).expanduser() if path is not None else default_sqlite_path()
        self.mode: AuditMode = mode
        sync = (synchronous or os.environ.get(AUDIT_SYNC_ENV, "normal") or "normal").strip().lower()
        if sync not in ("full", "normal"):
            raise AuditError(f"{AUDIT_SYNC_ENV} must be 'full' or 'normal' (got {sync!r})")
        self.synchronous = sync
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._closed = False
        self._migrate()

    def __repr__(self) -> str:
        return f"SQLiteAuditStore({str(self.path)!r}, mode={self.mode!r}, synchronous={self.synchronous!r})"

    # connections ---------------------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we issue BEGIN IMMEDIATE/COMMIT ourselves (one transaction per answer).
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise AuditError(f"Cannot put the audit database {self.path} in WAL mode (got {mode!r}); "
                                 "is it on a network file system? Set ADGUIDE_HOME to a local folder.")
            conn.execute(f"PRAGMA synchronous = {self.synchronous.upper()}")
            conn.execute("PRAGMA foreign_keys = ON")
        except (sqlite3.Error, OSError) as exc:
            raise AuditError(f"Cannot open the audit database {self.path}: {exc}. Check that the folder is "
                             f"writable, or set ADGUIDE_AUDIT=off to answer without an audit trail.") from exc
        conn.row_factory = sqlite3.Row
        with self._all_lock:
            self._all.append(conn)
        return conn

    def _conn(self) -> sqlite3.Connection:
        if self._closed:
            raise AuditError(f"The audit store {self.path} is closed.")
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def _migrate(self) -> None:
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                current = int(conn.execute("PRAGMA user_version").fetchone()[0])
                if current > SCHEMA_VERSION:
                    raise AuditError(f"The audit database {self.path} has schema version {current}, newer than "
                                     f"this adguide understands ({SCHEMA_VERSION}). Upgrade adguide.")
                for version in range(current + 1, SCHEMA_VERSION + 1):
                    for statement in _SQLITE_MIGRATIONS[version]:
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {version}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise AuditError(f"Cannot prepare the audit database {self.path}: {exc}.") from exc

    def schema_version(self) -> int:
        """The database's schema version."""
        return int(self._conn().execute("PRAGMA user_version").fetchone()[0])

    # writes -------------------------------------------------------------------------------------------------
    def record(self, answer: Answer) -> None:
        """Store one answer in its own transaction."""
        self.record_returning_id(answer)

    def record_returning_id(self, answer: Answer) -> int:
        """Store one answer; returns its row id once the transaction has committed."""
        row = _row_for(answer, self.mode)
        sql = f"INSERT INTO answers ({', '.join(_INSERT_COLUMNS)}) VALUES ({', '.join('?' * len(_INSERT_COLUMNS))})"
        return self._write(sql, row.values())

    def add_review(self, answer: Answer | Mapping[str, Any], verdict: Verdict, reason_code: str = "ok",
                   comment: str = "", reviewer: str = "") -> int:
        """Store a clinician's verdict; returns its id."""
        values = _review_values(answer, verdict, reason_code, comment, reviewer, self.mode)
        return self._write(f"INSERT INTO reviews ({_REVIEW_INSERT}) VALUES ({', '.join('?' * 8)})", values)

    def _write(self, sql: str, values: Sequence[Any]) -> int:
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                cur = conn.execute(sql, values)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise AuditError(f"Cannot write to the audit database {self.path}: {exc}.") from exc
        assert cur.lastrowid is not None
        return int(cur.lastrowid)

    # reads --------------------------------------------------------------------------------------------------
    def count(self, table: Table = "answers") -> int:
        """Rows in ``answers`` or ``reviews``."""
        if table not in ("answers", "reviews"):
            raise ValueError(f"table must be answers or reviews (got {table!r})")
        return int(self._conn().execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def records(self, *, limit: int | None = None) -> list[AuditRecord]:
        """Audited answers, oldest first."""
        return list(self._iter_records(limit))

    def _iter_records(self, limit: int | None = None) -> Iterator[AuditRecord]:
        sql = f"SELECT {', '.join(_ANSWER_COLUMNS)} FROM answers ORDER BY id"
        args: tuple[Any, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            args = (int(limit),)
        for row in self._conn().execute(sql, args):
            yield _record_from(row)

    def ids(self) -> set[int]:
        """Every answer row id."""
        return {int(r[0]) for r in self._conn().execute("SELECT id FROM answers")}

    def reviews(self, *, verdict: Verdict | None = None, limit: int | None = None) -> list[Review]:
        """Reviews, newest first."""
        return list(self._iter_reviews(verdict, limit, newest_first=True))

    def _iter_reviews(self, verdict: str | None, limit: int | None, *, newest_first: bool) -> Iterator[Review]:
        sql = f"SELECT {', '.join(_REVIEW_COLUMNS)} FROM reviews"
        args: list[Any] = []
        if verdict is not None:
            sql += " WHERE verdict = ?"
            args.append(verdict)
        sql += " ORDER BY id DESC" if newest_first else " ORDER BY id"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        for row in self._conn().execute(sql, args):
            yield _review_from(row)

    def export(self, fmt: ExportFormat, path: str | Path, *, table: Table = "answers") -> int:
        """Write ``table`` to ``path`` (``jsonl`` or ``csv``); returns the number of rows."""
        if table == "answers":
            return _write_export(self._iter_records(), fmt, Path(path), _ANSWER_COLUMNS)
        if table == "reviews":
            return _write_export(self._iter_reviews(None, None, newest_first=False), fmt, Path(path),
                                 _REVIEW_COLUMNS)
        raise ValueError(f"table must be answers or reviews (got {table!r})")

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check`` ('ok' when the file is sound)."""
        return str(self._conn().execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        """Close every thread's connection."""
        self._closed = True
        with self._all_lock:
            conns, self._all = self._all, []
        for conn in conns:
            try:
                conn.close()
            except sqlite3.Error:  # pragma: no cover - closing is best effort
                pass
        self._local = threading.local()


# -- PostgreSQL ---------------------------------------------------------------------------------------------------

_PG_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE IF NOT EXISTS adguide_answers (
            id BIGSERIAL PRIMARY KEY,
            created_at TIMESTAMPTZ NOT NULL,
            question TEXT,
            answer TEXT,
            status TEXT NOT NULL CHECK (status IN ('answered','needs_info','not_covered','out_of_scope','refused')),
            intent TEXT,
            drug TEXT,
            decisions JSONB NOT NULL,
            citations JSONB NOT NULL,
            facts JSONB NOT NULL,
            missing JSONB NOT NULL,
            mode TEXT NOT NULL,
            model TEXT,
            guard JSONB NOT NULL,
            latency_ms DOUBLE PRECISION,
            corpus_sha256 TEXT NOT NULL,
            app_version TEXT NOT NULL,
            redacted BOOLEAN NOT NULL DEFAULT FALSE
        )""",
        "CREATE INDEX IF NOT EXISTS adguide_answers_created_at ON adguide_answers (created_at)",
        """CREATE TABLE IF NOT EXISTS adguide_reviews (
            id BIGSERIAL PRIMARY KEY,
            created_at TIMESTAMPTZ NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('correct','incorrect','unsafe')),
            reason_code TEXT NOT NULL,
            comment TEXT NOT NULL DEFAULT '',
            reviewer TEXT NOT NULL DEFAULT '',
            question TEXT,
            answer JSONB NOT NULL,
            corpus_sha256 TEXT NOT NULL
        )""",
    ),
}


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


class PostgresAuditStore:
    """The audit store in PostgreSQL (``psycopg`` 3, imported on first use). One connection per thread."""

    def __init__(self, url: str, *, mode: AuditMode = "full") -> None:
        if mode not in ("full", "redacted"):
            raise ValueError(f"an audit store's mode is full or redacted (got {mode!r})")
        self.url = parse_db_url(url)
        if self.url.scheme != "postgresql":
            raise AuditError(f"PostgresAuditStore needs a postgresql:// URL (got {self.url!r})")
        self.mode: AuditMode = mode
        self._local = threading.local()
        self._all: list[Any] = []
        self._all_lock = threading.Lock()
        self._migrate()

    def __repr__(self) -> str:
        return f"PostgresAuditStore({self.url!r}, mode={self.mode!r})"

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            try:
                import psycopg  # type: ignore[import-not-found,unused-ignore]
                from psycopg.rows import dict_row  # type: ignore[import-not-found,unused-ignore]
            except ImportError as exc:
                raise AuditError(f"{DB_URL_ENV} points to PostgreSQL but the driver is not installed: "
                                 "pip install 'psycopg[binary]'") from exc
            try:
                conn = psycopg.connect(self.url.raw, autocommit=False, row_factory=dict_row)
            except Exception as exc:
                raise AuditError(f"Cannot connect to the audit database {self.url!r}: {exc}") from exc
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    def _migrate(self) -> None:
        conn = self._conn()
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(4242001)")  # one migrator at a time
            conn.execute("CREATE TABLE IF NOT EXISTS adguide_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = conn.execute("SELECT value FROM adguide_meta WHERE key = 'schema_version'").fetchone()
            current = int(row["value"]) if row else 0
            if current > SCHEMA_VERSION:
                raise AuditError(f"The audit database has schema version {current}, newer than this adguide "
                                 f"understands ({SCHEMA_VERSION}). Upgrade adguide.")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in _PG_MIGRATIONS[version]:
                    conn.execute(statement)
                conn.execute("INSERT INTO adguide_meta (key, value) VALUES ('schema_version', %s) "
                             "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", (str(version),))

    def record(self, answer: Answer) -> None:
        """Store one answer in its own transaction."""
        row = _row_for(answer, self.mode)
        cols = ", ".join(_INSERT_COLUMNS)
        marks = ", ".join("%s::jsonb" if c in _JSON_ANSWER_COLUMNS else "%s" for c in _INSERT_COLUMNS)
        self._write(f"INSERT INTO adguide_answers ({cols}) VALUES ({marks}) RETURNING id", row.values())

    def add_review(self, answer: Answer | Mapping[str, Any], verdict: Verdict, reason_code: str = "ok",
                   comment: str = "", reviewer: str = "") -> int:
        """Store a clinician's verdict; returns its id."""
        values = _review_values(answer, verdict, reason_code, comment, reviewer, self.mode)
        return self._write(f"INSERT INTO adguide_reviews ({_REVIEW_INSERT}) "
                           "VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s) RETURNING id", values)

    def _write(self, sql: str, values: Sequence[Any]) -> int:
        conn = self._conn()
        with conn.transaction():
            row = conn.execute(sql, tuple(values)).fetchone()
        return int(row["id"])

    def count(self, table: Table = "answers") -> int:
        """Rows in ``answers`` or ``reviews``."""
        if table not in ("answers", "reviews"):
            raise ValueError(f"table must be answers or reviews (got {table!r})")
        conn = self._conn()
        with conn.transaction():
            return int(conn.execute(f"SELECT COUNT(*) AS n FROM adguide_{table}").fetchone()["n"])

    def _select(self, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        conn = self._conn()
        with conn.transaction():
            rows = conn.execute(sql, tuple(args)).fetchall()
        for row in rows:
            if "created_at" in row and not isinstance(row["created_at"], str):
                row["created_at"] = row["created_at"].isoformat()
        return list(rows)

    def records(self, *, limit: int | None = None) -> list[AuditRecord]:
        """Audited answers, oldest first."""
        sql = f"SELECT {', '.join(_ANSWER_COLUMNS)} FROM adguide_answers ORDER BY id"
        args: list[Any] = []
        if limit is not None:
            sql += " LIMIT %s"
            args.append(int(limit))
        return [_record_from(r) for r in self._select(sql, args)]

    def reviews(self, *, verdict: Verdict | None = None, limit: int | None = None) -> list[Review]:
        """Reviews, newest first."""
        sql = f"SELECT {', '.join(_REVIEW_COLUMNS)} FROM adguide_reviews"
        args: list[Any] = []
        if verdict is not None:
            sql += " WHERE verdict = %s"
            args.append(verdict)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT %s"
            args.append(int(limit))
        return [_review_from(r) for r in self._select(sql, args)]

    def export(self, fmt: ExportFormat, path: str | Path, *, table: Table = "answers") -> int:
        """Write ``table`` to ``path``; returns the number of rows."""
        if table == "answers":
            return _write_export(iter(self.records()), fmt, Path(path), _ANSWER_COLUMNS)
        if table == "reviews":
            return _write_export(iter(reversed(self.reviews())), fmt, Path(path), _REVIEW_COLUMNS)
        raise ValueError(f"table must be answers or reviews (got {table!r})")

    def close(self) -> None:
        """Close every thread's connection."""
        with self._all_lock:
            conns, self._all = self._all, []
        for conn in conns:
            try:
                conn.close()
            except Exception:  # pragma: no cover - closing is best effort
                pass
        self._local = threading.local()


# -- selection ----------------------------------------------------------------------------------------------------


def audit_mode_from_env() -> AuditMode:
    """``ADGUIDE_AUDIT``: full (default), redacted or off."""
    value = os.environ.get(AUDIT_ENV, "").strip().lower() or "full"
    if value not in ("full", "redacted", "off"):
        raise AuditError(f"{AUDIT_ENV} must be full, redacted or off (got {value!r})")
    return value  # type: ignore[return-value]


def store_from_url(url: str | None, *, mode: AuditMode = "full") -> SQLiteAuditStore | PostgresAuditStore:
    """The store a URL names (``None`` or empty: the default SQLite file)."""
    if not url or not url.strip():
        return SQLiteAuditStore(mode=mode)
    parsed = parse_db_url(url)
    if parsed.scheme == "sqlite":
        return SQLiteAuditStore(parsed.path, mode=mode)
    return PostgresAuditStore(url, mode=mode)


def audit_from_env() -> AuditStore | None:
    """The store the environment asks for, or ``None`` when ``ADGUIDE_AUDIT=off``.

    ``ADGUIDE_DB_URL`` selects PostgreSQL (``postgresql://…``) or an explicit SQLite file (``sqlite:///…``);
    unset, the store is ``$ADGUIDE_HOME/adguide.sqlite``.
    """
    mode = audit_mode_from_env()
    if mode == "off":
        return None
    return store_from_url(os.environ.get(DB_URL_ENV), mode=mode)

