// The pool page's Results card: the answers as the Toloka export (the very file toloka-kit's
// get_assignments_df reads), and aggregated answers built from a server-side aggregation.
//
// Files are streamed into a Blob and saved from it, never held as one big string: an export of a
// million answers is a few hundred megabytes, which a Blob keeps out of the script's heap.

import { get, post, requesterFetch } from "./api.js";
import { byId, count, fileSize, h, plural, say } from "./dom.js";

const TSV_TYPE = "text/tab-separated-values";
const PAGE = 1000;
const POLL_MS = 1000;
const SAY_EVERY_MS = 500;
const ALL_FIELDS = "*";
const SUITE_TASK = /^([0-9a-f]{10}--[0-9a-f]{24})-(\d+)$/; // a task suite's id, then the task's position

// Save a Blob under `name` through a temporary link; its URL is released once the save has begun.
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function answersForm(pool) {
  const form = byId("answers-form");
  const message = byId("answers-message");
  const button = byId("answers-download");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const statuses = ["APPROVED", "SUBMITTED", "REJECTED"].filter((word) => byId("answers-" + word.toLowerCase()).checked);
    if (!statuses.length) {
      say(message, "Tick at least one kind of answer to include.", "error");
      return;
    }
    button.disabled = true;
    say(message, "Preparing the answers…");
    try {
      const path = `/api/new/requester/pools/${encodeURIComponent(pool.id)}/assignments.tsv?status=${statuses.join(",")}`;
      const response = await requesterFetch(path);
      const chunks = [];
      let received = 0;
      let said = 0;
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.length;
        if (Date.now() - said > SAY_EVERY_MS) {
          say(message, `Receiving the answers: ${fileSize(received)}…`);
          said = Date.now();
        }
      }
      const name = `pool-${pool.id}-answers.tsv`;
      save(new Blob(chunks, { type: TSV_TYPE }), name);
      say(message, `Saved ${name} (${fileSize(received)}).`, "ok");
    } catch (error) {
      say(message, "The answers could not be downloaded: " + error.message, "error");
    } finally {
      button.disabled = false;
    }
  });
}

// One TSV cell as the server's export writes it: strings as they are, other values as JSON, and
// the quoting pandas reads back (a tab, a line end or a quote puts the cell in quotes).
function cell(value) {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return /[\t\r\n"]/.test(text) ? '"' + text.replaceAll('"', '""') + '"' : text;
}

// The pool's tasks in id order, read a page at a time as results ask for them: a merge with the
// results (also in task id order) reads each task once. A task inside a task suite has the suite's
// id and its position ("<suite id>-2"), so suites are read instead, and the position picks the task.
class TaskReader {
  constructor(poolId, suites) {
    this.poolId = poolId;
    this.path = suites ? "/task-suites" : "/tasks";
    this.items = [];
    this.index = 0;
    this.after = null;
    this.done = false;
  }

  async inputs(taskId) {
    const match = SUITE_TASK.exec(taskId);
    const key = match ? match[1] : taskId;
    for (;;) {
      while (this.index < this.items.length && this.items[this.index].id < key) this.index += 1;
      if (this.index < this.items.length) break;
      if (this.done) return {};
      const { data } = await get(this.path, { pool_id: this.poolId, sort: "id", limit: PAGE, id_gt: this.after });
      this.items = data.items || [];
      this.index = 0;
      this.done = !data.has_more || !this.items.length;
      if (this.items.length) this.after = this.items[this.items.length - 1].id;
    }
    const found = this.items[this.index];
    if (found.id !== key) return {};
    return (match ? found.tasks?.[Number(match[2])]?.input_values : found.input_values) || {};
  }
}

function aggregateForm(pool, project) {
  const form = byId("aggregate-form");
  const method = byId("aggregate-method");
  const field = byId("aggregate-field");
  const message = byId("aggregate-message");
  const button = byId("aggregate-download");
  const outputs = Object.keys(project?.task_spec?.output_spec || {});
  const inputs = Object.keys(project?.task_spec?.input_spec || {});
  field.replaceChildren(...outputs.map((name) => h("option", { value: name }, name)));
  if (outputs.length > 1) field.append(h("option", { value: ALL_FIELDS }, "All output fields together (majority vote)"));
  if (!outputs.length) {
    form.hidden = true;
    say(message, "The project has no output fields to aggregate.");
    return;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = field.value === ALL_FIELDS ? outputs : [field.value];
    if (method.value === "DAWID_SKENE" && fields.length > 1) {
      say(message, "Dawid-Skene aggregates one output field: choose one, or choose majority vote.", "error");
      field.focus();
      return;
    }
    button.disabled = true;
    try {
      await aggregate(pool, method.value, fields, inputs, message);
    } catch (error) {
      say(message, "The aggregated answers could not be made: " + error.message, "error");
    } finally {
      button.disabled = false;
      byId("aggregate-progress").hidden = true;
    }
  });
}

