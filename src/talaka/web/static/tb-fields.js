// field.* components: the controls that write answers into data.output (or data.internal).
//
// Every control has a real <label>; choice lists are a fieldset named by its legend. When a
// field has no label of its own, the name of the output it writes stands in (visually hidden), so
// a screen reader still says what is asked. Values keep their JSON types: an option's value goes
// in as the config wrote it, field.number writes numbers, checkboxes write booleans.

import { h } from "./dom.js";
import { deepEqual, textOf } from "./tb-data.js";

function optionsOf(part) {
  return (Array.isArray(part.props.options) ? part.props.options : []).filter((option) => option && typeof option === "object");
}

function optionText(option) {
  return textOf(option.label !== undefined ? option.label : option.value);
}

// A labelled single control: label, hint, control (and a hotkey badge after the label).
function single(part, control, { after = null } = {}) {
  control.id = part.id("control");
  const label = h("label", { for: control.id, class: part.label() ? null : "visually-hidden" }, part.name());
  const hint = part.hint();
  part.control(control);
  if (part.props.disabled) control.disabled = true;
  if (part.props.placeholder !== undefined && "placeholder" in control) control.placeholder = textOf(part.props.placeholder);
  return h("div", { class: "tb-field" }, label, hint, control, after);
}

// A fieldset of radios or checkboxes: `onChange(option, input)` writes a change, `keyOf(option)`
// is the option's hotkey, `isChecked(option, value)` reads the answer back.
function choices(part, type, { buttons = false, onChange, keyOf, isChecked }) {
  const legend = h("legend", { class: part.label() ? null : "visually-hidden" }, part.name());
  const hint = part.hint();
  const fieldset = h("fieldset", { class: "tb-choices" + (buttons ? " tb-buttons" : ""), role: type === "radio" ? "radiogroup" : null },
    legend, hint);
  part.target(fieldset);
  const group = part.id("options");
  const options = optionsOf(part);
  const inputs = options.map((option, index) => {
    const input = h("input", { type, name: group, id: part.id(`option-${index}`), disabled: Boolean(part.props.disabled || option.disabled) });
    input.addEventListener("change", () => onChange(option, input));
    const badge = part.keyBadge(keyOf(option), input);
    const label = h("label", { for: input.id }, h("span", {}, optionText(option)), badge);
    const optionHint = textOf(option.hint) ? h("small", { id: input.id + "-hint" }, textOf(option.hint)) : null;
    if (optionHint) input.setAttribute("aria-describedby", optionHint.id);
    fieldset.append(h("div", { class: buttons ? "tb-choice tb-button-choice" : "check tb-choice" }, input, label, optionHint));
    return input;
  });
  if (inputs.length) part.focusables.push(inputs[0]);
  part.watchValue((value) => inputs.forEach((input, index) => {
    input.checked = isChecked(options[index], value);
  }));
  return h("div", { class: "tb-field" }, fieldset);
}

function radios(buttons) {
  return (part) => choices(part, "radio", {
    buttons,
    onChange: (option, input) => input.checked && part.write(option.value),
    keyOf: (option) => part.keyFor(option.value),
    isChecked: (option, value) => value !== undefined && deepEqual(option.value, value),
  });
}

function textInput(part, control) {
  control.addEventListener("input", () => part.write(control.value === "" ? undefined : control.value));
  part.watchValue((value) => {
    const text = textOf(value);
    if (control.value !== text) control.value = text;
  });
  return single(part, control);
}

export const FIELDS = {
  "field.radio-group": { draw: radios(false) },
  "field.button-radio-group": { draw: radios(true) },
  "field.checkbox": {
    draw(part) {
      const input = h("input", { type: "checkbox", id: part.id("control") });
      input.addEventListener("change", () => part.write(input.checked ? true : part.props.preserveFalse ? false : undefined));
      part.watchValue((value) => {
        input.checked = value === true;
      });
      const badge = part.keyBadge(part.keyFor(undefined), input);
      const label = h("label", { for: input.id }, h("span", {}, part.name()), badge);
      const hint = part.hint();
      part.control(input);
      if (part.props.disabled) input.disabled = true;
      return h("div", { class: "tb-field check" }, input, label, hint);
    },
  },
  "field.checkbox-group": {
    draw: (part) => choices(part, "checkbox", {
      // {value: true} per ticked option; a cleared box is dropped unless preserveFalse, which
      // keeps every option in the object, true or false.
      onChange(option, input) {
        const now = part.read();
        const value = now && typeof now === "object" && !Array.isArray(now) ? now : {};
        if (part.props.preserveFalse) {
          for (const other of optionsOf(part)) if (!Object.hasOwn(value, textOf(other.value))) value[textOf(other.value)] = false;
        }
        if (input.checked) value[textOf(option.value)] = true;
        else if (part.props.preserveFalse) value[textOf(option.value)] = false;
        else delete value[textOf(option.value)];
        part.write(Object.keys(value).length ? value : undefined);
      },
      keyOf: (option) => part.keyForOption(option.value),
      isChecked: (option, value) => Boolean(value && typeof value === "object" && value[textOf(option.value)] === true),
    }),
  },
  "field.text": {
    draw: (part) => textInput(part, h("input", { type: "text", autocomplete: "off" })),
  },
  "field.textarea": {
    draw(part) {
      const rows = Number(part.props.rows) > 0 ? Number(part.props.rows) : 4;
      return textInput(part, h("textarea", { rows, class: part.props.resizable === false ? "tb-fixed" : null }));
    },
  },
  "field.select": {
    draw(part) {
      const options = optionsOf(part);
      const placeholder = textOf(part.props.placeholder) || "Choose…";
      const select = h("select", {}, h("option", { value: "" }, placeholder),
        options.map((option, index) => h("option", { value: String(index) }, optionText(option))));
      select.addEventListener("change", () => part.write(select.value === "" ? undefined : options[Number(select.value)].value));
      part.watchValue((value) => {
        const index = options.findIndex((option) => value !== undefined && deepEqual(option.value, value));
        select.value = index < 0 ? "" : String(index);
      });
      return single(part, select);
    },
  },
  "field.number": {
    draw(part) {
      const { minimum, maximum } = part.props;
      const low = typeof minimum === "number" ? minimum : null;
      const high = typeof maximum === "number" ? maximum : null;
      const input = h("input", { type: "number", step: "any", inputmode: "decimal", min: low, max: high });
      input.addEventListener("input", () => {
        const value = input.value === "" ? undefined : Number(input.value);
        part.write(Number.isFinite(value) ? value : undefined);
      });
      part.watchValue((value) => {
        // Leave half-typed input ("-", "1e") alone: it reads as no number until it is one.
        const shown = input.value === "" ? undefined : Number(input.value);
        if (value === shown || (value === undefined && input.validity.badInput)) return;
        input.value = value === undefined ? "" : textOf(value);
      });
      part.checks.push(() => {
        if (input.validity.badInput) return "Enter a number.";
        const value = part.read();
        if (typeof value !== "number") return null;
        if ((low !== null && value < low) || (high !== null && value > high)) {
          if (low !== null && high !== null) return `Enter a number from ${low} to ${high}.`;
          return low !== null ? `Enter a number of at least ${low}.` : `Enter a number of at most ${high}.`;
        }
        return null;
      });
      return single(part, input);
    },
  },
};
