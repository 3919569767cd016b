// The pool page's upload panel: choose or drop a file, tick the options, watch it go, read the report.

import { post } from "./api.js";
import { byId, count, duration, fileSize, h, plural, row, say, setDownload } from "./dom.js";
import { Convention, TaskFileError } from "./taskfile.js";
import { upload } from "./uploader.js";

const SHOWN_PROBLEMS = 1000;
const PHASES = { check: "checking every row", upload: "creating tasks" };

function baseName(name) {
  return name.replace(/\.[^.]*$/, "") || "tasks";
}

class Panel {
  constructor(pool, project, onFinished) {
    this.pool = pool;
    this.project = project;
    this.onFinished = onFinished;
    this.file = null;
    this.running = null;
    this.form = byId("upload-form");
    this.input = byId("task-file");
    this.zone = byId("drop-zone");
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.start();
    });
    this.input.addEventListener("change", () => this.choose(this.input.files[0] || null));
    byId("upload-stop").addEventListener("click", () => this.stop());
    for (const name of ["dragenter", "dragover"]) {
      this.zone.addEventListener(name, (event) => {
        event.preventDefault();
        this.zone.classList.add("dragging");
      });
    }
    this.zone.addEventListener("dragleave", () => this.zone.classList.remove("dragging"));
    this.zone.addEventListener("drop", (event) => {
      event.preventDefault();
      this.zone.classList.remove("dragging");
      const files = event.dataTransfer?.files;
      if (!files?.length || this.running) return;
      this.input.files = files;
      this.choose(files[0]);
    });
    window.addEventListener("beforeunload", (event) => {
      if (this.running) event.preventDefault();
    });
  }

  choose(file) {
    this.file = file;
    byId("file-name").textContent = file ? `${file.name} · ${fileSize(file.size)}` : "";
  }

  stop() {
    if (!this.running) return;
    this.running.abort();
    byId("upload-stop").disabled = true;
    byId("upload-phase").textContent = "Stopping after the chunk being sent…";
  }

  setBusy(busy) {
    for (const element of this.form.querySelectorAll("input, button[type=submit]")) element.disabled = busy;
    const stop = byId("upload-stop");
    stop.hidden = !busy;
    stop.disabled = !busy;
  }

  progress({ phase, phases, fraction, report }, started) {
    const percent = Math.floor(fraction * 100);
    byId("upload-bar").value = percent;
    const step = phases.length > 1 ? `Step ${phases.indexOf(phase) + 1} of ${phases.length}: ` : "";
    byId("upload-phase").textContent = step + PHASES[phase][0].toUpperCase() + PHASES[phase].slice(1);
    const elapsed = (performance.now() - started) / 1000;
    const parts = [`${percent}%`, plural(report.rows, "row") + " read", count(report.created) + " created",
      count(report.invalidRows) + " invalid"];
    if (fraction > 0.02 && fraction < 1 && elapsed > 0.5) parts.push(`about ${duration((elapsed / fraction) * (1 - fraction))} left`);
    byId("upload-numbers").textContent = parts.join(" · ");
  }

  async start() {
    if (this.running) return;
    const summary = byId("upload-summary");
    if (!this.file) {
      say(summary, "Choose a TSV, CSV or JSON lines file first.", "error");
      this.input.focus();
      return;
    }
    const options = {
      allowDefaults: byId("upload-defaults").checked,
      skipInvalid: byId("upload-skip-invalid").checked,
      openPool: byId("upload-open").checked,
    };
    const spec = this.project.task_spec || {};
    const convention = new Convention({ poolId: this.pool.id, inputSpec: spec.input_spec, outputSpec: spec.output_spec });
    say(summary, "");
    byId("invalid-rows").hidden = true;
    byId("upload-bar").value = 0;
    byId("upload-numbers").textContent = "";
    byId("upload-progress").hidden = false;
    this.running = new AbortController();
    this.setBusy(true);
    const started = performance.now();
    let report;
    try {
      report = await upload(this.file, convention, options, {
        signal: this.running.signal, onProgress: (state) => this.progress(state, started),
      });
      if (report.refused || report.failure instanceof TaskFileError) byId("upload-progress").hidden = true;
      else if (!report.failure && !report.stopped) byId("upload-bar").value = 100;
      await this.finish(report, options);
    } finally {
      this.running = null;
      this.setBusy(false);
    }
    await this.onFinished();
  }

  async finish(report, options) {
    const summary = byId("upload-summary");
    const lines = [];
    let kind = "ok";
    const invalid = report.invalidRows;
    if (report.failure instanceof TaskFileError) {
      kind = "error";
      lines.push(`The file cannot be used: ${report.failure.message}.`);
      for (const [column, message] of report.failure.problems) lines.push(`${column}: ${message}`);
      if (report.created) lines.push(`${plural(report.created, "task")} had been created from the rows before the problem.`);
    } else if (report.refused) {
      kind = "error";
      lines.push(`Nothing was created: ${count(invalid)} of ${plural(report.rows, "row")} ${invalid === 1 ? "is" : "are"} invalid.`,
        "Fix them (listed below) and upload again, or tick “Skip invalid rows” to create the valid ones.");
      if (report.created) lines.push(`${plural(report.created, "task")} had already been created by earlier chunks.`);
    } else if (report.failure) {
      kind = "error";
      lines.push(`The upload stopped: ${report.failure.message}`, `${plural(report.created, "task")} had been created before it.`);
    } else if (report.stopped) {
      kind = "error";
      lines.push(`Stopped. ${plural(report.created, "task")} had been created from the rows before the stop.`);
    } else if (report.rows === 0) {
      kind = "error";
      lines.push("The file has no task rows, only a header or blank lines.");
    } else {
      lines.push(`Created ${plural(report.created, "task")} from ${plural(report.rows, "row")} in ${duration(report.seconds)}.`);
      if (invalid) lines.push(`${plural(invalid, "invalid row")} ${invalid === 1 ? "was" : "were"} skipped: see the list below.`);
      if (options.openPool && report.created > 0) lines.push(await this.openPool());
    }
    summary.replaceChildren(...lines.map((line) => h("p", {}, line)));
    summary.classList.toggle("error", kind === "error");
    summary.classList.toggle("ok", kind === "ok");
    summary.hidden = false;
    this.showInvalid(report);
  }

  async openPool() {
    try {
      await post(`/pools/${encodeURIComponent(this.pool.id)}/open`);
      return "The pool is open.";
    } catch (error) {
      return "The pool could not be opened: " + error.message;
    }
  }

  showInvalid(report) {
    const box = byId("invalid-rows");
    if (!report.invalidRows) {
      box.hidden = true;
      return;
    }
    const problems = report.problems();
    const shown = problems.slice(0, SHOWN_PROBLEMS);
    byId("invalid-table").querySelector("tbody").replaceChildren(
      ...shown.map(({ line, field, code, message }) => row(String(line), h("code", {}, field), h("code", {}, code), message)));
    byId("invalid-heading").textContent = `Invalid rows (${count(report.invalidRows)})`;
    const notes = [];
    if (problems.length > shown.length) notes.push(`Showing the first ${count(shown.length)} of ${count(problems.length)} problems; the download has them all.`);
    if (report.invalidRows > report.invalid.size) notes.push(`Only the first ${count(report.invalid.size)} invalid rows were kept.`);
    byId("invalid-note").textContent = notes.join(" ");
    setDownload(byId("invalid-download"), report.toTsv(), `${baseName(report.file.name)}-invalid-rows.tsv`);
    box.hidden = false;
  }
}

export function uploadPanel(pool, project, onFinished) {
  return new Panel(pool, project, onFinished);
}
