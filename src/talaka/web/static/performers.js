// The performers page: create a performer (their token is shown this once), list those the
// requester created or had work from, and per performer their restrictions (which can be lifted)
// and skills.
//
// Restrictions and skills load when a performer's row is opened: one pair of requests for the
// performer asked about, not two for every performer on the page.

import { call, get, post, requireSignIn } from "./api.js";
import { byId, h, say, showErrors, when } from "./dom.js";

const PAGE = 50;
const DETAILS_LIMIT = 100;
const CODE = /^[A-Za-z]{2}$/;
const skillNames = new Map();

function performerForm(onCreated) {
  const form = byId("performer-form");
  const errors = byId("performer-errors");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problems = [];
    const name = byId("performer-name").value.trim();
    const country = byId("performer-country").value.trim();
    const languages = byId("performer-languages").value.split(/[\s,;]+/).filter(Boolean);
    const mark = (id, bad) => (bad ? byId(id).setAttribute("aria-invalid", "true") : byId(id).removeAttribute("aria-invalid"));
    mark("performer-name", !name);
    mark("performer-country", country && !CODE.test(country));
    mark("performer-languages", languages.some((code) => !CODE.test(code)));
    if (!name) problems.push("Name: enter a name");
    if (country && !CODE.test(country)) problems.push("Country: two letters, like GB");
    if (languages.some((code) => !CODE.test(code))) problems.push("Languages: two-letter codes separated by commas, like EN, DE");
    if (problems.length) {
      errors.replaceChildren(h("p", {}, "Please fix these first:"), h("ul", {}, problems.map((text) => h("li", {}, text))));
      errors.hidden = false;
      return;
    }
    errors.hidden = true;
    const body = { name, adult_allowed: byId("performer-adult").checked };
    if (country) body.country = country.toUpperCase();
    if (languages.length) body.languages = languages.map((code) => code.toUpperCase());
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const { data } = await post("/performers", body);
      form.reset();
      showToken(data);
      onCreated();
    } catch (error) {
      showErrors(errors, error);
    } finally {
      button.disabled = false;
    }
  });
}

// The token goes into a read-only field of this section only: never into storage, the URL or the list.
function showToken(performer) {
  const box = byId("new-token");
  byId("new-token-heading").textContent = `Performer ${performer.name} is created (id ${performer.id})`;
  byId("new-token-value").value = performer.token;
  say(byId("token-message"), "");
  box.hidden = false;
  box.focus();
}

function tokenBox() {
  const input = byId("new-token-value");
  byId("copy-token").addEventListener("click", async () => {
    const message = byId("token-message");
    try {
      await navigator.clipboard.writeText(input.value);
      say(message, "The token is copied.", "ok");
    } catch {
      input.focus();
      input.select();
      say(message, "This browser does not let the page copy: the token is selected, press Ctrl+C (or ⌘C) to copy it.");
    }
  });
  byId("forget-token").addEventListener("click", () => {
    input.value = "";
    byId("new-token").hidden = true;
    byId("performer-name").focus();
  });
}

function scopeText(restriction) {
  if (restriction.scope === "PROJECT") {
    return h("a", { href: "/projects/" + encodeURIComponent(restriction.project_id) }, `Project ${restriction.project_id}`);
  }
  if (restriction.scope === "POOL") {
    return h("a", { href: "/pools/" + encodeURIComponent(restriction.pool_id) }, `Pool ${restriction.pool_id}`);
  }
  return restriction.scope === "ALL_PROJECTS" ? "All your projects" : restriction.scope;
}

function scopeWords(restriction) {
  if (restriction.scope === "PROJECT") return `project ${restriction.project_id}`;
  if (restriction.scope === "POOL") return `pool ${restriction.pool_id}`;
  return "all your projects";
}

function restrictionItem(performer, restriction, list) {
  const notes = [restriction.will_expire ? `until ${when(restriction.will_expire)}` : "no end date",
    `set ${when(restriction.created)}`];
  const lift = h("button", { type: "button", class: "secondary" }, "Lift",
    h("span", { class: "visually-hidden" }, ` the restriction on ${scopeWords(restriction)} for ${performer.name}`));
  const item = h("li", {}, h("span", {}, h("strong", {}, scopeText(restriction)), " · ", notes.join(" · "),
    restriction.private_comment ? ` · “${restriction.private_comment}”` : null), lift);
  lift.addEventListener("click", async () => {
    const message = byId("performers-message");
    lift.disabled = true;
    try {
      await call("DELETE", "/user-restrictions/" + encodeURIComponent(restriction.id));
      const next = item.nextElementSibling?.querySelector("button") || list.closest("td").querySelector("h3");
      item.remove();
      if (!list.children.length) list.replaceWith(h("p", { class: "hint" }, "No restrictions."));
      say(message, `Restriction lifted: ${performer.name} may work in ${scopeWords(restriction)} again.`, "ok");
      next?.focus();
    } catch (error) {
      say(message, "The restriction could not be lifted: " + error.message, "error");
      lift.disabled = false;
    }
  });
  return item;
}

