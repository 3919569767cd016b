// The review page of a pool: its assignments a page at a time, each task's input values beside the
// answer (and a golden task's known solution), accepted or rejected one by one or several at once.
//
// Pages are read with keyset paging (`sort=id&id_gt=<last id>`), like the pool's tasks. A review
// updates its row in place, so the page does not jump while the requester works down it.

import { call, get, requireSignIn } from "./api.js";
import { byId, count, failPage, h, plural, say, statusBadge, when } from "./dom.js";

const poolId = document.body.dataset.poolId;
const PAGE_SIZE = 20;
const CONCURRENCY = 4;
const STATUSES = ["ACTIVE", "SUBMITTED", "ACCEPTED", "REJECTED", "SKIPPED", "EXPIRED"];

let pool = null;
let project = null;
const page = { starts: [null], items: [], hasMore: false, status: "" };
const selected = new Set();
const sending = new Set(); // ids of assignments whose review is on its way
let reviewing = false; // a review of the selected assignments runs

// Values as text; a url field's value is a link when it is a web address.
function value(name, raw, spec) {
  if (raw === undefined || raw === null) return h("span", { class: "hint" }, "none");
  const text = typeof raw === "string" ? raw : JSON.stringify(raw);
  if (spec?.[name]?.type === "url" && /^https?:\/\//i.test(text)) {
    return h("a", { href: text, target: "_blank", rel: "noopener noreferrer" }, text);
  }
  return text;
}

function pairs(values, spec, names = Object.keys(values || {})) {
  return h("dl", { class: "pairs" }, names.map((name) =>
    h("div", {}, h("dt", {}, name), h("dd", {}, value(name, values?.[name], spec)))));
}

function same(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

// Whether an answer agrees with one of a golden task's known solutions on every field it names.
function matches(answer, knownSolutions) {
  return knownSolutions.some((known) =>
    Object.entries(known.output_values || {}).every(([name, expected]) => same(answer?.[name], expected)));
}

function taskBlock(task, solution, number) {
  const spec = project?.task_spec || {};
  const inputs = Object.keys(spec.input_spec || task.input_values || {});
  const known = task.known_solutions || [];
  const answer = solution?.output_values;
  const parts = [h("p", { class: "task-title" }, `Task ${number}`, known.length ? " (golden)" : ""),
    h("div", { class: "task-side" }, h("p", { class: "side-title" }, "Input"), pairs(task.input_values, spec.input_spec, inputs)),
    h("div", { class: "task-side" }, h("p", { class: "side-title" }, "Answer"),
      answer ? pairs(answer, spec.output_spec) : h("p", { class: "hint" }, "No answer yet"))];
  if (known.length) {
    parts.push(h("div", { class: "task-side known" }, h("p", { class: "side-title" }, "Known solution"),
      ...known.map((solution) => pairs(solution.output_values, spec.output_spec))));
    if (answer) {
      const right = matches(answer, known);
      parts.push(h("p", { class: right ? "verdict right" : "verdict wrong" },
        right ? "The answer matches the known solution." : "The answer differs from the known solution."));
    }
  }
  return h("div", { class: "task-answer" }, parts);
}

function ordinal(index) {
  return (page.starts.length - 1) * PAGE_SIZE + index + 1;
}

function reviewCell(assignment, number) {
  const cell = h("td", { class: "review-cell" });
  const accept = (label) => h("button", { type: "button", onclick: () => reviewOne(assignment, "ACCEPTED", null, number) },
    label, h("span", { class: "visually-hidden" }, ` assignment ${number}`));
  if (assignment.status === "SUBMITTED") {
    const comment = h("textarea", { id: `reject-comment-${number}`, rows: 3, maxlength: 2048 });
    const close = () => {
      form.hidden = true;
      reject.setAttribute("aria-expanded", "false");
      reject.focus();
    };
    const form = h("form", { class: "reject-form", id: `reject-form-${number}`, hidden: true, novalidate: true },
      h("label", { for: comment.id }, `Why reject assignment ${number}? The performer sees this.`), comment,
      h("div", { class: "actions" },
        h("button", { type: "submit" }, "Confirm rejection", h("span", { class: "visually-hidden" }, ` of assignment ${number}`)),
        h("button", { type: "button", class: "secondary", onclick: close }, "Cancel")));
    const reject = h("button", { type: "button", class: "secondary", "aria-expanded": "false", "aria-controls": form.id },
      "Reject", h("span", { class: "visually-hidden" }, ` assignment ${number}`));
    reject.addEventListener("click", () => {
      form.hidden = false;
      reject.setAttribute("aria-expanded", "true");
      comment.focus();
    });
    form.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      close();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = comment.value.trim();
      if (!text) {
        comment.setAttribute("aria-invalid", "true");
        say(byId("review-message"), `Say why you reject assignment ${number}: the performer sees it.`, "error");
        comment.focus();
        return;
      }
      reviewOne(assignment, "REJECTED", text, number);
    });
    cell.append(h("div", { class: "actions" }, accept("Accept"), reject), form);
  } else if (assignment.status === "REJECTED") {
    cell.append(h("div", { class: "actions" }, accept("Accept")));
  } else {
    cell.append(h("span", { class: "hint" }, "—"));
  }
  if (reviewing || sending.has(assignment.id)) {
    for (const control of cell.querySelectorAll("button, textarea")) control.disabled = true;
  }
  return cell;
}

