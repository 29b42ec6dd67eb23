/**
 * The procedure catalogue on the tablet: the ward's data file as the server serves it
 * (/okuyami/engine/catalogue.json), with every rule parsed once. The server checks the file when it
 * starts (server/okuyami/catalogue.py), so a catalogue that reaches the tablet is a checked one.
 */
import { parse } from "./rules.js";

export const DEFAULT_RULE_MODE = "refined_15plus";

function counterOf(id, raw) {
  return {
    id, name_ja: raw.name.ja, name_en: raw.name.en, window: raw.window || "", floor: raw.floor ?? null,
    walk_order: Number(raw.walk_order), location: raw.location, phone: raw.phone ?? null, address: raw.address ?? null,
  };
}

/** Build the catalogue from the parsed data file. */
export function buildCatalogue(document) {
  const modes = [...(document.rule_modes || [])];
  const counters = {};
  for (const [id, raw] of Object.entries(document.counters || {})) counters[id] = counterOf(id, raw);
  const procedures = (document.procedures || []).map((raw) => {
    const rules = {};
    if (raw.applies_when_by_mode) for (const mode of modes) rules[mode] = parse(raw.applies_when_by_mode[mode]);
    else rules["*"] = parse(raw.applies_when);
    const deadline = raw.deadline ? { days: raw.deadline.days ?? null, anchor: raw.deadline.from } : null;
    return {
      id: raw.id, name_ja: raw.name.ja, name_en: raw.name.en, scope: raw.scope, counter: counters[raw.counter],
      documents: [...(raw.documents || [])], deadline, prefillable: Boolean(raw.prefillable), rules,
      note: raw.note || "",
    };
  });
  return {
    procedures, counters, rule_modes: modes, anchors: document.deadline_anchors || {},
    other_matters: [...(document.other_matters || [])],
  };
}

/** A procedure's rule in a mode; a rule without modes applies in every mode. */
export function ruleOf(procedure, mode) {
  return procedure.rules[mode] || procedure.rules["*"];
}
