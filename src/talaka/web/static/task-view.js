// Drawing a task for a person to answer: the public face of the Template Builder renderer.
//
//   renderTask(container, {taskSpec, inputValues, outputValues = null, name}) -> TaskView
//   suiteLayout(taskSpec) -> {kind: "scroll" | "pager", taskWidth: number | null}
//   safeHtml(element, html)
//
// A TaskView has `element`, `values()`, `validate(show = true)`, `hotkey(name)`, `focus()`,
// `dispose()` (its watchers, observers and timers stop, and it leaves the page) and
// `fallbackReason` (null, or a sentence saying why the generated form is shown; the page shows
// it, once for a whole suite). A project whose interface cannot be drawn here gets the form
// generated from its output fields rather than nothing.

import { FallbackForm } from "./fallback-form.js";
import { safeHtml } from "./safe-html.js";
import { resolve } from "./tb-evaluate.js";
import { SUPPORTED, TemplateTask, componentsOf } from "./tb-task.js";

export { safeHtml };

const PLAIN = "so a plain form built from the output fields is shown.";

// The view spec's config as an object, or {reason} saying why there is none to draw.
function readConfig(viewSpec) {
  if (!viewSpec || typeof viewSpec !== "object" || Object.keys(viewSpec).length === 0) {
    return { reason: `This project has no interface of its own, ${PLAIN}` };
  }
  if (viewSpec.type === "classic") {
    return { reason: `This project's interface is a classic (HTML) one, which this page does not draw, ${PLAIN}` };
  }
  if (viewSpec.type !== "tb") {
    return { reason: `This project's interface is of a kind this page does not know, ${PLAIN}` };
  }
  let config = viewSpec.config;
  if (typeof config === "string") {
    try {
      config = JSON.parse(config);
    } catch {
      return { reason: `This project's interface could not be read (its configuration is not valid JSON), ${PLAIN}` };
    }
  }
  if (!config || typeof config !== "object" || Array.isArray(config) || config.view === undefined) {
    return { reason: `This project's interface has no view to draw, ${PLAIN}` };
  }
  return { config };
}

function outOfScope(config) {
  const types = [...new Set(componentsOf(config).map((component) => component.type))];
  return types.filter((type) => !SUPPORTED.has(type));
}

export function renderTask(container, { taskSpec, inputValues, outputValues = null, name }) {
  const spec = taskSpec || {};
  const options = { taskSpec: spec, inputValues: inputValues || {}, outputValues, name };
  const { config, reason } = readConfig(spec.view_spec);
  if (!config) return new FallbackForm(container, options, reason);
  const missing = outOfScope(config);
  if (missing.length) {
    const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(", ")} and ${missing[missing.length - 1]}`;
    return new FallbackForm(container, options,
      `This project's interface uses ${list}, which this page cannot draw yet, ${PLAIN}`);
  }
  try {
    return new TemplateTask(container, options, config);
  } catch (error) {
    return new FallbackForm(container, options, `This project's interface could not be drawn (${error.message}), ${PLAIN}`);
  }
}

export function suiteLayout(taskSpec) {
  const { config } = readConfig((taskSpec || {}).view_spec);
  const plugins = config && Array.isArray(config.plugins) ? config.plugins.map((item) => resolve(item, config.vars || {})) : [];
  const plugin = plugins.find((item) => item && item.type === "plugin.toloka");
  const layout = resolve(plugin && plugin.layout, config ? config.vars || {} : {}) || {};
  const width = Number(layout.taskWidth);
  return { kind: layout.kind === "pager" ? "pager" : "scroll", taskWidth: Number.isFinite(width) && width > 0 ? width : null };
}
