/**
 * おくやみコーナー on the desk tablet: starting a visit after the purpose notice, the questionnaire
 * (every answer kept in the tablet's outbox, so a dropped network loses nothing), hiding questions an
 * earlier answer makes irrelevant, the family's guide built on the tablet when the server cannot give it,
 * telling the server when a guide is shown or printed (audit log, through the outbox when offline), and
 * desk bookings, which need a connection and say so.
 */
import "./idb.js";
import "./outbox.js";
import { showLocalGuide } from "./okuyami/guide-view.js";

const DB = globalThis.MadoguchiDB;
const Outbox = globalThis.MadoguchiOutbox;
const TABLE = "okuyami_cases";
// The case pages the service worker stands the tablet's own pages in for; the id is in the address.
const CASE_PATH = /^\/okuyami\/cases\/([0-9a-f-]{36})(?:\/intake)?$/;

/** The case a tablet page is about: the address's fragment, or the case page's own address. */
function caseIdOfAddress() {
  const hash = window.location.hash.slice(1);
  if (hash) return hash;
  const match = CASE_PATH.exec(window.location.pathname);
  return match ? match[1] : "";
}

/**
 * The version of the case the person was shown: the tablet's own copy while it has unsent changes (the
 * form shows those), otherwise the page as the server rendered it. Never a later version the person
 * has not seen, so a value another desk tablet sent meanwhile is kept for review, not overwritten.
 */
function shownVersion(local, pageVersion) {
  if (local && local.pending) return local.version ?? null;
  return pageVersion ?? (local ? local.version ?? null : null);
}

async function localRecord(userKey, id) {
  return DB.transaction(["records"], "readonly", (s) => DB.done(s.records.get([userKey, TABLE, id])));
}

async function flush(userKey) {
  if (!navigator.onLine || !globalThis.MadoguchiSync) return false;
  try {
    const result = await globalThis.MadoguchiSync.flush(userKey);
    return Boolean(result && result.ok);
  } catch {
    return false;
  }
}

/** Ask the service worker to keep the desk's pages, so a visit can start with no network. */
async function keepPagesForOffline(urls) {
  if (!navigator.onLine || !("serviceWorker" in navigator) || urls.length === 0) return;
  const registration = await navigator.serviceWorker.ready;
  if (registration.active) registration.active.postMessage({ type: "REMEMBER_PAGES", urls });
}

function show(form, state) {
  const status = form.querySelector("[data-sync-form-status]");
  if (!status) return;
  status.hidden = false;
  status.dataset.state = state;
  status.textContent = status.dataset[`label${state[0].toUpperCase()}${state.slice(1)}`] || "";
}

/* ---------- the purpose notice: the case starts with the moment it was shown ---------- */

function startNotice(userKey, form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = crypto.randomUUID();
    const moment = new Date().toISOString();
    const fields = { visit_date: form.elements.visit_date.value, notice_shown_at: moment, status: "open",
      started_at: moment };
    if (form.elements.appointment_id) fields.appointment_id = Number(form.elements.appointment_id.value);
    await Outbox.record(userKey, { table: TABLE, id, kind: "create", fields });
    flush(userKey);
    window.location.assign(`/okuyami/intake#${id}`);
  });
}

/* ---------- the questionnaire ---------- */

function answerOf(form, name) {
  const elements = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
  for (const element of elements) {
    if (element.type === "radio") { if (element.checked) return element.value; }
    else return element.value;
  }
  return "";
}

/** Show a question only when the answer it depends on makes it matter; hidden ones are not sent. */
function updateVisibility(form) {
  for (const wrapper of form.querySelectorAll("[data-show-if]")) {
    const wanted = wrapper.dataset.showValues.split(" ");
    const visible = wanted.includes(answerOf(form, wrapper.dataset.showIf));
    wrapper.hidden = !visible;
    for (const element of wrapper.querySelectorAll("input, select, fieldset")) element.disabled = !visible;
  }
}

function answersOf(form) {
  const answers = {};
  for (const element of form.elements) {
    if (!element.name || element.name.startsWith("_") || element.disabled) continue;
    if (element.type === "radio") { if (element.checked) answers[element.name] = element.value; continue; }
    if (element.value !== "") answers[element.name] = element.value;
  }
  return answers;
}

