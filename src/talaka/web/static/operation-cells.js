// Cells that show an operation the same way on the list and on its own page.

import { count, h } from "./dom.js";

export function countsText(details) {
  if (!details || typeof details !== "object") return "";
  const parts = [];
  if ("items_count" in details) parts.push(`${count(details.items_count)} items`);
  if ("created_count" in details) parts.push(`${count(details.created_count)} created`);
  if (details.invalid_count) parts.push(`${count(details.invalid_count)} invalid`);
  for (const [key, value] of Object.entries(details)) {
    if (!["items_count", "created_count", "invalid_count", "valid_count"].includes(key) && typeof value !== "object") {
      parts.push(`${key.replaceAll("_", " ")}: ${value}`);
    }
  }
  return parts.join(", ");
}

export function objectLink(parameters) {
  if (parameters?.pool_id) return h("a", { href: "/pools/" + encodeURIComponent(parameters.pool_id) }, `Pool ${parameters.pool_id}`);
  if (parameters?.project_id) {
    return h("a", { href: "/projects/" + encodeURIComponent(parameters.project_id) }, `Project ${parameters.project_id}`);
  }
  return "";
}

export function progressCell(operation) {
  const value = Number(operation.progress) || 0;
  return h("span", { class: "progress-cell" },
    h("progress", { max: 100, value, "aria-label": `Progress of operation ${operation.id}` }), ` ${value}%`);
}

export function unfinished(operation) {
  return operation.status === "PENDING" || operation.status === "RUNNING";
}
