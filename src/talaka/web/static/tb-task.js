// One task drawn from a Template Builder config: its data, its drawing, its checks and hotkeys.

import { h } from "./dom.js";
import { ACTION_TYPES, PLUGIN_TYPES, hotkeysOf, keyFor, runAction, sameRef, startTriggers } from "./tb-actions.js";
import { SPACES, Scope, Store, clone, isComponent, isDataRef, isSafePath } from "./tb-data.js";
import { CONDITION_TYPES, HELPER_TYPES, resolve } from "./tb-evaluate.js";
import { FIELDS } from "./tb-fields.js";
import { LAYOUTS } from "./tb-layouts.js";
import { outputProblems } from "./tb-output-spec.js";
import { mount } from "./tb-render.js";
import { VIEWS } from "./tb-views.js";

const RENDERERS = { ...VIEWS, ...FIELDS, ...LAYOUTS };
export const SUPPORTED = new Set([...Object.keys(SPACES), ...Object.keys(RENDERERS), ...CONDITION_TYPES,
  ...HELPER_TYPES, ...ACTION_TYPES, ...PLUGIN_TYPES]);
const ANSWER_CONTROL = "input:not([disabled]), select:not([disabled]), textarea:not([disabled])";
const FOCUSABLE = "input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href], audio, video, iframe";

// Every component reachable from the view and the plugins (through $refs), each once, so the
// scope check and the defaults see what will actually be drawn. A condition.schema's schema
// is JSON Schema, not components, and is not entered.
export function componentsOf(config) {
  const found = [];
  const seen = new Set();
  const visit = (value) => {
    value = resolve(value, config.vars || {});
    if (value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    if (isComponent(value)) found.push(value);
    for (const [key, item] of Object.entries(value)) {
      if (!(key === "schema" && value.type === "condition.schema")) visit(item);
    }
  };
  visit(config.view);
  visit(config.plugins || []);
  return found;
}

function inDomOrder(a, b) {
  return a.element.compareDocumentPosition(b.element) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
}

// The data references of checkboxes that write false when cleared (action.toggle does the same).
function keptFalse(components, vars) {
  return components.filter((component) => component.type === "field.checkbox" && resolve(component.preserveFalse, vars) === true)
    .map((component) => resolve(component.data, vars)).filter(isDataRef);
}

export class TemplateTask {
  constructor(container, { taskSpec, inputValues, outputValues, name }, config) {
    this.fallbackReason = null;
    this.name = name;
    this.started = false;
    this.outputSpec = taskSpec.output_spec || {};
    const components = componentsOf(config);
    const unsafe = components.find((component) => isDataRef(component) && !isSafePath(component.path));
    if (unsafe) throw new Error(`its data path "${unsafe.path}" names an object's prototype`);
    this.store = new Store({ inputs: inputValues || {}, vars: config.vars || {}, outputs: outputValues || {} });
    if (outputValues === null || outputValues === undefined) {
      for (const component of components) if (isDataRef(component)) this.store.seed(component);
    }
    this.falseKept = keptFalse(components, this.store.vars);
    this.renderers = RENDERERS;
    this.plugins = (Array.isArray(config.plugins) ? config.plugins : []).map((plugin) => resolve(plugin, this.store.vars));
    this.hotkeys = hotkeysOf(this.plugins, this.store.vars);
    this.media = new WeakMap();
    this.rotations = new WeakMap();
    this.parts = new Set();
    this.ids = 0;
    this.shown = false;
    this.summary = h("div", { class: "notice error tb-summary", id: `${name}-summary`, tabindex: "-1", hidden: true });
    this.notice = h("div", { class: "tb-notice", role: "status", "aria-live": "polite" });
    this.scope = new Scope(this.store);
    this.element = h("div", { class: "tb-task", id: name }, this.summary, this.notice);
    container.append(this.element);
    try {
      this.element.append(mount(this, config.view, this.scope));
      startTriggers(this, this.plugins, this.scope);
    } catch (error) {
      this.scope.dispose();
      this.element.remove();
      throw error;
    }
    this.store.onChange(() => {
      if (this.shown) this.check({ show: true, focus: false, onlyShown: true });
    });
    this.started = true;
  }

  // Stop every watcher, observer and timer, and take the task off the page.
  dispose() {
    this.scope.dispose();
    clearTimeout(this.noticeTimer);
    this.element.remove();
  }

  keepsFalse(ref) {
    return this.falseKept.some((kept) => sameRef(kept, ref));
  }

  env(here) {
    return { store: this.store, here };
  }

  nextId() {
    this.ids += 1;
    return `${this.name}-c${this.ids}`;
  }

  addValidator(part, scope) {
    if (part.component.validation === undefined && !part.checks.length && !part.outputName) return;
    this.parts.add(part);
    scope.onDispose(() => this.parts.delete(part));
  }

  keyFor(ref, value) {
    return keyFor(this, ref, value);
  }

  run(action, here) {
    runAction(this, action, here);
  }

  notify(text, theme, delay) {
    this.notice.textContent = text;
    this.notice.className = `tb-notice tb-alert tb-theme-${theme}`;
    clearTimeout(this.noticeTimer);
    if (Number(delay) > 0) this.noticeTimer = setTimeout(() => { this.notice.textContent = ""; }, Number(delay));
  }

  values() {
    return clone(this.store.spaces.output) || {};
  }

  // The config's validations first, then the output spec; an output problem goes by the first
  // field that writes that output, or into the summary at the top when no field does.
  check({ show, focus, onlyShown = false }) {
    const found = new Map();
    for (const part of this.parts) {
      const message = part.problem();
      if (message) found.set(part, message);
    }
    const loose = [];
    const parts = [...this.parts].sort(inDomOrder);
    for (const { field, message } of outputProblems(this.outputSpec, this.values())) {
      const part = parts.find((candidate) => candidate.outputName === field);
      if (!part) loose.push(`${field}: ${message}`);
      else if (!found.has(part)) found.set(part, message);
    }
    if (show) {
      for (const part of parts) {
        if (onlyShown && part.errorElement.hidden) continue;
        part.showProblem(found.get(part) || null);
      }
      const stillShown = onlyShown ? loose.filter((line) => this.summary.textContent.includes(line)) : loose;
      this.summary.replaceChildren(...stillShown.map((line) => h("p", {}, line)));
      this.summary.hidden = stillShown.length === 0;
      this.shown = true;
      if (focus) {
        const first = parts.find((part) => found.has(part));
        if (first) this.focusPart(first);
        else if (loose.length) this.summary.focus();
      }
    }
    return found.size === 0 && loose.length === 0;
  }

  validate(show = true) {
    return this.check({ show, focus: show });
  }

  focusPart(part) {
    let target = part.focusables[0] || part.element.querySelector(FOCUSABLE);
    if (target && target.type === "radio") {
      target = part.focusables.find((input) => input.checked) ||
        part.element.querySelector("input[type=radio]:checked") || target;
    }
    if (target) target.focus();
  }

  hotkey(name) {
    const action = this.hotkeys[name];
    if (!action) return false;
    runAction(this, action);
    return true;
  }

  // The first answer control (a rotate button or a link before it is not what a performer wants).
  focus() {
    let target = this.element.querySelector(ANSWER_CONTROL) || this.element.querySelector(FOCUSABLE);
    if (target && target.type === "radio") {
      target = this.element.querySelector(`input[type=radio][name="${CSS.escape(target.name)}"]:checked`) || target;
    }
    if (target) target.focus();
  }
}
