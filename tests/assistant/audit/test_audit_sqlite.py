"""The SQLite store: WAL and durability settings, threads, and integrity — a damaged, emptied or missing store is
moved aside with a notice and a fresh one started, a read-only copy still exports, nothing is appended to a
damaged file. Each failure issue 14 found in the store has a test here that reproduces it."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from adguide_audit_helpers import ADGUIDE, ROOT, child_env, kill_writer_repeatedly, read_only_folder

from assistant.audit import (
    SCHEMA_VERSION,
    AuditError,
    SQLiteAuditStore,
    UnavailableAuditStore,
    audit_for_answers,
)
from assistant.audit.sqlite import DAMAGED_INFIX, MARKER_SUFFIX
from assistant.pipeline import Assistant


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("ADGUIDE_HOME", str(home))
    monkeypatch.setenv("ADGUIDE_MODE", "offline")
    for name in ("ADGUIDE_AUDIT", "ADGUIDE_DB_URL", "ADGUIDE_AUDIT_SYNC", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(scope="module")
def answer():
    """One real answer, recorded many times."""
    return Assistant(retrieval=False).ask("Upadacitinib dose for a 72 year old with eGFR 25?")


def _filled(path: Path, answer, rows: int = 300) -> None:
    store = SQLiteAuditStore(path)
    for i in range(rows):
        store.record(answer.model_copy(update={"question": f"old-{i}"}))
    store.close()  # the last connection checkpoints the WAL into the main file and removes it


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _garble_middle_pages(path: Path) -> None:
    size = path.stat().st_size
    assert size > 16 * 4096, "store too small to have middle pages"
    with path.open("r+b") as fh:
        fh.seek((size // 2) // 4096 * 4096)
        fh.write(random.Random(14).randbytes(3 * 4096))


def _aside(path: Path) -> list[Path]:
    return sorted(p for p in path.parent.iterdir() if DAMAGED_INFIX in p.name and not p.name.endswith(("-wal", "-shm")))


# -- settings, schema, threads, durability -------------------------------------------------------------------------


def test_schema_is_versioned_and_wal(tmp_path) -> None:
    path = tmp_path / "s.sqlite"
    store = SQLiteAuditStore(path)
    assert store.schema_version() == SCHEMA_VERSION
    store.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_reopening_keeps_rows(answer, tmp_path) -> None:
    path = tmp_path / "r.sqlite"
    store = SQLiteAuditStore(path, synchronous="full")
    store.record(answer)
    store.close()
    again = SQLiteAuditStore(path)
    assert again.count() == 1 and again.integrity_check() == "ok" and again.notices == []
    again.close()


def test_unwritable_home_gives_a_clear_error(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(AuditError, match="ADGUIDE_AUDIT=off|writable"):
        SQLiteAuditStore(blocker / "adguide.sqlite")


def test_threads_each_get_their_own_connection(answer, tmp_path) -> None:
    store = SQLiteAuditStore(tmp_path / "t.sqlite")
    seen: set[int] = set()
    lock = threading.Lock()

    def work() -> None:
        for _ in range(50):
            store.record(answer)
        with lock:
            seen.add(id(store._conn()))

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 6 and store.count() == 300
    store.close()


@pytest.mark.slow
def test_sigkill_with_synchronous_full_loses_no_committed_row(tmp_path) -> None:
    """``synchronous=NORMAL`` (the default) is in the backend contract tests; FULL is SQLite's own setting."""
    url = f"sqlite:///{tmp_path / 'crash.sqlite'}"
    committed = kill_writer_repeatedly(url, rounds=2, env=child_env(ADGUIDE_AUDIT_SYNC="full"))
    store = SQLiteAuditStore(tmp_path / "crash.sqlite")
    assert store.integrity_check() == "ok" and not set(committed) - store.ids()
    store.close()


# -- integrity: damaged, emptied, missing, foreign ------------------------------------------------------------------


