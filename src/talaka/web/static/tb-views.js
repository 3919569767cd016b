// view.* components: what a task shows (text, media, links, alerts, groups, lists, buttons).
//
// Sizes go in through element.style (the CSS object model), which the page's
// Content-Security-Policy allows; style attributes in markup it would refuse.

import { h } from "./dom.js";
import { markdownToHtml } from "./markdown.js";
import { safeHtml } from "./safe-html.js";
import { keyForAction, openLink, webUrl } from "./tb-actions.js";
import { isComponent, textOf } from "./tb-data.js";

// The view's caption and hint above its body. A labelled view is a named group, so a validation
// message on it has something to describe.
export function framed(part, body, { kind = "tb-view", tag = "div" } = {}) {
  const caption = part.caption();
  const hint = part.hint();
  const frame = h(tag, { class: kind }, caption, hint, body);
  if (caption) {
    frame.setAttribute("role", "group");
    frame.setAttribute("aria-labelledby", caption.id);
  }
  if (part.component.validation !== undefined) part.target(caption ? frame : body);
  return frame;
}

function mediaUrl(value) {
  const text = textOf(value);
  return /^data:(image|audio|video)\//i.test(text) ? text : webUrl(text);
}

// ratio [w, h], fullHeight, minWidth, maxWidth (pixels), as Toloka's media views take them.
function sized(element, props) {
  const ratio = Array.isArray(props.ratio) ? props.ratio.map(Number) : null;
  if (ratio && ratio.length === 2 && ratio.every((side) => side > 0)) {
    element.style.aspectRatio = `${ratio[0]} / ${ratio[1]}`;
    element.classList.add("tb-ratio");
  }
  if (props.fullHeight) element.classList.add("tb-full-height");
  if (Number(props.minWidth) > 0) element.style.minWidth = `${Number(props.minWidth)}px`;
  if (Number(props.maxWidth) > 0) element.style.maxWidth = `${Number(props.maxWidth)}px`;
  return element;
}

// Text, or a component when a property holds one (view.alert may frame a view).
function content(part, value) {
  return isComponent(value) ? part.mount(value) : textOf(value);
}

function image(part) {
  const { props } = part;
  const src = mediaUrl(props.url);
  const img = h("img", { alt: part.label() || "Task image", loading: props.noLazyLoad ? "eager" : "lazy", src: src || null });
  const box = sized(h("div", { class: "tb-image" + (props.noBorder ? " tb-no-border" : "") +
    (props.scrollable ? " tb-scrollable" : "") }, img), props);
  let turn = 0;
  const rotate = (degrees) => {
    turn = (turn + degrees + 360) % 360;
    img.style.transform = turn ? `rotate(${turn}deg)` : "";
  };
  part.task.rotations.set(part.component, rotate);
  const tools = props.rotatable
    ? h("div", { class: "tb-tools" }, h("button", { type: "button", class: "secondary", onclick: () => rotate(90) }, "Rotate image"))
    : null;
  if (!src) box.append(h("p", { class: "tb-missing" }, "No image: the task gives no web address for it."));
  return framed(part, h("div", {}, box, tools));
}

function media(tag, fallbackName) {
  return (part) => {
    const { props } = part;
    const element = h(tag, { controls: true, preload: "metadata", src: mediaUrl(props.url),
      "aria-label": part.label() || fallbackName, loop: Boolean(props.loop), playsinline: tag === "video" });
    element.addEventListener("play", () => part.task.store.mark("played", part.component));
    element.addEventListener("ended", () => part.task.store.mark("ended", part.component));
    part.task.media.set(part.component, element);
    if (tag === "video") sized(element, props);
    return framed(part, element);
  };
}

function link(part, url, text, theme) {
  const href = webUrl(url);
  const words = textOf(text) || textOf(url);
  if (!href) return h("span", { class: "tb-link-broken" }, words);
  const anchor = h("a", { href, target: "_blank", rel: "noopener noreferrer",
    class: theme === "primary" ? "button" : theme === "secondary" ? "button secondary" : null }, words);
  anchor.addEventListener("click", (event) => {
    event.preventDefault();
    openLink(part.task, url);
  });
  return anchor;
}

export const VIEWS = {
  "view.list": {
    children: ["items"],
    draw(part) {
      const items = part.listOf("items");
      const direction = part.props.direction === "horizontal" ? "horizontal" : "vertical";
      const size = part.props.size === "s" ? "s" : "m";
      return framed(part, h("div", { class: `tb-list tb-${direction} tb-size-${size}` }, items.map((item) => part.mount(item))));
    },
  },
  "view.text": {
    draw: (part) => framed(part, h("div", { class: "tb-text" }, content(part, part.props.content))),
  },
  "view.markdown": {
    draw(part) {
      const body = h("div", { class: "tb-markdown" });
      safeHtml(body, markdownToHtml(textOf(part.props.content)));
      return framed(part, body);
    },
  },
  "view.image": { draw: image },
  "view.audio": { draw: media("audio", "Task recording") },
  "view.video": { draw: media("video", "Task video") },
  "view.iframe": {
    draw(part) {
      // No allow-same-origin: a page on this server's own origin would otherwise read the
      // performer's token. Other sites keep their scripts, in an origin of their own.
      const frame = h("iframe", { src: webUrl(part.props.url), title: part.label() || "Task page",
        sandbox: "allow-scripts allow-forms allow-popups", referrerpolicy: "no-referrer", loading: "lazy" });
      return framed(part, sized(frame, part.props));
    },
  },
  "view.link": {
    draw: (part) => framed(part, h("p", { class: "tb-link" }, link(part, part.props.url, part.props.content))),
  },
  "view.link-group": {
    draw(part) {
      const links = Array.isArray(part.props.links) ? part.props.links : [];
      return framed(part, h("ul", { class: "tb-link-group" },
        links.map((item) => h("li", {}, link(part, item?.url, item?.content, item?.theme)))));
    },
  },
  "view.action-button": {
    draw(part) {
      const hint = part.hint();
      const button = h("button", { type: "button", class: "secondary tb-action" }, part.label() || "Run");
      const key = keyForAction(part.task, part.component.action);
      const badge = part.keyBadge(key, button);
      if (badge) button.append(badge);
      button.addEventListener("click", () => part.run(part.component.action));
      part.control(button);
      return h("div", { class: "tb-view" }, button, hint);
    },
  },
  "view.alert": {
    draw(part) {
      const theme = ["info", "success", "warning", "danger"].includes(part.props.theme) ? part.props.theme : "info";
      return framed(part, h("div", { class: `tb-alert tb-theme-${theme}`, role: "note" }, content(part, part.props.content)));
    },
  },
  "view.group": {
    children: ["content"],
    draw: (part) => framed(part, part.mount(part.component.content), { kind: "tb-group", tag: "section" }),
  },
};
