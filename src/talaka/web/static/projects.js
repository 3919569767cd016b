// The projects page: the requester's projects, and the form that creates one.

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
    const project = {
      public_name: name,
      public_description: description,
      task_spec: { input_spec: inputs.read(problems), output_spec: outputs.read(problems) },
    };
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