function setAnswers(form, answers) {
  for (const [name, value] of Object.entries(answers || {})) {
    for (const element of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
      if (element.type === "radio") element.checked = element.value === String(value);
      else element.value = value;
    }
  }
}

function startIntake(userKey, form) {
  const id = form.dataset.caseId || caseIdOfAddress();
  const localGuide = form.querySelector("[data-okuyami-local-guide-link]");
  if (localGuide) localGuide.href = `/okuyami/guide#${id}`;
  updateVisibility(form);
  form.addEventListener("change", () => { form.dataset.dirty = "true"; updateVisibility(form); });
  localRecord(userKey, id).then((local) => {
    // The tablet's own unsent answers win over an older page; the offline page has none of its own.
    if (local && (local.pending || !form.dataset.caseId) && local.fields.answers) {
      setAnswers(form, local.fields.answers);
      updateVisibility(form);
    }
    if (!local && !form.dataset.caseId) show(form, "missing");
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const local = await localRecord(userKey, id);
    if (!local && !form.dataset.caseId) { show(form, "missing"); return; }
    const version = form.dataset.caseVersion ? Number(form.dataset.caseVersion) : undefined;
    await Outbox.record(userKey, { table: TABLE, id, kind: "patch", fields: { answers: answersOf(form) },
      base_version: shownVersion(local, version) });
    form.dataset.dirty = "false";
    show(form, "queued");
    // Saved on the tablet: its guide can be shown at once, whatever the network does.
    if (localGuide) localGuide.hidden = false;
    if (await flush(userKey)) {
      show(form, "sent");
      window.location.assign(`/okuyami/cases/${id}`);
    }
  });
}

/* ---------- the guide ---------- */

/**
 * A guide shown or printed from the tablet's own copy is audited when the tablet next syncs: the event
 * travels in the outbox with the case's other changes (docs/okuyami.md), so it is neither lost offline
 * nor recorded twice.
 */
async function noteView(userKey, id, view) {
  const local = await localRecord(userKey, id);
  if (!local) return;
  await Outbox.record(userKey, { table: TABLE, id, kind: "patch", fields: { tablet_views: view } });
  flush(userKey);
}

/** The PDF is made by the server: offline, its button says so instead of leading to an error page. */
function startPdfButton(section) {
  const note = section.querySelector("[data-okuyami-pdf-offline]");
  for (const link of section.querySelectorAll("[data-okuyami-pdf]")) {
    // The button stays pressable: pressing it offline is how the desk finds out why there is no PDF.
    if (note) { note.id = note.id || "okuyami-pdf-offline"; link.setAttribute("aria-describedby", note.id); }
    const state = () => { if (note) note.hidden = navigator.onLine; };
    state();
    window.addEventListener("online", state);
    window.addEventListener("offline", state);
    link.addEventListener("click", (event) => {
      if (navigator.onLine) return;
      event.preventDefault();
      state();
      note?.focus();
    });
  }
}

function startGuide(userKey, section) {
  const id = section.dataset.okuyamiGuide;
  const token = document.body.getAttribute("hx-headers");
  const csrf = token ? JSON.parse(token)["x-csrftoken"] : "";
  const note = () => {
    // The network can drop after the page came: the print then goes into the log through the outbox.
    if (!navigator.onLine) { noteView(userKey, id, "guide_printed").catch(() => {}); return; }
    fetch(`/okuyami/cases/${id}/printed`, { method: "POST", headers: { "x-csrftoken": csrf },
      credentials: "same-origin" }).catch(() => noteView(userKey, id, "guide_printed").catch(() => {}));
  };
  window.addEventListener("beforeprint", note);
  for (const button of section.querySelectorAll("[data-okuyami-print]")) button.addEventListener("click", () => window.print());
  startPdfButton(section);
}

/** The guide built on the tablet (the server could not give it): drawn from IndexedDB, never cached. */
async function startLocalGuide(userKey, section) {
  const id = caseIdOfAddress();
  for (const link of section.querySelectorAll("[data-okuyami-answers]")) link.href = `/okuyami/intake#${id}`;
  for (const link of section.querySelectorAll("[data-okuyami-pdf]")) link.href = `/okuyami/cases/${id}/guide.pdf`;
  const form = section.querySelector("form[data-okuyami-progress]");
  if (form) form.dataset.okuyamiProgress = id;
  startPdfButton(section);
  const large = section.querySelector("[data-okuyami-large]");
  large?.addEventListener("click", () => {
    const on = section.classList.toggle("okuyami-large");
    large.textContent = on ? large.dataset.labelNormal : large.dataset.labelLarge;
  });
  for (const button of section.querySelectorAll("[data-okuyami-print]")) button.addEventListener("click", () => window.print());
  const shown = await showLocalGuide(section, id ? await localRecord(userKey, id) : null);
  section.dataset.state = shown;
  if (shown !== "shown") return;
  window.addEventListener("beforeprint", () => { noteView(userKey, id, "guide_printed").catch(() => {}); });
  await noteView(userKey, id, "guide_viewed");
}

