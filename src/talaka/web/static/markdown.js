// Markdown to HTML for view.markdown: the common subset task texts use.
//
// Blocks: paragraphs, ATX headings (# to ######), fenced code (```), block quotes (>), flat
// bulleted (-, *, +) and numbered (1. or 1)) lists, rules (---). Inline: `code`, **strong** and
// __strong__, *emphasis* and _emphasis_, ~~strike~~, [links](url "title"), ![images](url),
// <https://autolinks>, hard line breaks (two trailing spaces or a backslash), backslash escapes.
// Raw HTML is not passed through: it is escaped and shows as text. The result still goes
// through safeHtml, which is what keeps it harmless; this converter only has to be faithful.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

function safeUrl(url) {
  const plain = url.replace(/&amp;/g, "&");
  return /^(https?:|mailto:|\/|#|\.{0,2}\/)/i.test(plain) || !/^[a-z][a-z0-9+.-]*:/i.test(plain) ? url : null;
}

// Inline markup of one block's text. Finished pieces (code, links, escapes) are parked as
// placeholders so later rules do not reach inside them.
function inline(source) {
  const parked = [];
  const park = (html) => `\u0000${parked.push(html) - 1}\u0000`;
  let text = source.replace(/\\([\\`*_{}[\]()#+\-.!~>|])/g, (_, char) => park(escapeHtml(char)));
  text = text.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_, __, code) => park(`<code>${escapeHtml(code.trim())}</code>`));
  text = escapeHtml(text);
  text = text.replace(/!\[([^\]]*)\]\(\s*(\S+?)(?:\s+&quot;(.*?)&quot;)?\s*\)/g, (whole, alt, url, title) => {
    const href = safeUrl(url);
    return href ? park(`<img src="${href}" alt="${alt}"${title ? ` title="${title}"` : ""}>`) : whole;
  });
  text = text.replace(/\[([^\]]+)\]\(\s*(\S+?)(?:\s+&quot;(.*?)&quot;)?\s*\)/g, (whole, words, url, title) => {
    const href = safeUrl(url);
    return href ? park(`<a href="${href}"${title ? ` title="${title}"` : ""}>${words}</a>`) : whole;
  });
  text = text.replace(/&lt;((?:https?:\/\/|mailto:)[^\s&]+)&gt;/g, (_, url) => park(`<a href="${url}">${url}</a>`));
  text = text.replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, "<strong>$2</strong>");
  text = text.replace(/\*(?=\S)([\s\S]*?\S)\*/g, "<em>$1</em>");
  text = text.replace(/(^|[^A-Za-z0-9_])_(?=\S)([\s\S]*?\S)_(?![A-Za-z0-9_])/g, "$1<em>$2</em>");
  text = text.replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<del>$1</del>");
  text = text.replace(/( {2,}|\\)\n/g, "<br>\n");
  return text.replace(/\u0000(\d+)\u0000/g, (_, index) => parked[Number(index)]);
}

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const FENCE = /^ {0,3}(```|~~~)/;
const QUOTE = /^ {0,3}> ?/;
const BULLET = /^ {0,3}[-*+]\s+/;
const NUMBER = /^ {0,3}(\d{1,9})[.)]\s+/;

function startsBlock(line) {
  return HEADING.test(line) || RULE.test(line) || FENCE.test(line) || QUOTE.test(line) || BULLET.test(line) || NUMBER.test(line);
}

export function markdownToHtml(source) {
  const lines = String(source ?? "").replace(/\r\n?/g, "\n").split("\n");
  const out = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index];
    if (line.trim() === "") {
      index++;
    } else if (FENCE.test(line)) {
      const fence = line.match(FENCE)[1];
      const code = [];
      for (index++; index < lines.length && !lines[index].trimStart().startsWith(fence); index++) code.push(lines[index]);
      index++;
      out.push(`<pre><code>${escapeHtml(code.join("\n"))}</code></pre>`);
    } else if (HEADING.test(line)) {
      const [, marks, words] = line.match(HEADING);
      out.push(`<h${marks.length}>${inline(words)}</h${marks.length}>`);
      index++;
    } else if (RULE.test(line)) {
      out.push("<hr>");
      index++;
    } else if (QUOTE.test(line)) {
      const quoted = [];
      for (; index < lines.length && QUOTE.test(lines[index]); index++) quoted.push(lines[index].replace(QUOTE, ""));
      out.push(`<blockquote>${markdownToHtml(quoted.join("\n"))}</blockquote>`);
    } else if (BULLET.test(line) || NUMBER.test(line)) {
      const marker = BULLET.test(line) ? BULLET : NUMBER;
      const first = line.match(NUMBER);
      const items = [];
      while (index < lines.length && marker.test(lines[index])) {
        const item = [lines[index].replace(marker, "")];
        for (index++; index < lines.length && lines[index].trim() !== "" && !startsBlock(lines[index]); index++) {
          item.push(lines[index].trim());
        }
        items.push(`<li>${inline(item.join("\n"))}</li>`);
      }
      const start = marker === NUMBER && first && first[1] !== "1" ? ` start="${Number(first[1])}"` : "";
      out.push(marker === BULLET ? `<ul>${items.join("")}</ul>` : `<ol${start}>${items.join("")}</ol>`);
    } else {
      const paragraph = [];
      for (; index < lines.length && lines[index].trim() !== "" && (paragraph.length === 0 || !startsBlock(lines[index])); index++) {
        paragraph.push(lines[index]);
      }
      out.push(`<p>${inline(paragraph.join("\n").trim())}</p>`);
    }
  }
  return out.join("\n");
}
