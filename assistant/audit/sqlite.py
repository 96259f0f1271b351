"""The embedded audit store: stdlib ``sqlite3`` at ``$ADGUIDE_HOME/adguide.sqlite`` (default ``~/.adguide``).

WAL mode; one connection per thread (``threading.local``), ``busy_timeout`` so concurrent writers queue instead of
failing, one ``BEGIN IMMEDIATE … COMMIT`` transaction per answer. ``synchronous=NORMAL`` by default, chosen on
measurement: in WAL mode NORMAL is still atomic and consistent (never a corrupt file, never half an answer) and
durable across a crash of the *process* — a committed row is in the WAL file the kernel holds, which the tests
show by SIGKILLing a writer. Only a power loss or kernel crash can roll back the most recent commits (those not
yet checkpointed or flushed by the OS). ``FULL`` closes that window with an fsync per answer, which on the
development VM cost 2.4–3.5 ms median and 22–58 ms p99 per answer (NORMAL: 0.4 ms median) — more than the whole
warm answer (≈3 ms) and enough to break the p99 ≤ 50 ms target. Deployments that must survive power loss set
``ADGUIDE_AUDIT_SYNC=full`` (or use PostgreSQL, which commits durably by default).

Integrity. When a store is opened for writing, under a lock file (``adguide.sqlite.lock``) shared by every
process:

* ``PRAGMA quick_check`` runs; a store it finds damaged (or that SQLite cannot read at all, such as one whose
  header was overwritten) is moved aside as ``adguide.sqlite.damaged-<UTC time>`` (with its ``-wal``/``-shm``),
  a notice says so and a fresh store is started. Nothing is appended to a damaged store.
* Once the store holds its schema, a small marker file (``adguide.sqlite.marker``) is kept beside it. A store
  file that is later empty (0 bytes) or missing while the marker exists lost its history: the empty file is moved
  aside, the user is told, and a fresh store is started.
* A file with no SQLite header and no marker beside it is not known to be an adguide store: it is never moved,
  and opening fails with a message naming it.
* If the file is replaced while a process runs (another process moved it aside), the next write notices the new
  file and re-opens it; a write that meets corruption re-checks the file (``integrity_check``) and recovers the
  same way before retrying once.

``read_only=True`` opens the file with ``mode=ro`` (falling back to ``immutable=1`` where not even the shared
memory file can be created, e.g. a read-only copy on a read-only medium), never writes, and serves exports.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from filelock import FileLock, Timeout

from ..answer import Answer
from .base import (
    _ANSWER_COLUMNS,
    _INSERT_COLUMNS,
    _REVIEW_COLUMNS,
    _REVIEW_INSERT,
    AUDIT_SYNC_ENV,
    BUSY_TIMEOUT_MS,
    SCHEMA_VERSION,
    SQLITE_FILENAME,
    AuditError,
    AuditMode,
    AuditRecord,
    ExportFormat,
    Review,
    Table,
    Verdict,
    _now,
    _record_from,
    _review_from,
    _review_values,
    _row_for,
    one_line,
    write_export,
)

__all__ = ["DAMAGED_INFIX", "MARKER_SUFFIX", "SQLiteAuditStore", "default_sqlite_path"]

MARKER_SUFFIX = ".marker"
"""Appended to the store's file name for the marker kept beside a store that holds its schema."""
LOCK_SUFFIX = ".lock"
"""Appended to the store's file name for the lock file serialising checks, recovery and migration."""
DAMAGED_INFIX = ".damaged-"
"""A damaged store is renamed ``<name>.damaged-<UTC time>`` (its ``-wal`` and ``-shm`` files alike)."""
_SIDE_FILES = ("", "-wal", "-shm")
_CORRUPT_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)
_SQLITE_HEADER = b"SQLite format 3\x00"

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
    from ..retrieval import adguide_home  # one definition of ADGUIDE_HOME (retrieval loads chromadb lazily)

    return adguide_home() / SQLITE_FILENAME


