// A task's data as a Template Builder config sees it, and the reactivity that redraws on change.
//
// Four spaces of values: `input` (the task's input_values, read-only), `output` (what a submit
// sends), `internal` (data.internal / data.local: state a config keeps for itself, never sent)
// and `vars` (the config's constants, reached by {"$ref": "vars.x"}). A dotted path ("a.b") walks
// nested objects, so an output path "a.b" builds {"a": {"b": value}}.
//
// Reactivity is deliberately plain: a task holds a few dozen components, so after every write
// each live watcher recomputes its value and only those whose value changed act. Watchers belong
// to scopes; a scope is disposed when the part of the page it drew is redrawn or removed.

export const SPACES = { "data.input": "input", "data.output": "output", "data.internal": "internal", "data.local": "internal" };

export function isComponent(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
    typeof value.type === "string" && value.type.includes(".");
}

export function isDataRef(value) {
  return isComponent(value) && Object.hasOwn(SPACES, value.type);
}

// A value as text: what a view shows, a label says, a checkbox group keys its options by.
export function textOf(value) {
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

// Names that reach an object's prototype rather than a key of its own: a path through one would
// let a config change every object of the page, so such a path reads and writes nothing.
const FORBIDDEN = new Set(["__proto__", "prototype", "constructor"]);

function segments(path) {
  const parts = String(path ?? "").split(".").filter((part) => part !== "");
  return parts.some((part) => FORBIDDEN.has(part)) ? null : parts;
}

export function isSafePath(path) {
  return segments(path) !== null;
}

export function readPath(root, path) {
  const parts = segments(path);
  if (!parts) return undefined;
  let here = root;
  for (const part of parts) {
    if (here === null || typeof here !== "object" || !Object.hasOwn(here, part)) return undefined;
    here = here[part];
  }
  return here;
}

// Write `value` at `path` inside `root`, making objects on the way; undefined deletes the key and
// then every object the deletion left empty, so an answer taken back leaves no `{}` behind.
function writePath(root, path, value) {
  const parts = segments(path);
  if (!parts || !parts.length) return;
  const trail = [root];
  let here = root;
  for (const part of parts.slice(0, -1)) {
    const next = Object.hasOwn(here, part) ? here[part] : undefined;
    if (next === null || typeof next !== "object" || Array.isArray(next)) {
      if (value === undefined) return;
      here[part] = {};
    }
    here = here[part];
    trail.push(here);
  }
  const last = parts[parts.length - 1];
  if (value !== undefined) {
    here[last] = value;
    return;
  }
  delete here[last];
  for (let index = trail.length - 1; index > 0; index--) {
    if (Object.keys(trail[index]).length) break;
    delete trail[index - 1][parts[index - 1]];
  }
}

export function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

export function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
}

// "Empty" as condition.required and condition.empty mean it: nothing, "", [], or an object with
// no true value (a checkbox group with every box cleared).
export function isEmpty(value) {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return !Object.values(value).some((item) => !isEmpty(item) && item !== false);
  return false;
}

// Watchers in a tree of scopes; `dispose` stops a scope and everything under it.
export class Scope {
  constructor(store, parent = null) {
    this.store = store;
    this.parent = parent;
    this.children = new Set();
    this.watchers = [];
    this.cleanups = [];
    this.disposed = false;
    if (parent) parent.children.add(this);
  }

  child() {
    return new Scope(this.store, this);
  }

  // Call apply(value) now and again each time compute() answers something else.
  watch(compute, apply) {
    const watcher = { compute, apply, value: compute(), scope: this };
    this.watchers.push(watcher);
    this.store.watchers.add(watcher);
    apply(watcher.value, undefined);
    return watcher;
  }

  onDispose(cleanup) {
    this.cleanups.push(cleanup);
  }

  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    for (const child of this.children) child.dispose();
    for (const cleanup of this.cleanups) cleanup();
    for (const watcher of this.watchers) this.store.watchers.delete(watcher);
    if (this.parent) this.parent.children.delete(this);
  }
}

export class Store {
  constructor({ inputs = {}, vars = {}, outputs = {} } = {}) {
    this.spaces = { input: inputs || {}, output: clone(outputs || {}) || {}, internal: {} };
    this.vars = vars || {};
    this.marks = { link: new Set(), played: new Set(), ended: new Set() };
    this.watchers = new Set();
    this.listeners = [];
    this.notifying = false;
    this.dirty = false;
  }

  read(ref) {
    // A copy: watchers keep what they saw, and must not see it change under them.
    const value = readPath(this.spaces[SPACES[ref.type]], ref.path);
    return clone(value === undefined ? ref.default : value);
  }

  write(ref, value) {
    const space = SPACES[ref.type];
    if (!space || space === "input") return;
    const stored = value === undefined || value === null ? undefined : clone(value);
    if (deepEqual(readPath(this.spaces[space], ref.path), stored)) return;
    writePath(this.spaces[space], ref.path, stored);
    this.changed();
  }

  // Put a reference's default in place unless a value is already there (a config's
  // data.output default is an answer the performer starts from).
  seed(ref) {
    const space = SPACES[ref.type];
    if (space === "input" || ref.default === undefined) return;
    if (readPath(this.spaces[space], ref.path) === undefined) writePath(this.spaces[space], ref.path, clone(ref.default));
  }

  // Things that happened rather than values: a link opened (by URL), media played or played to the
  // end (by its component). condition.link-opened and condition.played read them.
  mark(kind, key) {
    if (this.marks[kind].has(key)) return;
    this.marks[kind].add(key);
    this.changed();
  }

  marked(kind, key) {
    return this.marks[kind].has(key);
  }

  onChange(listener) {
    this.listeners.push(listener);
  }

  // Run every watcher whose value moved; writes made meanwhile (a trigger's action) go round again.
  changed() {
    if (this.notifying) {
      this.dirty = true;
      return;
    }
    this.notifying = true;
    try {
      for (let round = 0; round < 20; round++) {
        this.dirty = false;
        for (const watcher of [...this.watchers]) {
          if (watcher.scope.disposed) continue;
          const value = watcher.compute();
          if (deepEqual(value, watcher.value)) continue;
          const before = watcher.value;
          watcher.value = value;
          watcher.apply(value, before);
        }
        for (const listener of this.listeners) listener();
        if (!this.dirty) break;
      }
    } finally {
      this.notifying = false;
    }
  }
}
