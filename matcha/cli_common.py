"""What every `matcha` command shares: a clear error message and exit code instead of a traceback."""

from __future__ import annotations

import typer


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def make_service(settings=None):  # noqa: ANN001, ANN201 - Settings | None -> MatchingService
    """The matching service, or a clear message where the taxonomy or model is missing."""
    from matcha.matching import MatchingService
    from models.encoders import ModelNotFound
    from taxonomy.store import TaxonomyNotBuilt

    try:
        return MatchingService(settings)
    except (TaxonomyNotBuilt, ModelNotFound) as exc:
        fail(str(exc))
