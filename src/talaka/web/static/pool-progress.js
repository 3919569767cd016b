// The pool page's Progress card: completion, assignments by status, performers at work and an
// estimate of when the pool finishes, read again every 2 seconds while the pool is open and the
// tab is visible (a hidden tab or a closed pool costs the server nothing).
//
// Every figure comes from one read of `GET /pools/{id}/progress` (Talaka's extension), a snapshot
// that records nothing: toloka-kit's analytics would leave an ANALYTICS operation behind each poll,
// 1,800 an hour in the requester's operations list. The finishing time divides what is left (the
// server's estimate of the assignments the pool will have had, less those submitted) by the rate
// of the assignments submitted over the last minutes (since the pool opened, if later).

import { get } from "./api.js";
import { byId, count, say, wireTime } from "./dom.js";

const POLL_MS = 2000;

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
    this.again = false;
    this.generation = 0;
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && this.pool.status === "OPEN" && !this.timer && !this.busy) this.tick();
      else this.plan();
    });
  }

  // Read now (at start, and after the page opened or closed the pool), then keep going while open.
  // A read already on its way began before the change: what it brings back is dropped, and a
  // read follows it at once.
  refresh(pool) {
    this.pool = pool;
    this.generation += 1;
    this.tick();
  }

  async tick() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    const generation = this.generation;
    try {
      await this.read(() => generation === this.generation);
    } catch (error) {
      if (generation === this.generation) {
        say(byId("progress-message"), "The progress could not be read: " + error.message, "error");
      }
    } finally {
      this.busy = false;
    }
    if (this.again) {
      this.again = false;
      this.tick();
      return;
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

  // `current()` says whether no refresh came while the read was on its way.
  async read(current) {
    const before = this.pool.status;
    const [{ data: pool }, { data: progress }] = await Promise.all([get(this.path), get(this.path + "/progress")]);
    if (!current()) return;
    this.pool = pool;
    this.show(progress);
    if (pool.status !== before) this.onPool(pool);
    if (before === "OPEN" && pool.status === "CLOSED" && pool.last_close_reason === "COMPLETED") {
      say(byId("progress-message"), "The pool is complete: every task has all the answers it asked for.", "ok");
    } else if (pool.status === "OPEN") {
      say(byId("progress-message"), "");
    }
  }

  show(progress) {
    const percent = Math.min(100, Math.max(0, Number(progress.completion_percentage) || 0));
    const shown = percent === 100 ? 100 : Math.floor(percent);
    byId("completion-bar").value = percent;
    byId("completion-text").textContent = `${shown}% of the answers the pool needs are in`;
    for (const [status, value] of Object.entries(progress.assignments)) {
      const cell = byId("count-" + status.toLowerCase());
      if (cell) cell.textContent = count(value); // a status this page does not list yet
    }
    byId("at-work").textContent = count(progress.performers_at_work);
    byId("finishes-in").textContent = this.finishing(progress);
  }

  finishing(progress) {
    if (this.pool.status !== "OPEN") {
      return this.pool.last_close_reason === "COMPLETED" ? "Finished" : "—";
    }
    const { SUBMITTED, ACCEPTED, REJECTED } = progress.assignments;
    const left = progress.estimated_assignments_count - (SUBMITTED + ACCEPTED + REJECTED);
    const end = wireTime(progress.now);
    const opened = this.pool.last_started ? wireTime(this.pool.last_started) : 0;
    const span = Math.max(end - Math.max(wireTime(progress.submitted_since), opened), POLL_MS);
    const perMs = progress.submitted_recently / span;
    if (!(perMs > 0) || !(left > 0)) return "—";
    return remainingText(left / perMs);
  }
}

export function watchProgress(pool, onPool) {
  const progress = new Progress(pool, onPool);
  progress.refresh(pool);
  return progress;
}