def test_a_store_with_garbage_in_middle_pages_is_moved_aside_not_appended_to(answer, tmp_path) -> None:
    """Issue 14: a store with garbage in its middle pages kept taking writes with no warning."""
    path = tmp_path / "adguide.sqlite"
    _filled(path, answer)
    _garble_middle_pages(path)
    damaged = _sha(path)
    con = sqlite3.connect(path)  # the damage is real, and SQLite alone still takes writes into this file
    try:
        check = [str(r[0]) for r in con.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        check = [str(exc)]
    assert check != ["ok"]
    con.close()

    store = SQLiteAuditStore(path)
    (notice,) = store.notices
    assert "is damaged" in notice and "moved aside" in notice and "fresh store" in notice
    (aside,) = _aside(path)
    assert str(aside) in notice and aside.name.startswith("adguide.sqlite" + DAMAGED_INFIX)
    for i in range(5):
        store.record(answer.model_copy(update={"question": f"new-{i}"}))
    assert store.count() == 5 and [r.question for r in store.records()] == [f"new-{i}" for i in range(5)]
    assert store.quick_check() == "ok"
    store.close()
    assert _sha(aside) == damaged  # nothing was written to the damaged file


def test_a_store_with_a_damaged_header_is_moved_aside_and_answers_go_on(answer, tmp_path) -> None:
    """Issue 14: a damaged header blocked every answer with a traceback."""
    path = tmp_path / "adguide.sqlite"
    _filled(path, answer)
    with path.open("r+b") as fh:
        fh.write(b"\x00garbage" * 12)
    store = SQLiteAuditStore(path)
    assert len(store.notices) == 1 and "is damaged" in store.notices[0] and "not a database" in store.notices[0]
    a = Assistant(retrieval=False, audit=store)
    got = a.ask("Dupixent dosing for an adult?")
    assert got.status == "answered" and got.recorded is True
    assert got.problems[0] == store.notices[0]  # the user is told with the next answer, once
    assert not any("damaged" in p for p in a.ask("Dupixent dosing for an adult?").problems)
    assert store.count() == 2 and len(_aside(path)) == 1
    store.close()


def test_an_emptied_store_is_recognised_by_its_marker(answer, tmp_path) -> None:
    """Issue 14: a 0-byte store file silently reset the history (300 rows gone, no warning)."""
    path = tmp_path / "adguide.sqlite"
    _filled(path, answer, rows=300)
    marker = path.with_name(path.name + MARKER_SUFFIX)
    assert marker.exists() and json.loads(marker.read_text())["store"] == "adguide.sqlite"
    path.write_bytes(b"")
    store = SQLiteAuditStore(path)
    (notice,) = store.notices
    assert "was empty (0 bytes)" in notice and marker.name in notice and "fresh store" in notice
    (aside,) = _aside(path)
    assert aside.stat().st_size == 0
    assert store.count() == 0 and store.schema_version() == SCHEMA_VERSION and marker.exists()
    store.close()
    again = SQLiteAuditStore(path)  # said once: the fresh store is sound
    assert again.notices == []
    again.close()


def test_an_empty_file_without_a_marker_is_simply_a_new_store(tmp_path) -> None:
    path = tmp_path / "adguide.sqlite"
    path.write_bytes(b"")
    store = SQLiteAuditStore(path)
    assert store.notices == [] and store.count() == 0 and not _aside(path)
    assert path.with_name(path.name + MARKER_SUFFIX).exists()
    store.close()


def test_a_deleted_store_is_said_not_silently_restarted(answer, tmp_path) -> None:
    path = tmp_path / "adguide.sqlite"
    _filled(path, answer, rows=3)
    path.unlink()
    store = SQLiteAuditStore(path)
    (notice,) = store.notices
    assert "was missing" in notice and "nothing was left to move aside" in notice
    store.close()


def test_a_foreign_file_is_never_moved(tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my own notes, not a database\n" * 50)
    with pytest.raises(AuditError, match="not an SQLite file.*left untouched"):
        SQLiteAuditStore(path)
    assert path.read_text().startswith("my own notes") and not _aside(path)


def test_a_store_replaced_by_another_process_is_followed(answer, tmp_path) -> None:
    """A running writer whose file another process moved aside writes to the fresh file, not the old one."""
    path = tmp_path / "adguide.sqlite"
    running = SQLiteAuditStore(path)
    for i in range(300):
        running.record(answer.model_copy(update={"question": f"old-{i}"}))
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    _garble_middle_pages(path)
    other = SQLiteAuditStore(path)  # another process starting now finds the damage and moves the file aside
    assert "is damaged" in other.notices[0]
    (aside,) = _aside(path)
    before = _sha(aside)
    running.record(answer.model_copy(update={"question": "after"}))
    assert [r.question for r in other.records()] == ["after"]
    assert _sha(aside) == before
    running.close()
    other.close()


def test_corruption_met_by_a_write_is_recovered_and_the_write_retried(answer, tmp_path) -> None:
    path = tmp_path / "adguide.sqlite"
    _filled(path, answer)
    store = SQLiteAuditStore(path)
    real, checked = store._conn(), store._checked

    class Failing:
        """Stands in for the thread's connection: its next write meets a corrupt page."""

        in_transaction = False

        def execute(self, sql: str, *args):
            if sql.startswith("INSERT"):
                raise sqlite3.DatabaseError("database disk image is malformed")
            return real.execute(sql, *args)

        def close(self) -> None:
            real.close()

    store._local.conn = (Failing(), checked)
    _garble_middle_pages(path)
    store.record(answer.model_copy(update={"question": "survives"}))
    assert any("is damaged" in n for n in store.notices) and len(_aside(path)) == 1
    assert [r.question for r in store.records()] == ["survives"]
    store.close()


def test_quick_check_cost_at_start_is_small(answer, tmp_path) -> None:
    import time

    path = tmp_path / "adguide.sqlite"
    _filled(path, answer, rows=2000)
    start = time.perf_counter()
    SQLiteAuditStore(path).close()
    assert time.perf_counter() - start < 2.0


# -- read-only stores and homes -------------------------------------------------------------------------------------


def test_a_read_only_copy_of_the_store_exports(answer, tmp_path) -> None:
    """Issue 14: a read-only copy of the store could not be exported."""
    folder = tmp_path / "copy"
    folder.mkdir()
    _filled(folder / "adguide.sqlite", answer, rows=20)
    with read_only_folder(folder):
        with pytest.raises(AuditError):  # the folder really is read-only: a writer cannot open it
            SQLiteAuditStore(folder / "adguide.sqlite")
        store = SQLiteAuditStore(folder / "adguide.sqlite", read_only=True)
        assert store.count() == 20
        assert store.export("jsonl", tmp_path / "out.jsonl") == 20
        assert store.notices == []
        with pytest.raises(AuditError, match="read-only"):
            store.record(answer)
        store.close()
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 20


def test_a_read_only_copy_taken_while_writing_keeps_its_wal(answer, tmp_path) -> None:
    """A copy made while a writer ran has rows in its -wal file: with -shm, mode=ro reads them all; without it,
    immutable=1 reads the main file only and the export says what it may lack."""
    live = tmp_path / "live" / "adguide.sqlite"
    store = SQLiteAuditStore(live)
    store._conn().execute("PRAGMA wal_autocheckpoint = 0")
    for i in range(30):
        store.record(answer.model_copy(update={"question": f"q{i}"}))
    for name, files in (("with-shm", ("", "-wal", "-shm")), ("without-shm", ("", "-wal"))):
        folder = tmp_path / name
        folder.mkdir()
        for suffix in files:
            shutil.copy(str(live) + suffix, folder / ("adguide.sqlite" + suffix))
        with read_only_folder(folder):
            copy = SQLiteAuditStore(folder / "adguide.sqlite", read_only=True)
            n = copy.export("jsonl", tmp_path / f"{name}.jsonl")
            if name == "with-shm":
                assert n == 30 and copy.notices == [] and not copy.immutable
            else:
                assert copy.immutable and "without its WAL file" in copy.notices[0]
            copy.close()
    store.close()


def test_a_read_only_home_never_blocks_an_answer(answer, tmp_path, monkeypatch) -> None:
    """Issue 14: a read-only home blocked every answer with a 115-line traceback."""
    home = tmp_path / "ro-home"
    home.mkdir()
    _filled(home / "adguide.sqlite", answer, rows=3)
    monkeypatch.setenv("ADGUIDE_HOME", str(home))
    with read_only_folder(home):
        store = audit_for_answers()
        assert isinstance(store, UnavailableAuditStore)
        assert "Cannot open the audit database" in store.notices[0] and "ADGUIDE_AUDIT=off" in store.notices[0]
        got = Assistant(retrieval=False, audit=store).ask("Dupixent dosing for an adult?")
    assert got.status == "answered" and got.decisions and got.recorded is False


def test_a_damaged_store_in_a_read_only_home_is_left_and_nothing_recorded(answer, tmp_path, monkeypatch) -> None:
    home = tmp_path / "ro-home"
    home.mkdir()
    _filled(home / "adguide.sqlite", answer, rows=300)
    _garble_middle_pages(home / "adguide.sqlite")
    damaged = _sha(home / "adguide.sqlite")
    monkeypatch.setenv("ADGUIDE_HOME", str(home))
    with read_only_folder(home):
        store = audit_for_answers()
        assert isinstance(store, UnavailableAuditStore)
        assert Assistant(retrieval=False, audit=store).ask("Dupixent dosing for an adult?").recorded is False
    assert _sha(home / "adguide.sqlite") == damaged and not _aside(home / "adguide.sqlite")


def test_ui_review_store_uses_this_store(answer) -> None:
    """ui/reviews.py keeps its verdicts in this store's ``reviews`` table: both see the same rows."""
    reviews_mod = pytest.importorskip("ui.reviews")
    from assistant.audit import REASON_CODES

    assert set(reviews_mod.REASONS) <= set(REASON_CODES)
    ui_store = reviews_mod.ReviewStore()
    ui_store.add(answer, verdict="incorrect", reason="missing_citation", comment="x")
    store = SQLiteAuditStore()
    store.add_review(answer, "correct", "ok", comment="fine")
    assert ui_store.count() == 2 and store.count("reviews") == 2
    assert {r.reason_code for r in store.reviews()} == {"ok", "missing_citation"}
    store.close()


def test_marker_is_kept_beside_a_store_that_holds_its_schema(tmp_path) -> None:
    path = tmp_path / "adguide.sqlite"
    store = SQLiteAuditStore(path)
    marker = path.with_name(path.name + MARKER_SUFFIX)
    data = json.loads(marker.read_text())
    assert data["store"] == path.name and data["since"]
    store.close()
    os.utime(marker, (0, 0))
    SQLiteAuditStore(path).close()  # an existing marker is kept as it is (its date is when the history began)
    assert json.loads(marker.read_text()) == data


# -- through the command line ---------------------------------------------------------------------------------------


def _adguide(args: list[str], home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ADGUIDE), *args], input=stdin, capture_output=True, text=True, cwd=ROOT,
                          env=child_env(ADGUIDE_HOME=str(home)), timeout=180)


