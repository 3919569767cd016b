// /work/assignments/{id}: one task suite being done. The tasks (work-tasks.js), the instructions,
// the reward, a countdown to the deadline; Submit, Skip; a training's hints; what comes after.
//
// After a submit the next suite of the same pool is taken at once, so a performer goes from suite
// to suite without the mouse. When the deadline passes the answers are not sent (the server would
// refuse them): the page says so and offers another suite.

import { byId, failPage, h, money, plural, say, showLines, statusBadge, when, wireTime } from "./dom.js";
import { handlesEnter, hotkeyName, keyBelongsTo } from "./hotkeys.js";
import { safeHtml } from "./task-view.js";
import {
  fact, flash, get, knownPools, poolTitle, post, readSession, refusal, rememberOffers, requirePerformer, takeFlash,
} from "./work-api.js";
import { TaskList } from "./work-tasks.js";

const assignmentId = document.body.dataset.assignmentId;
const path = "/assignments/" + encodeURIComponent(assignmentId);
const status = byId("page-status");
const errors = byId("suite-errors");
const notice = byId("suite-notice");
const READ_KEY = "talaka.performer-read";
const ENDED = {
  SUBMITTED: "You submitted this suite: it waits for the requester's review.",
  ACCEPTED: "The requester accepted this suite: its reward is yours.",
  REJECTED: "The requester rejected this suite: it earns nothing.",
  SKIPPED: "You skipped this suite: its tasks went to other performers.",
  EXPIRED: "This suite expired before it was submitted: its answers were not sent.",
};

const tasks = new TaskList({
  list: byId("tasks"), note: byId("tasks-fallback"), pager: byId("pager"), position: byId("pager-position"),
  previous: byId("previous-task"), next: byId("next-task"),
});
let assignment = null;
let phase = "loading"; // loading, working, sending, ended
let deadline = 0;
let ticker = null;
let warned = false;

// ------------------------------------------------------------------------------------ countdown

