"""The Python SDK: `talaka.Client`, `talaka.Performer` and their asyncio twins over one I/O-free core.

Modules: `_models` (wire Structs), `_exceptions` (the error tree), `_types` (input types),
`_core` (flows: requests, retries, paging, polling), `_batch` (chunked task creation),
`_assignments` (assignments, reviews and the TSV export), `_analytics` (statistics and
`wait_pool`), `_users` (skills, user skills, restrictions and bonuses: models and flows),
`_performer` (the performer API), `_progress` (the progress bar), `_sync` and `_async` (the thin
shells), `_readers` (TSV, CSV, JSONL and DataFrame files as tasks) and `_upload` (`talaka upload`).
Import the public names from `talaka`.
"""
