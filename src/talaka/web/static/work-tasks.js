// The tasks of a suite on /work/assignments/{id}: drawn with task-view.js, one under another
// (scroll) or one at a time (pager), with one "current" task that the keyboard's hotkeys answer.
//
// The current task is the one holding focus, else the first that still needs work. A task needs
// work while its answer is not valid, and while an answer flagged as wrong (by a training's
// feedback, or refused by the server) has not been touched. When a hotkey finishes the current
// task, the next one that needs work becomes current: marked, scrolled into view, focused (so the
// next key goes to it).

import { h } from "./dom.js";
import { renderTask, suiteLayout } from "./task-view.js";

// What the hotkey `name` did in `article`, in words: the option it chose or the box it ticked,
// found by the shortcut the option announces.
function chosen(article, name) {
  const shortcut = name === "up" ? "ArrowUp" : name === "down" ? "ArrowDown" : name;
  const control = [...article.querySelectorAll("[aria-keyshortcuts]")]
    .find((element) => element.getAttribute("aria-keyshortcuts") === shortcut);
  const label = control && control.labels && control.labels[0];
  if (!label) return "answered";
  const words = [...label.childNodes].filter((node) => node.nodeName !== "KBD").map((node) => node.textContent).join("").trim();
  if (control.type === "checkbox") return `${words} ${control.checked ? "ticked" : "cleared"}`;
  return `${words} chosen`;
}

export class TaskList {
  constructor({ list, note, pager, position, previous, next }) {
    this.list = list;
    this.note = note;
    this.pager = pager;
    this.position = position;
    this.entries = [];
    this.current = 0;
    this.paged = false;
    previous.addEventListener("click", () => this.setCurrent(this.current - 1, { focus: true }));
    next.addEventListener("click", () => this.setCurrent(this.current + 1, { focus: true }));
    this.previous = previous;
    this.next = next;
    list.addEventListener("focusin", (event) => {
      const index = this.holding(event.target);
      if (index !== null && index !== this.current) this.setCurrent(index, { scroll: false });
    });
    // Touching a flagged answer counts as correcting it.
    const touched = (event) => {
      const index = this.holding(event.target);
      if (index !== null) this.entries[index].flagged = false;
    };
    list.addEventListener("input", touched);
    list.addEventListener("change", touched);
  }

  // Draw every task of `assignment`; `answers` (output_values per task) are shown again.
  draw(assignment, answers = null) {
    const spec = assignment.task_spec || {};
    const layout = suiteLayout(spec);
    const total = assignment.tasks.length;
    this.paged = layout.kind === "pager" && total > 1;
    for (const entry of this.entries) entry.view.dispose();
    this.list.replaceChildren();
    this.entries = assignment.tasks.map((task, index) => {
      const name = `task-${index + 1}`;
      const heading = h("h2", { class: "task-heading", id: name + "-heading" }, `Task ${index + 1} of ${total}`);
      const hint = h("div", { class: "notice task-hint", id: name + "-hint", hidden: true });
      const errors = h("div", { class: "notice error task-errors", id: name + "-errors", hidden: true });
      const body = h("div", { class: "task-body" });
      const article = h("article", { class: "suite-task", id: name, tabindex: "-1", "aria-labelledby": heading.id },
        heading, hint, errors, body);
      if (layout.taskWidth) article.style.maxWidth = `${layout.taskWidth}px`;
      this.list.append(h("li", {}, article));
      const view = renderTask(body, {
        taskSpec: spec, inputValues: task.input_values, outputValues: answers ? answers[index] ?? null : null, name,
      });
      return { view, article, hint, errors, flagged: false };
    });
    // Why a generated form stands in for the project's interface: the same for every task, said once.
    const fallback = this.entries.find((entry) => entry.view.fallbackReason);
    this.note.textContent = fallback ? fallback.view.fallbackReason : "";
    this.note.hidden = !fallback;
    this.pager.hidden = !this.paged;
    this.setCurrent(this.firstNeedingWork() ?? 0, { scroll: false });
  }

  holding(element) {
    const article = element && element.closest ? element.closest(".suite-task") : null;
    const index = this.entries.findIndex((entry) => entry.article === article);
    return index < 0 ? null : index;
  }

  needsWork(index) {
    const entry = this.entries[index];
    return entry.flagged || !entry.view.validate(false);
  }

  // The first task from `start` on (then from the beginning) that needs work, or null.
  firstNeedingWork(start = 0) {
    const total = this.entries.length;
    for (let step = 0; step < total; step += 1) {
      const index = (start + step) % total;
      if (this.needsWork(index)) return index;
    }
    return null;
  }

