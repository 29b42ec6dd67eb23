/**
 * 職場点検 on the tablet: starting an inspection, the walk-through, and the list of unfinished ones.
 *
 * Every tap is written to the tablet's outbox at once (with the local copy, in one IndexedDB
 * transaction), so a reload, a closed tab or a flat battery loses nothing, and the whole walk works with
 * no network. An answer's record id is derived from the inspection and the item (UUID version 5, the
 * same derivation as the server's), so an item answered on two tablets is one record, not two.
 */
import "./idb.js";
import { formatMoment } from "./calendar-ja.js";
import "./outbox.js";
import "./files.js";

const DB = globalThis.MadoguchiDB;
const Outbox = globalThis.MadoguchiOutbox;
const Files = globalThis.MadoguchiFiles;
const ANSWER_NAMESPACE = "6f1d4c52-2f0e-4b8e-9a57-0c3f1e7d2b10";
const ACTION_DUE_DAYS = 14;

/** RFC 4122 name-based UUID (SHA-1). */
export async function uuid5(namespace, name) {
  const ns = namespace.replace(/-/g, "").match(/../g).map((h) => parseInt(h, 16));
  const bytes = new Uint8Array([...ns, ...new TextEncoder().encode(name)]);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes)).slice(0, 16);
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = [...hash].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

async function localRecord(userKey, table, id) {
  return DB.transaction(["records"], "readonly", (s) => DB.done(s.records.get([userKey, table, id])));
}

async function localTable(userKey, table) {
  return DB.transaction(["records"], "readonly", (s) =>
    DB.done(s.records.index("by_user_table").getAll(IDBKeyRange.only([userKey, table]))));
}

function flushSoon(userKey) {
  if (navigator.onLine && globalThis.MadoguchiSync) globalThis.MadoguchiSync.flush(userKey);
}

/** Ask the service worker to keep these pages, so they open offline before they were ever visited. */
async function keepPagesForOffline(urls) {
  if (!navigator.onLine || !("serviceWorker" in navigator) || urls.length === 0) return;
  const registration = await navigator.serviceWorker.ready;
  if (registration.active) registration.active.postMessage({ type: "REMEMBER_PAGES", urls });
}

/* ---------- starting an inspection ---------- */

function startForm(userKey, form) {
  const ids = JSON.parse(form.dataset.offlinePages || "[]");
  keepPagesForOffline(ids.map((id) => `/inspections/walk/${id}`)).catch(() => {});
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const place = form.elements.place.value.trim();
    const error = form.querySelector("#f-place-error");
    const field = form.querySelector("[data-field='place']");
    if (!place) {
      error.textContent = form.dataset.messagePlace;
      error.hidden = false;
      field.classList.add("field-invalid");
      form.elements.place.setAttribute("aria-invalid", "true");
      form.elements.place.focus();
      return;
    }
    const id = crypto.randomUUID();
    const templateId = Number(form.elements.template_id.value);
    await Outbox.record(userKey, { table: "inspections", id, kind: "create", fields: {
      template_id: templateId, section_id: Number(form.elements.section_id.value), place,
      status: "draft", started_at: new Date().toISOString() } });
    flushSoon(userKey);
    window.location.assign(`/inspections/walk/${templateId}#${id}`);
  });
}

/* ---------- unfinished inspections on this tablet ---------- */

async function listLocal(userKey, section) {
  const rows = (await localTable(userKey, "inspections"))
    .filter((r) => !r.deleted && r.fields.status !== "submitted")
    .sort((a, b) => String(b.fields.started_at).localeCompare(String(a.fields.started_at)));
  if (rows.length === 0) return;
  const list = section.querySelector("[data-local-list]");
  list.replaceChildren(...rows.map((r) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `/inspections/walk/${r.fields.template_id}#${r.id}`;
    const started = formatMoment(r.fields.started_at, document.documentElement.lang);
    link.textContent = `${r.fields.place || ""}（${started}）`;
    link.className = "button button-secondary";
    item.append(link);
    return item;
  }));
  section.hidden = false;
}

/* ---------- the walk-through ---------- */

