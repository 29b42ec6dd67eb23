/**
 * The family's guide on the tablet: the plan's procedures grouped by counter in walking order, the most
 * pressing deadline first within a counter, each deadline a real date when the intake knows the day
 * (server/okuyami/guide.py). Which intake date each deadline anchor counts from comes from the server's
 * definitions.
 */
import { addDays, formatDate } from "../calendar-ja.js";

const LAST_DAY = "9999-12-31"; // date.max: an item without a day comes after every dated one

/**
 * The last day (when the intake tells it) and what the family counts from. The period runs from the day
 * after the event (民法140条), so the last day is the event plus the number of days.
 */
export function deadlineOf(procedure, intake, catalogue, defs) {
  const rule = procedure.deadline;
  if (!rule) return { day: null, days: null, anchor_ja: "", anchor_en: "" };
  const anchor = catalogue.anchors[rule.anchor] || {};
  const event = intake.dates[defs.anchor_events[rule.anchor] || ""];
  const day = event && rule.days !== null ? addDays(event, rule.days) : null;
  return { day, days: rule.days, anchor_ja: anchor.ja || "", anchor_en: anchor.en || "" };
}

/**
 * The deadline as the family reads it. `labels`: the page's translations of "No set deadline (as soon as
 * convenient)" (`none`) and "Within %(days)s days from %(anchor)s" (`within`).
 */
export function deadlineLabel(deadline, language, labels, defs) {
  if (deadline.day) return formatDate(deadline.day, language, defs.eras);
  if (deadline.days === null) return labels.none;
  const anchor = language === "ja" ? deadline.anchor_ja : deadline.anchor_en;
  return labels.within.replace("%(days)s", String(deadline.days)).replace("%(anchor)s", anchor);
}

function compareUrgency(a, b) {
  const dayA = a.deadline.day || LAST_DAY;
  const dayB = b.deadline.day || LAST_DAY;
  if (dayA !== dayB) return dayA < dayB ? -1 : 1;
  if (a.procedure.id === b.procedure.id) return 0;
  return a.procedure.id < b.procedure.id ? -1 : 1;
}

function stops(procedures, intake, catalogue, defs) {
  const byCounter = new Map();
  for (const procedure of procedures) {
    if (!byCounter.has(procedure.counter.id)) byCounter.set(procedure.counter.id, []);
    byCounter.get(procedure.counter.id).push({ procedure, deadline: deadlineOf(procedure, intake, catalogue, defs) });
  }
  const list = [...byCounter].map(([id, items]) => ({ counter: catalogue.counters[id], items: items.sort(compareUrgency) }));
  return list.sort((a, b) => a.counter.walk_order - b.counter.walk_order);
}

/** {stops (municipal, walking order), external, to_confirm, other_matters}. */
export function buildGuide(plan, intake, catalogue, defs) {
  return {
    stops: stops(plan.municipal, intake, catalogue, defs),
    external: stops(plan.external, intake, catalogue, defs),
    to_confirm: plan.to_confirm.map((procedure) => ({ procedure, deadline: deadlineOf(procedure, intake, catalogue, defs) })),
    other_matters: catalogue.other_matters,
  };
}

/** Sorted ids of the procedures listed (municipal and external): what the statistics count. */
export function guideProcedureIds(guide) {
  return [...guide.stops, ...guide.external].flatMap((stop) => stop.items.map((i) => i.procedure.id)).sort();
}