function renderRow(assignment, index) {
  const number = ordinal(index);
  const select = h("td", { class: "select-cell" });
  if (assignment.status === "SUBMITTED") {
    const box = h("input", { type: "checkbox", id: `select-${number}`, "data-id": assignment.id,
      checked: selected.has(assignment.id), disabled: reviewing, onchange: (event) => {
        if (event.target.checked) selected.add(assignment.id);
        else selected.delete(assignment.id);
        showSelection();
      } });
    select.append(box, h("label", { for: box.id, class: "visually-hidden" }, `Select assignment ${number}`));
  }
  const tasks = assignment.tasks || [];
  const solutions = assignment.solutions || [];
  const status = h("td", {}, statusBadge(assignment.status));
  if (assignment.public_comment) status.append(h("p", { class: "comment" }, "Comment: ", assignment.public_comment));
  return h("tr", { id: "row-" + number, "data-id": assignment.id },
    select,
    h("th", { scope: "row", tabindex: "-1" }, String(number), h("code", { class: "assignment-id" }, assignment.id)),
    h("td", {}, h("code", { class: "performer-id" }, assignment.user_id)),
    status,
    h("td", {}, assignment.submitted ? when(assignment.submitted) : "—"),
    h("td", { class: "tasks-cell" }, tasks.map((task, position) => taskBlock(task, solutions[position], position + 1))),
    reviewCell(assignment, number));
}

function replaceRow(assignment) {
  const index = page.items.findIndex((item) => item.id === assignment.id);
  if (index < 0) return null;
  page.items[index] = assignment;
  selected.delete(assignment.id);
  const fresh = renderRow(assignment, index);
  byId("row-" + ordinal(index)).replaceWith(fresh);
  return fresh;
}

function patch(assignment, status, comment) {
  const body = comment === null ? { status } : { status, public_comment: comment };
  return call("PATCH", "/assignments/" + encodeURIComponent(assignment.id), { body });
}

// The review controls of a row, on or off (off while its review or a review of the selection runs).
function enableRow(number, enabled) {
  for (const control of byId("row-" + number).querySelectorAll(".review-cell button, .review-cell textarea")) {
    control.disabled = !enabled;
  }
}

// One review at a time per assignment (a double click sends one), none while the selection's runs.
async function reviewOne(assignment, status, comment, number) {
  if (reviewing || sending.has(assignment.id)) return;
  const message = byId("review-message");
  const verb = status === "ACCEPTED" ? "accepted" : "rejected";
  sending.add(assignment.id);
  enableRow(number, false);
  say(message, `Assignment ${number}: sending…`);
  try {
    const { data } = await patch(assignment, status, comment);
    sending.delete(assignment.id);
    const fresh = replaceRow(data);
    say(message, `Assignment ${number} ${verb}.`, "ok");
    fresh?.querySelector("th").focus();
  } catch (error) {
    sending.delete(assignment.id);
    if (byId("row-" + number)) enableRow(number, true);
    say(message, `Assignment ${number} could not be ${verb}: ${error.message}`, "error");
  }
  showSelection();
}