function itemValueOf(el) {
  const type = el.dataset.type;
  if (type === "single_choice") {
    const checked = el.querySelector("[data-choice]:checked");
    return checked ? checked.value : null;
  }
  if (type === "multi_choice") return [...el.querySelectorAll("[data-choice]:checked")].map((c) => c.value);
  const input = el.querySelector("[data-value]");
  if (!input) return null;
  if (input.value === "") return null;
  return type === "number" ? Number(input.value) : input.value;
}

function answered(el, answer) {
  if (!answer) return false;
  const f = answer.fields;
  if (el.dataset.type === "pass_fail") return Boolean(f.result);
  if (el.dataset.type === "photo") return (f.photos || []).length > 0;
  if (Array.isArray(f.value)) return f.value.length > 0;
  return f.value !== null && f.value !== undefined && f.value !== "";
}

class Walk {
  constructor(userKey, root) {
    this.userKey = userKey;
    this.root = root;
    this.msg = root.dataset;
    this.items = [...root.querySelectorAll("[data-item]")];
    this.answers = new Map();
    this.actions = new Map();
    this.raising = new Set();
    this.inspection = null;
    this.id = decodeURIComponent(window.location.hash.slice(1));
    this.partKey = `madoguchi-walk-part:${this.id}`;
  }

  async load() {
    this.inspection = this.id ? await localRecord(this.userKey, "inspections", this.id) : null;
    if (!this.inspection && navigator.onLine && globalThis.MadoguchiSync) {
      await globalThis.MadoguchiSync.flush(this.userKey);
      this.inspection = await localRecord(this.userKey, "inspections", this.id);
    }
    if (!this.inspection) {
      this.showError(this.msg.msgNotFound);
      for (const part of this.root.querySelectorAll("[data-part]")) part.hidden = true;
      return false;
    }
    const templateId = String(this.inspection.fields.template_id);
    if (templateId !== this.root.dataset.templateId) {
      window.location.replace(`/inspections/walk/${templateId}#${this.id}`);
      return false;
    }
    await this.reloadAnswers();
    return true;
  }

  async reloadAnswers() {
    this.answers.clear();
    for (const row of await localTable(this.userKey, "inspection_answers")) {
      if (row.fields.inspection_id === this.id && !row.deleted) this.answers.set(row.fields.item_key, row);
    }
    this.actions.clear();
    for (const row of await localTable(this.userKey, "corrective_actions")) {
      if (row.fields.inspection_id === this.id && !row.deleted) this.actions.set(row.fields.item_key, row);
    }
    this.inspection = await localRecord(this.userKey, "inspections", this.id) || this.inspection;
  }

  get locked() {
    return this.inspection && this.inspection.fields.status === "submitted";
  }

  showError(text) {
    const box = this.root.querySelector("[data-walk-error]");
    box.textContent = text;
    box.hidden = !text;
  }

  /** Item keys that failed at this place of this section in another inspection: a 不適 there is a
   * repeat finding, as on the result page. */
  failedBefore() {
    const f = this.inspection ? this.inspection.fields : {};
    const where = `${this.id}|${f.section_id}|${f.place || ""}`;
    if (this.earlier && this.earlier.where === where) return this.earlier.keys;
    const keys = new Set();
    for (const [section, place, key, id] of JSON.parse(this.root.dataset.earlierFails || "[]")) {
      if (section === Number(f.section_id) && place === (f.place || "") && id !== this.id) keys.add(key);
    }
    this.earlier = { where, keys };
    return keys;
  }

  header() {
    const ids = JSON.parse(this.root.dataset.sectionIds);
    const names = JSON.parse(this.root.dataset.sections);
    const index = ids.indexOf(Number(this.inspection.fields.section_id));
    this.root.querySelector("[data-walk-section]").textContent = index >= 0 ? names[index] : "";
    this.root.querySelector("[data-walk-place]").textContent = this.inspection.fields.place || "";
  }

