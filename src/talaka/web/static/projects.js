// The projects page: the requester's projects, and the form that creates one.
//
// The form's interface is a Template Builder config pasted as JSON. It is sent as toloka-kit sends
// one: the text itself in `config`, and a `lock` naming every component type in it (toloka-kit
// reads no view spec without a lock, and leaves the data.* types out of it).

import { pager, post, requireSignIn } from "./api.js";
import { byId, h, row, say, showErrors, statusBadge, when } from "./dom.js";
import { specEditor } from "./fieldspec.js";

function showProjects() {
  const body = byId("projects-table").querySelector("tbody");
  const more = byId("projects-more");
  const pages = pager("/projects", {}, { limit: 50 });
  const load = async () => {
    more.disabled = true;
    try {
      const items = await pages.next();
      for (const project of items) {
        body.append(row(h("a", { href: "/projects/" + encodeURIComponent(project.id) }, project.public_name || "(no name)"),
          project.public_description || "", statusBadge(project.status), when(project.created)));
      }
      byId("projects-empty").hidden = body.children.length > 0;
      body.closest(".table-wrap").hidden = body.children.length === 0;
      say(byId("page-status"), "");
    } catch (error) {
      say(byId("page-status"), error.message, "error");
    } finally {
      more.disabled = false;
      more.hidden = pages.done;
    }
  };
  more.addEventListener("click", load);
  say(byId("page-status"), "Loading projects…");
  return load();
}

function componentTypes(value, found = new Set()) {
  if (Array.isArray(value)) {
    for (const item of value) componentTypes(item, found);
  } else if (value && typeof value === "object") {
    if (typeof value.type === "string" && value.type.includes(".") && !value.type.startsWith("data.")) found.add(value.type);
    for (const item of Object.values(value)) componentTypes(item, found);
  }
  return found;
}

// The interface field as a view spec: undefined when empty; problems pushed when it is no config.
function readInterface(problems) {
  const field = byId("project-interface");
  const text = field.value;
  field.removeAttribute("aria-invalid");
  if (text.trim() === "") return undefined;
  let config;
  try {
    config = JSON.parse(text);
  } catch (error) {
    problems.push(`Interface: this is not valid JSON (${error.message}). Paste the whole config, from { to }.`);
    field.setAttribute("aria-invalid", "true");
    return undefined;
  }
  if (!config || typeof config !== "object" || Array.isArray(config) || !config.view || typeof config.view !== "object") {
    problems.push('Interface: the config needs a "view": an object such as {"view": {"type": "view.list", "items": [...]}}.');
    field.setAttribute("aria-invalid", "true");
    return undefined;
  }
  const lock = { core: "1.0.0" };
  for (const type of [...componentTypes(config)].sort()) lock[type] = "1.0.0";
  return { type: "tb", config: text, lock };
}

function projectForm() {
  const form = byId("project-form");
  const inputs = specEditor(byId("input-spec-editor"));
  const outputs = specEditor(byId("output-spec-editor"));
  const errors = byId("project-errors");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problems = [];
    const name = byId("project-name").value.trim();
    const description = byId("project-description").value.trim();
    if (!name) problems.push("Name: enter a name");
    if (!description) problems.push("Description: enter a description");
    const instructions = byId("project-instructions").value.trim();
    const project = {
      public_name: name,
      public_description: description,
      task_spec: { input_spec: inputs.read(problems), output_spec: outputs.read(problems) },
    };
    if (instructions) project.public_instructions = instructions;
    const viewSpec = readInterface(problems);
    if (viewSpec) project.task_spec.view_spec = viewSpec;
    if (problems.length) {
      errors.replaceChildren(h("p", {}, "Please fix these first:"), h("ul", {}, problems.map((text) => h("li", {}, text))));
      errors.hidden = false;
      return;
    }
    errors.hidden = true;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const { data } = await post("/projects", project);
      location.assign("/projects/" + encodeURIComponent(data.id));
    } catch (error) {
      showErrors(errors, error);
      button.disabled = false;
    }
  });
}

if (requireSignIn()) {
  projectForm();
  showProjects();
}
