"""Uploading task files from the browser: the reader's edge cases, uploads in many chunks, and the
all-or-nothing mode that checks the whole file with `dry_run` before creating anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.api import make_pool
from tests.web.conftest import Screenshots, WebServer, need_browser, sign_in

need_browser()

from playwright.sync_api import Page, expect  # after need_browser(): without Playwright, skip

SPEC = {"image": {"type": "url", "required": True}, "n": {"type": "integer", "required": False, "max_value": 50},
        "score": {"type": "float", "required": False}, "ok": {"type": "boolean", "required": False},
        "meta": {"type": "json", "required": False}, "tags": {"type": "array_string", "required": False}}
OUTPUT = {"label": {"type": "string", "allowed_values": ["cat", "dog"]}}

READ = """async ([text, name, sliceBytes, inputSpec, outputSpec]) => {
  const { Convention, readTaskFile, TaskFileError } = await import("/static/taskfile.js");
  const file = new File([text], name);
  const convention = new Convention({ poolId: "7", inputSpec, outputSpec });
  const rows = [];
  try {
    for await (const slice of readTaskFile(file, convention, { sliceBytes })) rows.push(...slice.rows);
  } catch (error) {
    if (!(error instanceof TaskFileError)) throw error;
    return { error: error.message, problems: error.problems };
  }
  return { rows };
}"""


def read(page: Page, text: str, name: str = "tasks.tsv", slice_bytes: int = 5) -> dict[str, Any]:
    """Read `text` as a task file in the browser, in slices of `slice_bytes` bytes."""
    result: dict[str, Any] = page.evaluate(READ, [text, name, slice_bytes, SPEC, OUTPUT])
    return result


def test_the_reader_follows_the_convention_across_slices(page: Page, web_server: WebServer) -> None:
    page.goto(web_server.url + "/signin")
    text = ("\ufeffINPUT:image\tINPUT:n\tINPUT:score\tINPUT:ok\tINPUT:meta\tINPUT:tags\tGOLDEN:label\tHINT:text\tTASK:overlap\r\n"
            'https://e.com/é.png\t5\t0.5\tTRUE\t{"a": [1]}\t["x","y"]\tcat\tlook "closely"\t2\r\n'
            '"https://e.com/猫\n.png"\t5.0\t1e3\t0\t\t\t\t\t\n'
            "\n"
            "https://e.com/3.png\tfive\t.5.\tyes\t{bad\tx\t\t\t\n"
            "https://e.com/4.png\t1\n"
            "\t\t\t\t\t\t\t\t\n"
            "\t1\t\t\t\t\t\t\t")
    rows = read(page, text)["rows"]
    assert [row["line"] for row in rows] == [2, 3, 6, 7, 9]
    assert rows[0]["task"] == {
        "pool_id": "7", "input_values": {"image": "https://e.com/é.png", "n": 5, "score": 0.5, "ok": True,
                                         "meta": {"a": [1]}, "tags": ["x", "y"]},
        "known_solutions": [{"output_values": {"label": "cat"}}],
        "message_on_unknown_solution": 'look "closely"', "overlap": 2}
    assert rows[1]["task"] == {"pool_id": "7", "input_values": {"image": "https://e.com/猫\n.png", "n": 5,
                                                                "score": 1000, "ok": False}}
    assert rows[2]["task"] is None
    assert {error["field"]: error["code"] for error in rows[2]["errors"]} == {
        "INPUT:n": "INTEGER_EXPECTED", "INPUT:score": "FLOAT_EXPECTED", "INPUT:ok": "BOOLEAN_EXPECTED",
        "INPUT:meta": "JSON_EXPECTED", "INPUT:tags": "ARRAY_EXPECTED"}
    assert rows[3]["errors"] == [{"field": "(row)", "code": "INVALID_VALUE",
                                  "message": "Expected 9 cells as in the header, got 2"}]
    assert rows[4]["errors"] == [{"field": "INPUT:image", "code": "VALUE_REQUIRED", "message": "Value must be present"}]


def test_the_reader_reads_csv_and_json_lines(page: Page, web_server: WebServer) -> None:
    page.goto(web_server.url + "/signin")
    csv = read(page, 'INPUT:image,INPUT:tags\nhttps://e.com/1.png,"[""a"", ""b""]"\n', "t.csv")["rows"]
    assert csv[0]["task"]["input_values"] == {"image": "https://e.com/1.png", "tags": ["a", "b"]}
    lines = ('{"INPUT:image": "https://e.com/1.png", "INPUT:n": 3, "GOLDEN:label": "dog"}\n'
             '{"pool_id": "99", "input_values": {"image": "https://e.com/2.png"}, "overlap": 4}\n'
             "\n"
             "[1, 2]\n"
             "{oops\n"
             '{"INPUT:image": "https://e.com/5.png", "ASSIGNMENT:x": 1}')
    rows = read(page, lines, "t.jsonl")["rows"]
    assert [row["line"] for row in rows] == [1, 2, 4, 5, 6]
    assert rows[0]["task"] == {"pool_id": "7", "input_values": {"image": "https://e.com/1.png", "n": 3},
                               "known_solutions": [{"output_values": {"label": "dog"}}]}
    assert rows[1]["task"] == {"pool_id": "7", "input_values": {"image": "https://e.com/2.png"}, "overlap": 4}
    assert [row["errors"][0]["code"] for row in rows[2:]] == ["OBJECT_EXPECTED", "JSON_EXPECTED", "VALUE_NOT_ALLOWED"]


def test_a_bad_header_lists_every_bad_column(page: Page, web_server: WebServer) -> None:
    page.goto(web_server.url + "/signin")
    result = read(page, "INPUT:n\tINPUT:colour\tGOLDEN:mood\tASSIGNMENT:id\tINPUT:n\n5\n")
    assert result["error"] == "The file's header cannot be used"
    assert [column for column, _ in result["problems"]] == [
        "INPUT:colour", "GOLDEN:mood", "ASSIGNMENT:id", "INPUT:n", "INPUT:image"]
    assert read(page, "", "empty.tsv")["error"] == "The file is empty"


UPLOAD = """async ([poolId, text, skipInvalid, chunkTasks]) => {
  const { get } = await import("/static/api.js");
  const { Convention } = await import("/static/taskfile.js");
  const { upload } = await import("/static/uploader.js");
  const { data: pool } = await get("/pools/" + poolId);
  const { data: project } = await get("/projects/" + pool.project_id);
  const convention = new Convention({ poolId, inputSpec: project.task_spec.input_spec,
                                      outputSpec: project.task_spec.output_spec });
  const phases = [];
  const report = await upload(new File([text], "big.tsv"), convention, { allowDefaults: true, skipInvalid },
    { chunkTasks, onProgress: ({ phase, fraction }) => phases.push([phase, fraction]) });
  return { rows: report.rows, created: report.created, refused: report.refused, failure: String(report.failure),
           operations: report.operations.length, lines: [...report.invalid.keys()].sort((a, b) => a - b),
           tsv: report.toTsv(), phases };
}"""


def image_file(rows: int, bad_cells: set[int], bad_urls: set[int]) -> str:
    """A file of `rows` rows: an empty image in `bad_cells`, a bad URL in `bad_urls`."""
    lines = ["INPUT:image\tGOLDEN:label"]
    lines += [("" if index in bad_cells else "nope" if index in bad_urls else f"https://e.com/{index}.png") + "\tcat"
              for index in range(rows)]
    return "\n".join(lines) + "\n"


def test_an_upload_in_many_chunks_maps_every_problem_to_its_line(page: Page, web_server: WebServer) -> None:
    bad_cells, bad_urls = {0, 299, 300, 777}, {1, 301, 598, 999}
    text = image_file(1000, bad_cells, bad_urls)
    with web_server.api() as api:
        skipping, all_or_nothing = make_pool(api), make_pool(api)
    sign_in(page, web_server)
    expected = sorted(index + 2 for index in bad_cells | bad_urls)

    report = page.evaluate(UPLOAD, [skipping, text, True, 300])
    assert (report["rows"], report["created"], report["refused"], report["failure"]) == (1000, 992, False, "null")
    assert report["operations"] == 4
    assert report["lines"] == expected
    assert report["phases"][-1] == ["upload", 1]
    assert report["tsv"].splitlines()[1] == "2\tINPUT:image\tVALUE_REQUIRED\tValue must be present"
    assert report["tsv"].splitlines()[2].startswith("3\tINPUT:image\tINVALID_URL_SYNTAX\t")

    report = page.evaluate(UPLOAD, [all_or_nothing, text, False, 300])
    assert (report["rows"], report["created"], report["refused"], report["operations"]) == (1000, 0, True, 0)
    assert report["lines"] == expected
    assert {phase for phase, _ in report["phases"]} == {"check"}
    with web_server.api() as api:
        assert len(api.get("/tasks", params={"pool_id": skipping, "limit": 2000}).json()["items"]) == 992
        assert api.get("/tasks", params={"pool_id": all_or_nothing}).json()["items"] == []


def test_the_panel_refuses_a_file_with_invalid_rows_then_opens_the_pool(
        page: Page, web_server: WebServer, screenshots: Screenshots, tmp_path: Path) -> None:
    with web_server.api() as api:
        pool_id = make_pool(api)
    sign_in(page, web_server)
    page.goto(f"{web_server.url}/pools/{pool_id}")
    summary = page.locator("#upload-summary")

    bad_header = tmp_path / "header.tsv"
    bad_header.write_text("INPUT:image\tINPUT:colour\nhttps://e.com/1.png\tred\n")
    page.get_by_label("Task file").set_input_files(str(bad_header))
    page.get_by_role("button", name="Upload").click()
    expect(summary).to_contain_text("The file cannot be used: The file's header cannot be used.")
    expect(summary).to_contain_text("INPUT:colour: The project's input fields have no \"colour\"")

    invalid = tmp_path / "invalid.tsv"
    invalid.write_text(image_file(30, {4}, {17}))
    page.get_by_label("Task file").set_input_files(str(invalid))
    page.get_by_role("button", name="Upload").click()
    expect(summary).to_contain_text("Nothing was created: 2 of 30 rows are invalid.")
    expect(page.locator("#invalid-table tbody tr td:first-child")).to_have_text(["6", "19"])
    expect(page.locator("#task-count")).to_have_text("0")
    screenshots(page, "upload-refused")

    valid = tmp_path / "valid.tsv"
    valid.write_text(image_file(30, set(), set()))
    page.get_by_label("Task file").set_input_files(str(valid))
    page.get_by_label("Open the pool after the upload").check()
    page.get_by_role("button", name="Upload").click()
    expect(summary).to_contain_text("Created 30 tasks from 30 rows")
    expect(summary).to_contain_text("The pool is open.")
    expect(page.locator("#invalid-rows")).to_be_hidden()
    expect(page.locator("#pool-status")).to_have_text("OPEN")
    expect(page.locator("#task-count")).to_have_text("30")
    expect(page.locator("#tasks-next")).to_be_disabled()


def test_a_dropped_file_is_uploaded(page: Page, web_server: WebServer) -> None:
    with web_server.api() as api:
        pool_id = make_pool(api)
    sign_in(page, web_server)
    page.goto(f"{web_server.url}/pools/{pool_id}")
    page.wait_for_load_state("networkidle")
    dropped = page.evaluate_handle("""() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(["INPUT:image\\nhttps://e.com/1.png\\nhttps://e.com/2.png\\n"], "dropped.tsv"));
      return transfer;
    }""")
    page.locator("#drop-zone").dispatch_event("dragover", {"dataTransfer": dropped})
    expect(page.locator("#drop-zone")).to_have_class("drop-zone dragging")
    page.locator("#drop-zone").dispatch_event("drop", {"dataTransfer": dropped})
    expect(page.locator("#drop-zone")).to_have_class("drop-zone")
    expect(page.locator("#file-name")).to_have_text("dropped.tsv · 52 bytes")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-summary")).to_contain_text("Created 2 tasks from 2 rows")
    expect(page.locator("#tasks-table tbody tr")).to_have_count(2)
