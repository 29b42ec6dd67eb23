/**
 * The family's guide built on the desk tablet from its own copy of the case (IndexedDB), for when the
 * network is gone or the server cannot give the guide. The page (/okuyami/guide) holds no answers and may
 * be kept by the service worker; the family's data only ever goes into this page's DOM, never into a
 * cache. Every text of the page comes translated from the template's data attributes; the catalogue and
 * the intake definitions are the server's own (/okuyami/engine/*.json), versioned and kept offline.
 */
import { todayOnTablet, formatDate } from "../calendar-ja.js";
import { buildCatalogue } from "./catalogue.js";
import { buildGuide, deadlineLabel } from "./guide.js";
import { IntakeError, intakeOfForm } from "./intake.js";
import { makePlan } from "./plan.js";

async function json(url) {
  // The service worker answers these from its store when there is no network.
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

/** The catalogue and the intake definitions, parsed once per page. */
let engine = null;
export function loadEngine(catalogueUrl, intakeUrl) {
  if (!engine) {
    engine = Promise.all([json(catalogueUrl), json(intakeUrl)]).then(([document, defs]) => ({
      catalogue: buildCatalogue(document), defs,
    }));
    engine.catch(() => { engine = null; });
  }
  return engine;
}

/** The case's guide from the questionnaire as stored: {intake, guide}; throws IntakeError. */
export function guideOfAnswers(form, today, ruleMode, { catalogue, defs }) {
  const intake = intakeOfForm(form, today, defs);
  return { intake, guide: buildGuide(makePlan(intake, catalogue, ruleMode), intake, catalogue, defs) };
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function fill(template, values) {
  return Object.entries(values).reduce((text, [key, value]) => text.replace(`%(${key})s`, value), template);
}

/** One table of procedures, as okuyami/guide.html's items_table draws it. */
function itemsTable(root, items, withStatus, context) {
  const table = root.querySelector("template[data-okuyami-table]").content.firstElementChild.cloneNode(true);
  if (!withStatus) table.querySelector("[data-status-column]").remove();
  const body = table.querySelector("tbody");
  const statusTemplate = root.querySelector("template[data-okuyami-status]").content;
  for (const item of items) {
    const { procedure } = item;
    const row = element("tr");
    row.dataset.procedure = procedure.id;
    const name = element("td");
    const box = element("span", "okuyami-box", "□");
    box.setAttribute("aria-hidden", "true");
    name.append(box, ` ${context.language === "ja" ? procedure.name_ja : procedure.name_en}`);
    if (procedure.note) name.append(element("p", "hint", procedure.note));
    const documents = element("ul", "okuyami-documents");
    for (const doc of procedure.documents) documents.append(element("li", "", doc));
    const bring = element("td");
    bring.append(documents);
    row.append(name, bring, element("td", "", deadlineLabel(item.deadline, context.language, context.labels, context.defs)));
    if (withStatus) {
      const cell = element("td", "no-print");
      const status = statusTemplate.cloneNode(true);
      const select = status.querySelector("select");
      select.id = `s-${procedure.id}`;
      select.name = `status.${procedure.id}`;
      select.value = context.progress[procedure.id] || "guided";
      status.querySelector("label").htmlFor = select.id;
      cell.append(status);
      row.append(cell);
    }
    body.append(row);
  }
  return table;
}

function counterHeading(stop, index, context) {
  const counter = stop.counter;
  const name = context.language === "ja" ? counter.name_ja : counter.name_en;
  const heading = element("h3", "", index === null ? name : `${index}. ${name}${counter.window ? ` (${counter.window})` : ""}`);
  if (index !== null) {
    const where = [counter.floor || "", counter.phone ? ` ${context.labels.phone} ${counter.phone}` : "",
      counter.address ? ` ${counter.address}` : ""].join("");
    heading.append(" ", element("span", "okuyami-where", where));
  }
  return heading;
}

function stopsOf(root, stops, numbered, context) {
  return stops.map((stop, i) => {
    const section = element("section", "okuyami-stop");
    section.append(counterHeading(stop, numbered ? i + 1 : null, context), itemsTable(root, stop.items, numbered, context));
    return section;
  });
}

/** Draw the guide into the page's placeholders (the page's own headings are already translated). */
export function drawGuide(root, { intake, guide }, record, defs) {
  const language = document.documentElement.lang === "ja" ? "ja" : "en";
  const data = root.dataset;
  const context = {
    language, defs, progress: (record.fields && record.fields.progress) || {},
    labels: { none: data.labelNone, within: data.labelWithin, phone: data.labelPhone },
  };
  const part = (name) => root.querySelector(`[data-okuyami-part="${name}"]`);
  part("for").textContent = fill(data.labelFor, {
    name: intake.texts[defs.deceased_name] || "", day: formatDate(intake.dates[defs.death], language, defs.eras),
  });
  part("stops").replaceChildren(...stopsOf(root, guide.stops, true, context));
  part("stops-heading").hidden = guide.stops.length === 0;
  part("no-stops").hidden = guide.stops.length > 0;
  part("confirm").hidden = guide.to_confirm.length === 0;
  part("confirm-table").replaceChildren(itemsTable(root, guide.to_confirm, true, context));
  part("external").hidden = guide.external.length === 0;
  part("external-stops").replaceChildren(...stopsOf(root, guide.external, false, context));
  part("other").replaceChildren(...guide.other_matters.map((m) => element("li", "", language === "ja" ? m.ja : m.en)));
  const open = !record.fields || (record.fields.status || "open") === "open";
  part("close").hidden = !open;
  const form = root.querySelector("form[data-okuyami-progress]");
  form.dataset.caseVersion = record.version == null ? "" : String(record.version);
  form.dataset.caseOpen = open ? "true" : "false";
}

/**
 * Show the case's guide from the tablet's copy. Returns "shown", "missing" (the case is not on this
 * tablet) or "invalid" (its answers cannot be used yet; the questionnaire says which).
 */
export async function showLocalGuide(root, record) {
  const part = (name) => root.querySelector(`[data-okuyami-part="${name}"]`);
  if (!record || record.deleted) {
    part("missing").hidden = false;
    return "missing";
  }
  const loaded = await loadEngine(root.dataset.catalogueUrl, root.dataset.intakeUrl);
  let built;
  try {
    built = guideOfAnswers((record.fields && record.fields.answers) || {}, todayOnTablet(), root.dataset.ruleMode, loaded);
  } catch (error) {
    if (!(error instanceof IntakeError)) throw error;
    part("invalid").hidden = false;
    return "invalid";
  }
  drawGuide(root, built, record, loaded.defs);
  part("body").hidden = false;
  return "shown";
}
