// A pool page: status with open and close, task counts, the tasks page by page, the upload panel.
//
// Tasks are read 50 at a time with keyset paging (`sort=id&id_gt=<last id>`), so a page costs
// the same in a pool of a million tasks as in a pool of ten; nothing ever loads them all.

import { ApiError, get, post, requireSignIn } from "./api.js";
import { byId, count, duration, failPage, h, money, row, say, statusBadge, when } from "./dom.js";
import { resultsPanel } from "./downloads.js";
import { watchProgress } from "./pool-progress.js";
import { uploadPanel } from "./upload-panel.js";

const poolId = document.body.dataset.poolId;
const PAGE_SIZE = 50;
const SAMPLE = 1000; // tasks read to count them when the server has no counts route
const path = "/pools/" + encodeURIComponent(poolId);

const CLOSE_REASONS = {
  COMPLETED: "Completed: every task has all its answers",
  MANUAL: "Closed by hand",
  EXPIRED: "Its end date passed",
  FOR_UPDATE: "Closed for an update",
};

let pool = null;
let project = null;
let progress = null;

function showPool() {
  const name = pool.private_name || `Pool ${pool.id}`;
  document.title = name + " · Talaka";
  byId("title").textContent = name;
  byId("crumb-pool").textContent = name;
  const crumb = byId("crumb-project");
  crumb.textContent = project?.public_name || `Project ${pool.project_id}`;
  crumb.href = "/projects/" + encodeURIComponent(pool.project_id);
  byId("pool-status").replaceWith(Object.assign(statusBadge(pool.status), { id: "pool-status" }));
  const defaults = pool.defaults || {};
  byId("pool-overlap").textContent = String(defaults.default_overlap_for_new_tasks ?? "—");
  const mixer = pool.mixer_config || {};
  byId("pool-mixer").textContent = ["real_tasks_count", "golden_tasks_count", "training_tasks_count"]
    .map((key) => mixer[key] ?? "—").join(" / ");
  byId("pool-created").textContent = when(pool.created);
  const reason = pool.status === "CLOSED" ? pool.last_close_reason : null;
  byId("close-reason-fact").hidden = !reason;
  byId("pool-close-reason").textContent = reason ? CLOSE_REASONS[reason] || reason : "";
  const reward = pool.reward_per_assignment;
  byId("pool-reward").textContent = typeof reward === "number" ? money(reward) : `${money(0)} (not set)`;
  const seconds = pool.assignment_max_duration_seconds;
  byId("pool-duration").textContent = seconds ? duration(seconds)
    : `${duration(Number(document.body.dataset.defaultDuration))} (not set: the default)`;
  byId("pool-review").textContent = pool.auto_accept_solutions === false ? "By hand" : "Accepted at once";
  byId("open-pool").disabled = pool.status !== "CLOSED";
  byId("close-pool").disabled = pool.status !== "OPEN";
}

// Exact counts from the server's counts route; without it, what one sample page can tell.
async function readCounts() {
  try {
    const { data } = await get(path + "/counts");
    return [count(data.task_count), count(data.golden_count)];
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
  }
  const { data } = await get("/tasks", { pool_id: poolId, sort: "id", limit: SAMPLE });
  const golden = data.items.filter((task) => (task.known_solutions || []).length > 0).length;
  if (!data.has_more) return [count(data.items.length), count(golden)];
  return [`more than ${count(data.items.length)}`, `${count(golden)} in the first ${count(SAMPLE)}`];
}

async function showCounts() {
  let counts;
  try {
    counts = await readCounts();
  } catch (error) {
    counts = ["unknown", "unknown"];
  }
  byId("task-count").textContent = counts[0];
  byId("golden-count").textContent = counts[1];
}

// After an upload: the pool's status, counts and the current page of tasks again.
async function refresh() {
  try {
    ({ data: pool } = await get(path));
    showPool();
    progress?.refresh(pool);
  } catch (error) {
    say(byId("pool-message"), "The pool could not be read again: " + error.message, "error");
  }
  await Promise.all([showCounts(), tasks.reload()]);
}

