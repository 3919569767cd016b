// Which keys a page may take as a task's hotkeys, for the preview and the performer's suite page.
//
// A task's plugin.hotkeys bind the keys 0-9 and a-z, and the up and down arrows. A key is the
// page's only where the element holding the focus has no use for it: letters typed into a text
// box are text, and the arrows move a slider, a select or a media player's position.

const KEYLESS_INPUTS = new Set(["radio", "checkbox", "button", "submit", "reset", "file", "image", "color", "range"]);
const ARROW_USERS = "audio, video, select, input[type=range]";
const HANDLES_ENTER = "button, a[href], summary, select, textarea, audio, video, iframe, [contenteditable], "
  + "[role=button], [role=link], [role=menuitem], [role=option], [role=combobox], [role=listbox], [role=tab]";

// event.key as plugin.hotkeys names it ("1", "a", "up"), or null for a key no hotkey can be.
export function hotkeyName(key) {
  if (key === "ArrowUp") return "up";
  if (key === "ArrowDown") return "down";
  return /^[0-9a-z]$/i.test(key) ? key.toLowerCase() : null;
}

// True where the hotkey `name` means something already to the focused `element`.
export function keyBelongsTo(element, name) {
  if (!element || !element.tagName) return false;
  if (element.isContentEditable || element.tagName === "TEXTAREA" || element.tagName === "SELECT") return true;
  if (element.tagName === "INPUT" && !KEYLESS_INPUTS.has(element.type)) return true;
  return (name === "up" || name === "down") && Boolean(element.closest(ARROW_USERS));
}

// True where Enter already means something (a button, a link, a text area...).
export function handlesEnter(element) {
  return Boolean(element && element.closest && element.closest(HANDLES_ENTER));
}
