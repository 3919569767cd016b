// A project page: its description and fields, its pools, and the form that creates a pool.

import { get, pager, post, requireSignIn } from "./api.js";
import { byId, failPage, h, row, say, showErrors, statusBadge, when } from "./dom.js";
import { describeConstraints } from "./fieldspec.js";

const projectId = document.body.dataset.projectId;

function fact(term, value) {
  return h("div", {}, h("dt", {}, term), h("dd", {}, value));
}

function showSpec(tableId, spec) {
  const body = byId(tableId).querySelector("tbody");
  const entries = Object.entries(spec || {});
  body.replaceChildren(...entries.map(([name, field]) =>
    row(h("code", {}, name), field.type, field.required === false ? "no" : "yes", describeConstraints(field))));
  if (!entries.length) body.append(row(h("td", { colspan: 4 }, "None")));
}

function showProject(project) {
  const name = project.public_name || `Project ${project.id}`;
  document.title = name + " · Talaka";
  byId("title").textContent = name;
  byId("crumb-project").textContent = name;
  byId("project-description").textContent = project.public_description || "";
  byId("project-facts").replaceChildren(fact("Status", statusBadge(project.status)),
    fact("Created", when(project.created)), fact("Id", project.id));
  const spec = project.task_spec || {};
  showSpec("input-spec", spec.input_spec);
  showSpec("output-spec", spec.output_spec);
}

function showPools() {
  const body = byId("pools-table").querySelector("tbody");
  const more = byId("pools-more");
  const pages = pager("/pools", { project_id: projectId }, { limit: 50 });
  const load = async () => {
    more.disabled = true;
    try {
      for (const pool of await pages.next()) {
        const overlap = pool.defaults?.default_overlap_for_new_tasks ?? "—";
        body.append(row(h("a", { href: "/pools/" + encodeURIComponent(pool.id) }, pool.private_name || `Pool ${pool.id}`),
          statusBadge(pool.status), String(overlap), when(pool.created)));
      }
      byId("pools-empty").hidden = body.children.length > 0;
      body.closest(".table-wrap").hidden = body.children.length === 0;
    } catch (error) {
      say(byId("page-status"), error.message, "error");
    } finally {
      more.disabled = false;
      more.hidden = pages.done;
    }
  };
  more.addEventListener("click", load);
  return load();
}

function wholeNumber(id, label, problems) {
  const text = byId(id).value.trim();
  if (!/^\d+$/.test(text)) {
    problems.push(`${label}: enter a whole number, 0 or more`);
    byId(id).setAttribute("aria-invalid", "true");
    return 0;
  }
  byId(id).removeAttribute("aria-invalid");
  return Number(text);
}

// Dollars ("0.05", "2", "1.5", "0.005": down to a hundredth of a cent, as the pool page shows
// them): sent as a number, as toloka-kit sends a Decimal.
function dollars(id, label, problems) {
  const text = byId(id).value.trim().replace(/^\$/, "");
  if (!/^\d{1,6}(\.\d{1,4})?$/.test(text)) {
    problems.push(`${label}: enter dollars, like 0.05, with at most 4 decimals`);
    byId(id).setAttribute("aria-invalid", "true");
    return 0;
  }
  byId(id).removeAttribute("aria-invalid");
  return Number(text);
}

function poolForm() {
  const form = byId("pool-form");
  const errors = byId("pool-errors");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problems = [];
    const name = byId("pool-name").value.trim();
    if (!name) problems.push("Name: enter a name");
    const overlap = wholeNumber("pool-overlap", "Default overlap", problems);
    const mixer = {
      real_tasks_count: wholeNumber("pool-real", "Real tasks", problems),
      golden_tasks_count: wholeNumber("pool-golden", "Golden tasks", problems),
      training_tasks_count: wholeNumber("pool-training", "Training tasks", problems),
    };
    const reward = dollars("pool-reward", "Reward per suite", problems);
    const duration = wholeNumber("pool-duration", "Time per suite", problems);
    if (/^\d+$/.test(byId("pool-duration").value.trim()) && duration < 1) {
      problems.push("Time per suite: at least 1 second");
      byId("pool-duration").setAttribute("aria-invalid", "true");
    }
    if (!problems.length && mixer.real_tasks_count + mixer.golden_tasks_count + mixer.training_tasks_count === 0) {
      problems.push("Tasks per page: at least one of real, golden or training must be more than 0");
    }
    if (problems.length) {
      errors.replaceChildren(h("p", {}, "Please fix these first:"), h("ul", {}, problems.map((text) => h("li", {}, text))));
      errors.hidden = false;
      return;
    }
    errors.hidden = true;
    const pool = {
      project_id: projectId,
      private_name: name,
      defaults: { default_overlap_for_new_tasks: overlap, default_overlap_for_new_task_suites: overlap },
      mixer_config: mixer,
      reward_per_assignment: reward,
      assignment_max_duration_seconds: duration,
      auto_accept_solutions: !byId("pool-manual-review").checked,
    };
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const { data } = await post("/pools", pool);
      location.assign("/pools/" + encodeURIComponent(data.id));
    } catch (error) {
      showErrors(errors, error);
      button.disabled = false;
    }
  });
}

async function start() {
  say(byId("page-status"), "Loading the project…");
  let project;
  try {
    ({ data: project } = await get("/projects/" + encodeURIComponent(projectId)));
  } catch (error) {
    failPage(error, `project with id ${projectId}`);
    return;
  }
  showProject(project);
  byId("content").hidden = false;
  say(byId("page-status"), "");
  poolForm();
  await showPools();
}

if (requireSignIn()) start();