function selectable() {
  return [...byId("assignments-table").querySelectorAll("tbody input[type=checkbox]")];
}

function showSelection() {
  const boxes = selectable();
  const ticked = boxes.filter((box) => box.checked).length;
  const all = byId("select-all");
  all.checked = boxes.length > 0 && ticked === boxes.length;
  all.indeterminate = ticked > 0 && ticked < boxes.length;
  all.disabled = !boxes.length || reviewing;
  byId("selected-count").textContent = ticked ? `${count(ticked)} selected` : "None selected";
  byId("accept-selected").disabled = !ticked || reviewing;
  byId("reject-selected").disabled = !ticked || reviewing;
}

// While the selection is reviewed the page stays where it is: no other page, no other filter, and
// no review of one row (each row the selection's review answers is drawn again when it is done).
function holdPage(held) {
  for (const control of byId("filter-form").querySelectorAll("select, button")) control.disabled = held;
  for (const box of selectable()) box.disabled = held;
  page.items.forEach((item, index) => {
    if (byId("row-" + ordinal(index)) && !sending.has(item.id)) enableRow(ordinal(index), !held);
  });
  if (held) for (const id of ["page-first", "page-prev", "page-next"]) byId(id).disabled = true;
  else show(false);
}

// After a refused review the row shows what the assignment has become (reviewed elsewhere meanwhile,
// say), and leaves the selection either way.
async function reread(assignment) {
  selected.delete(assignment.id);
  try {
    const { data } = await get("/assignments/" + encodeURIComponent(assignment.id));
    replaceRow(data);
  } catch {
    const box = byId("assignments-table").querySelector(`input[data-id="${CSS.escape(assignment.id)}"]`);
    if (box) box.checked = false;
  }
}

async function reviewSelected(status) {
  const comment = byId("bulk-comment").value.trim();
  const summary = byId("bulk-summary");
  if (status === "REJECTED" && !comment) {
    byId("bulk-comment").setAttribute("aria-invalid", "true");
    summary.replaceChildren(h("p", {}, "Write a comment before rejecting: the performers see why."));
    summary.className = "notice error";
    summary.hidden = false;
    byId("bulk-comment").focus();
    return;
  }
  byId("bulk-comment").removeAttribute("aria-invalid");
  const chosen = page.items.map((item, index) => [item, ordinal(index)]).filter(([item]) => selected.has(item.id));
  const verb = status === "ACCEPTED" ? "Accepted" : "Rejected";
  const failures = [];
  let done = 0;
  reviewing = true;
  holdPage(true);
  showSelection();
  byId("bulk-progress").hidden = false;
  byId("bulk-phase").textContent = `${status === "ACCEPTED" ? "Accepting" : "Rejecting"} ${plural(chosen.length, "assignment")}`;
  summary.hidden = true;
  const bar = byId("bulk-bar");
  bar.value = 0;
  const queue = [...chosen];
  const worker = async () => {
    while (queue.length) {
      const [assignment, number] = queue.shift();
      try {
        const { data } = await patch(assignment, status, comment || null);
        replaceRow(data);
      } catch (error) {
        failures.push([number, error]);
        await reread(assignment);
      }
      done += 1;
      bar.value = (done * 100) / chosen.length;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, chosen.length) }, worker));
  reviewing = false;
  holdPage(false);
  byId("bulk-progress").hidden = true;
  failures.sort((a, b) => a[0] - b[0]);
  const succeeded = chosen.length - failures.length;
  const lines = [h("p", {}, `${verb} ${count(succeeded)} of ${plural(chosen.length, "assignment")}.`)];
  if (failures.length) {
    lines.push(h("p", {}, `${plural(failures.length, "assignment")} could not be ${verb.toLowerCase()}:`),
      h("ul", {}, failures.map(([number, error]) => h("li", {}, `Assignment ${number}: ${error.message}`))));
  }
  summary.replaceChildren(...lines);
  summary.className = failures.length ? "notice error" : "notice ok";
  summary.hidden = false;
  showSelection();
}

