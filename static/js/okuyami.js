/**
 * おくやみコーナー on the desk tablet: starting a visit after the purpose notice, the questionnaire
 * (every answer kept in the tablet's outbox, so a dropped network loses nothing), hiding questions an
 * earlier answer makes irrelevant, telling the server when the guide is printed (audit log), and desk
 * bookings, which need a connection and say so.
 */
import "./idb.js";
import "./outbox.js";

const DB = globalThis.MadoguchiDB;
const Outbox = globalThis.MadoguchiOutbox;
const TABLE = "okuyami_cases";

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
  const id = form.dataset.caseId || window.location.hash.slice(1);
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
      base_version: local && local.pending ? undefined : version });
    form.dataset.dirty = "false";
    show(form, "queued");
    if (await flush(userKey)) {
      show(form, "sent");
      window.location.assign(`/okuyami/cases/${id}`);
    }
  });
}

/* ---------- the guide ---------- */

function startGuide(section) {
  const id = section.dataset.okuyamiGuide;
  const token = document.body.getAttribute("hx-headers");
  const csrf = token ? JSON.parse(token)["x-csrftoken"] : "";
  const note = () => fetch(`/okuyami/cases/${id}/printed`, { method: "POST", headers: { "x-csrftoken": csrf },
    credentials: "same-origin" }).catch(() => {});
  window.addEventListener("beforeprint", note);
  for (const button of section.querySelectorAll("[data-okuyami-print]")) button.addEventListener("click", () => window.print());
}

/** Offline at the desk, the family's round is still recorded: the statuses go to the outbox. Online,
 * the form posts as usual so the server checks it. */
function startProgress(userKey, form) {
  form.addEventListener("submit", async (event) => {
    if (navigator.onLine) return;
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
    await Outbox.record(userKey, { table: TABLE, id, kind: "patch", fields,
      base_version: local && local.pending ? undefined : Number(form.dataset.caseVersion) });
    show(form, "queued");
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
  for (const section of document.querySelectorAll("[data-okuyami-guide]")) startGuide(section);
  for (const form of document.querySelectorAll("form[data-okuyami-progress]")) startProgress(userKey, form);
  for (const form of document.querySelectorAll("form[data-okuyami-booking]")) startBooking(form);
}
