// Values in a Template Builder config: `$ref`s, data references, helpers and conditions.
//
// Any property of a component may hold another component instead of a literal, so `evaluate`
// turns a property into the value it stands for now. View, field, layout, action and plugin
// components are not values: they come back as they are, for the renderer to draw or run.
// `env` is {store, here}, where `here` says what the enclosing component is: its `data`
// (condition.required without `data` checks the field it validates) and its media (for
// condition.played).

import { deepEqual, isComponent, isDataRef, isEmpty, readPath, textOf as text } from "./tb-data.js";
import { matchesSchema } from "./tb-schema.js";

function isRef(value) {
  return value !== null && typeof value === "object" && typeof value.$ref === "string";
}

// Follow {"$ref": "vars.a.b"} (and refs to refs) to the value in the config's `vars`.
export function resolve(value, vars) {
  for (let depth = 0; isRef(value) && depth < 32; depth++) {
    const path = value.$ref.startsWith("vars.") ? value.$ref.slice(5) : value.$ref;
    value = readPath(vars, path);
  }
  return value;
}

// A property that holds a list (cases, conditions), or no items when it holds something else.
function listOf(value, env) {
  const items = resolve(value, env.store.vars);
  return Array.isArray(items) ? items : [];
}

const HELPERS = {
  "helper.if": (helper, env) => evaluate(check(helper.condition, env).ok ? helper.then : helper.else, env),
  "helper.switch": (helper, env) => {
    const cases = listOf(helper.cases, env);
    const hit = cases.find((item) => item && check(item.condition, env).ok);
    return evaluate(hit ? hit.result : helper.default, env);
  },
  "helper.join": (helper, env) => {
    const items = evaluate(helper.items, env);
    const by = evaluate(helper.by, env);
    return (Array.isArray(items) ? items : []).map(text).join(by === undefined ? " " : text(by));
  },
  "helper.text-transform": (helper, env) => {
    const value = text(evaluate(helper.data, env));
    const how = evaluate(helper.transformation, env);
    if (how === "uppercase") return value.toUpperCase();
    if (how === "lowercase") return value.toLowerCase();
    if (how === "capitalize") return value.charAt(0).toUpperCase() + value.slice(1);
    return value;
  },
  "helper.replace": (helper, env) => {
    const value = text(evaluate(helper.data, env));
    const find = text(evaluate(helper.find, env));
    return find === "" ? value : value.split(find).join(text(evaluate(helper.replace, env)));
  },
};

export function evaluate(value, env) {
  value = resolve(value, env.store.vars);
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => evaluate(item, env));
  if (isDataRef(value)) return env.store.read(value);
  if (isComponent(value)) {
    if (Object.hasOwn(HELPERS, value.type)) return HELPERS[value.type](value, env);
    if (value.type.startsWith("condition.")) return check(value, env).ok;
    return value;
  }
  const out = {};
  for (const [key, item] of Object.entries(value)) out[key] = evaluate(item, env);
  return out;
}

// The value a condition looks at: its own `data`, else the component it validates.
function subject(condition, env) {
  return evaluate(condition.data !== undefined ? condition.data : env.here.data, env);
}

const CONDITIONS = {
  "condition.required": (condition, env) => ({ ok: !isEmpty(subject(condition, env)) }),
  "condition.empty": (condition, env) => ({ ok: isEmpty(subject(condition, env)) }),
  "condition.equals": (condition, env) => ({ ok: deepEqual(subject(condition, env), evaluate(condition.to, env)) }),
  "condition.not": (condition, env) => ({ ok: !check(condition.condition, env).ok }),
  "condition.all": (condition, env) => {
    for (const inner of listOf(condition.conditions, env)) {
      const result = check(inner, env);
      if (!result.ok) return result;
    }
    return { ok: true };
  },
  "condition.any": (condition, env) => {
    const results = listOf(condition.conditions, env).map((inner) => check(inner, env));
    return results.find((result) => result.ok) || results[0] || { ok: false };
  },
  "condition.schema": (condition, env) => ({
    ok: matchesSchema(subject(condition, env), resolve(condition.schema, env.store.vars)),
  }),
  "condition.link-opened": (condition, env) => ({ ok: env.store.marked("link", text(evaluate(condition.url, env))) }),
  "condition.played": (condition, env) => ({ ok: env.store.marked("played", env.here.media) }),
  "condition.played-fully": (condition, env) => ({ ok: env.store.marked("ended", env.here.media) }),
};

export const CONDITION_TYPES = Object.keys(CONDITIONS);
export const HELPER_TYPES = Object.keys(HELPERS);

// {ok, hint, type}: the hint of the condition itself, else of the inner condition that failed, and
// the type of the condition that decided (for a default message).
export function check(condition, env) {
  condition = resolve(condition, env.store.vars);
  if (condition === undefined || condition === null) return { ok: true };
  if (!isComponent(condition) || !Object.hasOwn(CONDITIONS, condition.type)) return { ok: Boolean(evaluate(condition, env)) };
  const result = CONDITIONS[condition.type](condition, env);
  const own = evaluate(condition.hint, env);
  return { ok: result.ok, hint: own !== undefined && own !== null && own !== "" ? text(own) : result.hint,
    type: result.type || condition.type };
}
