import { createHash } from 'node:crypto';

/**
 * A reproducible id generator: UUIDs (RFC 4122 layout, version 4 bits set) derived from `seed` and a counter,
 * so the same seed gives the same sequence. Pass it as `idGenerator` to get byte-identical documents.
 *
 * @example
 * buildCrBio(report, { idGenerator: seededIds('request-2024-0001'), clock: () => new Date('2024-01-04T16:10:00Z') });
 */
export function seededIds(seed: string): () => string {
  let n = 0;
  return () => {
    const h = createHash('sha256').update(`${seed}\u0000${n++}`).digest();
    h[6] = ((h[6] ?? 0) & 0x0f) | 0x40;
    h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
    const x = h.subarray(0, 16).toString('hex').toUpperCase();
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
  };
}
