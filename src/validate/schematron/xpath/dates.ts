/**
 * xs:date and xs:dateTime lexical and value checks as Saxon 9.9 applies them (day-of-month ranges, leap years,
 * timezone bounds, 24:00:00), and xs:dateTime values as instants for comparison.
 */
import { DateTimeValue } from './values.js';

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const TZ = '(Z|[+-](\\d{2}):(\\d{2}))?';

function validTz(h?: string, m?: string): boolean {
  if (h === undefined) return true;
  const hh = Number(h);
  const mm = Number(m);
  return mm <= 59 && (hh < 14 || (hh === 14 && mm === 0));
}

function validDate(y: string, mo: string, d: string): boolean {
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  // year 0000 is accepted, as Saxon 9.9 does (XSD 1.1 / ISO 8601 astronomical years)
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(Math.abs(year), month);
}

const DATE_RE = new RegExp(`^\\s*(-?\\d{4,})-(\\d{2})-(\\d{2})${TZ}\\s*$`);
const DATETIME_RE = new RegExp(
  `^\\s*(-?\\d{4,})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?${TZ}\\s*$`,
);

/** Lexical and value check of xs:date, as Saxon 9.9 applies it. */
export function isXsDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  if (/^-?0\d{4,}/.test(m[1] as string)) return false; // no leading zero beyond 4 digits
  return validDate(m[1] as string, m[2] as string, m[3] as string) && validTz(m[5], m[6]);
}

/** Parse a valid xs:dateTime (years 1–9999 only; others go to fontoxpath). */
export function parseDateTime(s: string): DateTimeValue | undefined {
  if (!isXsDateTime(s)) return undefined;
  const m = DATETIME_RE.exec(s) as RegExpExecArray;
  const year = Number(m[1]);
  if (year < 1 || year > 9999) return undefined;
  let ms = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (year < 100) {
    const d = new Date(ms);
    d.setUTCFullYear(year);
    ms = d.getTime();
  }
  if (m[7]) ms += Number(m[7]) * 1000;
  const tz = m[8] !== undefined;
  if (tz && m[8] !== 'Z') {
    const sign = (m[8] as string)[0] === '-' ? -1 : 1;
    ms -= sign * (Number(m[9]) * 60 + Number(m[10])) * 60000;
  }
  return new DateTimeValue(ms, tz);
}

/** Lexical and value check of xs:dateTime (24:00:00 allowed). */
export function isXsDateTime(s: string): boolean {
  const m = DATETIME_RE.exec(s);
  if (!m) return false;
  if (/^-?0\d{4,}/.test(m[1] as string)) return false;
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const sec = Number(m[6]);
  const frac = m[7] ? Number(m[7]) : 0;
  const timeOk = (h < 24 && mi <= 59 && sec <= 59) || (h === 24 && mi === 0 && sec === 0 && frac === 0);
  return timeOk && validDate(m[1] as string, m[2] as string, m[3] as string) && validTz(m[9], m[10]);
}
