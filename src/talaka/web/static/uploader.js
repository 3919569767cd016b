// Uploading a task file: read it in slices, send chunks of up to 10,000 tasks, collect every
// invalid row with its line in the file.
//
// Each chunk is one `POST /tasks?async_mode=true` with its own operation_id, so a chunk whose
// answer was lost is sent again safely: a repeat answers 409 OPERATION_ALREADY_EXISTS and the
// operation is read instead. Without "skip invalid", every chunk is first validated with the
// server's `dry_run=true`, and nothing is created unless the whole file is valid.

import { ApiError, get, post } from "./api.js";
import { uuid4 } from "./dom.js";
import { readTaskFile } from "./taskfile.js";

export const CHUNK_TASKS = 10_000;
const CHUNK_CHARS = 16_000_000; // the server takes 64 MB bodies; 16 M characters stay below it in UTF-8
const KEPT_INVALID = 200_000; // rows kept for the table and the download; more are only counted
const RETRIES = 5;
const RETRYABLE = new Set([0, 408, 429, 500, 502, 503, 504]);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A server field path in the file's own terms: input_values.x -> INPUT:x.
export function columnOf(path) {
  let match = /^input_values\.([^.]+)(\..*)?$/.exec(path);
  if (match) return "INPUT:" + match[1] + (match[2] || "");
  match = /^known_solutions\.\d+\.output_values\.([^.]+)(\..*)?$/.exec(path);
  if (match) return "GOLDEN:" + match[1] + (match[2] || "");
  if (path === "overlap") return "TASK:overlap";
  if (path === "message_on_unknown_solution") return "HINT:text";
  return path;
}

export class Report {
  constructor(file) {
    this.file = file;
    this.rows = 0;
    this.created = 0;
    this.invalid = new Map(); // line -> [{field, code, message}]
    this.invalidRows = 0;
    this.refused = false; // nothing was created because a row was invalid
    this.stopped = false;
    this.failure = null; // an error that ended the upload early
    this.operations = [];
    this.seconds = 0;
  }

  addInvalid(line, problems) {
    if (!this.invalid.has(line)) {
      this.invalidRows += 1;
      if (this.invalid.size >= KEPT_INVALID) return;
      this.invalid.set(line, []);
    }
    this.invalid.get(line).push(...problems);
  }

  // Every problem, one per field, sorted by line: [{line, field, code, message}].
  problems() {
    const lines = [...this.invalid.keys()].sort((a, b) => a - b);
    return lines.flatMap((line) => this.invalid.get(line).map((problem) => ({ line, ...problem })));
  }

  // The problems as a TSV file: line, field, code, message.
  toTsv() {
    const clean = (text) => String(text).replace(/[\t\r\n]+/g, " ");
    const lines = ["line\tfield\tcode\tmessage"];
    for (const { line, field, code, message } of this.problems()) lines.push([line, field, code, message].map(clean).join("\t"));
    return lines.join("\n") + "\n";
  }
}

// Chunks of valid tasks as JSON text, with the file line of each; invalid rows go to the report.
async function* chunks(file, convention, report, { countRows, chunkTasks }) {
  let tasks = [];
  let lines = [];
  let chars = 0;
  for await (const { rows, bytes } of readTaskFile(file, convention)) {
    for (const row of rows) {
      if (countRows) report.rows += 1;
      if (row.task === null) {
        report.addInvalid(row.line, row.errors);
        continue;
      }
      const text = JSON.stringify(row.task);
      if (tasks.length && (tasks.length >= chunkTasks || chars + text.length > CHUNK_CHARS)) {
        yield { tasks, lines, bytes };
        tasks = [];
        lines = [];
        chars = 0;
      }
      tasks.push(text);
      lines.push(row.line);
      chars += text.length + 1;
    }
    if (tasks.length >= chunkTasks) {
      yield { tasks, lines, bytes };
      tasks = [];
      lines = [];
      chars = 0;
    }
  }
  if (tasks.length) yield { tasks, lines, bytes: file.size };
}

// Wait before retry number `attempt`: the server's RateLimit-Reset on 429, else 1, 2, 4, 8 s.
function delay(error, attempt) {
  if (error.status === 429) {
    const reset = Number(error.payload?.reset_seconds ?? error.headers?.get("RateLimit-Reset"));
    if (Number.isFinite(reset) && reset > 0) return Math.min(reset, 60) * 1000;
  }
  return 1000 * 2 ** Math.min(attempt, 3);
}

async function persist(request) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof ApiError) || !RETRYABLE.has(error.status) || attempt >= RETRIES) throw error;
      await sleep(delay(error, attempt));
    }
  }
}

