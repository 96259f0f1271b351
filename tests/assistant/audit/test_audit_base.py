"""What every backend shares: selection from the environment, URLs, secret scrubbing, atomic export, and the
stand-in store that keeps answers flowing when the real one cannot be opened."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from adguide_audit_helpers import ROOT

from assistant.audit import (
    AuditError,
    AuditRecord,
    AuditStore,
    PostgresAuditStore,
    SQLiteAuditStore,
    UnavailableAuditStore,
    audit_for_answers,
    audit_from_env,
    parse_db_url,
    scrub,
    write_export,
)
from assistant.pipeline import Assistant


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("ADGUIDE_HOME", str(home))
    monkeypatch.setenv("ADGUIDE_MODE", "offline")
    for name in ("ADGUIDE_AUDIT", "ADGUIDE_DB_URL", "ADGUIDE_AUDIT_SYNC", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return home


# -- selection ----------------------------------------------------------------------------------------------------


def test_default_store_is_sqlite_in_adguide_home(_env: Path) -> None:
    store = audit_from_env()
    assert isinstance(store, SQLiteAuditStore) and isinstance(store, AuditStore)
    assert store.path == _env / "adguide.sqlite"
    assert store.mode == "full" and store.synchronous == "normal"
    assert store._conn().execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert store.path.exists()
    store.close()


def test_audit_off_and_redacted_and_invalid(monkeypatch) -> None:
    monkeypatch.setenv("ADGUIDE_AUDIT", "off")
    assert audit_from_env() is None and audit_for_answers() is None
    monkeypatch.setenv("ADGUIDE_AUDIT", "REDACTED")
    store = audit_from_env()
    assert store is not None and store.mode == "redacted"
    store.close()
    monkeypatch.setenv("ADGUIDE_AUDIT", "sometimes")
    with pytest.raises(AuditError, match="full, redacted or off"):
        audit_from_env()
    fallback = audit_for_answers()  # a bad setting does not stop answers either
    assert isinstance(fallback, UnavailableAuditStore) and "full, redacted or off" in fallback.notices[0]


def test_sqlite_url_selects_that_file(tmp_path, monkeypatch) -> None:
    target = tmp_path / "elsewhere" / "audit.db"
    monkeypatch.setenv("ADGUIDE_DB_URL", f"sqlite:///{target}")
    store = audit_from_env()
    assert isinstance(store, SQLiteAuditStore) and store.path == target
    store.close()


@pytest.mark.parametrize(
    ("url", "host", "port", "user", "password", "db"),
    [
        ("postgresql://adguide:s3cret@db.example.org:5433/audit", "db.example.org", 5433, "adguide", "s3cret", "audit"),
        ("postgres://u@localhost/adguide", "localhost", None, "u", None, "adguide"),
        ("postgresql+psycopg://u:p%40ss@127.0.0.1/x", "127.0.0.1", None, "u", "p@ss", "x"),
        ("postgresql://u@/x?host=/tmp/sock", None, None, "u", None, "x"),
    ],
)
def test_postgres_url_parsing(url, host, port, user, password, db) -> None:
    parsed = parse_db_url(url)
    assert (parsed.scheme, parsed.host, parsed.port, parsed.user, parsed.password, parsed.database) == (
        "postgresql", host, port, user, password, db)
    assert parsed.raw.startswith("postgresql://")
    if password:
        assert password not in repr(parsed)


@pytest.mark.parametrize("url", ["mysql://x@y/z", "postgresql://", "postgresql://h:notaport/db", "sqlite://", "x"])
def test_bad_urls_are_refused_with_the_accepted_forms(url) -> None:
    with pytest.raises(AuditError, match="ADGUIDE_DB_URL"):
        parse_db_url(url)


def test_postgres_driver_is_imported_lazily() -> None:
    code = "import sys, assistant.audit; print('psycopg' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_postgres_selected_by_url(monkeypatch) -> None:
    monkeypatch.setenv("ADGUIDE_DB_URL", "postgresql://adguide:pw@127.0.0.1:1/adguide")
    calls: list[str] = []
    monkeypatch.setattr(PostgresAuditStore, "_migrate", lambda self: calls.append("migrate"))
    store = audit_from_env()
    assert isinstance(store, PostgresAuditStore) and calls == ["migrate"]
    assert "pw" not in repr(store)


# -- secrets ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "my key is sk-test-4f9XqL2mZ8vB7nR1tY6uW3eK0pA5sD ok",
        "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx_yz-0123456789",
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abcdefghijkl",
        "api_key=abcdef123456",
        "OPENAI_API_KEY: sk-live-0000000000000000000000",
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "AKIAIOSFODNN7EXAMPLE",
    ],
)
def test_scrub_removes_key_like_strings(text: str) -> None:
    out = scrub(text, secrets=())
    assert "[REDACTED]" in out
    for token in re.findall(r"[A-Za-z0-9_\-.]{16,}", text):
        assert token not in out


def test_scrub_keeps_clinical_text() -> None:
    text = "Dupilumab: 600 mg loading dose, then 300 mg every 2 weeks; risk-benefit-assessment-required; task-force"
    assert scrub(text, secrets=()) == text


def test_scrub_removes_secret_env_values(monkeypatch) -> None:
    monkeypatch.setenv("SOME_SERVICE_TOKEN", "plainvalue-without-prefix")
    assert scrub("see plainvalue-without-prefix here") == "see [REDACTED] here"


# -- atomic export ------------------------------------------------------------------------------------------------


def _record(i: int) -> AuditRecord:
    return AuditRecord(id=i, created_at="2026-01-01T00:00:00+00:00", question=f"q{i}", answer="a", status="answered",
                       intent=None, drug=None, decisions=[], citations=[], facts={}, missing=[], mode="offline",
                       model=None, guard=[], latency_ms=1.0, corpus_sha256="x", app_version="0", redacted=False)


def test_a_failing_export_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    """Issue 14: a failed export left a ``.part`` file behind. Now nothing is left and the old export stays."""
    out = tmp_path / "audit.jsonl"
    out.write_text("the previous export\n", encoding="utf-8")

    def rows():
        yield _record(1)
        yield _record(2)
        raise AuditError("the store is damaged")

    with pytest.raises(AuditError, match="damaged"):
        write_export(rows(), "jsonl", out, ("id",))
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["audit.jsonl"]

    def interrupted():
        yield _record(1)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_export(interrupted(), "csv", out, ("id",))
    assert [p.name for p in tmp_path.iterdir()] == ["audit.jsonl"]
    assert write_export(iter([_record(1), _record(2)]), "jsonl", out, ("id",)) == 2
    assert [json.loads(x)["question"] for x in out.read_text(encoding="utf-8").splitlines()] == ["q1", "q2"]
    assert [p.name for p in tmp_path.iterdir()] == ["audit.jsonl"]


def test_an_export_to_an_unwritable_place_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(AuditError, match="writable --out"):
        write_export(iter([_record(1)]), "jsonl", blocker / "out.jsonl", ("id",))


# -- the stand-in store -------------------------------------------------------------------------------------------


def test_an_unavailable_store_flags_each_answer_and_says_why_once() -> None:
    store = UnavailableAuditStore("Cannot open the audit database /x: read-only file system. Check ...")
    assert isinstance(store, AuditStore)
    a = Assistant(retrieval=False, audit=store)
    first, second = a.ask("Dupixent dosing for an adult?"), a.ask("Dupixent dosing for an adult?")
    assert first.status == second.status == "answered" and first.decisions
    assert first.recorded is False and second.recorded is False
    notices = [p for p in first.problems if p.startswith("audit: answers are not being recorded")]
    assert len(notices) == 1 and "read-only file system" in notices[0]
    assert not [p for p in second.problems if p.startswith("audit: answers are not being recorded")]
    assert any("could not be recorded" in p for p in second.problems)
    for call in (store.count, store.records, store.reviews):
        with pytest.raises(AuditError, match="unavailable"):
            call()
