"""The public surface: `__all__`, the twin clients, a cheap import, and types that are not Any."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import talaka

ROOT = Path(__file__).resolve().parents[2]


def test_all_is_sorted_and_every_name_imports() -> None:
    assert talaka.__all__ == sorted(talaka.__all__)
    assert len(set(talaka.__all__)) == len(talaka.__all__)
    for name in talaka.__all__:
        assert getattr(talaka, name).__name__ == name
    assert issubclass(talaka.ValidationApiError, talaka.ApiError)
    assert issubclass(talaka.ApiError, talaka.TalakaError)
    assert issubclass(talaka.FailedOperation, talaka.TalakaError)


def test_type_checkers_see_exactly_the_exported_names() -> None:
    """`talaka/__init__.py` imports its names only for type checkers; they must match `__all__`."""
    tree = ast.parse((ROOT / "src" / "talaka" / "__init__.py").read_text())
    guarded = next(node for node in tree.body
                   if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    imported = {alias.asname or alias.name for node in guarded.body if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    assert imported == set(talaka.__all__)


ITERATORS = ("get_tasks", "get_assignments", "get_skills", "get_user_skills", "get_user_restrictions",
             "get_user_bonuses", "get_aggregated_solutions")
"""The methods that page through results: async iterators on `AsyncClient`."""


def public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {name: inspect.signature(member) for name, member in vars(cls).items()
            if callable(member) and not name.startswith("_")}


def test_client_and_async_client_have_the_same_methods_and_parameters() -> None:
    sync, asynchronous = public_methods(talaka.Client), public_methods(talaka.AsyncClient)
    assert sorted(sync) == sorted(asynchronous)
    for name, signature in sync.items():
        twin = asynchronous[name]
        assert [(p.name, p.kind, p.default) for p in signature.parameters.values()] == [
            (p.name, p.kind, p.default) for p in twin.parameters.values()], name
        if name in ITERATORS:
            assert inspect.isasyncgenfunction(getattr(talaka.AsyncClient, name)), name
        else:
            assert inspect.iscoroutinefunction(getattr(talaka.AsyncClient, name)), name
    assert not any(name.endswith("_async") and name != "create_tasks_async" for name in sync)


def test_import_talaka_loads_neither_the_server_nor_its_dependencies() -> None:
    script = textwrap.dedent("""
        import sys, time
        started = time.perf_counter()
        import talaka
        bare = time.perf_counter() - started
        server = {"api", "store", "ops", "core", "cli", "config"}
        loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("starlette", "uvicorn", "click")
                        or name.startswith("talaka.") and name.split(".")[1] in server)
        assert not loaded, loaded
        assert "httpx" not in sys.modules and "tqdm" not in sys.modules, "the SDK loads on first use"
        talaka.Client, talaka.AsyncClient, talaka.Task
        loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("starlette", "uvicorn", "tqdm")
                        or name.startswith("talaka.") and name.split(".")[1] in server)
        assert not loaded, loaded
        print(bare)
    """)
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) < 0.05, "import talaka by itself takes well under 50 ms"


def test_create_tasks_is_typed(tmp_path: Path) -> None:
    """mypy sees the real return types, not Any."""
    snippet = tmp_path / "uses_sdk.py"
    snippet.write_text(textwrap.dedent("""
        import talaka

        async def main(tasks: list[talaka.Task]) -> None:
            client = talaka.Client("http://127.0.0.1:8000", "token")
            reveal_type(client.create_tasks(tasks, allow_defaults=True))
            twin = talaka.AsyncClient("http://127.0.0.1:8000", "token")
            reveal_type(await twin.create_tasks([{"pool_id": "1"}]))
            reveal_type(client.get_tasks(pool_id="1"))
            reveal_type(client.create_tasks(tasks).items["0"].input_values)
    """))
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path),
               str(snippet)]
    done = subprocess.run(command, check=False, capture_output=True, text=True, cwd=ROOT)
    revealed = [line.split("Revealed type is ")[1].strip('"') for line in done.stdout.splitlines()
                if "Revealed type" in line]
    for prefix in ("builtins.", "typing.", "collections.abc.", "talaka.client._models."):
        revealed = [text.replace(prefix, "") for text in revealed]
    expected = ["TaskBatchCreateResult", "TaskBatchCreateResult", "Iterator[Task]", "dict[str, Any]"]
    assert revealed == expected, done.stdout
    assert done.returncode == 0, done.stdout
