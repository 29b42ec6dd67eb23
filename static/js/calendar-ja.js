/**
 * Calendar days as staff read them, on the tablet: the same 和暦 as server/calendar_ja.py. A day is an ISO
 * string (yyyy-mm-dd): it compares in order as text and never meets a time zone, so a deadline cannot
 * move by a day because of the tablet's clock settings. The eras come from the server's definitions.
 */

const DAY_MS = 86400000;

/** The day after `days` days (negative: before), as yyyy-mm-dd. */
export function addDays(day, days) {
  const [y, m, d] = day.split("-").map(Number);
  const moved = new Date(Date.UTC(y, m - 1, d) + days * DAY_MS);
  return isoOf(moved.getUTCFullYear(), moved.getUTCMonth() + 1, moved.getUTCDate());
}

export function isoOf(year, month, day) {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

export function isLeapYear(year) {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** A real day written yyyy-mm-dd, or null (30 February, month 13, year 0 are not days). */
export function parseDay(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const lengths = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > lengths[month - 1]) return null;
  return isoOf(year, month, day);
}

/** Today on this tablet's calendar (the office's, as the tablet is set to it). */
export function todayOnTablet(now = new Date()) {
  return isoOf(now.getFullYear(), now.getMonth() + 1, now.getDate());
}

/** `eras`: [first day, 名称, romaji], newest first, as /okuyami/engine/intake.json gives them. */
export function wareki(day, eras) {
  const [year, month, date] = day.split("-").map(Number);
  const era = eras.find(([start]) => day >= start);
  if (!era) throw new RangeError(`${day} is before the eras this application knows`);
  const eraYear = year - Number(era[0].slice(0, 4)) + 1;
  return `${era[1]}${eraYear === 1 ? "元" : eraYear}年${month}月${date}日`;
}

/** 和暦 with the Western year beside it in Japanese, ISO in English (format_date). */
export function formatDate(day, language, eras) {
  if (!day) return "";
  if (language === "ja") return `${wareki(day, eras)}（${Number(day.slice(0, 4))}年）`;
  return day;
}

const OFFICE_TZ = "Asia/Tokyo";

/** A moment (a Date, epoch ms or ISO text) as staff read it, always in Japan time whatever the tablet's
 * zone: the era date with the Western year and the time in Japanese, 2026-12-03 10:02 in English
 * (server: format_moment). */
export function formatMoment(moment, language) {
  if (moment === null || moment === undefined || moment === "") return "";
  const when = moment instanceof Date ? moment : new Date(moment);
  if (Number.isNaN(when.getTime())) return String(moment);
  const parts = {};
  const western = new Intl.DateTimeFormat("en-CA", { timeZone: OFFICE_TZ, year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  for (const { type, value } of western.formatToParts(when)) parts[type] = value;
  const time = `${parts.hour}:${parts.minute}`;
  if (language !== "ja") return `${parts.year}-${parts.month}-${parts.day} ${time}`;
  const era = new Intl.DateTimeFormat("ja-JP-u-ca-japanese", { timeZone: OFFICE_TZ, era: "long",
    year: "numeric", month: "long", day: "numeric" }).format(when);
  return `${era}（${Number(parts.year)}年） ${time}`;
}