function flags(options) {
  return {
    async_mode: "true",
    allow_defaults: options.allowDefaults ? "true" : "false",
    skip_invalid_items: options.skipInvalid ? "true" : "false",
  };
}

function body(chunk) {
  return "[" + chunk.tasks.join(",") + "]";
}

// Validate one chunk without creating anything; its invalid rows go to the report.
async function checkChunk(chunk, options, report) {
  const { data } = await persist(() => post("/tasks", body(chunk), { ...flags(options), dry_run: "true" }));
  for (const [index, problems] of Object.entries(data.validation_errors || {})) {
    report.addInvalid(chunk.lines[Number(index)], fieldProblems(problems));
  }
}

function fieldProblems(problems) {
  return Object.entries(problems || {}).map(([path, problem]) => ({
    field: columnOf(path), code: problem?.code || "INVALID_VALUE", message: problem?.message || "",
  }));
}

// A chunk above the server's inline size runs in the background (202 PENDING): poll it.
async function waitFor(operation) {
  let current = operation;
  for (let wait = 250; current.status === "PENDING" || current.status === "RUNNING"; wait = Math.min(wait * 2, 2000)) {
    await sleep(wait);
    ({ data: current } = await persist(() => get("/operations/" + encodeURIComponent(current.id))));
  }
  return current;
}

// Create one chunk; returns the finished operation. Invalid rows (from its log) go to the report.
async function createChunk(chunk, options, report) {
  const id = uuid4();
  let operation;
  try {
    ({ data: operation } = await persist(() => post("/tasks", body(chunk), { ...flags(options), operation_id: id })));
  } catch (error) {
    if (error.code !== "OPERATION_ALREADY_EXISTS") throw error;
    ({ data: operation } = await persist(() => get("/operations/" + id)));
  }
  operation = await waitFor(operation);
  const details = operation.details || {};
  report.operations.push(operation.id);
  report.created += details.created_count || 0;
  if ((details.invalid_count || 0) > 0 || operation.status === "FAIL") {
    const { data: log } = await persist(() => get(`/operations/${encodeURIComponent(operation.id)}/log`));
    for (const item of log || []) {
      if (item.success || !item.type.endsWith("_VALIDATE") || item.input?.__item_idx === undefined) continue;
      report.addInvalid(chunk.lines[Number(item.input.__item_idx)], fieldProblems(item.output));
    }
  }
  return operation;
}

// One pass over the file; `send` handles each chunk. The next chunk is read while one is sent.
async function pass(file, convention, report, { send, countRows, onChunk, signal, chunkTasks }) {
  let sending = null;
  const settle = async () => {
    if (sending === null) return;
    const outcome = await sending;
    sending = null;
    if (outcome.error) throw outcome.error;
    onChunk(outcome.bytes);
  };
  try {
    for await (const chunk of chunks(file, convention, report, { countRows, chunkTasks })) {
      await settle();
      if (signal?.aborted) {
        report.stopped = true;
        return;
      }
      sending = send(chunk).then(() => ({ bytes: chunk.bytes }), (error) => ({ error }));
    }
  } catch (error) {
    if (sending !== null) await sending; // a file that breaks mid-way: count what the last chunk created
    throw error;
  }
  await settle();
  onChunk(file.size);
}

// Upload `file` into the pool of `convention`; `onProgress({phase, phases, fraction, report})`.
export async function upload(file, convention, options, { onProgress = () => {}, signal, chunkTasks = CHUNK_TASKS } = {}) {
  const report = new Report(file);
  const started = performance.now();
  const phases = options.skipInvalid ? ["upload"] : ["check", "upload"];
  const progress = (phase, bytes) => onProgress({
    phase, phases, fraction: (phases.indexOf(phase) + (file.size ? bytes / file.size : 1)) / phases.length, report,
  });
  try {
    if (!options.skipInvalid) {
      progress("check", 0);
      await pass(file, convention, report, {
        send: (chunk) => checkChunk(chunk, options, report), countRows: true,
        onChunk: (bytes) => progress("check", bytes), signal, chunkTasks,
      });
      if (report.invalidRows > 0 || report.stopped) {
        report.refused = report.invalidRows > 0;
        return report;
      }
    }
    progress("upload", 0);
    await pass(file, convention, report, {
      send: async (chunk) => {
        const operation = await createChunk(chunk, options, report);
        if (operation.status === "FAIL" && !options.skipInvalid) {
          report.refused = true;
          throw new Error("The server refused a chunk: a row became invalid after the check.");
        }
      },
      countRows: options.skipInvalid,
      onChunk: (bytes) => progress("upload", bytes), signal, chunkTasks,
    });
  } catch (error) {
    report.failure = error;
  } finally {
    report.seconds = (performance.now() - started) / 1000;
  }
  return report;
}
