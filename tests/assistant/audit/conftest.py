"""Fixtures for the audit store tests: a throwaway PostgreSQL cluster and a store URL per backend.

The PostgreSQL cluster is real: ``initdb`` + ``pg_ctl`` from Debian's ``postgresql`` package (``make postgres``
installs it when run as root), listening on a Unix socket only, in a temporary folder removed afterwards. As root
the server runs as the ``postgres`` system user (``runuser -u postgres --``), since PostgreSQL refuses to run as
root. One cluster per pytest worker; every test gets a fresh database in it.

``read_only_folder`` (in ``adguide_audit_helpers``) makes a folder read-only, for root too.

The PostgreSQL tests skip only where ``make test`` cannot install the server: not root, and no binaries on the
machine. As root (as CI runs) or with ``CI`` set, missing binaries fail the run instead.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_USER = "adguide"
"""The cluster's superuser (trust authentication on the socket)."""


def pg_bindir() -> Path | None:
    """The folder with ``initdb``, ``pg_ctl`` and ``postgres``: ``$ADGUIDE_PG_BINDIR``, the newest Debian
    ``/usr/lib/postgresql/N/bin``, or the one ``initdb`` on ``PATH`` is in."""
    candidates: list[Path] = []
    if os.environ.get("ADGUIDE_PG_BINDIR"):
        candidates.append(Path(os.environ["ADGUIDE_PG_BINDIR"]))

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.parent.name)) or (0,)

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for folder in candidates:
        if all((folder / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


@dataclass(frozen=True)
class PgCluster:
    """A running throwaway cluster."""

    socket_dir: Path
    """Where the server's Unix socket is (no TCP listener)."""

    def url(self, database: str) -> str:
        """A ``postgresql://`` URL for ``database`` over the socket."""
        return f"postgresql://{PG_USER}@/{database}?host={self.socket_dir}"


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """Start a PostgreSQL cluster for this test session (this worker), stop and remove it afterwards."""
    pytest.importorskip("psycopg", reason="psycopg is a dev dependency: make install")
    bindir = pg_bindir()
    if bindir is None:
        if os.geteuid() == 0 or os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found although `make test` "
                        "installs Debian's postgresql when run as root: run `make postgres` and read its output")
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine and not root, so `make test` "
                    "could not install Debian's postgresql: apt-get install postgresql to run these tests")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("running as root but there is no `postgres` system user to run the server as: "
                        "apt-get install postgresql creates it")
    # A short path under /tmp: a Unix socket path must stay under ~100 bytes, and pytest's tmp folders are 0700.
    base = Path(tempfile.mkdtemp(prefix="adguide-pg-", dir="/tmp"))
    data, sock = base / "data", base / "sock"
    data.mkdir()
    sock.mkdir()
    if os.geteuid() == 0:
        base.chmod(0o755)
        for p in (base, data, sock):
            shutil.chown(p, user="postgres")
    log = base / "server.log"
    started = False
    try:
        subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", PG_USER, "-A", "trust",
                                        "-E", "UTF8", "--no-sync", "--no-instructions"]),
                       check=True, capture_output=True, timeout=120)
        opts = f"-k {sock} -c listen_addresses= -F -c max_connections=200"
        proc = subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(log),
                                               "-w", "-t", "60", "start"]), capture_output=True, timeout=120)
        if proc.returncode != 0:
            pytest.fail(f"pg_ctl start failed: {proc.stderr.decode(errors='replace')}\n"
                        f"{log.read_text(errors='replace') if log.exists() else ''}")
        started = True
        yield PgCluster(socket_dir=sock)
    finally:
        if started:
            subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                                            "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A URL to a fresh, empty database in the session's cluster (dropped afterwards)."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield pg_cluster.url(name)
    with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same contract test once against each backend: a ``sqlite:///`` file or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'adguide.sqlite'}"
    return str(request.getfixturevalue("pg_url"))
