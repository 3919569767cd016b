// Drawing components: mounting (reactive slots), the part a renderer draws with, validation hooks.
//
// A renderer is {children?: [keys], draw(part) -> Element}. Its component's properties arrive
// evaluated in `part.props` (helpers and data already turned into values), except the keys in
// `children` and RAW, which stay as written: children are mounted on their own, so a helper.if
// among a list's items redraws that item alone and the focus stays where the performer left it.
// When any evaluated property changes, the component is drawn again from scratch.

import { h } from "./dom.js";
import { isComponent, isDataRef, textOf } from "./tb-data.js";
import { check, evaluate, resolve } from "./tb-evaluate.js";

const RAW = ["type", "version", "data", "validation", "action"];
const CONTROLS = "input, select, textarea, button, a[href], audio, video, iframe";

function propsOf(component, raw, env) {
  const props = {};
  for (const [key, value] of Object.entries(component)) {
    if (!raw.has(key)) props[key] = evaluate(value, env);
  }
  return props;
}

// A drawing that fails once the task is on screen (an answer made a helper pick something that
// cannot be drawn) says so in place of the part: thrown, the error would leave the input handler
// and the watchers after this one would not run. Before that, it throws, and the whole task falls
// back to the generated form.
function guarded(task, box, drawing) {
  try {
    drawing();
  } catch (error) {
    if (!task.started) throw error;
    box.replaceChildren(h("p", { class: "tb-error tb-broken" }, `This part of the task cannot be shown: ${error.message}`));
  }
}

// Mount `value` (a component, a $ref to one, or a helper that picks one) into `scope`; the slot
// redraws only when the picked component itself changes.
export function mount(task, value, scope) {
  const slot = h("div", { class: "tb-slot" });
  let inner = null;
  scope.watch(() => evaluate(value, task.env({})), (picked) => guarded(task, slot, () => {
    if (inner) inner.dispose();
    inner = scope.child();
    if (isComponent(picked)) slot.replaceChildren(draw(task, picked, inner));
    else if (Array.isArray(picked)) slot.replaceChildren(...picked.map((item) => mount(task, item, inner)));
    else slot.replaceChildren(picked === undefined || picked === null ? "" : h("span", { class: "tb-value" }, textOf(picked)));
  }));
  return slot;
}

function draw(task, component, scope) {
  const renderer = task.renderers[component.type];
  if (!renderer) throw new Error(`${component.type} cannot be drawn here`);
  const here = { data: resolve(component.data, task.store.vars), media: component };
  const env = task.env(here);
  const raw = new Set([...RAW, ...(renderer.children || [])]);
  const box = h("div", { class: "tb-item", "data-type": component.type });
  let inner = null;
  let drawn = null;
  scope.watch(() => propsOf(component, raw, env), (props) => guarded(task, box, () => {
    const focus = focusWithin(box);
    const shown = drawn && !drawn.errorElement.hidden ? drawn.errorElement.textContent : null;
    if (inner) inner.dispose();
    inner = scope.child();
    drawn = new Part(task, component, props, inner, here);
    drawn.element = renderer.draw(drawn);
    box.replaceChildren(drawn.element, drawn.errorElement);
    task.addValidator(drawn, inner);
    // A message on show stays through a redraw; the check that follows every change updates it.
    if (shown) drawn.showProblem(shown);
    if (focus) focus();
  }));
  return box;
}

// When a redraw replaces the control that has the focus (its label followed the answer), the
// same control of the new drawing takes the focus back, with the caret where it was.
function focusWithin(box) {
  const active = document.activeElement;
  if (!active || active === box || !box.contains(active)) return null;
  const index = [...box.querySelectorAll(CONTROLS)].indexOf(active);
  const caret = typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
  return () => {
    const again = box.querySelectorAll(CONTROLS)[index];
    if (!again) return;
    again.focus();
    if (caret && typeof again.setSelectionRange === "function") again.setSelectionRange(...caret);
  };
}

