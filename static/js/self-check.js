/**
 * The self-check sheet: one tap per standard writes the answer to the outbox at once, online or not.
 *
 * Each answer is one synced record whose id the server derived from the period, the respondent and the
 * standard, so two tablets answering the same standard merge into one record. A page reloaded before
 * the answers reached the server (or served from the cache offline) shows the tablet's answers again.
 *
 * A “not kept” needs a note, so it is saved once the note is written: the note is kept on the tablet as
 * it is typed (a draft per person and answer), saved when the typing pauses or the field is left, and a
 * link tapped meanwhile waits for the save. The “write what was not kept” error appears only when the
 * person moves on without a note.
 */
import "./idb.js";
import "./outbox.js";

const DB = globalThis.MadoguchiDB;
const Outbox = globalThis.MadoguchiOutbox;
const TABLE = "self_check_answers";
const NOTE_PAUSE_MS = 600;
const saving = new Set();

function draftKey(form) {
  return `self-check-note:${form.dataset.answerId}`;
}

async function readDraft(userKey, form) {
  const row = await DB.transaction(["meta"], "readonly", (s) => DB.done(s.meta.get([userKey, draftKey(form)])));
  return row ? row.value : null;
}

function writeDraft(userKey, form, note) {
  return DB.transaction(["meta"], "readwrite", (s) => {
    if (note === null) s.meta.delete([userKey, draftKey(form)]);
    else s.meta.put({ user_key: userKey, key: draftKey(form), value: note });
  });
}

/** A “not kept” whose note is still empty: the person is moving on without what the answer needs. */
function incomplete(form) {
  return chosen(form) === "noncompliant" && !form.querySelector('textarea[name="note"]').value.trim();
}

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
  if (result === "noncompliant" && !note) return; // saved once the note is written
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
  form.dataset.savedNote = note;
  if (result === "noncompliant") await writeDraft(userKey, form, null);
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

function track(promise) {
  saving.add(promise);
  promise.finally(() => saving.delete(promise));
  return promise;
}

/** Start the sheet on this page, if there is one. */
export function startSelfCheck(userKey) {
  const sheet = document.querySelector("[data-self-check]");
  if (!sheet || !userKey) return;
  const forms = [...sheet.querySelectorAll("form[data-answer]")];
  for (const form of forms) {
    const button = form.querySelector("[data-save]");
    const noteField = form.querySelector('textarea[name="note"]');
    // With script, every tap saves and a note is saved as it is written: no save button.
    if (button) button.hidden = true;
    const restored = localRecord(userKey, form.dataset.answerId).then(async (local) => {
      const pageVersion = form.dataset.version ? Number(form.dataset.version) : 0;
      if (local && (local.pending || (local.version || 0) > pageVersion) && local.fields.result) {
        apply(form, local.fields);
        if (local.pending) setStatus(form, sheet, "queued");
        updateCount(sheet);
      }
      form.dataset.savedNote = noteField.value.trim();
      // A note typed before the page was left (or the tablet went to sleep) and not yet saved.
      const draft = sheet.dataset.locked === "true" ? null : await readDraft(userKey, form);
      if (draft && draft.trim() && draft.trim() !== form.dataset.savedNote) {
        for (const radio of form.querySelectorAll('input[name="result"]')) radio.checked = radio.value === "noncompliant";
        noteField.value = draft;
        showNote(form, true);
        await track(save(form, sheet, userKey));
      }
    });
    track(restored);
    if (sheet.dataset.locked === "true") continue;
    let pause = null;
    const saveNote = () => {
      clearTimeout(pause);
      if (chosen(form) === "noncompliant" && noteField.value.trim() && noteField.value.trim() !== form.dataset.savedNote) {
        track(save(form, sheet, userKey));
      }
    };
    form.addEventListener("change", (event) => {
      if (event.target.name !== "result") return;
      const result = chosen(form);
      showNote(form, result === "noncompliant");
      noteError(form, false);
      if (result === "noncompliant" && !noteField.value.trim()) {
        noteField.focus();
        return;
      }
      track(save(form, sheet, userKey));
    });
    noteField.addEventListener("input", () => {
      if (noteField.value.trim()) noteError(form, false);
      track(writeDraft(userKey, form, noteField.value));
      clearTimeout(pause);
      pause = setTimeout(saveNote, NOTE_PAUSE_MS);
    });
    // Leaving the answer: save its note, or say that a “not kept” needs one.
    form.addEventListener("focusout", (event) => {
      if (form.contains(event.relatedTarget)) return;
      saveNote();
      if (incomplete(form)) noteError(form, true);
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (incomplete(form)) noteError(form, true);
      else saveNote();
    });
  }
  // Another period, another page: not before every answer is kept, and not past a “not kept” without a note.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || link.target || event.ctrlKey || event.metaKey) return;
    const open = forms.find(incomplete);
    if (open) {
      event.preventDefault();
      noteError(open, true);
      open.querySelector('textarea[name="note"]').focus();
      return;
    }
    if (saving.size === 0) return;
    event.preventDefault();
    Promise.allSettled([...saving]).then(() => { window.location.href = link.href; });
  }, true);
}
