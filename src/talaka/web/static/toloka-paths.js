// The requester routes Toloka put outside /api/v1: pool analytics (/api/staging/analytics-2) and the
// assignments TSV (/api/new/requester/...). api.js calls /api/v1 only, so these go through here,
// with the same token, the same error envelope and the same sign-out when the token is refused.

import { ApiError, signOut, token } from "./api.js";

// Resolves to the Response (2xx, its body unread, so a big file can be streamed); rejects with ApiError.
export async function requesterFetch(path, { method = "GET", body, signal } = {}) {
  const headers = { Authorization: "OAuth " + (token() ?? "") };
  const init = { method, headers, signal, credentials: "omit", cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, "NETWORK_ERROR", "Cannot reach the Talaka server: check your connection and try again.");
  }
  if (response.ok) return response;
  let envelope = null;
  try {
    envelope = await response.json();
  } catch {
    envelope = null;
  }
  envelope = envelope && typeof envelope === "object" ? envelope : {};
  if (response.status === 401) signOut("expired");
  throw new ApiError(response.status, envelope.code || "HTTP_" + response.status,
    envelope.message || `The server answered ${response.status} ${response.statusText}`.trim(),
    envelope.payload ?? null, envelope.request_id || "", response.headers);
}