def _is_corruption(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return (code & 0xFF) in _CORRUPT_CODES
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


class SQLiteAuditStore:
    """The embedded audit store (see the module docstring for durability and integrity)."""

    def __init__(self, path: str | Path | None = None, *, mode: AuditMode = "full",
                 synchronous: Literal["full", "normal"] | None = None, read_only: bool = False) -> None:
        if mode not in ("full", "redacted"):
            raise ValueError(f"an audit store's mode is full or redacted (got {mode!r})")
        self.path = Path(path).expanduser() if path is not None else default_sqlite_path()
        self.marker = self.path.with_name(self.path.name + MARKER_SUFFIX)
        self.mode: AuditMode = mode
        sync = (synchronous or os.environ.get(AUDIT_SYNC_ENV, "normal") or "normal").strip().lower()
        if sync not in ("full", "normal"):
            raise AuditError(f"{AUDIT_SYNC_ENV} must be 'full' or 'normal' (got {sync!r})")
        self.synchronous = sync
        self.read_only = read_only
        self.immutable = False
        """True when a read-only store could only be opened with ``immutable=1`` (its WAL is not read)."""
        self.notices: list[str] = []
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._prepare_lock = threading.Lock()
        self._checked: tuple[int, int] | None = None  # (st_dev, st_ino) of the file last checked and migrated
        self._closed = False
        if read_only:
            self._check_read_only()
        else:
            with self._prepare_lock:
                self._prepare()

    def __repr__(self) -> str:
        ro = ", read_only=True" if self.read_only else ""
        return f"SQLiteAuditStore({str(self.path)!r}, mode={self.mode!r}, synchronous={self.synchronous!r}{ro})"

    # integrity -----------------------------------------------------------------------------------------------
    def _prepare(self, *, thorough: bool = False) -> None:
        """Under the lock file: check the file, move a damaged one aside, migrate, keep the marker.

        Called with ``_prepare_lock`` held, at start and whenever the file on disk is not the one last checked.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(str(self.path.with_name(self.path.name + LOCK_SUFFIX)), timeout=BUSY_TIMEOUT_MS / 1000):
                self._recover_if_damaged(thorough=thorough)
                conn = self._connect()
                try:
                    self._migrate(conn)
                finally:
                    self._forget(conn)
                self._checked = _identity(self.path)
                if not self.marker.exists():
                    self._write_marker()
        except Timeout as exc:
            raise AuditError(f"Another adguide process holds the audit store lock {exc.lock_file} for over "
                             f"{BUSY_TIMEOUT_MS // 1000} s; if none is running, delete that file.") from exc
        except OSError as exc:
            raise AuditError(f"Cannot open the audit database {self.path}: {one_line(exc)}. Check that the folder is "
                             "writable, or set ADGUIDE_AUDIT=off to answer without an audit trail.") from exc

    def _marker_since(self) -> str | None:
        try:
            data = json.loads(self.marker.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return "an unknown date"  # a marker that cannot be read still says a store existed
        return str(data.get("since") or "an unknown date") if isinstance(data, dict) else "an unknown date"

    def _write_marker(self) -> None:
        tmp = self.marker.with_name(self.marker.name + ".tmp")
        text = json.dumps({"store": self.path.name, "since": _now(),
                           "about": "adguide keeps this file beside its audit store once the store holds its "
                                    "schema; an empty or missing store beside it means the store was lost"})
        tmp.write_text(text + "\n", encoding="utf-8")
        os.replace(tmp, self.marker)

    def _damage(self, *, thorough: bool) -> str | None:
        """What is wrong with the file (``None``: sound, or new). Raises ``AuditError`` for a foreign file."""
        since = self._marker_since()
        if not self.path.exists():
            if since is not None:
                return f"was missing although {self.marker.name} shows it held the audit trail since {since}"
            return None
        if self.path.stat().st_size == 0:
            if since is not None:
                return f"was empty (0 bytes) although {self.marker.name} shows it held the audit trail since {since}"
            return None  # an empty file nobody wrote to yet: SQLite makes it a new database
        with self.path.open("rb") as fh:
            header = fh.read(len(_SQLITE_HEADER))
        if header != _SQLITE_HEADER and since is None:
            raise AuditError(f"{self.path} is not an SQLite file and no {self.marker.name} shows that adguide "
                             "wrote it, so it is left untouched: point ADGUIDE_HOME or ADGUIDE_DB_URL at an adguide "
                             "audit store (or at a new file).")
        check = "integrity_check" if thorough else "quick_check"
        conn = None
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            rows = [str(r[0]) for r in conn.execute(f"PRAGMA {check}(20)")]
        except sqlite3.DatabaseError as exc:
            if _is_corruption(exc):
                return f"is damaged (SQLite: {one_line(exc)})"
            raise AuditError(f"Cannot check the audit database {self.path}: {one_line(exc)}. Check that the "
                             "folder is writable, or set ADGUIDE_AUDIT=off to answer without an audit "
                             "trail.") from exc
        finally:
            if conn is not None:
                conn.close()
        if rows != ["ok"]:
            detail = "; ".join(rows[:3]) + (f" (and {len(rows) - 3} more)" if len(rows) > 3 else "")
            return f"is damaged ({check}: {one_line(detail)})"
        return None

    def _recover_if_damaged(self, *, thorough: bool) -> None:
        problem = self._damage(thorough=thorough)
        if problem is None:
            return
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        aside = self.path.with_name(f"{self.path.name}{DAMAGED_INFIX}{stamp}")
        moved = []
        for suffix in _SIDE_FILES:
            src = Path(str(self.path) + suffix)
            if src.exists():
                os.replace(src, Path(str(aside) + suffix))
                moved.append(suffix)
        self.marker.unlink(missing_ok=True)  # rewritten once the fresh store holds its schema
        if moved:
            where = f"it was moved aside to {aside}"
            if "" in moved and problem.startswith("is damaged"):
                where += f" (its readable rows may be recovered with `sqlite3 {aside} .recover`)"
        else:
            where = "nothing was left to move aside"
        self.notices.append(f"audit: the audit store {self.path} {problem}; {where}; a fresh store was started, "
                            "so earlier answers are not in it.")

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check`` ('ok' when the file is sound)."""
        return str(self._conn().execute("PRAGMA integrity_check").fetchone()[0])

    def quick_check(self) -> str:
        """``PRAGMA quick_check`` ('ok' when the file is sound), as run when the store opens."""
        return str(self._conn().execute("PRAGMA quick_check").fetchone()[0])

    # connections ---------------------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            return self._connect_read_only()
        conn: sqlite3.Connection | None = None
        try:
            # isolation_level=None: we issue BEGIN IMMEDIATE/COMMIT ourselves (one transaction per answer).
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.close()
                raise AuditError(f"Cannot put the audit database {self.path} in WAL mode (got {mode!r}); "
                                 "is it on a network file system? Set ADGUIDE_HOME to a local folder.")
            conn.execute(f"PRAGMA synchronous = {self.synchronous.upper()}")
            conn.execute("PRAGMA foreign_keys = ON")
        except (sqlite3.Error, OSError) as exc:
            if conn is not None:
                conn.close()
            raise AuditError(f"Cannot open the audit database {self.path}: {one_line(exc)}. Check that the folder "
                             "is writable, or set ADGUIDE_AUDIT=off to answer without an audit trail.") from exc
        return self._keep(conn)

    def _connect_read_only(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise AuditError(f"No audit store at {self.path}: set ADGUIDE_HOME (or ADGUIDE_DB_URL) to the folder "
                             "(or file) that holds it.")
        uri = "file:" + quote(str(self.path.resolve()))
        try:
            conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None, check_same_thread=False)
            try:
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                conn.close()
                # No write access to the folder: SQLite cannot create the WAL index (-shm). immutable=1 reads the
                # main file only, without locks; rows still in a WAL file are then not seen.
                conn = sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True, isolation_level=None,
                                       check_same_thread=False)
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                if not self.immutable:
                    self.immutable = True
                    wal = Path(str(self.path) + "-wal")
                    if wal.exists() and wal.stat().st_size > 0:
                        self.notices.append(f"audit: {self.path} was opened read-only without its WAL file "
                                            f"({wal.name}): answers recorded since the last checkpoint are not "
                                            "included; copy the store with its -wal file to a writable folder to "
                                            "read them too.")
        except sqlite3.DatabaseError as exc:
            raise self._read_error(exc) from exc
        return self._keep(conn)

    def _read_error(self, exc: sqlite3.Error) -> AuditError:
        if _is_corruption(exc):
            return AuditError(f"The audit store {self.path} is damaged ({one_line(exc)}); nothing was read. The "
                              "next `adguide ask` or app start moves it aside and starts a fresh store; its "
                              f"readable rows may be recovered with `sqlite3 {self.path} .recover`.")
        return AuditError(f"Cannot read the audit database {self.path}: {one_line(exc)}.")

    def _keep(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        conn.row_factory = sqlite3.Row
        with self._all_lock:
            self._all.append(conn)
        return conn

    def _forget(self, conn: sqlite3.Connection) -> None:
        with self._all_lock:
            if conn in self._all:
                self._all.remove(conn)
        try:
            conn.close()
        except sqlite3.Error:  # pragma: no cover - closing is best effort
            pass

    def _conn(self) -> sqlite3.Connection:
        if self._closed:
            raise AuditError(f"The audit store {self.path} is closed.")
        if not self.read_only and _identity(self.path) != self._checked:
            # The file is not the one checked at start: another process moved a damaged one aside (or it was
            # deleted). Check and migrate what is there now before writing to it.
            with self._prepare_lock:
                if _identity(self.path) != self._checked:
                    self._prepare()
        held: tuple[sqlite3.Connection, tuple[int, int] | None] | None = getattr(self._local, "conn", None)
        if held is not None and (self.read_only or held[1] == self._checked):
            return held[0]
        if held is not None:
            self._forget(held[0])
        conn = self._connect()
        self._local.conn = (conn, self._checked)
        return conn

    def _check_read_only(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise AuditError(f"The audit database {self.path} has schema version {version}, newer than this "
                             f"adguide understands ({SCHEMA_VERSION}). Upgrade adguide.")

    def _migrate(self, conn: sqlite3.Connection) -> None:
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
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise AuditError(f"Cannot prepare the audit database {self.path}: {one_line(exc)}.") from exc

    def schema_version(self) -> int:
        """The database's schema version."""
        try:
            return int(self._conn().execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise self._read_error(exc) from exc

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
        if self.read_only:
            raise AuditError(f"The audit store {self.path} was opened read-only; nothing can be recorded in it.")
        for attempt in (1, 2):
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
                if attempt == 1 and _is_corruption(exc):
                    # The file went bad while we ran: check it thoroughly, move it aside, retry once on a fresh one.
                    with self._prepare_lock:
                        self._prepare(thorough=True)
                    continue
                raise AuditError(f"Cannot write to the audit database {self.path}: {one_line(exc)}.") from exc
            assert cur.lastrowid is not None
            return int(cur.lastrowid)
        raise AssertionError("unreachable")  # pragma: no cover

    # reads --------------------------------------------------------------------------------------------------
    def count(self, table: Table = "answers") -> int:
        """Rows in ``answers`` or ``reviews``."""
        if table not in ("answers", "reviews"):
            raise ValueError(f"table must be answers or reviews (got {table!r})")
        try:
            return int(self._conn().execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise self._read_error(exc) from exc

    def records(self, *, limit: int | None = None) -> list[AuditRecord]:
        """Audited answers, oldest first."""
        return list(self._iter_records(limit))

    def _iter_records(self, limit: int | None = None) -> Iterator[AuditRecord]:
        sql = f"SELECT {', '.join(_ANSWER_COLUMNS)} FROM answers ORDER BY id"
        args: tuple[Any, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            args = (int(limit),)
        yield from (_record_from(row) for row in self._rows(sql, args))

    def _rows(self, sql: str, args: Sequence[Any]) -> Iterator[Any]:
        try:
            yield from self._conn().execute(sql, tuple(args))
        except sqlite3.DatabaseError as exc:
            raise self._read_error(exc) from exc

    def ids(self) -> set[int]:
        """Every answer row id."""
        return {int(r[0]) for r in self._rows("SELECT id FROM answers", ())}

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
        yield from (_review_from(row) for row in self._rows(sql, args))

    def export(self, fmt: ExportFormat, path: str | Path, *, table: Table = "answers") -> int:
        """Write ``table`` to ``path`` (``jsonl`` or ``csv``) atomically; returns the number of rows.

        Rows are read in one read transaction, so the export is one consistent snapshot even while others write.
        """
        if table == "answers":
            rows: Iterator[AuditRecord | Review] = self._iter_records()
            columns: Sequence[str] = _ANSWER_COLUMNS
        elif table == "reviews":
            rows, columns = self._iter_reviews(None, None, newest_first=False), _REVIEW_COLUMNS
        else:
            raise ValueError(f"table must be answers or reviews (got {table!r})")
        conn = self._conn()
        conn.execute("BEGIN")
        try:
            return write_export(rows, fmt, path, columns)
        finally:
            conn.execute("ROLLBACK")

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
