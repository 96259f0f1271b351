"""``adguide audit export|stats``: atomic exports, read-only stores, and one clear line for every failure."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.audit import SQLiteAuditStore
from assistant.audit_cli import audit_app
from assistant.pipeline import Assistant

ROOT = Path(__file__).resolve().parents[2]
ADGUIDE = Path(sys.executable).with_name("adguide")


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("ADGUIDE_HOME", str(home))
    monkeypatch.setenv("ADGUIDE_MODE", "offline")
    for name in ("ADGUIDE_AUDIT", "ADGUIDE_DB_URL", "ADGUIDE_AUDIT_SYNC", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return home


def _fill(path: Path, rows: int) -> None:
    answer = Assistant(retrieval=False).ask("Dupixent dosing for an adult?")
    store = SQLiteAuditStore(path)
    for i in range(rows):
        store.record(answer.model_copy(update={"question": f"q{i}"}))
    store.close()


def test_audit_cli_export_and_stats(_env: Path, tmp_path: Path) -> None:
    _fill(_env / "adguide.sqlite", 2)
    runner = CliRunner()
    out = tmp_path / "x.csv"
    res = runner.invoke(audit_app, ["export", "--format", "csv", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "wrote 2 answers" in res.output and out.exists()
    res = runner.invoke(audit_app, ["export", "--format", "jsonl", "--out", str(tmp_path / "r.jsonl"),
                                    "--table", "reviews"])
    assert res.exit_code == 0 and "wrote 0 reviews" in res.output
    res = runner.invoke(audit_app, ["export", "--format", "xml", "--out", str(out)])
    assert res.exit_code == 2 and "jsonl, csv" in res.output
    res = runner.invoke(audit_app, ["stats"])
    assert res.exit_code == 0 and "answers: 2" in res.output and "read_only=True" in res.output


def test_exporting_a_damaged_store_is_one_line_and_leaves_no_partial_file(_env: Path, tmp_path: Path) -> None:
    """Issue 14: ``audit export`` of a damaged store failed with a traceback and left a ``.part`` file."""
    path = _env / "adguide.sqlite"
    _fill(path, 300)
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek((size // 2) // 4096 * 4096)
        fh.write(random.Random(14).randbytes(3 * 4096))
    outdir = tmp_path / "exports"
    outdir.mkdir()
    (outdir / "audit.jsonl").write_text("previous\n")
    res = subprocess.run([str(ADGUIDE), "audit", "export", "--out", str(outdir / "audit.jsonl")], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 1
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and "is damaged" in lines[0] and "moves it aside" in lines[0], res.stderr
    assert "Traceback" not in res.stderr
    assert [p.name for p in outdir.iterdir()] == ["audit.jsonl"]
    assert (outdir / "audit.jsonl").read_text() == "previous\n"
