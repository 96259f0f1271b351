"""Fixtures for the Streamlit app tests: a private ADGUIDE_HOME and offline mode in every test."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def adguide_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own ADGUIDE_HOME (reviews, audit, index) and runs offline."""
    home = tmp_path / "adguide-home"
    monkeypatch.setenv("ADGUIDE_HOME", str(home))
    monkeypatch.setenv("ADGUIDE_MODE", "offline")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ADGUIDE_DB_URL", raising=False)
    monkeypatch.delenv("ADGUIDE_AUDIT", raising=False)
    return home