function clock(milliseconds) {
  const total = Math.ceil(milliseconds / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = String(Math.floor((total % 3600) / 60)).padStart(2, "0");
  const seconds = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${minutes}:${seconds}` : `${minutes}:${seconds}`;
}

// The deadline on this browser's clock: the server's clock (its Date header) is trusted only when
// the two disagree by more than that header's one-second resolution could explain.
function startCountdown(expires, headers) {
  const served = Date.parse(headers.get("Date") || "");
  const skew = Number.isNaN(served) || Math.abs(served - Date.now()) < 2000 ? 0 : served - Date.now();
  deadline = wireTime(expires) - skew;
  byId("countdown-box").hidden = false;
  tick();
}

function tick() {
  clearTimeout(ticker);
  const left = Math.max(0, deadline - Date.now());
  byId("countdown").textContent = clock(left);
  if (left <= 60_000 && !warned) {
    warned = true;
    byId("countdown-box").classList.add("low");
    byId("countdown-warning").textContent = left > 55_000 ? "1 minute left." : "Less than a minute left.";
  }
  if (left <= 0) {
    expire();
    return;
  }
  ticker = setTimeout(tick, (left % 1000) || 1000);
}

function stopCountdown() {
  clearTimeout(ticker);
  ticker = null;
}

// ------------------------------------------------------------------------------------- the page

function drawFacts(data) {
  byId("suite-facts").replaceChildren(
    fact("Reward", money(data.reward)),
    fact("Tasks", String(data.tasks.length)),
    fact("Status", statusBadge(data.status)),
    fact("Taken", when(data.created)));
}

function drawTitle(data) {
  const title = poolTitle(data.pool_id, data.project_id);
  byId("title").textContent = title;
  document.title = `${title} · Talaka`;
}

function drawHead(data) {
  drawTitle(data);
  drawFacts(data);
  if (data.instructions) {
    safeHtml(byId("instructions"), data.instructions);
    const box = byId("instructions-box");
    box.hidden = false;
    // Open the first time this tab shows the pool's instructions; closed on the suites after.
    const seen = readSession(READ_KEY, []);
    const read = new Set(Array.isArray(seen) ? seen : []);
    box.open = !read.has(data.pool_id);
    read.add(data.pool_id);
    sessionStorage.setItem(READ_KEY, JSON.stringify([...read]));
  }
  if (!knownPools()[data.pool_id]) {
    // A suite opened in a new tab: the offers name its pool, if it is still offered.
    get("/pools").then(({ data: offers }) => {
      rememberOffers(offers.items);
      drawTitle(data);
    }, () => {});
  }
}

function showNotice(parts, kind = "") {
  notice.replaceChildren(...parts);
  notice.classList.toggle("error", kind === "error");
  notice.classList.toggle("ok", kind === "ok");
  notice.hidden = false;
}

// The suite can no longer be answered: its tasks stay visible but cannot be changed.
function end() {
  phase = "ended";
  stopCountdown();
  byId("tasks-box").disabled = true;
  byId("suite-actions").hidden = true;
  byId("skip-confirm").hidden = true;
  byId("keys-help").hidden = true;
  byId("ended-actions").hidden = false;
}

function expire() {
  if (phase === "ended") return;
  end();
  byId("countdown").textContent = clock(0);
  byId("countdown-warning").textContent = "";
  drawFacts({ ...assignment, status: "EXPIRED" });
  errors.hidden = true;
  say(status, "");
  showNotice([h("p", {}, h("strong", {}, "Time is up: this suite expired. "),
    "Its answers were not sent, and its tasks went back to the pool.")], "error");
  byId("take-another").focus();
}

function readOnly(data) {
  end();
  byId("countdown-box").hidden = true;
  const parts = [h("p", {}, statusBadge(data.status), " ", ENDED[data.status] || `This suite is ${data.status}.`)];
  if (data.public_comment) parts.push(h("p", { class: "comment" }, h("strong", {}, "The requester's comment: "), data.public_comment));
  showNotice(parts, data.status === "REJECTED" ? "error" : "");
}

// -------------------------------------------------------------------------------------- actions

// The next suite of this pool, or /work with why there is none. `prefix` says what just happened.
async function takeNext(prefix) {
  const poolId = assignment.pool_id;
  let next;
  try {
    ({ data: next } = await post("/assignments", { pool_id: poolId }));
  } catch (error) {
    if (error.status === 401) return;
    const why = error.code === "NO_TASKS_AVAILABLE"
      ? `“${poolTitle(poolId, assignment.project_id)}” has nothing more for you now.`
      : refusal(error);
    flash(`${prefix}${why}`, prefix ? "ok" : "error");
    location.assign("/work");
    return;
  }
  flash(`${prefix}This is your next suite from “${poolTitle(poolId, assignment.project_id)}”.`, "ok");
  location.assign("/work/assignments/" + encodeURIComponent(next.id));
}

async function submit() {
  if (phase !== "working") return;
  byId("skip-confirm").hidden = true;
  errors.hidden = true;
  tasks.clearMessages();
  const invalid = tasks.validateAll();
  if (invalid.length) {
    say(status, `${plural(invalid.length, "task")} to finish first: ${invalid.map((n) => "task " + n).join(", ")}.`, "error");
    return;
  }
  const body = { solutions: tasks.solutions() };
  phase = "sending";
  byId("submit-suite").disabled = true;
  say(status, "Sending your answers…");
  let answer;
  try {
    ({ data: answer } = await post(path + "/submit", body));
  } catch (error) {
    // The countdown may have ended the suite while the answers were on their way: it stays ended.
    if (phase === "ended") return;
    phase = "working";
    byId("submit-suite").disabled = false;
    say(status, "");
    if (error.status === 401) return;
    if (error.code === "INAPPROPRIATE_STATUS" && error.payload && error.payload.status === "EXPIRED") {
      expire();
    } else if (error.code === "INAPPROPRIATE_STATUS") {
      await load();
    } else if (error.code === "VALIDATION_ERROR") {
      const general = tasks.showServerErrors(error.payload);
      showLines(errors, ["The server did not accept some answers: see the messages by the tasks.", ...general]);
    } else {
      showLines(errors, [error.message]);
    }
    return;
  }
  if (answer.status === "ACTIVE" && answer.feedback) {
    feedback(answer, body.solutions);
    return;
  }
  end();
  say(status, "");
  showNotice([h("p", {}, h("strong", {}, "Submitted. "), "Taking the next suite from this pool…")], "ok");
  await takeNext("Submitted. ");
}

// A training suite with wrong answers: the tasks again with the answers given and the hints.
function feedback(answer, solutions) {
  phase = "working";
  byId("submit-suite").disabled = false;
  assignment = answer;
  tasks.draw(answer, solutions.map((solution) => solution.output_values));
  const wrong = tasks.showFeedback(answer.feedback);
  const text = `${plural(wrong, "answer")} of ${answer.tasks.length} ${wrong === 1 ? "is" : "are"} not right. `
    + "Read the hints by the tasks, correct your answers and submit again.";
  say(status, "");
  showNotice([h("p", {}, text)]);
}

function askSkip() {
  if (phase !== "working") return;
  byId("skip-confirm").hidden = false;
  byId("skip-yes").focus();
}

function keepWorking() {
  byId("skip-confirm").hidden = true;
  byId("skip-suite").focus();
}

async function skip() {
  if (phase !== "working") return;
  byId("skip-confirm").hidden = true;
  phase = "sending";
  say(status, "Skipping…");
  try {
    await post(path + "/skip");
  } catch (error) {
    if (phase === "ended") return;
    phase = "working";
    say(status, "");
    if (error.status === 401) return;
    if (error.code === "INAPPROPRIATE_STATUS" && error.payload && error.payload.status === "EXPIRED") expire();
    else if (error.code === "INAPPROPRIATE_STATUS") await load();
    else showLines(errors, [error.message]);
    return;
  }
  flash("You skipped the suite: its tasks went back to the pool.");
  location.assign("/work");
}

async function takeAnother(button) {
  button.disabled = true;
  say(status, "Taking another suite…");
  await takeNext("");
  button.disabled = false;
}

// Hotkeys answer the current task; Enter submits (except where Enter means something already).
// A held key repeats: only its first press counts, or a held Enter would submit the next suite
// as soon as it is drawn, and a held digit would answer every task.
function onKey(event) {
  if (phase !== "working" || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey
      || event.isComposing || event.repeat) return;
  const target = event.target;
  if (event.key === "Escape" && !byId("skip-confirm").hidden) {
    keepWorking();
    return;
  }
  if (event.key === "Enter") {
    if (event.shiftKey || handlesEnter(target) || !byId("skip-confirm").hidden) return;
    event.preventDefault();
    submit();
    return;
  }
  const name = hotkeyName(event.key);
  if (!name || keyBelongsTo(target, name)) return;
  const { handled, allDone, said } = tasks.hotkey(name, document.activeElement);
  if (!handled) return;
  event.preventDefault();
  if (allDone) say(status, "Every task has an answer: press Enter to submit.");
  else if (said) say(status, said);
}

// ----------------------------------------------------------------------------------------- load

async function load() {
  let response;
  try {
    response = await get(path);
  } catch (error) {
    if (error.status !== 401) failPage(error, "task suite");
    return;
  }
  assignment = response.data;
  drawHead(assignment);
  const answers = assignment.solutions ? assignment.solutions.map((solution) => solution.output_values) : null;
  tasks.draw(assignment, answers);
  byId("content").hidden = false;
  if (assignment.status !== "ACTIVE") {
    readOnly(assignment);
    return;
  }
  phase = "working";
  byId("tasks-box").disabled = false;
  byId("suite-actions").hidden = false;
  byId("keys-help").hidden = false;
  startCountdown(assignment.expires, response.headers);
  if (assignment.feedback) feedback(assignment, assignment.solutions || []);
}

function start() {
  if (!requirePerformer()) return;
  const message = takeFlash();
  if (message) say(status, message.message, message.kind);
  byId("submit-suite").addEventListener("click", submit);
  byId("skip-suite").addEventListener("click", askSkip);
  byId("skip-yes").addEventListener("click", skip);
  byId("skip-no").addEventListener("click", keepWorking);
  byId("take-another").addEventListener("click", (event) => takeAnother(event.currentTarget));
  document.addEventListener("keydown", onKey);
  // A hidden tab's timers are slowed down: look at the clock again as soon as it is seen.
  document.addEventListener("visibilitychange", () => {
    if (phase === "working" && !document.hidden) tick();
  });
  load();
}

start();
