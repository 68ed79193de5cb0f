import { parisOffsetMinutes } from '../model/index.js';
import { XdsError } from './errors.js';

const TS = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$/;

/**
 * HL7 TS → XDS DTM in UTC, keeping the precision written. A date alone stays a date (no instant to shift);
 * a time without offset is taken as Europe/Paris time (the CI-SIS asks for an offset; older documents omit it).
 *
 * @example
 * ```ts
 * toUtcDtm('20210401171000+0100', 'creationTime'); // '20210401161000'
 * ```
 */
export function toUtcDtm(ts: string, field: string, where?: string): string {
  const m = TS.exec(ts);
  if (!m) {
    throw new XdsError('XDS_BAD_VALUE', `"${ts}" is not an HL7 TS`, { field, ...(where ? { where } : {}) });
  }
  const [, y, mo, d, h, mi, s, zone] = m;
  if (h === undefined) return `${y}${mo ?? ''}${d ?? ''}`;
  const naive = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi ?? 0), Number(s ?? 0));
  const offset = zone
    ? (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)))
    : parisOffsetMinutes(new Date(naive - 60 * 60_000));
  const utc = new Date(naive - offset * 60_000).toISOString().replace(/[-:T]/g, '');
  return utc.slice(0, 8 + 2 + (mi === undefined ? 0 : 2) + (s === undefined ? 0 : 2));
}

/** A JS Date → XDS DTM (UTC, seconds). */
export function dateToDtm(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Is `v` an XDS DTM (UTC, 4 to 14 digits of an even-length precision)? */
export function isDtm(v: string): boolean {
  return /^\d{4}(\d{2}){0,5}$/.test(v);
}
