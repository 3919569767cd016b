// Actions (what hotkeys, buttons and triggers do) and the plugins that fire them.

import { deepEqual, isDataRef, textOf } from "./tb-data.js";
import { check, evaluate, resolve } from "./tb-evaluate.js";

export const ACTION_TYPES = ["action.set", "action.toggle", "action.open-link", "action.bulk", "action.notify",
  "action.play-pause", "action.rotate"];
export const PLUGIN_TYPES = ["plugin.toloka", "plugin.hotkeys", "plugin.trigger"];
const HOTKEYS = [..."0123456789abcdefghijklmnopqrstuvwxyz", "up", "down"];

// Only web addresses open: a javascript: or data: "link" in a task never runs.
export function webUrl(value) {
  if (textOf(value).trim() === "") return null;
  try {
    const url = new URL(textOf(value), location.href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function openLink(task, address) {
  const url = webUrl(address);
  if (!url) return;
  window.open(url, "_blank", "noopener,noreferrer");
  task.store.mark("link", textOf(address));
}

const ACTIONS = {
  "action.set": (task, action, env) => {
    const ref = resolve(action.data, task.store.vars);
    if (isDataRef(ref)) task.store.write(ref, evaluate(action.payload, env));
  },
  // Off is what unticking the checkbox of the same data writes: nothing, or false where that
  // checkbox has preserveFalse, so a required answer reads the same by mouse and by keyboard.
  "action.toggle": (task, action, env) => {
    const ref = resolve(action.data, task.store.vars);
    if (!isDataRef(ref)) return;
    task.store.write(ref, evaluate(ref, env) ? (task.keepsFalse(ref) ? false : undefined) : true);
  },
  "action.open-link": (task, action, env) => openLink(task, evaluate(action.payload, env)),
  "action.bulk": (task, action, env) => {
    for (const inner of resolve(action.payload, task.store.vars) || []) runAction(task, inner, env.here);
  },
  "action.notify": (task, action, env) => {
    const payload = evaluate(action.payload, env) || {};
    task.notify(textOf(payload.content), payload.theme || "info", payload.delay);
  },
  "action.play-pause": (task, action) => {
    const media = task.media.get(resolve(action.view, task.store.vars));
    if (media) media.paused ? media.play().catch(() => {}) : media.pause();
  },
  "action.rotate": (task, action, env) => {
    const rotate = task.rotations.get(resolve(action.view, task.store.vars));
    if (rotate) rotate(evaluate(action.payload, env) === "left" ? -90 : 90);
  },
};

export function runAction(task, action, here = {}) {
  action = resolve(action, task.store.vars);
  if (!action || !Object.hasOwn(ACTIONS, action.type)) return;
  ACTIONS[action.type](task, action, task.env(here));
}

export function sameRef(a, b) {
  return isDataRef(a) && isDataRef(b) && a.type === b.type && String(a.path) === String(b.path);
}

// Every hotkey the config's plugin.hotkeys bind, as {key: action}.
export function hotkeysOf(plugins, vars) {
  const keys = {};
  for (const plugin of plugins) {
    if (plugin.type !== "plugin.hotkeys") continue;
    for (const key of HOTKEYS) if (plugin[key] !== undefined) keys[key] = resolve(plugin[key], vars);
  }
  return keys;
}

// The key whose action sets `ref` to `value` (or toggles it), so the option can show the key.
export function keyFor(task, ref, value) {
  for (const [key, action] of Object.entries(task.hotkeys)) {
    if (!action || !sameRef(resolve(action.data, task.store.vars), ref)) continue;
    if (action.type === "action.toggle" && value === undefined) return key;
    if (action.type === "action.set" && value !== undefined && deepEqual(evaluate(action.payload, task.env({})), value)) return key;
  }
  return null;
}

// The key that runs exactly this action (a view.action-button bound to a hotkey too).
export function keyForAction(task, action) {
  const wanted = resolve(action, task.store.vars);
  const found = Object.entries(task.hotkeys).find(([, bound]) => bound === wanted || deepEqual(bound, wanted));
  return found ? found[0] : null;
}

// plugin.trigger: run `action` when `onChangeOf` changes (and at once with fireImmediately),
// if `condition` holds then.
export function startTriggers(task, plugins, scope) {
  for (const plugin of plugins) {
    if (plugin.type !== "plugin.trigger") continue;
    const env = task.env({});
    const fire = () => {
      if (plugin.condition === undefined || check(plugin.condition, env).ok) runAction(task, plugin.action);
    };
    let started = false;
    scope.watch(() => evaluate(plugin.onChangeOf, env), () => {
      if (started || plugin.fireImmediately) fire();
      started = true;
    });
  }
}
