"""The ``adguide`` command line."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="adguide: cited, rule-based answers on systemic therapy for AD.")


@app.callback()
def main() -> None:
    """adguide command line."""