async function go(starts) {
  const buttons = ["page-first", "page-prev", "page-next"].map(byId);
  for (const button of buttons) button.disabled = true;
  say(byId("page-status"), "Loading assignments…");
  try {
    const { data } = await get("/assignments", { pool_id: poolId, status: page.status, sort: "id", limit: PAGE_SIZE,
      id_gt: starts[starts.length - 1] });
    page.starts = starts;
    page.items = data.items || [];
    page.hasMore = Boolean(data.has_more);
    selected.clear();
    show();
    say(byId("page-status"), "");
  } catch (error) {
    say(byId("page-status"), "The assignments could not be read: " + error.message, "error");
    show(false);
  }
}

function show(render = true) {
  const number = page.starts.length;
  if (render) {
    const body = byId("assignments-table").querySelector("tbody");
    body.replaceChildren(...page.items.map(renderRow));
    const first = (number - 1) * PAGE_SIZE + 1;
    byId("page-range").textContent = page.items.length
      ? `Page ${count(number)}: assignments ${count(first)} to ${count(first + page.items.length - 1)}`
      : number > 1 ? `Page ${count(number)}: no assignments` : "";
    byId("assignments-empty").hidden = page.items.length > 0 || number > 1;
    body.closest(".table-wrap").hidden = !page.items.length && number === 1;
    byId("bulk").hidden = !page.items.some((item) => item.status === "SUBMITTED");
    byId("bulk-summary").hidden = true;
    showSelection();
  }
  byId("page-first").disabled = number === 1;
  byId("page-prev").disabled = number === 1;
  byId("page-next").disabled = !page.hasMore || !page.items.length;
}

function showPool() {
  const name = pool.private_name || `Pool ${pool.id}`;
  document.title = `Assignments of ${name} · Talaka`;
  byId("title").textContent = `Assignments of ${name}`;
  const crumbPool = byId("crumb-pool");
  crumbPool.textContent = name;
  const crumbProject = byId("crumb-project");
  crumbProject.textContent = project?.public_name || `Project ${pool.project_id}`;
  crumbProject.href = "/projects/" + encodeURIComponent(pool.project_id);
}

function setup() {
  const filter = byId("status-filter");
  const wanted = new URLSearchParams(location.search).get("status") || "";
  page.status = STATUSES.includes(wanted) ? wanted : "";
  filter.value = page.status;
  byId("filter-form").addEventListener("submit", (event) => {
    event.preventDefault();
    page.status = filter.value;
    const url = new URL(location.href);
    if (page.status) url.searchParams.set("status", page.status);
    else url.searchParams.delete("status");
    history.replaceState(null, "", url);
    go([null]);
  });
  byId("page-first").addEventListener("click", () => go([null]));
  byId("page-prev").addEventListener("click", () => go(page.starts.slice(0, -1)));
  byId("page-next").addEventListener("click", () => go([...page.starts, page.items[page.items.length - 1].id]));
  byId("select-all").addEventListener("change", (event) => {
    for (const box of selectable()) {
      box.checked = event.target.checked;
      if (box.checked) selected.add(box.dataset.id);
      else selected.delete(box.dataset.id);
    }
    showSelection();
  });
  byId("accept-selected").addEventListener("click", () => reviewSelected("ACCEPTED"));
  byId("reject-selected").addEventListener("click", () => reviewSelected("REJECTED"));
}

async function start() {
  say(byId("page-status"), "Loading the pool…");
  try {
    ({ data: pool } = await get("/pools/" + encodeURIComponent(poolId)));
  } catch (error) {
    failPage(error, `pool with id ${poolId}`);
    return;
  }
  try {
    ({ data: project } = await get("/projects/" + encodeURIComponent(pool.project_id)));
  } catch (error) {
    project = null;
  }
  showPool();
  setup();
  byId("content").hidden = false;
  await go([null]);
}

if (requireSignIn()) start();
