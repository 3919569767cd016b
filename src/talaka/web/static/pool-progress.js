// The pool page's Progress card: completion, assignments by status, performers at work and an
// estimate of when the pool finishes, read again every 2 seconds while the pool is open and the
// tab is visible (a hidden tab or a closed pool costs the server nothing).
//
// Where each figure comes from, cheapest first:
// - completion and the counts of submitted, accepted, rejected, skipped and expired assignments:
//   the pool analytics toloka-kit reads (one request, figures the server keeps per pool);
// - ACTIVE assignments and the performers holding them: the ACTIVE assignments themselves (a
//   performer holds at most one per pool, so there are as many as performers at work);
// - the finishing time: the assignments submitted over the last minutes give a rate, and the
//   analytics' estimate of the assignments the pool will have had gives what is left.

import { get } from "./api.js";
import { byId, count, say } from "./dom.js";
import { poolAnalytics } from "./toloka-paths.js";

const POLL_MS = 2000;
const ACTIVE_LIMIT = 200;
const RATE_SAMPLE = 50;
const RATE_WINDOW_MS = 5 * 60 * 1000;
const RATE_EVERY = 5; // ticks between rate readings while the submitted count stands still
const METRICS = ["completion_percentage", "submitted_assignments_count", "approved_assignments_count",
  "rejected_assignments_count", "skipped_assignments_count", "expired_assignments_count",
  "estimated_assignments_count"];

// Wire times are naive UTC.
function utc(text) {
  return new Date(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : text + "Z").getTime();
}

function remainingText(ms) {
  if (ms < 60_000) return "under a minute";
  const minutes = Math.round(ms / 60_000);
  if (minutes < 90) return `about ${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
  return `about ${(ms / 3_600_000).toFixed(1)} hours`;
}

class Progress {
  constructor(pool, onPool) {
    this.pool = pool;
    this.onPool = onPool;
    this.path = "/pools/" + encodeURIComponent(pool.id);
    this.timer = null;
    this.busy = false;
    this.ticks = 0;
    this.rate = null; // {submitted, perMs}: the last reading, and the count it was taken at
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && this.pool.status === "OPEN" && !this.timer && !this.busy) this.tick();
      else this.plan();
    });
  }

  // Read now (at start, and after the page opened or closed the pool), then keep going while open.
  refresh(pool) {
    this.pool = pool;
    this.tick();
  }

  async tick() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.busy) return;
    this.busy = true;
    try {
      await this.read();
    } catch (error) {
      say(byId("progress-message"), "The progress could not be read: " + error.message, "error");
    } finally {
      this.busy = false;
    }
    this.plan();
  }

  plan() {
    clearTimeout(this.timer);
    this.timer = null;
    const note = byId("progress-note");
    if (this.pool.status !== "OPEN") {
      note.textContent = "";
    } else if (document.hidden) {
      note.textContent = "Paused while this tab is hidden.";
    } else {
      note.textContent = "Updated every 2 seconds while the pool is open.";
      this.timer = setTimeout(() => this.tick(), POLL_MS);
    }
  }

  async read() {
    const before = this.pool.status;
    const [{ data: pool }, { figures, now }, active] = await Promise.all([
      get(this.path), poolAnalytics(this.pool.id, METRICS),
      get("/assignments", { pool_id: this.pool.id, status: "ACTIVE", sort: "id", limit: ACTIVE_LIMIT })]);
    this.pool = pool;
    this.ticks += 1;
    const submitted = figures.submitted_assignments_count;
    if (pool.status === "OPEN" && (this.rate === null || this.rate.submitted !== submitted || this.ticks % RATE_EVERY === 0)) {
      this.rate = { submitted, perMs: await this.submitRate(now) };
    }
    this.show(figures, active.data, now);
    if (pool.status !== before) this.onPool(pool);
    if (before === "OPEN" && pool.status === "CLOSED" && pool.last_close_reason === "COMPLETED") {
      say(byId("progress-message"), "The pool is complete: every task has all the answers it asked for.", "ok");
    } else if (pool.status === "OPEN") {
      say(byId("progress-message"), "");
    }
  }

  // Assignments submitted per millisecond over the last minutes (since the pool opened, if later):
  // the newest RATE_SAMPLE of them, so a busy pool costs no more than a quiet one.
  async submitRate(now) {
    const end = utc(now);
    const opened = this.pool.last_started ? utc(this.pool.last_started) : 0;
    const start = Math.max(end - RATE_WINDOW_MS, opened);
    const { data } = await get("/assignments", {
      pool_id: this.pool.id, submitted_gte: new Date(start).toISOString(), sort: "-submitted", limit: RATE_SAMPLE });
    const items = data.items || [];
    if (!items.length) return 0;
    const since = data.has_more ? utc(items[items.length - 1].submitted) : start;
    return items.length / Math.max(end - since, POLL_MS);
  }

  show(figures, active, now) {
    const percent = Math.min(100, Math.max(0, Number(figures.completion_percentage?.value) || 0));
    const shown = percent === 100 ? 100 : Math.floor(percent);
    byId("completion-bar").value = percent;
    byId("completion-text").textContent = `${shown}% of the answers the pool needs are in`;

    const items = active.items || [];
    const activeText = active.has_more ? `${count(items.length)} or more` : count(items.length);
    const submitted = figures.submitted_assignments_count;
    const accepted = figures.approved_assignments_count;
    const rejected = figures.rejected_assignments_count;
    const counts = {
      active: activeText, submitted: count(submitted - accepted - rejected), accepted: count(accepted),
      rejected: count(rejected), skipped: count(figures.skipped_assignments_count),
      expired: count(figures.expired_assignments_count),
    };
    for (const [name, text] of Object.entries(counts)) byId("count-" + name).textContent = text;
    const people = new Set(items.map((assignment) => assignment.user_id)).size;
    byId("at-work").textContent = active.has_more ? `${count(people)} or more` : count(people);
    byId("finishes-in").textContent = this.finishing(figures, now);
  }

  finishing(figures, now) {
    if (this.pool.status !== "OPEN") {
      return this.pool.last_close_reason === "COMPLETED" ? "Finished" : "—";
    }
    const left = figures.estimated_assignments_count - figures.submitted_assignments_count;
    if (!this.rate || !(this.rate.perMs > 0) || !(left > 0) || !now) return "—";
    return remainingText(left / this.rate.perMs);
  }
}

export function watchProgress(pool, onPool) {
  const progress = new Progress(pool, onPool);
  progress.refresh(pool);
  return progress;
}
