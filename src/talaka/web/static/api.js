// The Talaka API as the page uses it: the token in sessionStorage, JSON calls, the error envelope.
//
// The token never leaves this tab: sessionStorage is per tab and cleared on sign-out. Every call
// sends it as `Authorization: OAuth <token>`; a 401 on a page (the token was revoked) signs out.

const TOKEN_KEY = "talaka.token";
const NAME_KEY = "talaka.requester";
const BASE = "/api/v1";

export class ApiError extends Error {
  // status 0 means the server could not be reached at all.
  constructor(status, code, message, payload = null, requestId = "", headers = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.payload = payload;
    this.requestId = requestId;
    this.headers = headers;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function requesterName() {
  return sessionStorage.getItem(NAME_KEY) || "";
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? "?" + text : "";
}

// One request to a Talaka server, for every page's API module: the token, the query, a JSON body
// (a value, or a ready JSON string), the error envelope read into an ApiError. `base` goes before
// `path`; `onUnauthorized` runs on a 401 (a page signs out; a sign-in form checking a candidate
// token does not). Resolves to {status, data, headers}, or with `raw` to the Response itself (2xx,
// its body unread, so a big file can be streamed); rejects with ApiError.
export async function send(method, path, { base = "", authToken = "", params, body, signal, onUnauthorized = null,
  raw = false } = {}) {
  const headers = { Authorization: "OAuth " + authToken };
  const init = { method, headers, signal, credentials: "omit", cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(base + path + query(params), init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, "NETWORK_ERROR", "Cannot reach the Talaka server: check your connection and try again.");
  }
  if (response.ok && raw) return response;
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.ok) return { status: response.status, data, headers: response.headers };
  const envelope = data && typeof data === "object" ? data : {};
  const error = new ApiError(response.status, envelope.code || "HTTP_" + response.status,
    envelope.message || `The server answered ${response.status} ${response.statusText}`.trim(),
    envelope.payload ?? null, envelope.request_id || "", response.headers);
  if (response.status === 401 && onUnauthorized) onUnauthorized();
  throw error;
}

const expired = () => signOut("expired");

// One call to /api/v1 with this tab's requester token (or `authToken`, a candidate being checked).
export function call(method, path, { params, body, signal, authToken } = {}) {
  return send(method, path, { base: BASE, authToken: authToken ?? token() ?? "", params, body, signal,
    onUnauthorized: authToken === undefined ? expired : null });
}

// Toloka puts a few requester routes outside /api/v1 (the assignments TSV under /api/new/requester):
// the same token, envelope and sign-out, and the Response itself, so a big file can be streamed.
export function requesterFetch(path, { signal } = {}) {
  return send("GET", path, { authToken: token() ?? "", signal, onUnauthorized: expired, raw: true });
}

export const get = (path, params, options = {}) => call("GET", path, { ...options, params });
export const post = (path, body, params, options = {}) => call("POST", path, { ...options, body, params });

// Check a token with GET /requester; keep it only when the server accepts it.
export async function signIn(candidate) {
  const { data } = await call("GET", "/requester", { authToken: candidate });
  const names = (data && data.public_name) || {};
  const name = names.EN || Object.values(names)[0] || "requester " + data.id;
  sessionStorage.setItem(TOKEN_KEY, candidate);
  sessionStorage.setItem(NAME_KEY, name);
  return name;
}

// Forget the token and go to the sign-in page; `reason` is shown there.
export function signOut(reason = "") {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(NAME_KEY);
  const params = new URLSearchParams();
  if (reason) params.set("reason", reason);
  const here = location.pathname + location.search;
  if (reason === "expired" && location.pathname !== "/signin") params.set("next", here);
  const text = params.toString();
  location.assign("/signin" + (text ? "?" + text : ""));
}

// Every page but sign-in: go to sign-in without a token, else show who is signed in.
export function requireSignIn() {
  if (!token()) {
    const next = location.pathname + location.search;
    location.replace("/signin?next=" + encodeURIComponent(next));
    return false;
  }
  const who = document.getElementById("who");
  document.getElementById("who-name").textContent = requesterName();
  who.hidden = false;
  document.getElementById("sign-out").addEventListener("click", () => signOut("signed-out"));
  return true;
}

// Every page of objects, newest first (`-id`), with keyset paging on `id_lt`.
export function pager(path, params, { limit = 50 } = {}) {
  let before = null;
  let done = false;
  return {
    get done() {
      return done;
    },
    async next() {
      const { data } = await get(path, { ...params, sort: "-id", limit, id_lt: before });
      const items = data.items || [];
      if (items.length) before = items[items.length - 1].id;
      done = !data.has_more || !items.length;
      return items;
    },
  };
}