async function changeStatus(action) {
  const message = byId("pool-message");
  const buttons = [byId("open-pool"), byId("close-pool")];
  for (const button of buttons) button.disabled = true;
  say(message, action === "open" ? "Opening the pool…" : "Closing the pool…");
  try {
    await post(`${path}/${action}`);
    ({ data: pool } = await get(path));
    say(message, action === "open" ? "The pool is open." : "The pool is closed.", "ok");
  } catch (error) {
    say(message, error.code === "EMPTY_POOL" ? "The pool has no tasks yet: upload some before opening it." : error.message, "error");
  }
  showPool();
  progress?.refresh(pool);
}

function cell(value) {
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (text.length <= 80) return text;
  return h("span", { title: text }, text.slice(0, 79) + "…");
}

// The tasks table: a stack of page starts, so Previous goes back without offsets.
const tasks = {
  starts: [null],
  items: [],
  hasMore: false,
  fields: [],

  setup() {
    this.fields = Object.keys(project?.task_spec?.input_spec || {});
    const heads = ["Task id", ...this.fields, "Overlap", "Golden", "Created"];
    byId("tasks-table").querySelector("thead").replaceChildren(
      h("tr", {}, heads.map((name) => h("th", { scope: "col" }, name))));
    byId("tasks-first").addEventListener("click", () => this.go([null]));
    byId("tasks-prev").addEventListener("click", () => this.go(this.starts.slice(0, -1)));
    byId("tasks-next").addEventListener("click", () => this.go([...this.starts, this.items[this.items.length - 1].id]));
  },

  async go(starts) {
    const buttons = ["tasks-first", "tasks-prev", "tasks-next"].map(byId);
    for (const button of buttons) button.disabled = true;
    try {
      const { data } = await get("/tasks", { pool_id: poolId, sort: "id", limit: PAGE_SIZE, id_gt: starts[starts.length - 1] });
      this.starts = starts;
      this.items = data.items || [];
      this.hasMore = Boolean(data.has_more);
      this.show();
    } catch (error) {
      byId("tasks-range").textContent = error.message;
      this.show(false);
    }
  },

  reload() {
    return this.go(this.starts);
  },

  show(render = true) {
    const page = this.starts.length;
    if (render) {
      const body = byId("tasks-table").querySelector("tbody");
      body.replaceChildren(...this.items.map((task) => row(
        h("code", {}, task.id),
        ...this.fields.map((name) => cell(task.input_values?.[name])),
        task.infinite_overlap ? "infinite" : String(task.overlap ?? ""),
        (task.known_solutions || []).length ? "yes" : "no",
        when(task.created))));
      const first = (page - 1) * PAGE_SIZE + 1;
      byId("tasks-range").textContent = this.items.length
        ? `Page ${count(page)}: tasks ${count(first)} to ${count(first + this.items.length - 1)}`
        : page > 1 ? `Page ${count(page)}: no tasks` : "";
      byId("tasks-empty").hidden = this.items.length > 0 || page > 1;
      body.closest(".table-wrap").hidden = !this.items.length && page === 1;
    }
    byId("tasks-first").disabled = page === 1;
    byId("tasks-prev").disabled = page === 1;
    byId("tasks-next").disabled = !this.hasMore || !this.items.length;
  },
};

async function start() {
  say(byId("page-status"), "Loading the pool…");
  try {
    ({ data: pool } = await get(path));
  } catch (error) {
    failPage(error, `pool with id ${poolId}`);
    return;
  }
  try {
    ({ data: project } = await get("/projects/" + encodeURIComponent(pool.project_id)));
  } catch (error) {
    say(byId("page-status"), "The pool's project could not be read: " + error.message, "error");
  }
  showPool();
  byId("content").hidden = false;
  if (project) say(byId("page-status"), "");
  byId("open-pool").addEventListener("click", () => changeStatus("open"));
  byId("close-pool").addEventListener("click", () => changeStatus("close"));
  tasks.setup();
  progress = watchProgress(pool, (fresh) => {
    pool = fresh;
    showPool();
    say(byId("pool-message"), ""); // "The pool is open." no longer holds
  });
  resultsPanel(pool, project);
  if (project) uploadPanel(pool, project, refresh);
  else byId("upload-form").hidden = true;
  await Promise.all([showCounts(), tasks.go([null])]);
}

if (requireSignIn()) start();
