// The performer API (/api/performer/v1) as the /work pages use it: the performer's token, calls,
// and what the pages tell one another.
//
// The token lives in sessionStorage under a key of its own, apart from the requester's
// ("talaka.token"), so one browser can be signed in as a requester and as a performer at once.
// The sign-in form is on /work itself: the other /work pages send a signed-out visitor there.

import { send } from "./api.js";
import { byId, h } from "./dom.js";

const TOKEN_KEY = "talaka.performer-token";
const NAME_KEY = "talaka.performer-name";
const POOLS_KEY = "talaka.performer-pools";
const FLASH_KEY = "talaka.performer-flash";
const BASE = "/api/performer/v1";

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function performerName() {
  return sessionStorage.getItem(NAME_KEY) || "";
}

// One call. Resolves to {status, data, headers}; rejects with api.js's ApiError, so pages read
// `code`, `message` and `payload` of the error envelope the same way for both APIs.
export function call(method, path, { params, body, authToken } = {}) {
  return send(method, path, { base: BASE, authToken: authToken ?? token() ?? "", params, body,
    onUnauthorized: authToken === undefined ? () => signOut("expired") : null });
}

export const get = (path, params) => call("GET", path, { params });
export const post = (path, body) => call("POST", path, { body });

// Check a token with GET /me; keep it only when the server accepts it.
export async function signIn(candidate) {
  const { data } = await call("GET", "/me", { authToken: candidate });
  const name = data.name || "performer " + data.id;
  sessionStorage.setItem(TOKEN_KEY, candidate);
  sessionStorage.setItem(NAME_KEY, name);
  return name;
}

// Forget the token and go to /work's sign-in form; `reason` is shown there. After an expired
// token, /work sends the performer back to where they were once they sign in again.
export function signOut(reason = "") {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(NAME_KEY);
  const params = new URLSearchParams();
  if (reason) params.set("reason", reason);
  if (reason === "expired" && location.pathname !== "/work") params.set("next", location.pathname);
  location.assign("/work?" + params.toString());
}

// The header's name and Sign out button, for the performer.
export function showWho() {
  byId("who-name").textContent = performerName();
  byId("who").hidden = false;
  byId("sign-out").addEventListener("click", () => signOut("signed-out"));
}

// Pages other than /work: without a token, go to /work's sign-in form and come back after.
export function requirePerformer() {
  if (token()) {
    showWho();
    return true;
  }
  location.replace("/work?next=" + encodeURIComponent(location.pathname));
  return false;
}

// The pools' titles as the offers gave them, kept for the tab: a suite's page and the history
// name pools that are no longer offered (their work is done) by what the performer saw.
export function rememberOffers(offers) {
  const known = knownPools();
  for (const offer of offers) {
    known[offer.pool_id] = { title: offer.title, project_id: offer.project_id, training: Boolean(offer.training) };
  }
  sessionStorage.setItem(POOLS_KEY, JSON.stringify(known));
}

// A JSON value this tab keeps, or `fallback` when there is none or it cannot be read (another
// version of the page may have left something else under the key).
export function readSession(key, fallback) {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? JSON.parse(raw) ?? fallback : fallback;
  } catch {
    return fallback;
  }
}

export function knownPools() {
  const known = readSession(POOLS_KEY, {});
  return known && typeof known === "object" && !Array.isArray(known) ? known : {};
}

export function poolTitle(poolId, projectId) {
  const known = knownPools()[poolId];
  if (known && known.title) return known.title;
  return projectId ? `Pool ${poolId} (project ${projectId})` : `Pool ${poolId}`;
}

// A message for the next page this tab opens (after a submit, the page changes).
export function flash(message, kind = "") {
  sessionStorage.setItem(FLASH_KEY, JSON.stringify({ message, kind }));
}

export function takeFlash() {
  const message = readSession(FLASH_KEY, null);
  sessionStorage.removeItem(FLASH_KEY);
  return message;
}

// One fact of a <dl class="facts">; none when there is no value.
export function fact(term, value) {
  return value === "" || value === null || value === undefined ? null : h("div", {}, h("dt", {}, term), h("dd", {}, value));
}

// Why a take was refused, in words; `training_pool_id` comes with TRAINING_REQUIRED.
export function refusal(error) {
  if (error.code === "NO_TASKS_AVAILABLE") {
    return "No tasks left for you in this pool: others may be doing the last ones, or you have seen them all.";
  }
  const reason = error.payload && error.payload.reason;
  if (error.status === 403 && reason === "FILTER") {
    return "This pool is not for you: its requester offers it only to performers of another profile "
      + "(languages, country or adult content).";
  }
  if (error.status === 403 && reason === "RESTRICTED") {
    return "The requester has blocked you from this pool, for now or for good.";
  }
  if (error.status === 403 && reason === "TRAINING_REQUIRED") {
    return "This pool needs its training first: pass it, then come back.";
  }
  if (error.status === 404) return "This pool is closed now: it takes no more answers.";
  return error.message;
}
