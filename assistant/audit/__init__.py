"""The audit trail: every answer (and every clinician review of one) in one small store.

One interface, :class:`AuditStore`, two backends behind it:

* :class:`SQLiteAuditStore` (:mod:`assistant.audit.sqlite`) — the embedded default,
  ``$ADGUIDE_HOME/adguide.sqlite``; checked with ``PRAGMA quick_check`` whenever it opens, a damaged or emptied
  store moved aside with a notice (see that module for durability and integrity).
* :class:`PostgresAuditStore` (:mod:`assistant.audit.postgres`) — selected by ``ADGUIDE_DB_URL=postgresql://…``,
  shared by several app instances.

``ADGUIDE_AUDIT`` chooses what is kept: ``full`` (default), ``redacted`` (facts, decisions and citations but no
question or answer text, nor generated text rejected by the guard) or ``off`` (no store at all).

Secrets never reach the store: every text written passes :func:`scrub`, which replaces API-key-like strings
and the values of secret-looking environment variables (``OPENAI_API_KEY`` …) with ``[REDACTED]``.

The schema is versioned (``PRAGMA user_version`` in SQLite, table ``adguide_meta`` in PostgreSQL); a store
written by a newer adguide is refused rather than silently misread.

An audit store that cannot be opened never stops an answer: :func:`audit_for_answers` hands the assistant an
:class:`UnavailableAuditStore` instead, so each answer is given and flagged ``recorded=False``.
"""

from __future__ import annotations

import os

from .base import (
    AUDIT_ENV,
    AUDIT_SYNC_ENV,
    DB_URL_ENV,
    EXPORT_FORMATS,
    REASON_CODES,
    SCHEMA_VERSION,
    AuditError,
    AuditMode,
    AuditRecord,
    AuditStore,
    DbUrl,
    ExportFormat,
    Review,
    Table,
    UnavailableAuditStore,
    Verdict,
    parse_db_url,
    scrub,
    write_export,
)
from .postgres import PostgresAuditStore
from .sqlite import SQLiteAuditStore, default_sqlite_path

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
    "DbUrl",
    "ExportFormat",
    "PostgresAuditStore",
    "Review",
    "SQLiteAuditStore",
    "Table",
    "UnavailableAuditStore",
    "Verdict",
    "audit_for_answers",
    "audit_from_env",
    "audit_mode_from_env",
    "default_sqlite_path",
    "parse_db_url",
    "scrub",
    "store_from_url",
    "write_export",
]


def audit_mode_from_env() -> AuditMode:
    """``ADGUIDE_AUDIT``: full (default), redacted or off."""
    value = os.environ.get(AUDIT_ENV, "").strip().lower() or "full"
    if value not in ("full", "redacted", "off"):
        raise AuditError(f"{AUDIT_ENV} must be full, redacted or off (got {value!r})")
    return value  # type: ignore[return-value]


def store_from_url(url: str | None, *, mode: AuditMode = "full",
                   read_only: bool = False) -> SQLiteAuditStore | PostgresAuditStore:
    """The store a URL names (``None`` or empty: the default SQLite file).

    ``read_only``: open a SQLite file without writing to it (``mode=ro``, or ``immutable=1`` where the folder is
    read-only), as exports do; PostgreSQL is opened as usual.
    """
    if not url or not url.strip():
        return SQLiteAuditStore(mode=mode, read_only=read_only)
    parsed = parse_db_url(url)
    if parsed.scheme == "sqlite":
        return SQLiteAuditStore(parsed.path, mode=mode, read_only=read_only)
    return PostgresAuditStore(url, mode=mode)


def audit_from_env() -> AuditStore | None:
    """The store the environment asks for, or ``None`` when ``ADGUIDE_AUDIT=off``; raises ``AuditError``.

    ``ADGUIDE_DB_URL`` selects PostgreSQL (``postgresql://…``) or an explicit SQLite file (``sqlite:///…``);
    unset, the store is ``$ADGUIDE_HOME/adguide.sqlite``.
    """
    mode = audit_mode_from_env()
    if mode == "off":
        return None
    return store_from_url(os.environ.get(DB_URL_ENV), mode=mode)


def audit_for_answers() -> AuditStore | None:
    """Like :func:`audit_from_env`, but never raises: where the store cannot be opened (a read-only home, an
    unreachable server, a damaged store that cannot be moved aside, a bad setting) it returns an
    :class:`UnavailableAuditStore` whose notice says why, so answers are still given, each flagged not recorded."""
    try:
        return audit_from_env()
    except AuditError as exc:
        return UnavailableAuditStore(str(exc))
