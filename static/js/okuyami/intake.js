/**
 * The desk's intake on the tablet: the questionnaire's text answers into typed answers, then the checked,
 * complete set of values the rules read. The same steps as server/okuyami/questions.py
 * (answers_from_form) and server/okuyami/intake.py (parse_intake). No field name is written here: every
 * field, default and check comes from the definitions the server generates from those Python files
 * (/okuyami/engine/intake.json), so the two engines cannot hold different lists.
 */
import { addDays, isLeapYear, isoOf, parseDay } from "../calendar-ja.js";
import { UNKNOWN } from "./rules.js";

const YES = "true";
const NO = "false";

/** Answers that cannot be used: `errors` maps each field to an English msgid, as the server's does. */
export class IntakeError extends Error {
  constructor(errors, details) {
    super(Object.entries(errors).map(([name, message]) => `${name}: ${message}`).join("; "));
    this.errors = errors;
    this.details = details;
  }
}

function isMapping(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** {"group": {"answer": true}} → {"group.answer": true}; dotted keys pass as they are. */
export function flatten(data, prefix = "") {
  const flat = {};
  for (const [key, value] of Object.entries(data)) {
    const name = `${prefix}${key}`;
    if (isMapping(value)) Object.assign(flat, flatten(value, `${name}.`));
    else flat[name] = value;
  }
  return flat;
}

function isUnknown(value) {
  return value === null || value === undefined || value === "unknown";
}

/** The day a person reaches 65 in law: the day before the 65th birthday; 28 February for a 29 February birth. */
export function sixtyFifthBirthdayEve(born) {
  const [y, m, d] = born.split("-").map(Number);
  const year = y + 65;
  const birthday = m === 2 && d === 29 && !isLeapYear(year) ? isoOf(year, 3, 1) : isoOf(year, m, d);
  return addDays(birthday, -1);
}

/** Whether the deceased was a category-1 long-term-care insured (65 or over in law) on death. */
export function kaigoCategory1(born, died) {
  return died >= sixtyFifthBirthdayEve(born);
}

/** Text length as Python counts it (code points, not UTF-16 units). */
function length(text) {
  return [...text].length;
}

/**
 * Check every answer and apply the defaults; throws IntakeError naming each bad field.
 * @param {object} data answers, nested or dotted
 * @param {string} today yyyy-mm-dd
 * @param {object} defs the intake definitions
 * @returns {{values: object, dates: object, texts: object, given: Set<string>}}
 */
export function parseIntake(data, today, defs) {
  const flat = flatten(data);
  const errors = {};
  const details = {};
  const values = {};
  const dates = {};
  const texts = {};
  const setDefault = (name, message) => { if (!Object.hasOwn(errors, name)) errors[name] = message; };
  const isDate = (name) => defs.required_dates.includes(name) || defs.optional_dates.includes(name);

  for (const [name, raw] of Object.entries(flat)) {
    if (Object.hasOwn(defs.not_collected, name)) {
      errors[name] = defs.not_collected[name];
    } else if (name === defs.derived) {
      errors[name] = "This is worked out from the dates of birth and death; do not enter it.";
    } else if (Object.hasOwn(defs.booleans, name)) {
      if (isUnknown(raw)) values[name] = UNKNOWN;
      else if (typeof raw === "boolean") values[name] = raw;
      else {
        errors[name] = "Answer yes, no or don't know.";
        details[name] = `got ${JSON.stringify(raw)}; use true, false or "unknown"`;
      }
    } else if (Object.hasOwn(defs.counts, name)) {
      if (isUnknown(raw)) values[name] = UNKNOWN;
      else if (Number.isInteger(raw) && raw >= 0 && raw <= defs.count_max) values[name] = raw;
      else {
        errors[name] = "Enter a number of people from 0 to 99, or don't know.";
        details[name] = `got ${JSON.stringify(raw)}`;
      }
    } else if (Object.hasOwn(defs.enums, name)) {
      if (isUnknown(raw)) values[name] = UNKNOWN;
      else if (typeof raw === "string" && defs.enums[name].includes(raw)) values[name] = raw;
      else {
        errors[name] = "This is not one of the choices.";
        details[name] = `got ${JSON.stringify(raw)}; one of ${defs.enums[name].join(", ")}, unknown`;
      }
    } else if (isDate(name)) {
      if (raw === null || raw === undefined || raw === "") continue;
      const day = typeof raw === "string" ? parseDay(raw.trim()) : null;
      if (day) dates[name] = day;
      else errors[name] = "This is not a real date (year-month-day).";
    } else if (defs.texts.includes(name)) {
      if (raw === null || raw === undefined) continue;
      if (typeof raw !== "string") errors[name] = "Enter text here.";
      else if (length(raw) > defs.text_max) errors[name] = "Keep this under 200 characters.";
      else if (raw.trim()) texts[name] = raw.trim();
    } else {
      errors[name] = "This is not a question of the intake.";
    }
  }

  for (const [name, message] of Object.entries(defs.always_asked)) {
    if (!Object.hasOwn(flat, name)) setDefault(name, message);
  }
  for (const name of defs.required_dates) {
    if (!Object.hasOwn(flat, name) || flat[name] === null || flat[name] === "") setDefault(name, "This date is needed.");
  }
  const born = dates[defs.birth];
  const died = dates[defs.death];
  if (born && born > today) setDefault(defs.birth, "The date of birth is in the future.");
  if (died && died > today) setDefault(defs.death, "The date of death is in the future.");
  if (born && died && died < born) setDefault(defs.death, "The date of death is before the date of birth.");
  const funeral = dates[defs.funeral];
  if (funeral && died && funeral < died) setDefault(defs.funeral, "The funeral cannot be before the death.");
  const total = values[defs.household_total];
  if (Number.isInteger(total)) {
    for (const part of defs.household_parts) {
      if (Number.isInteger(values[part]) && values[part] > total) {
        setDefault(part, "This is more than the people remaining in the household.");
      }
    }
  }
  if (Object.keys(errors).length) throw new IntakeError(errors, details);

  const given = new Set(Object.keys(values));
  for (const [name, fallback] of Object.entries({ ...defs.booleans, ...defs.counts, ...defs.enum_defaults })) {
    if (!Object.hasOwn(values, name)) values[name] = fallback;
  }
  values[defs.derived] = kaigoCategory1(born, died);
  return { values, dates, texts, given };
}

/**
 * The questionnaire's text answers → typed answers (dotted names). Hidden and unanswered questions are
 * left out so they take their defaults. Returns the answers and the fields whose text could not be read.
 */
export function answersFromForm(form, defs) {
  const questions = new Map(defs.questions.map((q) => [q.field, q]));
  const answers = {};
  const errors = {};
  for (const [name, raw] of Object.entries(form)) {
    const question = questions.get(name);
    if (!question) continue;
    const value = String(raw).trim();
    if (question.show_if && !question.show_if[1].includes(form[question.show_if[0]] ?? "")) continue;
    if (value === "") {
      if (question.required && question.kind !== "enum") answers[name] = ""; // the intake names the missing date
      continue;
    }
    if (value === "unknown" && ["yesno", "count", "enum"].includes(question.kind)) answers[name] = "unknown";
    else if (question.kind === "yesno") {
      if (value !== YES && value !== NO) { errors[name] = "Answer yes, no or don't know."; continue; }
      answers[name] = value === YES;
    } else if (question.kind === "count") {
      if (!/^[0-9]+$/.test(value)) { errors[name] = "Enter a number of people from 0 to 99, or don't know."; continue; }
      answers[name] = Number(value);
    } else {
      answers[name] = value;
    }
  }
  return { answers, errors };
}

/** A case's stored questionnaire → its intake, as service.intake_of does on the server. */
export function intakeOfForm(form, today, defs) {
  const { answers, errors } = answersFromForm(form, defs);
  let intake;
  try {
    intake = parseIntake(answers, today, defs);
  } catch (error) {
    if (error instanceof IntakeError) throw new IntakeError({ ...error.errors, ...errors }, error.details);
    throw error;
  }
  if (Object.keys(errors).length) throw new IntakeError(errors, {});
  return intake;
}
