// Requester-written HTML (instructions, view.markdown output) shown to performers, sanitized by
// the browser's own HTML Sanitizer API (Element.setHTML).
//
// setHTML always removes scripts, event handlers and javascript: URLs, whatever the allow-list
// says; the list below only narrows what remains. Its default list drops <img>, which
// instructions need, hence a list of our own. No `style` or `class` (the page's
// Content-Security-Policy refuses inline styles anyway, and the page's classes are not the
// requester's to use), no `id` (it could clash with the page's). A browser without setHTML, or
// whose setHTML refuses the list, shows the HTML as plain text: readable, and nothing in it runs.

const ELEMENTS = ["a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "div",
  "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
  "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
  "td", "tfoot", "th", "thead", "tr", "u", "ul"];
const ATTRIBUTES = ["href", "src", "alt", "title", "width", "height", "colspan", "rowspan", "scope", "lang", "dir",
  "start", "reversed", "open"];

export function safeHtml(element, html) {
  const text = html === undefined || html === null ? "" : String(html);
  if (typeof element.setHTML !== "function") {
    element.textContent = text;
    return;
  }
  try {
    element.setHTML(text, { sanitizer: { elements: ELEMENTS, attributes: ATTRIBUTES } });
  } catch {
    // A browser whose setHTML takes another form of configuration refuses ours: plain text then.
    element.textContent = text;
    return;
  }
  // Links open beside the task, so following one never loses the answers given so far.
  for (const link of element.querySelectorAll("a[href]")) {
    link.target = "_blank";
    link.rel = "noopener noreferrer";
  }
  for (const image of element.querySelectorAll("img")) {
    image.loading = "lazy";
    if (!image.hasAttribute("alt")) image.alt = "";
  }
}