function skillName(skillId) {
  if (!skillNames.has(skillId)) {
    skillNames.set(skillId, get("/skills/" + encodeURIComponent(skillId))
      .then(({ data }) => data.name || `Skill ${skillId}`, () => `Skill ${skillId}`));
  }
  return skillNames.get(skillId);
}

async function fillDetails(performer, cell) {
  cell.replaceChildren(h("p", { class: "hint" }, "Loading…"));
  const params = { user_id: performer.id, sort: "id", limit: DETAILS_LIMIT };
  const [{ data: restrictions }, { data: skills }] = await Promise.all([
    get("/user-restrictions", params), get("/user-skills", params)]);
  const names = await Promise.all((skills.items || []).map((skill) => skillName(skill.skill_id)));
  const restrictionList = h("ul", { class: "plain details-list" });
  restrictionList.append(...(restrictions.items || []).map((item) => restrictionItem(performer, item, restrictionList)));
  const skillList = h("ul", { class: "plain details-list" }, (skills.items || []).map((skill, index) =>
    h("li", {}, h("span", {}, h("strong", {}, names[index]), `: ${skill.exact_value ?? skill.value}`,
      ` · set ${when(skill.modified || skill.created)}`))));
  const more = (page) => (page.has_more ? h("p", { class: "hint" }, `Only the first ${DETAILS_LIMIT} are shown.`) : null);
  cell.replaceChildren(...[
    h("h3", { tabindex: "-1" }, `Restrictions of ${performer.name}`),
    restrictions.items?.length ? restrictionList : h("p", { class: "hint" }, "No restrictions."), more(restrictions),
    h("h3", {}, `Skills of ${performer.name}`),
    skills.items?.length ? skillList : h("p", { class: "hint" }, "No skills."), more(skills)].filter(Boolean));
}

function performerRows(performer) {
  const detailsId = "details-" + performer.id;
  const cell = h("td", { colspan: 6 });
  const details = h("tr", { id: detailsId, class: "details-row", hidden: true }, cell);
  const label = h("span", {}, "Show");
  const toggle = h("button", { type: "button", class: "secondary", "aria-expanded": "false", "aria-controls": detailsId },
    label, h("span", { class: "visually-hidden" }, ` restrictions and skills of ${performer.name}`));
  toggle.addEventListener("click", async () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    label.textContent = open ? "Hide" : "Show";
    details.hidden = !open;
    if (!open) return;
    try {
      await fillDetails(performer, cell);
    } catch (error) {
      cell.replaceChildren(h("p", { class: "notice error" }, "Could not be read: " + error.message));
    }
  });
  const main = h("tr", {}, h("td", {}, performer.name), h("td", {}, h("code", {}, performer.id)),
    h("td", {}, performer.country || "—"), h("td", {}, (performer.languages || []).join(", ") || "—"),
    h("td", {}, when(performer.created)), h("td", {}, toggle));
  return [main, details];
}

function performerList() {
  const body = byId("performers-table").querySelector("tbody");
  const more = byId("performers-more");
  const message = byId("performers-message");
  let after = null;
  const load = async () => {
    more.disabled = true;
    try {
      const { data } = await get("/performers", { limit: PAGE, id_gt: after });
      const items = data.items || [];
      for (const performer of items) body.append(...performerRows(performer));
      if (items.length) after = items[items.length - 1].id;
      more.hidden = !data.has_more || !items.length;
      byId("performers-empty").hidden = body.children.length > 0;
      body.closest(".table-wrap").hidden = body.children.length === 0;
    } catch (error) {
      say(message, "The performers could not be read: " + error.message, "error");
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener("click", load);
  return {
    load,
    reload() {
      after = null;
      body.replaceChildren();
      return load();
    },
  };
}

async function start() {
  byId("content").hidden = false;
  const list = performerList();
  tokenBox();
  performerForm(() => list.reload());
  await list.load();
}

if (requireSignIn()) start();
