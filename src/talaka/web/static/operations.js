// The operations page: recent operations, newest first, with their progress and counts.
//
// Pages go back in time by `submitted_lte=<oldest shown>`; operations sharing that instant are
// read again and dropped by id, so none is skipped. Unfinished ones are polled until they end.

import { get, requireSignIn } from "./api.js";
import { byId, h, say, statusBadge, when } from "./dom.js";
import { countsText, objectLink, progressCell } from "./operation-cells.js";

const PAGE_SIZE = 50;
const POLL_MS = 2000;

function operationRow(operation) {
  const link = "/operations/" + encodeURIComponent(operation.id);
  return h("tr", { "data-id": operation.id },
    h("td", {}, when(operation.submitted)),
    h("td", {}, h("code", {}, operation.type)),
    h("td", {}, statusBadge(operation.status)),
    h("td", {}, progressCell(operation)),
    h("td", {}, countsText(operation.details)),
    h("td", {}, objectLink(operation.parameters)),
    h("td", {}, h("a", { href: link, "aria-label": `Log of operation ${operation.id}` }, "Log")));
}

const list = {
  oldest: null,
  seen: new Set(),
  filters: {},
  timer: null,

  async load(reset) {
    const body = byId("operations-table").querySelector("tbody");
    const more = byId("operations-more");
    if (reset) {
      this.oldest = null;
      this.seen = new Set();
      body.replaceChildren();
    }
    more.disabled = true;
    say(byId("page-status"), "Loading operations…");
    try {
      const { data } = await get("/operations", {
        ...this.filters, sort: "-submitted,-id", limit: PAGE_SIZE, submitted_lte: this.oldest,
      });
      const fresh = data.items.filter((operation) => !this.seen.has(operation.id));
      for (const operation of fresh) {
        this.seen.add(operation.id);
        body.append(operationRow(operation));
      }
      if (data.items.length) this.oldest = data.items[data.items.length - 1].submitted;
      more.hidden = !data.has_more || !fresh.length;
      byId("operations-empty").hidden = body.children.length > 0;
      say(byId("page-status"), "");
      this.poll();
    } catch (error) {
      say(byId("page-status"), error.message, "error");
    } finally {
      more.disabled = false;
    }
  },

  // Refresh the rows of operations still running, every two seconds, until all are done.
  poll() {
    clearTimeout(this.timer);
    const rows = [...byId("operations-table").querySelectorAll("tbody tr")]
      .filter((element) => ["PENDING", "RUNNING"].includes(element.querySelector(".badge")?.textContent));
    if (!rows.length) return;
    this.timer = setTimeout(async () => {
      for (const element of rows) {
        try {
          const { data } = await get("/operations/" + encodeURIComponent(element.dataset.id));
          element.replaceWith(operationRow(data));
        } catch {
          // Keep the row as it was; the next poll tries again.
        }
      }
      this.poll();
    }, POLL_MS);
  },
};

function start() {
  byId("operations-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    list.filters = { type: byId("filter-type").value, status: byId("filter-status").value };
    list.load(true);
  });
  byId("operations-more").addEventListener("click", () => list.load(false));
  return list.load(true);
}

if (requireSignIn()) start();
