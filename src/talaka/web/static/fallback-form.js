// The form generated from a project's field specs, for projects whose interface this page cannot
// draw (none, classic, unreadable, or a component outside what the renderer knows).
//
// It shows the task's input values, then one control per output field: radio buttons for
// allowed values (keys 1 to 9 pick an option of the group holding the focus, else of the first
// group), a checkbox for a boolean,
// inputs for text, numbers and web addresses, a text area for JSON and lists (one item a line).
// It answers to the same calls as a Template Builder task.

import { h } from "./dom.js";
import { webUrl } from "./tb-actions.js";
import { textOf as shown } from "./tb-data.js";
import { outputProblems } from "./tb-output-spec.js";

function inputValue(value) {
  const url = typeof value === "string" ? webUrl(value) : null;
  if (url && /^https?:\/\//i.test(value)) return h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, value);
  return h("span", { class: "tb-text" }, shown(value));
}

function scalarFrom(text, scalar) {
  if (scalar === "integer" || scalar === "float") return text === "" ? undefined : Number(text);
  if (scalar === "boolean") return text === "true" ? true : text === "false" ? false : text;
  return text;
}

export class FallbackForm {
  constructor(container, { taskSpec, inputValues, outputValues, name }, reason) {
    this.fallbackReason = reason;
    this.name = name;
    this.spec = taskSpec.output_spec || {};
    this.fields = [];
    this.groups = [];
    this.ids = 0;
    this.summary = h("div", { class: "notice error tb-summary", tabindex: "-1", hidden: true });
    const inputSpec = taskSpec.input_spec || {};
    const inputs = Object.entries(inputValues || {}).filter(([field]) => !(inputSpec[field] && inputSpec[field].hidden));
    const facts = inputs.length
      ? h("dl", { class: "tb-inputs" }, inputs.flatMap(([field, value]) => [h("dt", {}, field), h("dd", {}, inputValue(value))]))
      : null;
    this.element = h("div", { class: "tb-task tb-fallback", id: name }, this.summary, facts);
    for (const [field, spec] of Object.entries(this.spec)) {
      this.element.append(this.field(field, spec || {}, (outputValues || {})[field]));
    }
    container.append(this.element);
  }

  id(suffix) {
    this.ids += 1;
    return `${this.name}-f${this.ids}-${suffix}`;
  }

  // One output field's control; its entry knows how to read the control back.
  field(field, spec, initial) {
    const type = String(spec.type || "string");
    const error = h("p", { class: "tb-error", id: this.id("error"), hidden: true });
    const entry = { field, error, radios: null, control: null, target: null, parse: null };
    let body;
    if (Array.isArray(spec.allowed_values) && !type.startsWith("array_")) {
      const group = this.id("options");
      const rows = spec.allowed_values.map((value, index) => {
        const radio = h("input", { type: "radio", name: group, id: this.id("option"), checked: initial === value });
        radio.optionValue = value;
        const key = index < 9 ? String(index + 1) : null;
        if (key) radio.setAttribute("aria-keyshortcuts", key);
        return h("div", { class: "check tb-choice" }, radio, h("label", { for: radio.id }, shown(value),
          key ? h("kbd", { class: "tb-key", "aria-hidden": "true" }, key) : null));
      });
      entry.radios = rows.map((row) => row.querySelector("input"));
      entry.target = h("fieldset", { class: "tb-choices", role: "radiogroup" }, h("legend", {}, field), rows);
      this.groups.push(entry);
      entry.parse = () => entry.radios.find((radio) => radio.checked)?.optionValue;
      body = entry.target;
    } else if (type === "boolean") {
      const box = h("input", { type: "checkbox", id: this.id("control"), checked: initial === true });
      entry.control = entry.target = box;
      entry.parse = () => box.checked;
      body = h("div", { class: "check" }, box, h("label", { for: box.id }, field));
    } else {
      const many = type.startsWith("array_") || type === "json";
      const control = many
        ? h("textarea", { rows: 3, id: this.id("control") })
        : h("input", { id: this.id("control"), autocomplete: "off",
          type: type === "integer" || type === "float" ? "number" : type === "url" ? "url" : "text",
          step: type === "float" ? "any" : null, inputmode: type === "integer" ? "numeric" : type === "float" ? "decimal" : null });
      const hint = many ? h("small", { id: this.id("hint") }, type === "json" ? "JSON" : "One item a line") : null;
      if (hint) control.setAttribute("aria-describedby", hint.id);
      entry.hintId = hint ? hint.id : null;
      control.value = initial === undefined ? "" : type.startsWith("array_") && Array.isArray(initial)
        ? initial.map(shown).join("\n") : shown(initial);
      entry.control = entry.target = control;
      entry.parse = () => this.parse(control.value, type, entry);
      body = h("div", { class: "form-row" }, h("label", { for: control.id }, field), hint, control);
    }
    entry.target.addEventListener("change", () => {
      if (this.shownOnce) this.check({ show: true, focus: false });
    });
    this.fields.push(entry);
    return h("div", { class: "tb-field" }, body, error);
  }

  parse(text, type, entry) {
    entry.badJson = false;
    if (type === "json") {
      if (text.trim() === "") return undefined;
      try {
        return JSON.parse(text);
      } catch {
        entry.badJson = true;
        return undefined;
      }
    }
    if (type.startsWith("array_")) {
      const items = text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
      return items.length ? items.map((line) => scalarFrom(line, type.slice(6))) : undefined;
    }
    return text === "" ? undefined : scalarFrom(type === "url" || type === "string" ? text : text.trim(), type);
  }

  values() {
    const values = {};
    for (const entry of this.fields) {
      const value = entry.parse();
      if (value !== undefined) values[entry.field] = value;
    }
    return values;
  }

  check({ show, focus }) {
    const values = this.values();
    const problems = new Map(outputProblems(this.spec, values).map(({ field, message }) => [field, message]));
    for (const entry of this.fields) {
      if (entry.badJson) problems.set(entry.field, "Enter valid JSON.");
      // Text in a number box reads as no value at all, which is not what the performer did.
      if (entry.control?.validity?.badInput) problems.set(entry.field, "Enter a number.");
    }
    if (show) {
      this.shownOnce = true;
      for (const entry of this.fields) {
        const message = problems.get(entry.field) || "";
        entry.error.textContent = message;
        entry.error.hidden = !message;
        const described = [entry.hintId, message ? entry.error.id : null].filter(Boolean).join(" ");
        if (described) entry.target.setAttribute("aria-describedby", described);
        else entry.target.removeAttribute("aria-describedby");
        if (message) entry.target.setAttribute("aria-invalid", "true");
        else entry.target.removeAttribute("aria-invalid");
      }
      const first = this.fields.find((entry) => problems.has(entry.field));
      if (focus && first) (first.radios ? first.radios.find((radio) => radio.checked) || first.radios[0] : first.control).focus();
    }
    return problems.size === 0;
  }

  validate(show = true) {
    return this.check({ show, focus: show });
  }

  hotkey(name) {
    const group = this.groups.find((entry) => entry.target.contains(document.activeElement)) || this.groups[0];
    const index = Number(name) - 1;
    if (!/^[1-9]$/.test(name) || !group || index >= group.radios.length) return false;
    group.radios[index].checked = true;
    group.radios[index].dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  dispose() {
    this.element.remove();
  }

  focus() {
    const target = this.element.querySelector("input, select, textarea");
    if (target) target.focus();
  }
}
