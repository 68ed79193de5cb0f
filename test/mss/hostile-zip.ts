import { zipSync } from 'fflate';

/** A zip written by fflate with the names as given (fflate does not sanitise names such as `../x`). */
export function fflateZip(entries: Record<string, string>): Uint8Array {
  const enc = new TextEncoder();
  return zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, enc.encode(v)])));
}
