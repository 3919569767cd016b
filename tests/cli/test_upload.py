"""`talaka upload` as a process against a real server: invalid rows, standard input, reruns, errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.uploads import (
    environment,
    new_pool,
    pool_info,
    pool_tasks,
    read_errors,
    talaka_upload,
    task_count,
)
from tests.support.server import ServerProcess, free_port

SMALL = (
    "INPUT:image\tINPUT:n\tGOLDEN:label\tHINT:text\n"         # line 1
    "https://example.com/1.png\t1\tcat\tlook at the ears\n"    # 2  valid golden task with a hint
    "https://example.com/2.png\ttwo\t\t\n"                     # 3  not an integer (the reader)
    '"https://example.com/3\n.png"\t3\t\t\n'                   # 4-5 a quoted cell spans two lines: bad URL
    "not a url\t4\tbird\t\n"                                   # 6  bad URL and a label not allowed
    "https://example.com/5.png\t5\tbird\t\n"                   # 7  a label not allowed (the server)
    "\t6\t\t\n"                                                # 8  the required image is missing
    "https://example.com/7.png\t7\n"                           # 9  two cells where the header has four
    "https://example.com/8.png\t\t\t\n"                        # 10 valid, without the optional n
    '"https://example.com/9.png"\t9\tdog\t"say ""dog"""\n'     # 11 valid golden task, quoted cells
)
SMALL_ERRORS = [
    (3, "INPUT:n", "INTEGER_EXPECTED"),
    (4, "INPUT:image", "INVALID_URL_SYNTAX"),
    (6, "GOLDEN:label", "VALUE_NOT_ALLOWED"),
    (6, "INPUT:image", "INVALID_URL_SYNTAX"),
    (7, "GOLDEN:label", "VALUE_NOT_ALLOWED"),
    (8, "INPUT:image", "VALUE_REQUIRED"),
    (9, "", "INVALID_VALUE"),
]
SMALL_COUNTS = {"Rows read": 9, "Invalid rows": 6}


def small_file(folder: Path) -> Path:
    path = folder / "tasks.tsv"
    path.write_text(SMALL, encoding="utf-8")
    return path


def check_small_tasks(tasks: list[dict[str, Any]]) -> None:
    """The three valid rows of SMALL, converted by the project's spec."""
    found = {task["input_values"]["image"]: (task["input_values"], task.get("known_solutions"),
                                             task.get("message_on_unknown_solution"), task["overlap"])
             for task in tasks}
    assert found == {
        "https://example.com/1.png": ({"image": "https://example.com/1.png", "n": 1},
                                      [{"output_values": {"label": "cat"}}], "look at the ears", 1),
        "https://example.com/8.png": ({"image": "https://example.com/8.png"}, None, None, 1),
        "https://example.com/9.png": ({"image": "https://example.com/9.png", "n": 9},
                                      [{"output_values": {"label": "dog"}}], 'say "dog"', 1),
    }


def test_skip_invalid_creates_the_valid_rows_and_lists_every_invalid_one(
        server: ServerProcess, tmp_path: Path) -> None:
    pool_id = new_pool(server)
    path = small_file(tmp_path)

    done = talaka_upload(server, path, "--pool", pool_id, "--allow-defaults", "--skip-invalid", cwd=tmp_path)

    assert done.code == 1, done.stderr
    assert done.summary == {**SMALL_COUNTS, "Tasks created": 3, "Already uploaded": 0}
    assert read_errors(tmp_path / "tasks.tsv.errors.tsv") == SMALL_ERRORS
    check_small_tasks(pool_tasks(server, pool_id))
    assert "uploading: " in done.stderr  # stderr is not a terminal: progress comes as plain lines


def test_without_skip_invalid_nothing_is_created(server: ServerProcess, tmp_path: Path) -> None:
    pool_id = new_pool(server)
    path = small_file(tmp_path)
    errors = tmp_path / "problems" / "found.tsv"
    errors.parent.mkdir()

    done = talaka_upload(server, path, "--pool", pool_id, "--allow-defaults", "--errors", errors, cwd=tmp_path)

    assert done.code == 1, done.stderr
    assert done.summary == {**SMALL_COUNTS, "Tasks created": 0, "Already uploaded": 0}
    assert "Nothing new was created" in done.stdout
    assert read_errors(errors) == SMALL_ERRORS
    assert task_count(server, pool_id) == 0


