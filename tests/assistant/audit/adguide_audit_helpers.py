"""Helpers shared by the audit store tests (a plain module beside them, not a test file)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
"""The repository root."""
ADGUIDE = Path(sys.executable).with_name("adguide")
"""The installed ``adguide`` command of this virtual environment."""

WRITER = r"""
import sys
from assistant.audit import store_from_url
from assistant.pipeline import Assistant

url, count, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
store = store_from_url(url)
a = Assistant(retrieval=False)
base = [a.ask(q) for q in ("Dupixent dosing for an adult?", "upadacitinib dose age 72 eGFR 25",
                           "cyclosporine dose 70 kg", "weather in Paris")]
print("ready", flush=True)
i = 0
while count < 0 or i < count:
    answer = base[i % len(base)].model_copy(update={"question": f"{tag}-{i}"})
    print(store.record_returning_id(answer), flush=True)  # printed only after COMMIT returned
    i += 1
store.close()
"""
"""A writer process: ``python -c WRITER URL COUNT TAG`` records COUNT answers (-1: until killed), questions
``TAG-0``, ``TAG-1`` …, printing each row id once its transaction has committed."""


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: this one, the repository importable, offline, plus ``extra``."""
    env = {**os.environ, "ADGUIDE_MODE": "offline",
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    env.pop("OPENAI_API_KEY", None)
    env.update(extra)
    return env


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL (``None`` for PostgreSQL)."""
    return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None


def stored_bytes(url: str) -> bytes:
    """Everything the store holds, as bytes: the SQLite file with its WAL, or every PostgreSQL row as JSON."""
    path = sqlite_path(url)
    if path is not None:
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT row_to_json(a)::text FROM adguide_answers a UNION ALL "
                            "SELECT row_to_json(r)::text FROM adguide_reviews r").fetchall()
    return "\n".join(r[0] for r in rows).encode()


def set_schema_version(url: str, version: int) -> None:
    """Write a schema version into the store, as a newer adguide would."""
    path = sqlite_path(url)
    if path is not None:
        import sqlite3

        con = sqlite3.connect(path)
        con.execute(f"PRAGMA user_version = {version}")
        con.commit()
        con.close()
        return
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("UPDATE adguide_meta SET value = %s WHERE key = 'schema_version'", (str(version),))


def kill_writer_repeatedly(url: str, rounds: int = 3, *, min_rows: int = 120,
                           env: dict[str, str] | None = None) -> list[int]:
    """Start a writer on ``url``, SIGKILL it once it has committed at least ``min_rows`` (more each round),
    ``rounds`` times; returns every row id a writer printed as committed."""
    committed: list[int] = []
    for round_ in range(rounds):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, url, "-1", f"crash{round_}"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env or child_env())
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline().strip()
        assert first == "ready", proc.stderr.read()
        seen = 0
        deadline = time.monotonic() + 60
        while seen < min_rows + 37 * round_ and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            committed.append(int(line))
            seen += 1
        proc.send_signal(signal.SIGKILL)
        rest, err = proc.communicate(timeout=30)
        committed += [int(x) for x in rest.split()]  # lines printed before the kill, still in the pipe
        assert proc.returncode == -signal.SIGKILL, err
        assert seen >= min_rows, f"writer too slow or failed: {err[-2000:]}"
    return committed


@contextmanager
def read_only_folder(path: Path) -> Iterator[Path]:
    """``path`` made read-only for this process and its children, then restored.

    Root ignores permission bits, so as root the folder is bind-mounted read-only over itself (a read-only file
    system, as a read-only medium or mount would be); otherwise its mode is set to 0555.
    """
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555)
        try:
            yield path
        finally:
            path.chmod(mode)
        return
    mounted = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"running as root, where permissions do not bind, and a read-only bind mount is not permitted "
                    f"here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True, capture_output=True)
        yield path
    finally:
        unmounted = subprocess.run(["umount", str(path)], capture_output=True)
        if unmounted.returncode != 0:  # something still holds a file open in it: detach it all the same
            subprocess.run(["umount", "--lazy", str(path)], capture_output=True)
            raise AssertionError(f"{path} was still in use when the test ended (a file left open?): "
                                 f"{unmounted.stderr.decode(errors='replace').strip()}")
