// Field specs: the editor rows of the new-project form, reading them back, describing a spec.

import { h } from "./dom.js";

const SCALARS = ["string", "integer", "float", "boolean", "url", "json", "coordinates"];
export const FIELD_TYPES = [...SCALARS, ...SCALARS.map((name) => "array_" + name)];

// Which constraints each scalar type takes (arrays add min_size / max_size), as the server checks.
const CONSTRAINTS = {
  string: ["min_length", "max_length", "allowed_values"],
  integer: ["min_value", "max_value", "allowed_values"],
  float: ["min_value", "max_value"],
  boolean: ["allowed_values"],
  url: [],
  json: [],
  coordinates: [],
};
const LABELS = {
  min_length: "Min length",
  max_length: "Max length",
  min_value: "Min value",
  max_value: "Max value",
  min_size: "Min items",
  max_size: "Max items",
  allowed_values: "Allowed values",
};
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function scalarOf(type) {
  return type.startsWith("array_") ? type.slice(6) : type;
}

function constraintsOf(type) {
  const own = CONSTRAINTS[scalarOf(type)] || [];
  return type.startsWith("array_") ? [...own, "min_size", "max_size"] : own;
}

let rows = 0;

// One editable field: name, type, required, and the constraints its type takes.
export function fieldRow(side, number) {
  const id = `${side}-field-${++rows}`;
  const legend = h("legend", {}, `${side === "input" ? "Input" : "Output"} field ${number}`);
  const name = h("input", { id: id + "-name", class: "field-name", required: true, maxlength: 64,
    pattern: "[A-Za-z0-9_-]{1,64}", autocomplete: "off", spellcheck: "false" });
  const type = h("select", { id: id + "-type", class: "field-type" },
    FIELD_TYPES.map((value) => h("option", { value }, value)));
  const required = h("input", { type: "checkbox", id: id + "-required", class: "field-required", checked: true });
  const inputs = {};
  const constraintRows = Object.keys(LABELS).map((key) => {
    const isList = key === "allowed_values";
    const input = h("input", {
      id: `${id}-${key}`, class: "field-constraint", "data-key": key, autocomplete: "off",
      inputmode: isList ? null : "decimal", placeholder: isList ? "a, b, c" : "",
    });
    inputs[key] = input;
    return h("div", { class: "form-row constraint", "data-key": key },
      h("label", { for: input.id }, LABELS[key]), input);
  });
  const remove = h("button", { type: "button", class: "secondary remove-field" }, "Remove");
  remove.setAttribute("aria-label", `Remove ${legend.textContent.toLowerCase()}`);
  const fieldset = h("fieldset", { class: "field-spec" }, legend,
    h("div", { class: "field-main" },
      h("div", { class: "form-row" }, h("label", { for: name.id }, "Name"), name),
      h("div", { class: "form-row" }, h("label", { for: type.id }, "Type"), type),
      h("div", { class: "check" }, required, h("label", { for: required.id }, "Required")),
      remove),
    h("div", { class: "field-constraints" }, constraintRows));
  const showConstraints = () => {
    const allowed = new Set(constraintsOf(type.value));
    for (const element of constraintRows) element.hidden = !allowed.has(element.dataset.key);
  };
  type.addEventListener("change", showConstraints);
  showConstraints();
  fieldset.readSpec = (problems) => readSpec(fieldset, { name, type, required, inputs }, problems);
  return fieldset;
}

function readNumber(text, integer, label, problems) {
  if (!(integer ? INTEGER : NUMBER).test(text)) {
    problems.push(`${label} must be ${integer ? "a whole number" : "a number"}, got "${text}"`);
    return undefined;
  }
  return Number(text);
}

function readAllowed(text, scalar, label, problems) {
  const parts = text.split(",").map((part) => part.trim()).filter((part) => part !== "");
  if (scalar === "string") return parts;
  if (scalar === "boolean") {
    const values = parts.map((part) => part.toLowerCase());
    const bad = values.filter((value) => value !== "true" && value !== "false");
    if (bad.length) problems.push(`${label} must be true or false, got "${bad[0]}"`);
    return values.map((value) => value === "true");
  }
  return parts.map((part) => readNumber(part, true, label, problems));
}

// The spec a row describes as [name, spec]; problems are pushed as sentences.
function readSpec(fieldset, { name, type, required, inputs }, problems) {
  const label = fieldset.querySelector("legend").textContent;
  const fieldName = name.value.trim();
  if (!NAME.test(fieldName)) {
    problems.push(`${label}: the name must be 1 to 64 letters, digits, "_" or "-"`);
    name.setAttribute("aria-invalid", "true");
  } else {
    name.removeAttribute("aria-invalid");
  }
  const spec = { type: type.value, required: required.checked };
  const scalar = scalarOf(type.value);
  for (const key of constraintsOf(type.value)) {
    const text = inputs[key].value.trim();
    if (!text) continue;
    const where = `${label}, ${LABELS[key].toLowerCase()}`;
    spec[key] = key === "allowed_values"
      ? readAllowed(text, scalar, where, problems)
      : readNumber(text, !(scalar === "float" && key.endsWith("_value")), where, problems);
  }
  return [fieldName, spec];
}

// A field-spec editor (one fieldset with a list and an "Add" button) for the input or output side.
export function specEditor(fieldset) {
  const side = fieldset.dataset.side;
  const list = fieldset.querySelector(".field-list");
  const renumber = () => {
    [...list.children].forEach((field, index) => {
      const text = `${side === "input" ? "Input" : "Output"} field ${index + 1}`;
      field.querySelector("legend").textContent = text;
      field.querySelector(".remove-field").setAttribute("aria-label", "Remove " + text.toLowerCase());
    });
  };
  const add = () => {
    const field = fieldRow(side, list.children.length + 1);
    field.querySelector(".remove-field").addEventListener("click", () => {
      const next = field.nextElementSibling || field.previousElementSibling;
      field.remove();
      renumber();
      (next ? next.querySelector(".field-name") : fieldset.querySelector(".add-field")).focus();
    });
    list.append(field);
    return field;
  };
  fieldset.querySelector(".add-field").addEventListener("click", () => add().querySelector(".field-name").focus());
  add();
  return {
    read(problems) {
      const spec = {};
      for (const field of list.children) {
        const [name, value] = field.readSpec(problems);
        if (name in spec) problems.push(`Field "${name}" is listed twice among the ${side} fields`);
        spec[name] = value;
      }
      return spec;
    },
    reset() {
      list.replaceChildren();
      add();
    },
  };
}

// "length 1 to 10; one of a, b" for the project page.
export function describeConstraints(spec) {
  const parts = [];
  const range = (low, high, what) => {
    if (low !== undefined && low !== null && high !== undefined && high !== null) parts.push(`${what} ${low} to ${high}`);
    else if (low !== undefined && low !== null) parts.push(`${what} at least ${low}`);
    else if (high !== undefined && high !== null) parts.push(`${what} at most ${high}`);
  };
  range(spec.min_length, spec.max_length, "length");
  range(spec.min_value, spec.max_value, "value");
  range(spec.min_size, spec.max_size, "items");
  if (Array.isArray(spec.allowed_values)) parts.push("one of " + spec.allowed_values.map(String).join(", "));
  if (spec.hidden) parts.push("hidden");
  return parts.join("; ") || "—";
}
