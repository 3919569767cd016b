// The sign-in page: check the token against GET /requester, keep it for this tab, go on.

import { signIn, token } from "./api.js";
import { byId, say } from "./dom.js";

const REASONS = {
  expired: "The server no longer accepts your token. Sign in again.",
  "signed-out": "You are signed out.",
};

// Only a path on this site: "//evil.example" or "https://..." would leave it.
function nextPage() {
  const next = new URLSearchParams(location.search).get("next") || "/";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

function start() {
  const form = byId("signin-form");
  const input = byId("token");
  const error = byId("signin-error");
  const reason = new URLSearchParams(location.search).get("reason");
  if (reason && REASONS[reason]) say(byId("page-status"), REASONS[reason]);
  if (token()) {
    location.replace(nextPage());
    return;
  }
  input.focus();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const candidate = input.value.trim();
    say(error, "");
    if (!candidate) {
      say(error, "Enter your API token.", "error");
      input.focus();
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say(byId("page-status"), "Checking the token…");
    try {
      await signIn(candidate);
      location.assign(nextPage());
    } catch (problem) {
      say(byId("page-status"), "");
      const message = problem.status === 401
        ? "Wrong token: the server does not know this API token. Check that you copied all of it."
        : problem.message;
      say(error, message, "error");
      input.setAttribute("aria-invalid", "true");
      input.select();
    } finally {
      button.disabled = false;
    }
  });
  input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
}

start();
