// /work/history: the performer's suites, newest first, and what they earned.
//
// The list pages newest first by asking for more at once ("Show more" reads the first 100, then
// 150...): the performer API pages newest-first lists by `limit` alone, up to 1000. The totals
// read every accepted and submitted suite, oldest first, page after page with `id_gt`.

import { byId, count, h, plural, say, statusBadge, when } from "./dom.js";
import { fact, get, poolTitle, rememberOffers, requirePerformer, reward } from "./work-api.js";

const PAGE = 50;
const MOST = 1000;
const status = byId("page-status");
const list = byId("suites-list");
const more = byId("suites-more");
const shown = new Set();
let limit = PAGE;

// What a suite brings: its reward once accepted, nothing once rejected, skipped or expired.
function earned(item) {
  if (item.status === "ACCEPTED") return reward(item.reward);
  if (item.status === "SUBMITTED" || item.status === "ACTIVE") return `${reward(item.reward)} once accepted`;
  return "none";
}

function record(item) {
  const id = "suite-" + item.id;
  const rejected = item.status === "REJECTED";
  const comment = item.public_comment
    ? h("p", { class: rejected ? "notice error comment" : "comment" },
      h("strong", {}, rejected ? "Why it was rejected: " : "The requester's comment: "), item.public_comment)
    : null;
  return h("li", {},
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

async function showMore(first) {
  more.disabled = true;
  say(status, "Loading…");
  try {
    const { data } = await get("/assignments", { limit });
    const fresh = data.items.filter((item) => !shown.has(item.id));
    for (const item of fresh) shown.add(item.id);
    list.append(...fresh.map(record));
    byId("suites-empty").hidden = shown.size > 0;
    more.hidden = !data.has_more || limit >= MOST;
    byId("suites").hidden = false;
    say(status, first ? "" : `${plural(fresh.length, "more suite")} shown.`);
    if (!first && fresh.length) list.children[list.children.length - fresh.length].querySelector("a").focus();
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
    const [[accepted, earned], [pending, waiting]] = await Promise.all([total("ACCEPTED"), total("SUBMITTED")]);
    byId("earned-total").replaceChildren(h("strong", {}, reward(earned)),
      ` earned from ${plural(accepted, "accepted suite")}.`);
    byId("earned-pending").textContent = pending
      ? `${count(pending)} submitted ${pending === 1 ? "suite is" : "suites are"} pending review (${reward(waiting)} more once accepted).`
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
