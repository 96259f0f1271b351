"""Shared fixtures for the corpus and core tests."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The repository root (the folder holding ``corpus/`` and ``core/``)."""

# pytest puts ``tests/`` on sys.path for this conftest; ``tests/core`` and ``tests/corpus`` (no __init__.py, so
# they mirror the source tree) would then be found as namespace packages named ``core``/``corpus`` ahead of the
# editable install's finder. Put the repository root first so the real packages are imported.
if sys.path[:1] != [str(REPO_ROOT)]:
    sys.path.insert(0, str(REPO_ROOT))

from core import CoreResult, PatientFacts, Query, Rulebook, build_rulebook, decide  # noqa: E402
from corpus import Corpus, get_corpus  # noqa: E402


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """The packaged, verified guideline corpus."""
    return get_corpus()


@pytest.fixture(scope="session")
def book() -> Rulebook:
    """The rule set bound to the packaged corpus (every citation verified once per session)."""
    return build_rulebook(get_corpus())


Ask = Callable[..., CoreResult]


@pytest.fixture(scope="session")
def ask(book: Rulebook) -> Ask:
    """``ask({"age_years": 40}, topic="dose", drug="upadacitinib")`` → ``decide(book, facts, query)``."""

    def _ask(facts: dict[str, Any] | None = None, **query: Any) -> CoreResult:
        return decide(book, PatientFacts(**(facts or {})), Query(**query))

    return _ask


# ---------------------------------------------------------------------------------------------------------------
# Network guard and cassette record mode (added with the OpenAI provider tests; self-contained).
#
# Tests never reach the network: ``socket.socket.connect`` / ``connect_ex`` raise for any non-loopback address
# unless the test is marked ``allow_network``. vcrpy replays at the HTTP-client level, before any socket, so
# cassette replay works under the guard. ``--record-mode`` (default ``none``: replay only) is read by
# tests/assistant/test_openai_provider.py; see its docstring for how cassettes are (re-)recorded.
# If pytest-recording is ever installed it defines the same ``--record-mode`` option; we then reuse its value.
import ipaddress as _ipaddress  # noqa: E402
import socket as _socket  # noqa: E402

RECORD_MODES = ("none", "once", "new_episodes", "all", "rewrite")
"""vcrpy record modes plus ``rewrite`` (delete the cassette, then record it anew)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    try:
        parser.addoption("--record-mode", action="store", default="none", choices=RECORD_MODES,
                         help="vcrpy record mode for HTTP cassettes (default: none = replay only, no network)")
    except ValueError:  # already defined (pytest-recording)
        pass


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_network: the test may open non-loopback network connections")


class NetworkBlockedError(RuntimeError):
    """A test tried to reach a non-loopback address without the ``allow_network`` marker."""


def _is_loopback(address: Any) -> bool:
    if isinstance(address, str | bytes):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) and address else address
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if host in ("localhost", "localhost.localdomain", ""):
        return True
    try:
        return _ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _block_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse real network connections unless the test is marked ``allow_network``.

    Recording against a real server (``--record-mode`` other than none, with a real key and no
    ``OPENAI_BASE_URL``) needs the network: tests using the ``openai_harness`` fixture are let through then.
    """
    if request.node.get_closest_marker("allow_network") is not None:
        return
    if "openai_harness" in request.fixturenames and request.config.getoption("--record-mode", "none") != "none":
        return
    real_connect, real_connect_ex = _socket.socket.connect, _socket.socket.connect_ex

    def connect(self: _socket.socket, address: Any) -> None:
        if not _is_loopback(address):
            raise NetworkBlockedError(f"network access blocked in tests: {address!r} (mark allow_network)")
        return real_connect(self, address)

    def connect_ex(self: _socket.socket, address: Any) -> int:
        if not _is_loopback(address):
            raise NetworkBlockedError(f"network access blocked in tests: {address!r} (mark allow_network)")
        return real_connect_ex(self, address)

    monkeypatch.setattr(_socket.socket, "connect", connect)
    monkeypatch.setattr(_socket.socket, "connect_ex", connect_ex)


# --- isolation of on-disk state -----------------------------------------------------------------------------------
@pytest.fixture(scope="session", autouse=True)
def _isolated_adguide_home(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Every test session writes its index, audit log and reviews under a temporary ADGUIDE_HOME, never ~/.adguide.

    Tests that need their own folder still monkeypatch ADGUIDE_HOME themselves.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ADGUIDE_HOME", str(tmp_path_factory.mktemp("adguide-home")))
        mp.delenv("OPENAI_API_KEY", raising=False)  # offline unless a test opts in
        mp.delenv("ADGUIDE_MODE", raising=False)
        yield
