"""Storage: one interface (`base.Store`), two backends (`sqlite`, the default, and `postgres`)."""

from __future__ import annotations

from talaka.config import Settings
from talaka.store.base import Store


def open_store(url: str, settings: Settings | None = None) -> Store:
    """The backend for a database URL: `sqlite:///relative/path`, `sqlite:////absolute/path`,
    `postgresql://user@host:port/database`."""
    settings = settings or Settings.from_env(database_url=url)
    if url.startswith("sqlite:///"):
        from talaka.store.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"), synchronous=settings.sqlite_synchronous)
    if url.startswith(("postgresql://", "postgres://")):
        try:
            from talaka.store.postgres import PostgresStore
        except ImportError as exc:
            raise SystemExit(f"PostgreSQL support is not installed ({exc}): pip install 'talaka[postgres]'") from None
        return PostgresStore(url)
    raise SystemExit(f"Unsupported database URL {url!r}: use sqlite:///path/to/file.db or postgresql://...")