// The bar and its label move with every step; the live region says how far it got about every
// tenth of the way, so a screen reader hears progress without a flood of messages.
function showPhase(text, value, message, said) {
  byId("aggregate-progress").hidden = false;
  byId("aggregate-phase").textContent = text;
  byId("aggregate-bar").value = value;
  const tenth = Math.floor(value / 10);
  if (tenth > said.tenth) {
    said.tenth = tenth;
    say(message, `Making the aggregated answers: ${tenth * 10}% done.`);
  }
}

async function aggregate(pool, type, fields, inputs, message) {
  say(message, "Starting the aggregation…");
  const said = { tenth: 0 };
  let { data: operation } = await post("/aggregated-solutions/aggregate-by-pool",
    { type, pool_id: String(pool.id), fields: fields.map((name) => ({ name })) });
  while (operation.status !== "SUCCESS" && operation.status !== "FAIL") {
    showPhase(`Aggregating the answers (${operation.progress ?? 0}%)`, (operation.progress ?? 0) / 2, message, said);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    ({ data: operation } = await get("/operations/" + encodeURIComponent(operation.id)));
  }
  if (operation.status === "FAIL") {
    throw new Error(operation.details?.error || `operation ${operation.id} failed`);
  }
  const total = operation.details?.tasks_count || 0;
  const header = [...inputs.map((name) => "INPUT:" + name), ...fields.map((name) => "OUTPUT:" + name),
    ...fields.map((name) => "CONFIDENCE:" + name), "TASK:id"];
  // One Blob per page of results: the file is never one big string nor one big array of lines.
  const parts = [new Blob([header.map(cell).join("\t") + "\r\n"])];
  let tasks = null;
  let after = null;
  let rows = 0;
  for (;;) {
    showPhase(`Reading the results: ${count(rows)} of ${count(total)} tasks`, 50 + (total ? (rows / total) * 50 : 0),
      message, said);
    const { data } = await get("/aggregated-solutions/" + encodeURIComponent(operation.id),
      { sort: "task_id", limit: PAGE, task_id_gt: after });
    const items = data.items || [];
    const lines = [];
    for (const solution of items) {
      tasks ??= new TaskReader(pool.id, SUITE_TASK.test(solution.task_id));
      const values = await tasks.inputs(solution.task_id);
      const answer = solution.output_values || {};
      lines.push([...inputs.map((name) => values[name]), ...fields.map((name) => answer[name]),
        ...fields.map(() => solution.confidence), solution.task_id].map(cell).join("\t") + "\r\n");
    }
    parts.push(new Blob(lines));
    rows += items.length;
    if (!data.has_more || !items.length) break;
    after = items[items.length - 1].task_id;
  }
  const name = `pool-${pool.id}-aggregated-${type.toLowerCase().replace("_", "-")}.tsv`;
  save(new Blob(parts, { type: TSV_TYPE }), name);
  say(message, `Saved ${name}: ${plural(rows, "task")}.`, "ok");
}

export function resultsPanel(pool, project) {
  answersForm(pool);
  aggregateForm(pool, project);
}