  setCurrent(index, { focus = false, scroll = true } = {}) {
    if (index < 0 || index >= this.entries.length) return;
    this.current = index;
    this.entries.forEach((entry, at) => {
      entry.article.classList.toggle("current", at === index);
      if (at === index) entry.article.setAttribute("aria-current", "true");
      else entry.article.removeAttribute("aria-current");
      if (this.paged) entry.article.parentElement.hidden = at !== index;
    });
    if (this.paged) {
      this.position.textContent = `Task ${index + 1} of ${this.entries.length}`;
      this.previous.disabled = index === 0;
      this.next.disabled = index === this.entries.length - 1;
    }
    const article = this.entries[index].article;
    if (focus) article.focus({ preventScroll: true });
    if (scroll) article.scrollIntoView({ block: article.offsetHeight < innerHeight ? "nearest" : "start" });
  }

  // A hotkey for the current task. Returns {handled, allDone, said}: `said` tells what the key
  // chose when the pager has just hidden the task it answered, so the performer hears it.
  hotkey(name, focused) {
    const held = this.holding(focused);
    const index = held ?? (this.paged ? this.current : this.firstNeedingWork() ?? this.current);
    const entry = this.entries[index];
    const before = this.needsWork(index);
    if (!entry.view.hotkey(name)) return { handled: false, allDone: false, said: "" };
    entry.flagged = false;
    entry.errors.hidden = true;
    this.describe(entry);
    if (!before || this.needsWork(index)) {
      if (index !== this.current) this.setCurrent(index);
      return { handled: true, allDone: false, said: "" };
    }
    const next = this.firstNeedingWork(index + 1);
    if (next === null) {
      this.setCurrent(index, { scroll: false });
      return { handled: true, allDone: true, said: "" };
    }
    this.setCurrent(next, { focus: true });
    return { handled: true, allDone: false, said: this.paged ? `Task ${index + 1}: ${chosen(entry.article, name)}.` : "" };
  }

  // Every task checked, messages shown by the fields, focus on the first invalid one.
  validateAll() {
    const valid = this.entries.map((entry) => entry.view.validate(false));
    const first = valid.indexOf(false);
    if (first < 0) return [];
    this.setCurrent(first);
    // Backwards, so that the focus each call moves ends on the first invalid task.
    for (let index = this.entries.length - 1; index >= 0; index -= 1) {
      if (!valid[index]) this.entries[index].view.validate(true);
    }
    return valid.flatMap((ok, index) => (ok ? [] : [index + 1]));
  }

  solutions() {
    return this.entries.map((entry) => ({ output_values: entry.view.values() }));
  }

  clearMessages() {
    for (const entry of this.entries) {
      entry.errors.hidden = true;
      entry.errors.replaceChildren();
      this.describe(entry);
    }
  }

  // The server's VALIDATION_ERROR payload by task; lines it cannot place are returned.
  showServerErrors(payload) {
    const byTask = new Map();
    const general = [];
    for (const [path, problem] of Object.entries(payload || {})) {
      const message = problem && typeof problem === "object" ? problem.message || problem.code : String(problem);
      const match = /^solutions\.(\d+)(?:\.output_values\.(.+))?$/.exec(path);
      const index = match ? Number(match[1]) : -1;
      if (index >= 0 && index < this.entries.length) {
        const lines = byTask.get(index) || [];
        lines.push(match[2] ? `${match[2]}: ${message}` : message);
        byTask.set(index, lines);
      } else {
        general.push(`${path}: ${message}`);
      }
    }
    for (const [index, lines] of byTask) {
      const entry = this.entries[index];
      entry.flagged = true;
      entry.errors.replaceChildren(h("p", {}, "The server did not accept this answer:"),
        h("ul", {}, lines.map((line) => h("li", {}, line))));
      entry.errors.hidden = false;
      this.describe(entry);
    }
    const first = Math.min(...byTask.keys());
    if (Number.isFinite(first)) this.setCurrent(first, { focus: true });
    return general;
  }

  // A training's verdict: a hint by each wrong task, "Right" by the others. Returns the wrong count.
  showFeedback(feedback) {
    let wrong = 0;
    for (const item of feedback) {
      const entry = this.entries[item.task_index];
      if (!entry) continue;
      entry.flagged = !item.correct;
      entry.article.classList.toggle("wrong", !item.correct);
      entry.hint.classList.toggle("ok", item.correct);
      entry.hint.classList.toggle("error", !item.correct);
      entry.hint.replaceChildren(item.correct
        ? h("p", {}, "Right.")
        : h("p", {}, h("strong", {}, "Not right yet. "), item.hint ? `Hint: ${item.hint}` : "Look at the task again."));
      entry.hint.hidden = false;
      this.describe(entry);
      if (!item.correct) wrong += 1;
    }
    const first = this.firstNeedingWork();
    if (first !== null) this.setCurrent(first, { focus: true });
    return wrong;
  }

  // The task's hint and errors are read with its name when it gets focus.
  describe(entry) {
    const ids = [entry.hint, entry.errors].filter((box) => !box.hidden).map((box) => box.id);
    if (ids.length) entry.article.setAttribute("aria-describedby", ids.join(" "));
    else entry.article.removeAttribute("aria-describedby");
  }
}
