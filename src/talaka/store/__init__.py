"""Storage: one interface (`base.Store`), two backends (`sqlite`, the default, and `postgres`)."""

from __future__ import annotations

from talaka.store.base import Store


def open_store(url: str) -> Store:
    """The backend for a database URL: `sqlite:///relative/path`, `sqlite:////absolute/path`."""
    if url.startswith("sqlite:///"):
        from talaka.store.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"))
    raise SystemExit(f"Unsupported database URL {url!r}: use sqlite:///path/to/file.db")
