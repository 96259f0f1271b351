"""The shared audit store in PostgreSQL, selected by ``ADGUIDE_DB_URL=postgresql://…``.

``psycopg`` 3 is imported on first use (``pip install -e '.[postgres]'``). One connection per thread; each answer is
one transaction (PostgreSQL commits durably by default). Several app instances can write to one database at once:
row ids come from a sequence, the schema is created under an advisory lock by whichever instance starts first. A
server that cannot be reached gives one line saying which server and how to fix it; a connection that breaks is
re-opened on the next write.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..answer import Answer
from .base import (
    _ANSWER_COLUMNS,
    _INSERT_COLUMNS,
    _JSON_ANSWER_COLUMNS,
    _REVIEW_COLUMNS,
    _REVIEW_INSERT,
    DB_URL_ENV,
    SCHEMA_VERSION,
    AuditError,
    AuditMode,
    AuditRecord,
    ExportFormat,
    Review,
    Table,
    Verdict,
    _record_from,
    _review_from,
    _review_values,
    _row_for,
    one_line,
    parse_db_url,
    write_export,
)

__all__ = ["CONNECT_TIMEOUT_S", "PostgresAuditStore"]

CONNECT_TIMEOUT_S = 5
"""How long to wait for the server before saying it cannot be reached (unless the URL sets connect_timeout)."""

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


class PostgresAuditStore:
    """The audit store in PostgreSQL (``psycopg`` 3, imported on first use). One connection per thread."""

    def __init__(self, url: str, *, mode: AuditMode = "full") -> None:
        if mode not in ("full", "redacted"):
            raise ValueError(f"an audit store's mode is full or redacted (got {mode!r})")
        self.url = parse_db_url(url)
        if self.url.scheme != "postgresql":
            raise AuditError(f"PostgresAuditStore needs a postgresql:// URL (got {self.url!r})")
        self.mode: AuditMode = mode
        self.notices: list[str] = []
        self._local = threading.local()
        self._all: list[Any] = []
        self._all_lock = threading.Lock()
        self._migrate()

    def __repr__(self) -> str:
        return f"PostgresAuditStore({self.url!r}, mode={self.mode!r})"

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken:
            try:
                import psycopg  # type: ignore[import-not-found,unused-ignore]
                from psycopg.rows import dict_row  # type: ignore[import-not-found,unused-ignore]
            except ImportError as exc:
                raise AuditError(f"{DB_URL_ENV} points to PostgreSQL but the driver is not installed: "
                                 "pip install 'psycopg[binary]' (or pip install -e '.[postgres]')") from exc
            extra: dict[str, Any] = {} if "connect_timeout" in self.url.raw else {"connect_timeout": CONNECT_TIMEOUT_S}
            try:
                conn = psycopg.connect(self.url.raw, autocommit=False, row_factory=dict_row, **extra)
            except Exception as exc:
                raise AuditError(f"Cannot connect to the audit database {self.url!r}: {one_line(exc)}. Start the "
                                 f"server or correct {DB_URL_ENV} (unset it to use the local SQLite store).") from exc
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    def _run(self, what: str, work: Any) -> Any:
        """``work(conn)`` in one transaction; a driver error becomes an ``AuditError`` on one line."""
        conn = self._conn()
        try:
            with conn.transaction():
                return work(conn)
        except AuditError:
            raise
        except Exception as exc:
            raise AuditError(f"Cannot {what} the audit database {self.url!r}: {one_line(exc)}.") from exc

    def _migrate(self) -> None:
        def work(conn: Any) -> None:
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

        self._run("prepare", work)

    def schema_version(self) -> int:
        """The database's schema version."""
        row = self._run("read", lambda c: c.execute(
            "SELECT value FROM adguide_meta WHERE key = 'schema_version'").fetchone())
        return int(row["value"]) if row else 0

    def record(self, answer: Answer) -> None:
        """Store one answer in its own transaction."""
        self.record_returning_id(answer)

    def record_returning_id(self, answer: Answer) -> int:
        """Store one answer; returns its row id once the transaction has committed."""
        row = _row_for(answer, self.mode)
        cols = ", ".join(_INSERT_COLUMNS)
        marks = ", ".join("%s::jsonb" if c in _JSON_ANSWER_COLUMNS else "%s" for c in _INSERT_COLUMNS)
        return self._write(f"INSERT INTO adguide_answers ({cols}) VALUES ({marks}) RETURNING id", row.values())

    def add_review(self, answer: Answer | Mapping[str, Any], verdict: Verdict, reason_code: str = "ok",
                   comment: str = "", reviewer: str = "") -> int:
        """Store a clinician's verdict; returns its id."""
        values = _review_values(answer, verdict, reason_code, comment, reviewer, self.mode)
        return self._write(f"INSERT INTO adguide_reviews ({_REVIEW_INSERT}) "
                           "VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s) RETURNING id", values)

    def _write(self, sql: str, values: Sequence[Any]) -> int:
        row = self._run("write to", lambda c: c.execute(sql, tuple(values)).fetchone())
        return int(row["id"])

    def count(self, table: Table = "answers") -> int:
        """Rows in ``answers`` or ``reviews``."""
        if table not in ("answers", "reviews"):
            raise ValueError(f"table must be answers or reviews (got {table!r})")
        row = self._run("read", lambda c: c.execute(f"SELECT COUNT(*) AS n FROM adguide_{table}").fetchone())
        return int(row["n"])

    def ids(self) -> set[int]:
        """Every answer row id."""
        rows = self._run("read", lambda c: c.execute("SELECT id FROM adguide_answers").fetchall())
        return {int(r["id"]) for r in rows}

    def _select(self, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._run("read", lambda c: c.execute(sql, tuple(args)).fetchall())
        for row in rows:
            if "created_at" in row and not isinstance(row["created_at"], str):
                row["created_at"] = row["created_at"].isoformat()
        return rows

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
        """Write ``table`` to ``path`` atomically; returns the number of rows."""
        if table == "answers":
            return write_export(iter(self.records()), fmt, path, _ANSWER_COLUMNS)
        if table == "reviews":
            return write_export(iter(reversed(self.reviews())), fmt, path, _REVIEW_COLUMNS)
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