// What a renderer draws with: evaluated props, ids, data, labels, hints, controls, validation.
class Part {
  constructor(task, component, props, scope, here) {
    this.task = task;
    this.component = component;
    this.props = props;
    this.scope = scope;
    this.here = here;
    this.env = task.env(here);
    this.base = task.nextId();
    this.focusables = [];
    this.targets = [];
    this.checks = [];
    this.hintId = null;
    this.element = null;
    this.errorElement = h("p", { class: "tb-error", id: this.id("error"), hidden: true });
    const data = here.data;
    this.outputName = isDataRef(data) && data.type === "data.output" ? String(data.path ?? "").split(".")[0] : null;
  }

  id(suffix) {
    return `${this.base}-${suffix}`;
  }

  mount(child) {
    return mount(this.task, child, this.scope);
  }

  // A property that holds a list of children (a list's items, a layout's controls): one child
  // written alone counts as a list of one.
  listOf(key) {
    const items = resolve(this.component[key], this.task.store.vars);
    if (items === undefined || items === null) return [];
    return Array.isArray(items) ? items : [items];
  }

  get bound() {
    return isDataRef(this.here.data);
  }

  read() {
    return evaluate(this.here.data, this.env);
  }

  write(value) {
    if (this.bound) this.task.store.write(this.here.data, value);
  }

  // Call apply(value) now and whenever the field's data changes (from any control or action).
  watchValue(apply) {
    this.scope.watch(() => this.read(), apply);
  }

  label() {
    const text = textOf(this.props.label);
    return text === "" ? null : text;
  }

  // A field's accessible name: its label, else the name of the output it writes.
  name() {
    return this.label() || (this.bound ? String(this.here.data.path) : "Answer");
  }

  // A view's visible title, or null.
  caption() {
    const text = this.label();
    return text === null ? null : h("div", { class: "tb-label", id: this.id("label") }, text);
  }

  hint() {
    const text = textOf(this.props.hint);
    if (text === "") return null;
    this.hintId = this.id("hint");
    return h("small", { class: "tb-hint", id: this.hintId }, text);
  }

  // A control that takes the focus and says when it is invalid.
  control(element) {
    this.focusables.push(element);
    this.target(element);
    return element;
  }

  // An element that carries aria-invalid and the error's description (a control, or a fieldset).
  target(element) {
    if (this.hintId && !this.targets.includes(element)) element.setAttribute("aria-describedby", this.hintId);
    this.targets.push(element);
    return element;
  }

  // The hotkey bound to setting this field to `value`, or to toggling it.
  keyFor(value) {
    return this.bound ? this.task.keyFor(this.here.data, value) : null;
  }

  // The hotkey that toggles one option of a checkbox group: the option's answer sits at the
  // group's path and then the option's value.
  keyForOption(value) {
    if (!this.bound) return null;
    const data = this.here.data;
    return this.task.keyFor({ ...data, path: `${data.path}.${textOf(value)}` }, undefined);
  }

  keyBadge(key, element) {
    if (!key) return null;
    element.setAttribute("aria-keyshortcuts", key === "up" ? "ArrowUp" : key === "down" ? "ArrowDown" : key);
    return h("kbd", { class: "tb-key", "aria-hidden": "true" }, key);
  }

  run(action) {
    this.task.run(action, this.here);
  }

  // The message this part shows when its answer is not acceptable now, or null.
  problem() {
    if (this.component.validation !== undefined) {
      const result = check(this.component.validation, this.env);
      if (!result.ok) return result.hint || DEFAULT_MESSAGES[result.type] || "Check this answer.";
    }
    for (const extra of this.checks) {
      const message = extra();
      if (message) return message;
    }
    return null;
  }

  showProblem(message) {
    this.errorElement.textContent = message || "";
    this.errorElement.hidden = !message;
    for (const element of this.targets) {
      const described = [this.hintId, message ? this.errorElement.id : null].filter(Boolean).join(" ");
      if (described) element.setAttribute("aria-describedby", described);
      else element.removeAttribute("aria-describedby");
      if (message) element.setAttribute("aria-invalid", "true");
      else element.removeAttribute("aria-invalid");
    }
  }
}

const DEFAULT_MESSAGES = {
  "condition.required": "This answer is required.",
  "condition.link-opened": "Open the link first.",
  "condition.played": "Play the recording first.",
  "condition.played-fully": "Play the recording to the end first.",
};
