// /work: the performer signs in with their token, then sees the pools they may take a suite from.

import { byId, duration, h, money, say } from "./dom.js";
import { safeHtml } from "./task-view.js";
import {
  fact, get, poolTitle, post, refusal, rememberOffers, showWho, signIn, takeFlash, token,
} from "./work-api.js";

const REASONS = {
  expired: "The server no longer accepts your performer token. Sign in again.",
  "signed-out": "You are signed out.",
};
// An empty list looks again this often: pools open, and suites others skipped come back. A
// hidden tab does not look: it looks again as soon as it is seen.
const POLL_MS = 5000;

const status = byId("page-status");
let pollTimer = null;
let pollWhenSeen = false;

// Only a /work page of this site: "//evil.example" or "https://..." would leave it.
function nextPage() {
  const next = new URLSearchParams(location.search).get("next") || "";
  return /^\/work\/[\w\-/]*$/.test(next) ? next : "";
}

function showSignIn() {
  const form = byId("signin-form");
  const input = byId("performer-token");
  const error = byId("signin-error");
  byId("signin").hidden = false;
  input.focus();
  input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const candidate = input.value.trim();
    say(error, "");
    if (!candidate) {
      say(error, "Enter your performer token.", "error");
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say(status, "Checking the token…");
    try {
      await signIn(candidate);
    } catch (problem) {
      button.disabled = false;
      say(status, "");
      say(error, problem.status === 401
        ? "This performer token is not valid: the server does not know it. Check that you copied all of it."
        : problem.status === 403
          ? "This is not a performer token (a requester's token signs in on the Projects page)."
          : problem.message, "error");
      input.setAttribute("aria-invalid", "true");
      input.select();
      return;
    }
    const next = nextPage();
    if (next) {
      location.assign(next);
      return;
    }
    history.replaceState(null, "", "/work");
    input.value = "";
    byId("signin").hidden = true;
    say(status, "");
    signedIn(true);
  });
}

function offerItem(offer) {
  const id = "offer-" + offer.pool_id;
  const button = h("button", { type: "button", "aria-describedby": id + "-title" }, "Take a suite");
  button.addEventListener("click", () => take(offer.pool_id, offer.title, button));
  let instructions = null;
  if (offer.instructions) {
    const text = h("div", { class: "instructions-text" });
    safeHtml(text, offer.instructions);
    instructions = h("details", { class: "instructions" }, h("summary", {}, "Instructions"), text);
  }
  const seconds = offer.assignment_max_duration_seconds;
  return h("li", {},
    h("article", { class: "offer card", "aria-labelledby": id + "-title" },
      h("div", { class: "offer-head" },
        h("h3", { id: id + "-title" }, offer.title || `Pool ${offer.pool_id}`),
        offer.training ? h("span", { class: "badge badge-training" }, "Training") : null),
      offer.training
        ? h("p", { class: "hint" }, "A training: practise with hints on wrong answers. Passing it opens the requester's paid pools.")
        : null,
      offer.description ? h("p", { class: "offer-description" }, offer.description) : null,
      h("dl", { class: "facts" },
        fact("Reward per suite", money(offer.reward_per_assignment)),
        fact("Time per suite", seconds ? duration(seconds) : "no limit"),
        fact("Requester", (offer.requester && offer.requester.public_name) || "unknown")),
      instructions,
      h("div", { class: "actions" }, button)));
}

function drawOffers(offers) {
  const list = byId("offers-list");
  list.replaceChildren(...offers.map(offerItem));
  byId("offers-empty").hidden = offers.length > 0;
  byId("offers").hidden = false;
}

function pollLater() {
  pollTimer = setTimeout(() => {
    pollTimer = null;
    if (document.hidden) pollWhenSeen = true;
    else loadOffers({ announce: true });
  }, POLL_MS);
}

// Read the offers; while there are none, look again every few seconds.
async function loadOffers({ announce = false } = {}) {
  clearTimeout(pollTimer);
  pollTimer = null;
  pollWhenSeen = false;
  const wasEmpty = !byId("offers-empty").hidden;
  let offers;
  try {
    ({ data: { items: offers } } = await get("/pools"));
  } catch (error) {
    if (error.status === 401) return;
    say(status, `The pools could not be read: ${error.message} Trying again shortly.`, "error");
    pollLater();
    return;
  }
  rememberOffers(offers);
  drawOffers(offers);
  if (!offers.length) {
    pollLater();
  } else if (announce && wasEmpty) {
    say(status, offers.length === 1 ? "New work: a pool is open for you." : `New work: ${offers.length} pools are open for you.`, "ok");
  }
}

function showRefusal(poolId, title, error) {
  const box = byId("take-error");
  const parts = [h("p", {}, h("strong", {}, `${title || "Pool " + poolId}: `), refusal(error))];
  const trainingId = error.payload && error.payload.training_pool_id;
  if (error.payload && error.payload.reason === "TRAINING_REQUIRED" && trainingId) {
    const training = h("button", { type: "button" }, "Take the training");
    training.addEventListener("click", () => take(String(trainingId), poolTitle(String(trainingId)), training));
    parts.push(h("div", { class: "actions" }, training));
  }
  box.replaceChildren(...parts);
  box.hidden = false;
  box.focus();
}

// Take a suite and go to it; a refusal is explained above the list, which is read again (the
// pool may have gone from it meanwhile).
async function take(poolId, title, button) {
  button.disabled = true;
  byId("take-error").hidden = true;
  say(status, "Taking a suite…");
  try {
    const { data } = await post("/assignments", { pool_id: poolId });
    location.assign("/work/assignments/" + encodeURIComponent(data.id));
  } catch (error) {
    button.disabled = false;
    if (error.status === 401) return;
    say(status, "");
    showRefusal(poolId, title, error);
    await loadOffers();
  }
}

function signedIn(focusList) {
  showWho();
  loadOffers().then(() => {
    if (focusList) {
      const heading = byId("offers-heading");
      heading.tabIndex = -1;
      heading.focus();
    }
  });
}

function start() {
  const notice = takeFlash();
  const reason = new URLSearchParams(location.search).get("reason");
  if (notice) say(status, notice.message, notice.kind);
  else if (reason && REASONS[reason]) say(status, REASONS[reason]);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && pollWhenSeen) loadOffers({ announce: true });
  });
  if (token()) signedIn(false);
  else showSignIn();
}

start();
