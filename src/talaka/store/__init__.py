"""Storage: one interface (`base.Store`), two backends (`sqlite`, the default, and `postgres`)."""

from __future__ import annotations

from talaka.config import Settings
from talaka.store.base import Store


def open_store(url: str, settings: Settings | None = None) -> Store:
    """The backend for a database URL: `sqlite:///relative/path`, `sqlite:////absolute/path`."""
    settings = settings or Settings.from_env(database_url=url)
    if url.startswith("sqlite:///"):
        from talaka.store.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"), synchronous=settings.sqlite_synchronous)
    raise SystemExit(f"Unsupported database URL {url!r}: use sqlite:///path/to/file.db")
