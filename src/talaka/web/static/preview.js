// The preview page: a project's interface drawn on up to five of its tasks, answered in place.
//
// "Check answers" validates every task as a submit would and, when all are valid, shows the
// `output_values` each would send. Keyboard shortcuts (plugin.hotkeys) go to the task that holds
// the focus, or to the first task while the focus is elsewhere on the page.

import { get, requireSignIn } from "./api.js";
import { byId, failPage, h, plural, say } from "./dom.js";
import { hotkeyName, keyBelongsTo } from "./hotkeys.js";
import { renderTask, safeHtml, suiteLayout } from "./task-view.js";

const SAMPLE = 5;

async function sampleTasks(projectId) {
  const { data } = await get("/pools", { project_id: projectId, sort: "id", limit: 50 });
  const pools = data.items || [];
  const tasks = [];
  for (const pool of pools) {
    if (tasks.length >= SAMPLE) break;
    const found = await get("/tasks", { pool_id: pool.id, sort: "id", limit: SAMPLE - tasks.length });
    for (const task of found.data.items || []) tasks.push({ task, pool });
  }
  return { pools, tasks };
}

function describeSample(pools, tasks) {
  if (!tasks.length) {
    return pools.length
      ? "The project's pools hold no tasks yet, so the interface is drawn once with empty inputs."
      : "The project has no pools yet, so the interface is drawn once with empty inputs.";
  }
  const names = [...new Set(tasks.map(({ pool }) => pool.private_name || "pool " + pool.id))];
  return `${plural(tasks.length, "task")} from ${names.join(", ")}.`;
}

function drawTasks(project, tasks) {
  const box = byId("preview-tasks");
  const layout = suiteLayout(project.task_spec);
  const samples = tasks.length ? tasks : [{ task: { id: null, input_values: {} } }];
  return samples.map(({ task }, index) => {
    const heading = h("h2", { id: `task-${index + 1}-heading` }, `Task ${index + 1}`);
    const card = h("section", { class: "card preview-task", "aria-labelledby": heading.id }, heading,
      task.id ? h("small", { class: "preview-task-id" }, "ID " + task.id) : null);
    if (layout.taskWidth) card.style.maxWidth = `${layout.taskWidth}px`;
    box.append(card);
    return renderTask(card, { taskSpec: project.task_spec, inputValues: task.input_values,
      outputValues: null, name: `task-${index + 1}` });
  });
}

function checkAnswers(views) {
  const output = byId("preview-output");
  // Last to first, so the focus ends on the first invalid answer of the page.
  const valid = views.map((view) => view.validate(false));
  for (let index = views.length - 1; index >= 0; index--) views[index].validate(true);
  const bad = valid.filter((ok) => !ok).length;
  if (bad) {
    output.textContent = "";
    say(byId("check-status"), `${plural(bad, "task")} ${bad === 1 ? "has" : "have"} answers to fix: see the marked fields.`, "error");
    return;
  }
  output.textContent = JSON.stringify(views.map((view) => ({ output_values: view.values() })), null, 2);
  say(byId("check-status"), "Every answer is valid: below is what a submit would send.", "ok");
}

function listenForHotkeys(views) {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || event.repeat) return;
    const key = hotkeyName(event.key);
    if (!key || keyBelongsTo(event.target, key)) return;
    const view = views.find((candidate) => candidate.element.contains(document.activeElement)) || views[0];
    if (view && view.hotkey(key)) event.preventDefault();
  });
}

async function main() {
  const projectId = document.body.dataset.projectId;
  say(byId("page-status"), "Loading the project…");
  try {
    const { data: project } = await get("/projects/" + encodeURIComponent(projectId));
    const { pools, tasks } = await sampleTasks(projectId);
    const title = "Preview: " + (project.public_name || "project " + project.id);
    byId("title").textContent = title;
    document.title = title + " · Talaka";
    byId("sample-note").textContent = describeSample(pools, tasks);
    if (project.public_instructions) {
      safeHtml(byId("instructions"), project.public_instructions);
      byId("instructions-box").hidden = false;
    }
    byId("content").hidden = false;
    const views = drawTasks(project, tasks);
    const reason = views[0] && views[0].fallbackReason;
    if (reason) {
      byId("fallback-note").textContent = reason;
      byId("fallback-note").hidden = false;
    }
    byId("check-answers").addEventListener("click", () => checkAnswers(views));
    listenForHotkeys(views);
    say(byId("page-status"), "");
  } catch (error) {
    failPage(error, `project ${projectId}`);
  }
}

if (requireSignIn()) main();