  paint(el) {
    const answer = this.answers.get(el.dataset.key);
    const f = answer ? answer.fields : {};
    if (el.dataset.type === "pass_fail") {
      for (const button of el.querySelectorAll("[data-result]")) {
        button.setAttribute("aria-pressed", String(button.dataset.result === f.result));
      }
      const finding = el.querySelector("[data-finding]");
      if (finding) finding.hidden = f.result !== "fail";
      const note = el.querySelector("[data-note]");
      if (note && document.activeElement !== note) note.value = f.note || "";
      const action = this.actions.get(el.dataset.key);
      const state = el.querySelector("[data-action-state]");
      const raise = el.querySelector("[data-raise-action]");
      if (state) {
        state.hidden = !action;
        state.textContent = action ? this.msg.msgActionRaised : "";
        if (action) state.href = `/actions/${action.id}`;
      }
      if (raise) raise.hidden = Boolean(action);
      const repeat = el.querySelector("[data-repeat]");
      if (repeat) repeat.hidden = !(f.result === "fail" && this.failedBefore().has(el.dataset.key));
    } else if (el.dataset.type === "single_choice" || el.dataset.type === "multi_choice") {
      const chosen = new Set(Array.isArray(f.value) ? f.value : f.value == null ? [] : [f.value]);
      for (const box of el.querySelectorAll("[data-choice]")) box.checked = chosen.has(box.value);
    } else if (el.dataset.type === "signature") {
      this.drawSignature(el, f.value);
    } else {
      const input = el.querySelector("[data-value]");
      if (input && document.activeElement !== input) input.value = f.value == null ? "" : f.value;
    }
    this.paintPhotos(el, f.photos || []);
    el.dataset.done = String(answered(el, answer));
  }

  async paintPhotos(el, photos) {
    const list = el.querySelector("[data-photos]");
    if (!list) return;
    const shown = [...list.children].map((li) => li.dataset.sha);
    if (shown.join() === photos.join()) return;
    const items = [];
    for (const sha of photos) {
      const li = document.createElement("li");
      li.dataset.sha = sha;
      const img = document.createElement("img");
      img.alt = el.dataset.text;
      img.src = await Files.url(this.userKey, sha);
      img.className = "photo-thumb";
      li.append(img);
      items.push(li);
    }
    list.replaceChildren(...items);
  }

  progress() {
    let done = 0;
    const perPart = new Map();
    for (const el of this.items) {
      const ok = answered(el, this.answers.get(el.dataset.key));
      done += ok ? 1 : 0;
      const part = el.dataset.partOf;
      const [d, t] = perPart.get(part) || [0, 0];
      perPart.set(part, [d + (ok ? 1 : 0), t + 1]);
    }
    this.root.querySelector("[data-answered]").textContent = String(done);
    this.root.querySelector("[data-total]").textContent = String(this.items.length);
    for (const [part, [d, t]] of perPart) {
      const badge = this.root.querySelector(`[data-part-count="${part}"]`);
      if (badge) badge.textContent = `${d}/${t}`;
    }
  }

  lock() {
    const locked = this.locked;
    this.root.querySelector("[data-walk-locked]").hidden = !locked;
    for (const control of this.root.querySelectorAll("[data-item] :is(button, input, textarea), [data-submit-inspection]")) {
      control.disabled = locked;
    }
  }

  render() {
    this.header();
    for (const el of this.items) this.paint(el);
    this.progress();
    this.lock();
  }

