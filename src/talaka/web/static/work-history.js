// /work/history: the performer's suites, newest first, and what they earned.
//
// The list pages newest first by asking for more at once ("Show more" reads the first 100, then
// 150...): the performer API pages newest-first lists by `limit` alone, up to 1000, so the list
// stops at the newest 1000 suites and says so. Suites taken meanwhile come in at the top: the list
// stays in id order, newest first. The totals read every accepted and submitted suite, oldest
// first, page after page with `id_gt`.

import { byId, count, h, money, plural, say, statusBadge, when } from "./dom.js";
import { fact, get, poolTitle, rememberOffers, requirePerformer } from "./work-api.js";

const PAGE = 50;
const MOST = 1000;
const status = byId("page-status");
const list = byId("suites-list");
const more = byId("suites-more");
const shown = new Set();
let limit = PAGE;

// What a suite brings: its reward once accepted, nothing once rejected, skipped or expired.
function earned(item) {
  if (item.status === "ACCEPTED") return money(item.reward);
  if (item.status === "SUBMITTED" || item.status === "ACTIVE") return `${money(item.reward)} once accepted`;
  return "none";
}

function record(item) {
  const id = "suite-" + item.id;
  const rejected = item.status === "REJECTED";
  const comment = item.public_comment
    ? h("p", { class: rejected ? "notice error comment" : "comment" },
      h("strong", {}, rejected ? "Why it was rejected: " : "The requester's comment: "), item.public_comment)
    : null;
  return h("li", { "data-id": item.id },
    h("article", { class: "card suite-record" + (rejected ? " rejected" : ""), "aria-labelledby": id },
      h("div", { class: "record-head" },
        h("h3", { id }, h("a", { href: "/work/assignments/" + encodeURIComponent(item.id) },
          poolTitle(item.pool_id, item.project_id))),
        statusBadge(item.status)),
      comment,
      h("dl", { class: "facts" },
        fact("Reward", earned(item)),
        fact("Tasks", String(item.tasks.length)),
        fact("Taken", when(item.created)),
        fact("Submitted", when(item.submitted)),
        fact(item.status === "REJECTED" ? "Rejected" : "Accepted", when(item.rejected || item.accepted)))));
}

// Newest first is the server's order: by the sequence number after the id's "--" (the pool's id
// comes before it), fixed-width hex, so the text compares as the number would.
function sequence(id) {
  return id.slice(id.indexOf("--") + 2);
}

// A suite's record in its place: before the first shown suite that is older.
function place(item) {
  const element = record(item);
  const later = [...list.children].find((other) => sequence(other.dataset.id) < sequence(item.id));
  list.insertBefore(element, later || null);
  return element;
}

async function showMore(first) {
  more.disabled = true;
  say(status, "Loading…");
  try {
    const { data } = await get("/assignments", { limit });
    const last = list.lastElementChild;
    const fresh = data.items.filter((item) => !shown.has(item.id));
    for (const item of fresh) shown.add(item.id);
    const added = new Set(fresh.map(place));
    byId("suites-empty").hidden = shown.size > 0;
    more.hidden = !data.has_more || limit >= MOST;
    byId("suites-limit").hidden = !data.has_more || limit < MOST;
    byId("suites").hidden = false;
    say(status, first ? "" : `${plural(fresh.length, "more suite")} shown.`);
    // The focus goes on where the list went on, else to the first suite that came in.
    const next = (last && last.nextElementSibling) || [...list.children].find((element) => added.has(element));
    if (!first && next) next.querySelector("a").focus();
    limit = Math.min(MOST, limit + PAGE);
  } catch (error) {
    if (error.status !== 401) say(status, error.message, "error");
  } finally {
    more.disabled = false;
  }
}

// Every suite of a status, oldest first, a thousand at a time: [how many, their rewards].
async function total(statusName) {
  let suites = 0;
  let sum = 0;
  let after = null;
  for (;;) {
    const { data } = await get("/assignments", { status: statusName, sort: "id", limit: MOST, id_gt: after });
    for (const item of data.items) {
      suites += 1;
      sum += Number(item.reward) || 0;
    }
    if (!data.has_more || !data.items.length) return [suites, sum];
    after = data.items[data.items.length - 1].id;
  }
}

async function earnings() {
  try {
    const [[accepted, paid], [pending, waiting]] = await Promise.all([total("ACCEPTED"), total("SUBMITTED")]);
    byId("earned-total").replaceChildren(h("strong", {}, money(paid)),
      ` earned from ${plural(accepted, "accepted suite")}.`);
    byId("earned-pending").textContent = pending
      ? `${count(pending)} submitted ${pending === 1 ? "suite is" : "suites are"} pending review (${money(waiting)} more once accepted).`
      : "Suites you submit count here once the requester accepts them.";
    byId("earnings").hidden = false;
  } catch (error) {
    if (error.status !== 401) say(status, error.message, "error");
  }
}

async function start() {
  if (!requirePerformer()) return;
  more.addEventListener("click", () => showMore(false));
  try {
    // The offers name the pools; pools no longer offered keep the names this tab saw.
    rememberOffers((await get("/pools")).data.items);
  } catch (error) {
    if (error.status === 401) return;
  }
  await Promise.all([showMore(true), earnings()]);
}

start();