def test_standard_input(server: ServerProcess, tmp_path: Path) -> None:
    pool_id = new_pool(server)
    errors = tmp_path / "talaka-upload.errors.tsv"

    refused = talaka_upload(server, "-", "--pool", pool_id, "--allow-defaults", cwd=tmp_path, stdin=SMALL.encode())
    assert refused.code == 1, refused.stderr
    assert refused.summary["Tasks created"] == 0 and task_count(server, pool_id) == 0
    assert read_errors(errors) == SMALL_ERRORS

    skipped = talaka_upload(server, "-", "--pool", pool_id, "--allow-defaults", "--skip-invalid", cwd=tmp_path,
                            stdin=SMALL.encode())
    assert skipped.code == 1, skipped.stderr
    assert skipped.summary == {**SMALL_COUNTS, "Tasks created": 3, "Already uploaded": 0}
    assert read_errors(errors) == SMALL_ERRORS
    check_small_tasks(pool_tasks(server, pool_id))

    again = talaka_upload(server, "-", "--pool", pool_id, "--allow-defaults", "--skip-invalid", cwd=tmp_path,
                          stdin=SMALL.encode())
    assert again.summary == {**SMALL_COUNTS, "Tasks created": 0, "Already uploaded": 3}
    assert read_errors(errors) == SMALL_ERRORS
    check_small_tasks(pool_tasks(server, pool_id))

    valid = "".join(line + "\n" for line in SMALL.splitlines()[:2])
    other = new_pool(server)
    whole = talaka_upload(server, "-", "--pool", other, "--allow-defaults", cwd=tmp_path, stdin=valid.encode())
    assert whole.code == 0, whole.stderr
    assert whole.summary == {"Rows read": 1, "Tasks created": 1, "Invalid rows": 0, "Already uploaded": 0}
    assert read_errors(errors) == []
    assert task_count(server, other) == 1


def test_a_rerun_creates_nothing_twice_and_open_pool_opens_the_pool(server: ServerProcess, tmp_path: Path) -> None:
    pool_id = new_pool(server, default_overlap=2)
    path = tmp_path / "valid.tsv"
    path.write_text("INPUT:image\tINPUT:n\n" + "".join(f"https://example.com/{n}.png\t{n}\n" for n in range(30)))

    first = talaka_upload(server, path, "--pool", pool_id, "--allow-defaults", "--open-pool", cwd=tmp_path)
    second = talaka_upload(server, path, "--pool", pool_id, "--allow-defaults", cwd=tmp_path)

    assert (first.code, second.code) == (0, 0), first.stderr + second.stderr
    assert first.summary == {"Rows read": 30, "Tasks created": 30, "Invalid rows": 0, "Already uploaded": 0}
    assert second.summary == {"Rows read": 30, "Tasks created": 0, "Invalid rows": 0, "Already uploaded": 30}
    tasks = pool_tasks(server, pool_id)
    assert sorted(task["input_values"]["n"] for task in tasks) == list(range(30))
    assert {task["overlap"] for task in tasks} == {2}
    assert pool_info(server, pool_id)["status"] == "OPEN"


ROWS = 25_000
BAD_URLS = [0, 9_999, 10_000, ROWS - 1]  # on both sides of the first 10,000-row chunk, and the last row
BAD_NUMBER = 5_000


def test_invalid_rows_are_found_across_chunks(server: ServerProcess, tmp_path: Path) -> None:
    """Rows are numbered over the whole file, whichever request found them invalid."""
    pool_id = new_pool(server)
    path = tmp_path / "many.tsv"
    with path.open("w") as file:
        file.write("INPUT:image\tINPUT:n\n")
        for n in range(ROWS):
            image = "bad url" if n in BAD_URLS else f"https://example.com/{n}.png"
            file.write(f"{image}\t{'x' if n == BAD_NUMBER else n}\n")
    expected = sorted([(n + 2, "INPUT:image", "INVALID_URL_SYNTAX") for n in BAD_URLS]
                      + [(BAD_NUMBER + 2, "INPUT:n", "INTEGER_EXPECTED")])

    refused = talaka_upload(server, path, "--pool", pool_id, "--allow-defaults", cwd=tmp_path)
    assert refused.code == 1, refused.stderr
    assert read_errors(tmp_path / "many.tsv.errors.tsv") == expected
    assert task_count(server, pool_id) == 0

    skipped = talaka_upload(server, path, "--pool", pool_id, "--allow-defaults", "--skip-invalid", cwd=tmp_path)
    assert skipped.code == 1, skipped.stderr
    assert skipped.summary == {"Rows read": ROWS, "Tasks created": ROWS - 5, "Invalid rows": 5,
                               "Already uploaded": 0}
    assert read_errors(tmp_path / "many.tsv.errors.tsv") == expected
    assert task_count(server, pool_id) == ROWS - 5

    again = talaka_upload(server, path, "--pool", pool_id, "--allow-defaults", "--skip-invalid", cwd=tmp_path)
    assert again.summary == {"Rows read": ROWS, "Tasks created": 0, "Invalid rows": 5, "Already uploaded": ROWS - 5}
    assert read_errors(tmp_path / "many.tsv.errors.tsv") == expected  # read back from the earlier operations
    assert task_count(server, pool_id) == ROWS - 5


def test_a_chunk_with_nothing_valid_is_reported_whole(server: ServerProcess, tmp_path: Path) -> None:
    """With --skip-invalid the server fails a request in which every task is invalid; each is still listed."""
    pool_id = new_pool(server)
    path = tmp_path / "bad.tsv"
    path.write_text("INPUT:image\n" + "".join(f"bad url {n}\n" for n in range(3)))

    done = talaka_upload(server, path, "--pool", pool_id, "--skip-invalid", "--allow-defaults", cwd=tmp_path)

    assert done.code == 1, done.stderr
    assert done.summary["Tasks created"] == 0 and done.summary["Invalid rows"] == 3
    assert read_errors(tmp_path / "bad.tsv.errors.tsv") == [(line, "INPUT:image", "INVALID_URL_SYNTAX")
                                                            for line in (2, 3, 4)]