  show(index) {
    const parts = [...this.root.querySelectorAll("[data-part]")];
    const target = Math.max(0, Math.min(parts.length - 1, Number(index)));
    for (const part of parts) part.hidden = Number(part.dataset.part) !== target;
    for (const tab of this.root.querySelectorAll("[data-part-tab]")) {
      tab.setAttribute("aria-current", String(Number(tab.dataset.partTab) === target));
    }
    try { localStorage.setItem(this.partKey, String(target)); } catch (_) { /* private mode */ }
    if (parts[target] && parts[target].hasAttribute("data-finish")) this.summary();
    const heading = parts[target] && parts[target].querySelector("h2");
    if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: false }); }
  }

  itemError(el, text) {
    const error = el.querySelector("[data-error]");
    error.textContent = text || "";
    error.hidden = !text;
    el.classList.toggle("field-invalid", Boolean(text));
  }

  async answerId(key) {
    return uuid5(ANSWER_NAMESPACE, `${this.id}/${key}`);
  }

  /** Keep a change to one item's answer: on this tablet at once, in the outbox for the server. */
  async save(el, fields, kind = "patch") {
    if (this.locked) return;
    const key = el.dataset.key;
    const id = await this.answerId(key);
    let local = this.answers.get(key) || await localRecord(this.userKey, "inspection_answers", id);
    if (!local) {
      const initial = kind === "patch" ? fields : {};
      await Outbox.record(this.userKey, { table: "inspection_answers", id, kind: "create",
        fields: { inspection_id: this.id, item_key: key, status: "draft", ...initial } });
      if (kind !== "patch") await Outbox.record(this.userKey, { table: "inspection_answers", id, kind, fields });
    } else {
      // The version of the answer as this page shows it: a value another inspector sent since is kept
      // beside this one for review instead of being overwritten unseen.
      await Outbox.record(this.userKey, { table: "inspection_answers", id, kind, fields,
        base_version: local.version ?? null });
    }
    local = await localRecord(this.userKey, "inspection_answers", id);
    this.answers.set(key, local);
    this.paint(el);
    this.progress();
    flushSoon(this.userKey);
  }

  validateValue(el) {
    const input = el.querySelector("[data-value]");
    if (!input || el.dataset.type !== "number") return true;
    if (input.value === "" && input.validity.badInput) { this.itemError(el, this.msg.msgNumber); return false; }
    if (input.value === "") { this.itemError(el, ""); return true; }
    const value = Number(input.value);
    const min = el.dataset.min !== undefined ? Number(el.dataset.min) : -Infinity;
    const max = el.dataset.max !== undefined ? Number(el.dataset.max) : Infinity;
    if (Number.isNaN(value) || value < min || value > max) {
      this.itemError(el, fill(this.msg.msgRange, { min: el.dataset.min ?? "", max: el.dataset.max ?? "" }));
      return false;
    }
    this.itemError(el, "");
    return true;
  }

  /** One corrective action per finding: its id is derived from the inspection and the item (the same on
   * every tablet, so two tablets raising it merge into one record), a second tap while the first is being
   * kept does nothing, and its title is what is wrong (the note), not the item's pass criterion. */
  async raiseAction(el) {
    const key = el.dataset.key;
    if (this.raising.has(key) || this.actions.get(key)) return;
    const noteField = el.querySelector("[data-note]");
    const note = noteField ? noteField.value.trim() : "";
    if (!note) {
      this.itemError(el, this.msg.msgNote);
      if (noteField) noteField.focus();
      return;
    }
    this.raising.add(key);
    const button = el.querySelector("[data-raise-action]");
    if (button) button.disabled = true;
    try {
      const answer = this.answers.get(key);
      const id = await uuid5(ANSWER_NAMESPACE, `${this.id}/${key}/corrective-action`);
      if (!(await localRecord(this.userKey, "corrective_actions", id))) {
        const due = new Date(Date.now() + ACTION_DUE_DAYS * 86400000).toISOString().slice(0, 10);
        await Outbox.record(this.userKey, { table: "corrective_actions", id, kind: "create", fields: {
          section_id: Number(this.inspection.fields.section_id), title: note.split("\n")[0].slice(0, 200),
          description: `${el.dataset.text}\n${note}`.slice(0, 4000), priority: "normal", due_on: due,
          status: "raised", inspection_id: this.id, answer_id: await this.answerId(key), item_key: key,
          place: this.inspection.fields.place || "" } });
        if (answer && (answer.fields.photos || []).length) {
          await Outbox.record(this.userKey, { table: "corrective_actions", id, kind: "set_add",
            fields: { photos: answer.fields.photos } });
        }
      }
      this.actions.set(key, await localRecord(this.userKey, "corrective_actions", id));
    } finally {
      this.raising.delete(key);
      if (button) button.disabled = false;
    }
    this.paint(el);
    this.itemError(el, "");
    flushSoon(this.userKey);
  }

  /** What still stops submitting: required answers, notes and photos of fails, required actions. */
  missing() {
    const problems = [];
    for (const el of this.items) {
      const answer = this.answers.get(el.dataset.key);
      const f = answer ? answer.fields : {};
      if (el.dataset.required === "true" && !answered(el, answer)) problems.push([el, this.msg.msgRequired]);
      else if (f.result === "fail" && !(f.note || "").trim()) problems.push([el, this.msg.msgNote]);
      else if (f.result === "fail" && el.dataset.photoOnFail === "true" && !(f.photos || []).length) {
        problems.push([el, this.msg.msgPhoto]);
      } else if (f.result === "fail" && el.dataset.actionOnFail === "true" && !this.actions.has(el.dataset.key)) {
        problems.push([el, this.msg.msgAction]);
      }
    }
    return problems;
  }

  summary() {
    let pass = 0;
    let fail = 0;
    const fails = [];
    for (const el of this.items) {
      const answer = this.answers.get(el.dataset.key);
      if (!answer) continue;
      if (answer.fields.result === "pass") pass += 1;
      if (answer.fields.result === "fail") { fail += 1; fails.push([el, answer]); }
    }
    const score = this.root.querySelector("[data-score]");
    score.textContent = pass + fail === 0 ? "—" : `${Math.round((100 * pass) / (pass + fail))}%（${pass}/${pass + fail}）`;
    const list = this.root.querySelector("[data-fail-list]");
    list.replaceChildren(...fails.map(([el, answer]) => {
      const li = document.createElement("li");
      const strong = document.createElement("strong");
      strong.textContent = el.dataset.text;
      li.append(strong, document.createTextNode(answer.fields.note ? ` — ${answer.fields.note}` : ""));
      return li;
    }));
    this.root.querySelector("[data-no-fails]").hidden = fails.length > 0;
    this.showMissing(false);
  }

  showMissing(force) {
    const problems = this.missing();
    const box = this.root.querySelector("[data-missing]");
    if (!force && box.hidden) return problems;
    box.hidden = problems.length === 0;
    this.root.querySelector("[data-missing-title]").textContent = fill(this.msg.msgMissing, { count: problems.length });
    this.root.querySelector("[data-missing-list]").replaceChildren(...problems.map(([el, text]) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button-link";
      button.textContent = `${el.dataset.text}: ${text}`;
      button.addEventListener("click", () => {
        this.show(el.dataset.partOf);
        this.itemError(el, text);
        el.scrollIntoView({ block: "center" });
        const target = el.querySelector("button, input, textarea, canvas");
        if (target) target.focus();
      });
      li.append(button);
      return li;
    }));
    for (const [el, text] of problems) this.itemError(el, text);
    return problems;
  }

  async submit() {
    const problems = this.showMissing(true);
    if (problems.length) return;
    const now = new Date().toISOString();
    // Each answer is locked first, then the inspection: all from this tablet, in this order.
    for (const answer of this.answers.values()) {
      if (answer.fields.status !== "submitted") {
        await Outbox.record(this.userKey, { table: "inspection_answers", id: answer.id, kind: "patch",
          fields: { status: "submitted" }, base_version: answer.version ?? null });
      }
    }
    await Outbox.record(this.userKey, { table: "inspections", id: this.id, kind: "patch",
      fields: { status: "submitted", submitted_at: now }, base_version: this.inspection.version ?? null });
    try { localStorage.removeItem(this.partKey); } catch (_) { /* private mode */ }
    await this.reloadAnswers();
    this.lock();
    const done = this.root.querySelector("[data-submitted]");
    done.textContent = this.msg.msgSubmitted;
    done.hidden = false;
    flushSoon(this.userKey);
  }

  drawSignature(el, value) {
    const canvas = el.querySelector("[data-signature]");
    if (!canvas || canvas.dataset.drawing === "true") return;
    const g = canvas.getContext("2d");
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.lineWidth = 3;
    g.lineCap = "round";
    g.strokeStyle = "#1a1a1a";
    for (const stroke of (value && value.strokes) || []) {
      g.beginPath();
      for (let i = 0; i + 1 < stroke.length; i += 2) {
        if (i === 0) g.moveTo(stroke[i], stroke[i + 1]); else g.lineTo(stroke[i], stroke[i + 1]);
      }
      g.stroke();
    }
    canvas.strokes = ((value && value.strokes) || []).map((s) => [...s]);
  }

  wireSignature(el) {
    const canvas = el.querySelector("[data-signature]");
    if (!canvas) return;
    canvas.strokes = canvas.strokes || [];
    const point = (event) => {
      const box = canvas.getBoundingClientRect();
      return [Math.round(((event.clientX - box.left) * canvas.width) / box.width),
        Math.round(((event.clientY - box.top) * canvas.height) / box.height)];
    };
    const g = canvas.getContext("2d");
    canvas.addEventListener("pointerdown", (event) => {
      if (this.locked) return;
      canvas.setPointerCapture(event.pointerId);
      canvas.dataset.drawing = "true";
      const [x, y] = point(event);
      canvas.strokes.push([x, y]);
      g.lineWidth = 3; g.lineCap = "round"; g.strokeStyle = "#1a1a1a";
      g.beginPath(); g.moveTo(x, y);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (canvas.dataset.drawing !== "true") return;
      const [x, y] = point(event);
      canvas.strokes[canvas.strokes.length - 1].push(x, y);
      g.lineTo(x, y); g.stroke();
    });
    const end = () => {
      if (canvas.dataset.drawing !== "true") return;
      canvas.dataset.drawing = "false";
      this.save(el, { value: { w: canvas.width, h: canvas.height, strokes: canvas.strokes } });
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    el.querySelector("[data-signature-clear]").addEventListener("click", () => {
      canvas.strokes = [];
      g.clearRect(0, 0, canvas.width, canvas.height);
      this.save(el, { value: null });
    });
  }

  wire() {
    this.root.addEventListener("click", (event) => {
      const tab = event.target.closest("[data-part-tab]");
      if (tab) { this.show(tab.dataset.partTab); return; }
      const go = event.target.closest("[data-go]");
      if (go) { this.show(go.dataset.go); return; }
      const el = event.target.closest("[data-item]");
      const result = event.target.closest("[data-result]");
      if (el && result) {
        this.itemError(el, "");
        this.save(el, { result: result.dataset.result }).then(() => {
          if (result.dataset.result === "fail") el.querySelector("[data-note]").focus();
        });
        return;
      }
      if (el && event.target.closest("[data-raise-action]")) { this.raiseAction(el); return; }
      if (event.target.closest("[data-submit-inspection]")) this.submit();
    });
    this.root.addEventListener("change", async (event) => {
      const el = event.target.closest("[data-item]");
      if (!el) return;
      if (event.target.matches("[data-value]")) {
        if (this.validateValue(el)) this.save(el, { value: itemValueOf(el) });
      } else if (event.target.matches("[data-choice]")) {
        this.save(el, { value: itemValueOf(el) });
      } else if (event.target.matches("[data-note]")) {
        const note = event.target.value.trim();
        if (note) this.itemError(el, "");
        this.save(el, { note });
      } else if (event.target.matches("[data-photo-input]")) {
        const file = event.target.files && event.target.files[0];
        event.target.value = "";
        if (!file) return;
        try {
          const kept = await Files.keep(this.userKey, file);
          this.itemError(el, "");
          await this.save(el, { photos: [kept.sha256] }, "set_add");
        } catch (error) {
          const known = { too_large: this.msg.msgTooLarge, not_photo: this.msg.msgNotPhoto };
          this.itemError(el, known[error.code] || String(error.message || error));
        }
      }
    });
    this.root.addEventListener("input", (event) => {
      const el = event.target.closest("[data-item]");
      if (el && event.target.matches("[data-value]")) this.validateValue(el);
    });
    for (const el of this.items) if (el.dataset.type === "signature") this.wireSignature(el);
    window.addEventListener("madoguchi:sync-progress", async (event) => {
      if (!event.detail || event.detail.phase !== "done") return;
      await this.reloadAnswers();
      this.render();
    });
    window.addEventListener("hashchange", () => window.location.reload());
  }

  async start() {
    this.wire();
    if (!(await this.load())) return;
    this.render();
    let part = 0;
    try { part = Number(localStorage.getItem(this.partKey) || 0); } catch (_) { /* private mode */ }
    this.show(part);
  }
}

export function startInspections(userKey) {
  if (!userKey) return;
  const form = document.querySelector("form[data-inspection-start]");
  if (form) startForm(userKey, form);
  const walk = document.querySelector("[data-walk]");
  if (walk) new Walk(userKey, walk).start().catch((error) => console.error("inspection", error));
  const local = document.querySelector("[data-local-inspections]");
  if (local) listLocal(userKey, local).catch((error) => console.error("inspection list", error));
}
