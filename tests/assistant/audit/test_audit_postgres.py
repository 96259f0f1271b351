"""The PostgreSQL store against a real server (the ``pg_cluster`` fixture), beyond the shared contract: a server
that is not there, a connection that breaks, and the schema created once by concurrent first starts."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from adguide_audit_helpers import ADGUIDE, ROOT, child_env

from assistant.audit import AuditError, PostgresAuditStore, UnavailableAuditStore, audit_for_answers
from assistant.pipeline import Assistant


@pytest.fixture
def missing_server_url(tmp_path: Path) -> str:
    """A URL to a server that does not exist: a socket folder nothing listens in."""
    sock = tmp_path / "no-server"
    sock.mkdir()
    return f"postgresql://adguide@/adguide?host={sock}"


def test_a_missing_server_is_one_clear_error(missing_server_url: str, monkeypatch) -> None:
    with pytest.raises(AuditError) as info:
        PostgresAuditStore(missing_server_url)
    message = str(info.value)
    assert "\n" not in message and "Cannot connect to the audit database" in message
    assert "Start the server or correct ADGUIDE_DB_URL" in message
    monkeypatch.setenv("ADGUIDE_DB_URL", missing_server_url)
    store = audit_for_answers()
    assert isinstance(store, UnavailableAuditStore)
    got = Assistant(retrieval=False, audit=store).ask("Dupixent dosing for an adult?")
    assert got.status == "answered" and got.recorded is False


def test_a_missing_server_gives_the_cli_one_line_not_a_traceback(missing_server_url: str, tmp_path: Path) -> None:
    env = child_env(ADGUIDE_DB_URL=missing_server_url, ADGUIDE_HOME=str(tmp_path / "home"))
    for args in (["audit", "stats"], ["audit", "export", "--out", str(tmp_path / "x.jsonl")]):
        res = subprocess.run([str(ADGUIDE), *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
        assert res.returncode == 1, res.stderr
        lines = res.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("audit: Cannot connect to the audit database"), res.stderr
        assert "Traceback" not in res.stderr + res.stdout
    res = subprocess.run([str(ADGUIDE), "ask", "--jsonl"], input="Dupixent dosing for an adult?\nweather?\n",
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert res.returncode == 3 and "Traceback" not in res.stderr, res.stderr
    answers = [json.loads(line) for line in res.stdout.splitlines()]
    assert [a["recorded"] for a in answers] == [False, False] and answers[0]["status"] == "answered"
    assert "Cannot connect to the audit database" in answers[0]["problems"][0]
    assert res.stderr.strip() == "adguide: 2 of 2 answers could not be recorded in the audit trail (see each " \
                                 "answer's problems); exit code 3."


def test_a_broken_connection_fails_one_write_and_the_next_reconnects(pg_url: str) -> None:
    import psycopg

    store = PostgresAuditStore(pg_url)
    answer = Assistant(retrieval=False).ask("Dupixent dosing for an adult?")
    store.record(answer)
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    with pytest.raises(AuditError, match="Cannot write to the audit database") as info:
        store.record(answer)
    assert "\n" not in str(info.value)
    store.record(answer)
    assert store.count() == 2
    store.close()


def test_concurrent_first_starts_create_the_schema_once(pg_url: str) -> None:
    with ThreadPoolExecutor(8) as pool:
        stores = list(pool.map(lambda _: PostgresAuditStore(pg_url), range(8)))
    assert {s.schema_version() for s in stores} == {1}
    for s in stores:
        s.close()


def test_the_password_stays_out_of_repr_and_errors(pg_cluster, tmp_path: Path) -> None:
    url = f"postgresql://nobody:hunter2-secret@/nosuchdb?host={pg_cluster.socket_dir}"
    with pytest.raises(AuditError) as info:
        PostgresAuditStore(url)
    assert "hunter2-secret" not in str(info.value)