def test_renamed_columns_of_a_csv_file(server: ServerProcess, tmp_path: Path) -> None:
    """`--columns` maps plain headers; errors name the file's own columns."""
    pool_id = new_pool(server)
    path = tmp_path / "export.txt"
    path.write_text("url,number,answer,notes\n"
                    "https://example.com/1.png,1,cat,ignored\n"
                    "https://example.com/2.png,two,,\n"
                    "nope,3,,\n"
                    "https://example.com/4.png,4,bird,\n")
    renames = ["url=INPUT:image", "number=INPUT:n", "answer=GOLDEN:label", "notes="]

    done = talaka_upload(server, path, "--pool", pool_id, "--format", "csv", "--skip-invalid", "--allow-defaults",
                         *(part for rename in renames for part in ("--columns", rename)), cwd=tmp_path)

    assert done.code == 1, done.stderr
    assert read_errors(tmp_path / "export.txt.errors.tsv") == [
        (3, "number", "INTEGER_EXPECTED"), (4, "url", "INVALID_URL_SYNTAX"), (5, "answer", "VALUE_NOT_ALLOWED")]
    [task] = pool_tasks(server, pool_id)
    assert task["input_values"] == {"image": "https://example.com/1.png", "n": 1}


def test_usage_file_and_server_errors_exit_with_2(server: ServerProcess, tmp_path: Path) -> None:
    pool_id = new_pool(server)
    path = small_file(tmp_path)
    odd = tmp_path / "odd.tsv"
    odd.write_text("INPUT:image\tcomment\nhttps://example.com/1.png\thello\n")

    def fails(*args: str | Path, env: dict[str, str] | None = None) -> str:
        done = talaka_upload(server, *args, cwd=tmp_path, env=env)
        assert done.code == 2, (done.stdout, done.stderr)
        assert done.stdout == ""
        return done.stderr

    assert "expected OLD=NEW" in fails(path, "--pool", pool_id, "--columns", "url")
    assert "does not exist" in fails(tmp_path / "missing.tsv", "--pool", pool_id)
    assert "DOES_NOT_EXIST" in fails(path, "--pool", "987654321")
    assert "AUTHENTICATION_ERROR" in fails(path, "--pool", pool_id, env={**environment(server), "TALAKA_TOKEN": "x"})
    assert '"comment"' in fails(odd, "--pool", pool_id)  # the header names an unknown column
    unknown = tmp_path / "tasks.dat"
    unknown.write_text(SMALL)
    assert "Cannot tell the format" in fails(unknown, "--pool", pool_id)
    assert task_count(server, pool_id) == 0


def test_an_unreachable_server_exits_with_2(tmp_path: Path) -> None:
    path = small_file(tmp_path)
    nowhere = ServerProcess("sqlite:///unused", tmp_path / "unused.log", token="token")
    done = talaka_upload(nowhere, path, "--pool", "1", cwd=tmp_path,
                         env={**environment(nowhere), "TALAKA_URL": f"http://127.0.0.1:{free_port()}"})
    assert done.code == 2
    assert "Error: " in done.stderr and "connect" in done.stderr.lower()


@pytest.mark.parametrize("skip_invalid", [True, False])
def test_jsonl_lines_keep_their_types(server: ServerProcess, tmp_path: Path, skip_invalid: bool) -> None:
    """JSON lines (flat convention objects or Toloka's shape) are sent as typed; the server judges them."""
    pool_id = new_pool(server)
    path = tmp_path / "tasks.jsonl"
    path.write_text('{"INPUT:image": "https://example.com/1.png", "INPUT:n": 1}\n'
                    '{"input_values": {"image": "https://example.com/2.png", "n": 2}, "overlap": 3}\n'
                    '{"INPUT:image": "https://example.com/3.png", "INPUT:n": "3"}\n'
                    "[1, 2]\n")

    flags = ["--skip-invalid"] if skip_invalid else []
    done = talaka_upload(server, path, "--pool", pool_id, "--allow-defaults", *flags, cwd=tmp_path)

    assert done.code == 1, done.stderr
    assert read_errors(tmp_path / "tasks.jsonl.errors.tsv") == [(3, "INPUT:n", "INTEGER_EXPECTED"),
                                                              (4, "", "OBJECT_EXPECTED")]
    created = sorted((task["input_values"]["n"], task["overlap"]) for task in pool_tasks(server, pool_id))
    assert created == ([(1, 1), (2, 3)] if skip_invalid else [])


def test_the_readme_shows_the_current_help() -> None:
    printed = subprocess.run([sys.executable, "-c", "from talaka.cli import main; main(prog_name='talaka')",
                              "upload", "--help"], capture_output=True, text=True, check=True,
                             env={**os.environ, "COLUMNS": "80"}).stdout
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"```text\n{printed}```" in readme, (
        "README.md's copy of `talaka upload --help` is out of date: paste `COLUMNS=80 talaka upload --help`")
