"""``adguide audit …``: export and inspect the audit trail (mounted by ``assistant.cli`` as ``audit``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from .audit import AuditStore

audit_app = typer.Typer(no_args_is_help=True, add_completion=False,
                        help="The audit trail of answers and reviews (ADGUIDE_AUDIT, ADGUIDE_DB_URL, ADGUIDE_HOME).")


def _store() -> AuditStore:
    """The store, opened read-only where the backend allows (a SQLite file on a read-only medium exports too)."""
    from .audit import AuditError, audit_mode_from_env, store_from_url

    try:
        mode = audit_mode_from_env()
        # Reading works even with ADGUIDE_AUDIT=off (nothing new is written, old rows stay exportable).
        store = store_from_url(os.environ.get("ADGUIDE_DB_URL"), mode="full" if mode == "off" else mode,
                               read_only=True)
    except AuditError as exc:
        typer.echo(f"audit: {exc}", err=True)
        raise typer.Exit(1) from exc
    for notice in store.notices:
        typer.echo(notice, err=True)
    return store


@audit_app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl or csv")] = "jsonl",
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write (replaced atomically).")] = Path(
        "adguide-audit.jsonl"),
    table: Annotated[str, typer.Option(help="answers or reviews")] = "answers",
) -> None:
    """Write every audited answer (or review) to a JSONL or CSV file."""
    from .audit import EXPORT_FORMATS, AuditError

    if fmt not in EXPORT_FORMATS:
        typer.echo(f"audit export: --format must be one of {', '.join(EXPORT_FORMATS)} (got {fmt!r})", err=True)
        raise typer.Exit(2)
    if table not in ("answers", "reviews"):
        typer.echo(f"audit export: --table must be answers or reviews (got {table!r})", err=True)
        raise typer.Exit(2)
    store = _store()
    before = list(store.notices)
    try:
        n = store.export(fmt, out, table=table)  # type: ignore[arg-type]
    except (AuditError, OSError) as exc:
        typer.echo(f"audit export: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        store.close()
    for notice in store.notices[len(before):]:
        typer.echo(notice, err=True)
    typer.echo(f"wrote {n} {table} to {out}")


@audit_app.command("stats")
def stats() -> None:
    """How many answers and reviews the store holds, and where it is."""
    from .audit import AuditError

    store = _store()
    try:
        typer.echo(f"store: {store!r}")
        typer.echo(f"answers: {store.count('answers')}")
        typer.echo(f"reviews: {store.count('reviews')}")
    except AuditError as exc:
        typer.echo(f"audit: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        store.close()


@audit_app.callback()
def main() -> None:
    """adguide audit trail."""
