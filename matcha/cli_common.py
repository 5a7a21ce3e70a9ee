"""What every `matcha` command shares: a clear error message and exit code instead of a traceback."""

from __future__ import annotations

import typer


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)
