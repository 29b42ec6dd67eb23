/**
 * Forms that edit a synced record work the same online and offline: submitting writes the changed
 * fields to the outbox (with the version the form was loaded at) instead of posting the form, and a
 * page reloaded before the change reached the server shows the tablet's unsent values again.
 *
 * Markup: <form data-sync-table="goals" data-sync-id="UUID" data-sync-version="3" data-sync-kind="patch">
 * with fields named after the record's fields; data-sync-kind="create" for a new record. Checkboxes
 * sharing a name with data-type="list" make one field holding the ticked values, sorted.
 */
import "./idb.js";
import "./outbox.js";

const DB = globalThis.MadoguchiDB;
const Outbox = globalThis.MadoguchiOutbox;

function valuesOf(form) {
  const values = {};
  for (const element of form.elements) {
    if (!element.name || element.name.startsWith("_") || element.disabled || "syncSkip" in element.dataset) continue;
    if (element.dataset.type === "int") { values[element.name] = element.value === "" ? null : Number(element.value); continue; }
    if (element.dataset.type === "list") {
      const list = values[element.name] || (values[element.name] = []);
      if (element.checked) { list.push(element.value); list.sort(); }
      continue;
    }
    if (element.type === "checkbox") values[element.name] = element.checked;
    else if (element.type === "radio") { if (element.checked) values[element.name] = element.value; }
    else if (element.type === "number") values[element.name] = element.value === "" ? null : Number(element.value);
    else values[element.name] = element.value;
  }
  return values;
}

function setValues(form, values) {
  for (const [name, value] of Object.entries(values)) {
    for (const element of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
      if (element.dataset.type === "list") element.checked = Array.isArray(value) && value.includes(element.value);
      else if (element.type === "checkbox") element.checked = Boolean(value);
      else if (element.type === "radio") element.checked = element.value === String(value);
      else element.value = value == null ? "" : value;
    }
  }
}

function show(form, state) {
  const status = form.querySelector("[data-sync-form-status]");
  if (!status) return;
  status.hidden = false;
  status.dataset.state = state;
  status.textContent = status.dataset[`label${state[0].toUpperCase()}${state.slice(1)}`] || "";
}

async function localRecord(userKey, table, id) {
  return DB.transaction(["records"], "readonly", (s) => DB.done(s.records.get([userKey, table, id])));
}

/** Start every synced form on the page. */
export function startOfflineForms(userKey) {
  if (!userKey) return;
  for (const form of document.querySelectorAll("form[data-sync-table]")) {
    const table = form.dataset.syncTable;
    let id = form.dataset.syncId;
    let original = valuesOf(form);
    // The version of what the form shows: the page's, or the tablet's copy once that is shown instead.
    let shownVersion = form.dataset.syncVersion ? Number(form.dataset.syncVersion) : null;

    if (id) localRecord(userKey, table, id).then((local) => {
      // Unsent values typed on this tablet win over the (older) page the server rendered.
      if (local && local.pending) {
        setValues(form, local.fields);
        shownVersion = local.version ?? null;
        show(form, "queued");
      }
    });

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      const now = valuesOf(form);
      const changed = {};
      for (const [name, value] of Object.entries(now)) {
        if (JSON.stringify(value) !== JSON.stringify(original[name])) changed[name] = value;
      }
      const kind = form.dataset.syncKind || "patch";
      // A new record gets its id on this tablet: a page served from the cache must never reuse one.
      if (kind === "create") id = crypto.randomUUID();
      if (kind === "patch" && Object.keys(changed).length === 0) { show(form, "unchanged"); return; }
      await Outbox.record(userKey, { table, id, kind, fields: kind === "create" ? now : changed,
        base_version: kind === "create" ? null : shownVersion });
      form.dataset.dirty = "false";
      if (kind === "create") form.reset();
      else original = now;
      show(form, "queued");
      if (navigator.onLine && globalThis.MadoguchiSync) {
        let result = await globalThis.MadoguchiSync.flush(userKey);
        // A sync already under way when this change was queued (the one at page load) may have missed it.
        if (result.ok && (await Outbox.count(userKey)) > 0) result = await globalThis.MadoguchiSync.flush(userKey);
        if (result.ok) show(form, "sent");
      }
      const next = form.dataset.syncNext;
      if (next && navigator.onLine) window.location.assign(next);
    });
  }
}