/** Offline at the desk, the family's round is still recorded: the statuses go to the outbox. Online,
 * the form posts as usual so the server checks it; the tablet's own guide always uses the outbox, since
 * the server may not have the case yet. */
function startProgress(userKey, form) {
  form.addEventListener("submit", async (event) => {
    if (navigator.onLine && form.dataset.local !== "true") return;
    event.preventDefault();
    const progress = {};
    for (const select of form.querySelectorAll("select[name^='status.']")) {
      progress[select.name.slice("status.".length)] = select.value;
    }
    const fields = { progress };
    if (event.submitter && event.submitter.name === "close" && form.dataset.caseOpen === "true") {
      fields.status = "closed";
      fields.finished_at = new Date().toISOString();
    }
    const id = form.dataset.okuyamiProgress;
    const local = await localRecord(userKey, id);
    const version = form.dataset.caseVersion ? Number(form.dataset.caseVersion) : undefined;
    await Outbox.record(userKey, { table: TABLE, id, kind: "patch", fields,
      base_version: shownVersion(local, version) });
    show(form, "queued");
    flush(userKey);
  });
}

/* ---------- desk bookings: online only ---------- */

/**
 * A booking promises a family a slot, so it is made only while the server can check the slot is free
 * (docs/okuyami.md). Without a connection the form says so and stays as typed; with one, it is sent by
 * fetch so that a network that drops mid-send gives the same message instead of a browser error page.
 */
function startBooking(form) {
  const notice = form.querySelector("[data-online-only-status]");
  const offline = (state) => {
    if (!notice) return;
    notice.hidden = !state;
    notice.dataset.state = state || "";
    notice.textContent = state ? notice.dataset[state === "failed" ? "labelFailed" : "labelOffline"] : "";
  };
  offline(navigator.onLine ? "" : "offline");
  window.addEventListener("offline", () => offline("offline"));
  window.addEventListener("online", () => offline(""));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!navigator.onLine) { offline("offline"); notice?.focus(); return; }
    let response;
    try {
      response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
    } catch {
      offline("failed");
      notice?.focus();
      return;
    }
    if (response.redirected) { window.location.assign(response.url); return; }
    // A refusal (a taken slot, a bad field) comes back as the page with the messages and the values kept.
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("form[data-okuyami-booking]");
    if (!fresh) { offline("failed"); return; }
    const card = form.closest("section");
    const freshCard = fresh.closest("section");
    if (card && freshCard) card.replaceWith(document.importNode(freshCard, true));
    else form.replaceWith(document.importNode(fresh, true));
    const next = document.querySelector("form[data-okuyami-booking]");
    if (next) { startBooking(next); next.querySelector("[aria-invalid=true]")?.focus(); }
  });
}

/** Start whatever desk page this is. */
export function startOkuyami(userKey) {
  if (!userKey) return;
  for (const link of document.querySelectorAll("[data-okuyami-offline-pages]")) {
    keepPagesForOffline(link.dataset.okuyamiOfflinePages.split(" ")).catch(() => {});
  }
  for (const form of document.querySelectorAll("form[data-okuyami-start]")) startNotice(userKey, form);
  for (const form of document.querySelectorAll("form[data-okuyami-intake]")) startIntake(userKey, form);
  for (const section of document.querySelectorAll("[data-okuyami-guide]")) startGuide(userKey, section);
  for (const section of document.querySelectorAll("[data-okuyami-local-guide]")) {
    startLocalGuide(userKey, section).catch((error) => {
      section.dataset.state = "failed";
      console.error("the tablet's guide could not be built", error);
    });
  }
  for (const form of document.querySelectorAll("form[data-okuyami-progress]")) startProgress(userKey, form);
  for (const form of document.querySelectorAll("form[data-okuyami-booking]")) startBooking(form);
}
