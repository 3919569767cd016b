// layout.* components: columns, side by side, sidebar. Each stacks its parts when its own box is
// narrower than the config's minimum width (a phone), measured with a ResizeObserver because
// the width that matters is the task's, not the window's.

import { h } from "./dom.js";
import { framed } from "./tb-views.js";

function stackBelow(part, element, minWidth) {
  if (!(minWidth > 0) || typeof ResizeObserver === "undefined") return;
  const observer = new ResizeObserver(([entry]) => {
    element.classList.toggle("tb-stacked", entry.contentRect.width < minWidth);
  });
  observer.observe(element);
  part.scope.onDispose(() => observer.disconnect());
}

function mounted(part, key, className) {
  const items = part.listOf(key);
  return items.length ? h("div", { class: className }, items.map((item) => part.mount(item))) : null;
}

export const LAYOUTS = {
  "layout.columns": {
    children: ["items"],
    draw(part) {
      const items = part.listOf("items");
      const ratio = Array.isArray(part.props.ratio) ? part.props.ratio.map(Number) : [];
      const align = { top: "start", middle: "center", bottom: "end" }[part.props.verticalAlign] || "start";
      const grid = h("div", { class: "tb-columns" + (part.props.fullHeight ? " tb-full-height" : "") },
        items.map((item) => part.mount(item)));
      grid.style.gridTemplateColumns = items.map((_, index) => `minmax(0, ${ratio[index] > 0 ? ratio[index] : 1}fr)`).join(" ");
      grid.style.alignItems = align;
      stackBelow(part, grid, Number(part.props.minWidth));
      return framed(part, grid);
    },
  },
  "layout.side-by-side": {
    children: ["items", "controls"],
    draw(part) {
      const width = Number(part.props.minItemWidth) > 0 ? Number(part.props.minItemWidth) : 300;
      const items = h("div", { class: "tb-side-by-side" }, part.listOf("items").map((item) => {
        const cell = h("div", { class: "tb-side" }, part.mount(item));
        cell.style.flexBasis = `${width}px`;
        return cell;
      }));
      return framed(part, h("div", {}, items, mounted(part, "controls", "tb-controls")));
    },
  },
  "layout.sidebar": {
    children: ["content", "controls", "extraControls"],
    draw(part) {
      const width = Number(part.props.controlsWidth) > 0 ? Number(part.props.controlsWidth) : 200;
      const side = h("div", { class: "tb-sidebar-controls" }, mounted(part, "controls", "tb-controls"),
        mounted(part, "extraControls", "tb-extra-controls"));
      const box = h("div", { class: "tb-sidebar" }, mounted(part, "content", "tb-sidebar-content"), side);
      box.style.gridTemplateColumns = `minmax(0, 1fr) ${width}px`;
      stackBelow(part, box, Number(part.props.minWidth) > 0 ? Number(part.props.minWidth) : 400);
      return framed(part, box);
    },
  },
};
