// Building and filling the page: elements from data (always as text, never as markup), formats.

export function byId(id) {
  return document.getElementById(id);
}

// h("a", {href: "/x", class: "y"}, "text", child) -> element. Strings become text nodes.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") element.className = value;
    else if (name === "text") element.textContent = value;
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function row(...cells) {
  return h("tr", {}, cells.map((cell) => (cell instanceof Node && cell.tagName === "TD" ? cell : h("td", {}, cell))));
}

const numbers = new Intl.NumberFormat("en");
// Rewards are US dollars; Toloka's rewards go down to a hundredth of a cent, hence up to 4 decimals.
const dollars = new Intl.NumberFormat("en", { style: "currency", currency: "USD", minimumFractionDigits: 2,
  maximumFractionDigits: 4 });

export function count(value) {
  return numbers.format(value);
}

export function plural(value, one, many = one + "s") {
  return `${count(value)} ${value === 1 ? one : many}`;
}

export function money(value) {
  return dollars.format(Number(value) || 0);
}

export function fileSize(bytes) {
  if (bytes < 1024) return plural(bytes, "byte");
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
  return (bytes / 1024 / 1024).toFixed(1) + " MB";
}

// Wire timestamps are naive UTC with microseconds ("2026-01-31T12:00:00.123456"), and Date.parse
// reads at most milliseconds: the time in milliseconds since the epoch, NaN when unreadable.
export function wireTime(text) {
  if (!text) return NaN;
  const trimmed = String(text).replace(/(\.\d{3})\d+/, "$1");
  return Date.parse(/[zZ]$|[+-]\d\d:\d\d$/.test(trimmed) ? trimmed : trimmed + "Z");
}

// A wire timestamp in local time.
export function when(text) {
  if (!text) return "";
  const moment = wireTime(text);
  if (Number.isNaN(moment)) return text;
  return new Date(moment).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function duration(seconds) {
  if (seconds < 1) return "under a second";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

// Show a message in a status region (polite) or an alert box; "" hides it.
export function say(element, message, kind = "") {
  element.textContent = message;
  element.classList.toggle("error", kind === "error");
  element.classList.toggle("ok", kind === "ok");
  if (element.hasAttribute("hidden") || message === "") element.hidden = message === "";
}

// An API error as a sentence plus, for validation errors, one line per field.
export function explain(error) {
  const lines = [error.message || String(error)];
  const payload = error.payload;
  if (error.code === "VALIDATION_ERROR" && payload && typeof payload === "object") {
    for (const [path, problem] of Object.entries(payload)) {
      if (problem && typeof problem === "object" && "message" in problem) lines.push(`${path}: ${problem.message}`);
    }
  }
  return lines;
}

export function showErrors(box, error) {
  showLines(box, explain(error));
}

// A message box: the first line as a sentence, the others as a list under it.
export function showLines(box, lines) {
  const [first, ...rest] = lines;
  box.replaceChildren(h("p", {}, first), rest.length ? h("ul", {}, rest.map((line) => h("li", {}, line))) : null);
  box.hidden = false;
}

// A version 4 UUID. crypto.randomUUID needs a secure context; a server on a LAN address is not.
export function uuid4() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// A page that could not load its object: 404 shows "Not found", anything else the message.
export function failPage(error, what) {
  const status = byId("page-status");
  if (error.status === 404) {
    byId("not-found-message").textContent = `There is no ${what} among yours. It may have been mistyped, or it belongs to someone else.`;
    byId("not-found").hidden = false;
    byId("title").textContent = "Not found";
    document.title = "Not found · Talaka";
    say(status, "");
  } else {
    say(status, error.message, "error");
  }
}

export function statusBadge(status) {
  return h("span", { class: "badge badge-" + String(status).toLowerCase() }, status);
}

// A Blob download link; the old URL is released.
export function setDownload(link, text, name, type = "text/tab-separated-values") {
  if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
}