def test_cli_exports_a_store_in_a_read_only_home(answer, tmp_path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _filled(home / "adguide.sqlite", answer, rows=7)
    with read_only_folder(home):
        res = _adguide(["audit", "export", "--format", "csv", "--out", str(tmp_path / "out.csv")], home)
        stats = _adguide(["audit", "stats"], home)
    assert res.returncode == 0 and "wrote 7 answers" in res.stdout, res.stderr
    assert stats.returncode == 0 and "answers: 7" in stats.stdout, stats.stderr


def test_cli_answers_from_a_read_only_home_and_exits_3(answer, tmp_path) -> None:
    """Issue 14: a read-only home blocked every answer. Now each is given, flagged, and the run exits 3."""
    home = tmp_path / "home"
    home.mkdir()
    _filled(home / "adguide.sqlite", answer, rows=3)
    before = _sha(home / "adguide.sqlite")
    with read_only_folder(home):
        jsonl = _adguide(["ask", "--jsonl"], home, stdin="Dupixent dosing for an adult?\nweather in Paris\n\n")
        single = _adguide(["ask", "--json", "Dupixent dosing for an adult?"], home)
        text = _adguide(["ask", "Dupixent dosing for an adult?"], home)
        chat = _adguide(["chat"], home, stdin="Dupixent dosing for an adult?\nquit\n")
    for res in (jsonl, single, text, chat):
        assert res.returncode == 3, res.stderr
        assert "Traceback" not in res.stdout + res.stderr
        assert res.stderr.strip().endswith("could not be recorded in the audit trail (see each answer's problems); "
                                           "exit code 3."), res.stderr
    answers = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [a["status"] for a in answers] == ["answered", "out_of_scope", "needs_info"]
    assert [a["recorded"] for a in answers] == [False, False, False]
    assert "answers are not being recorded" in answers[0]["problems"][0]
    assert "3 of 3 answers" in jsonl.stderr
    assert json.loads(single.stdout)["recorded"] is False
    assert "600 mg" in text.stdout and "could not be recorded" in text.stdout
    assert _sha(home / "adguide.sqlite") == before


def test_cli_starts_a_fresh_store_over_a_damaged_one_and_says_so(answer, tmp_path) -> None:
    home = tmp_path / "home"
    _filled(home / "adguide.sqlite", answer, rows=300)
    with (home / "adguide.sqlite").open("r+b") as fh:
        fh.write(b"\x00" * 100)
    res = _adguide(["ask", "--json", "Dupixent dosing for an adult?"], home)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    assert got["recorded"] is True and "is damaged" in got["problems"][0] and "moved aside" in got["problems"][0]
    again = _adguide(["ask", "--json", "Dupixent dosing for an adult?"], home)
    assert again.returncode == 0 and not any("damaged" in p for p in json.loads(again.stdout)["problems"])
    store = SQLiteAuditStore(home / "adguide.sqlite", read_only=True)
    assert store.count() == 2
    store.close()
