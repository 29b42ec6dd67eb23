/**
 * The self-check sheet: one tap per standard writes the answer to the outbox at once, online or not.
 *
 * Each answer is one synced record whose id the server derived from the period, the respondent and the
 * standard, so two tablets answering the same standard merge into one record. A page reloaded before
 * the answers reached the server (or served from the cache offline) shows the tablet's answers again.
 */
import "./idb.js";
import "./outbox.js";

const DB = globalThis.MadoguchiDB;
const Outbox = globalThis.MadoguchiOutbox;
const TABLE = "self_check_answers";

async function localRecord(userKey, id) {
  return DB.transaction(["records"], "readonly", (s) => DB.done(s.records.get([userKey, TABLE, id])));
}

function chosen(form) {
  const checked = form.querySelector('input[name="result"]:checked');
  return checked ? checked.value : "";
}

function showNote(form, visible) {
  form.querySelector("[data-note]").hidden = !visible;
}

function noteError(form, visible) {
  const error = form.querySelector("[data-note-error]");
  const note = form.querySelector('textarea[name="note"]');
  error.hidden = !visible;
  note.setAttribute("aria-invalid", visible ? "true" : "false");
  form.classList.toggle("answer-invalid", visible);
}

function setStatus(form, sheet, state) {
  const status = form.querySelector("[data-answer-status]");
  if (!status) return;
  status.dataset.state = state;
  status.textContent = sheet.dataset[`label${state[0].toUpperCase()}${state.slice(1)}`] || "";
}

function updateCount(sheet) {
  const counter = document.querySelector("[data-answered-count]");
  if (counter) counter.textContent = String(sheet.querySelectorAll('input[name="result"]:checked').length);
}

async function save(form, sheet, userKey) {
  const result = chosen(form);
  if (!result) return;
  const noteField = form.querySelector('textarea[name="note"]');
  const note = result === "noncompliant" ? noteField.value.trim() : "";
  if (result === "noncompliant" && !note) {
    noteError(form, true);
    noteField.focus();
    return;
  }
  noteError(form, false);
  const id = form.dataset.answerId;
  const local = await localRecord(userKey, id);
  const pageVersion = form.dataset.version ? Number(form.dataset.version) : null;
  const known = pageVersion !== null || Boolean(local);
  let change;
  if (!known) {
    const fields = {
      section_id: Number(sheet.dataset.sectionId), period: sheet.dataset.period,
      respondent: sheet.dataset.respondent, standard_code: form.dataset.code,
      standard_version: Number(form.dataset.standardVersion), result,
    };
    if (note) fields.note = note;
    change = { table: TABLE, id, kind: "create", fields };
  } else {
    const before = local ? local.fields : { result: form.dataset.result || null, note: form.dataset.noteOriginal };
    const fields = { result };
    // An unchanged note is not sent: a confirmed answer must not be reopened by a value nobody changed.
    if (note !== (before.note || "")) fields.note = note;
    // The version the person was shown: the tablet's copy when the sheet shows it (unsent answers, or a
    // copy newer than the page), otherwise the page the server rendered.
    const showsLocal = local && (local.pending || (local.version || 0) > (pageVersion || 0));
    const base = showsLocal ? local.version ?? null : pageVersion;
    change = { table: TABLE, id, kind: "patch", fields, base_version: base };
  }
  await Outbox.record(userKey, change);
  setStatus(form, sheet, "queued");
  updateCount(sheet);
  if (navigator.onLine && globalThis.MadoguchiSync) {
    let outcome = await globalThis.MadoguchiSync.flush(userKey);
    // A sync already under way when this answer was queued may have missed it: send again.
    if (outcome && outcome.ok && (await Outbox.count(userKey)) > 0) outcome = await globalThis.MadoguchiSync.flush(userKey);
    if (outcome && outcome.ok) setStatus(form, sheet, "sent");
  }
}

function apply(form, fields) {
  for (const radio of form.querySelectorAll('input[name="result"]')) radio.checked = radio.value === fields.result;
  form.querySelector('textarea[name="note"]').value = fields.note || "";
  showNote(form, fields.result === "noncompliant");
}

/** Start the sheet on this page, if there is one. */
export function startSelfCheck(userKey) {
  const sheet = document.querySelector("[data-self-check]");
  if (!sheet || !userKey) return;
  for (const form of sheet.querySelectorAll("form[data-answer]")) {
    const button = form.querySelector("[data-save]");
    // With script, a tap saves; the button stays only for the note of a “not kept”.
    if (button) button.hidden = chosen(form) !== "noncompliant";
    localRecord(userKey, form.dataset.answerId).then((local) => {
      const pageVersion = form.dataset.version ? Number(form.dataset.version) : 0;
      if (local && (local.pending || (local.version || 0) > pageVersion) && local.fields.result) {
        apply(form, local.fields);
        if (button) button.hidden = local.fields.result !== "noncompliant";
        if (local.pending) setStatus(form, sheet, "queued");
        updateCount(sheet);
      }
    });
    if (sheet.dataset.locked === "true") continue;
    form.addEventListener("change", (event) => {
      if (event.target.name !== "result") return;
      const result = chosen(form);
      showNote(form, result === "noncompliant");
      if (button) button.hidden = result !== "noncompliant";
      save(form, sheet, userKey);
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      save(form, sheet, userKey);
    });
  }
}
