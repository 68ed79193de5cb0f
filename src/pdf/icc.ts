/**
 * A minimal ICC v2.1 display profile for sRGB (IEC 61966-2.1), built in code so that the PDF/A
 * OutputIntent needs no binary asset and no extra dependency (no maintained npm package ships one).
 *
 * Content follows the widely used HP/Microsoft "sRGB IEC61966-2.1" v2 profile: D65 media white point,
 * Bradford-adapted (D50) primaries, and the sRGB transfer curve sampled on 1024 points (one `curv`
 * shared by the three TRC tags). PDF/A-1 accepts ICC profiles up to version 2.x/4.0; v2 is the safe choice
 * for PDF 1.4 readers.
 */

const TRC_POINTS = 1024;

function s15Fixed16(v: number): number {
  return Math.round(v * 65536) | 0;
}

function sig(s: string): number {
  return ((s.charCodeAt(0) << 24) | (s.charCodeAt(1) << 16) | (s.charCodeAt(2) << 8) | s.charCodeAt(3)) >>> 0;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function xyzTag(x: number, y: number, z: number): Uint8Array {
  const b = new Uint8Array(20);
  const v = new DataView(b.buffer);
  v.setUint32(0, sig('XYZ '));
  v.setInt32(8, s15Fixed16(x));
  v.setInt32(12, s15Fixed16(y));
  v.setInt32(16, s15Fixed16(z));
  return b;
}

function curvTag(): Uint8Array {
  const b = new Uint8Array(12 + 2 * TRC_POINTS);
  const v = new DataView(b.buffer);
  v.setUint32(0, sig('curv'));
  v.setUint32(8, TRC_POINTS);
  for (let i = 0; i < TRC_POINTS; i++) {
    const c = i / (TRC_POINTS - 1);
    const lin = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    v.setUint16(12 + 2 * i, Math.round(lin * 65535));
  }
  return b;
}

/** ICC v2 `textDescriptionType`: ASCII part, empty Unicode part, empty ScriptCode part. */
function descTag(text: string): Uint8Array {
  const ascii = `${text}\0`;
  const b = new Uint8Array(12 + ascii.length + 4 + 4 + 2 + 1 + 67);
  const v = new DataView(b.buffer);
  v.setUint32(0, sig('desc'));
  v.setUint32(8, ascii.length);
  for (let i = 0; i < ascii.length; i++) b[12 + i] = ascii.charCodeAt(i);
  return b; // Unicode language/count, ScriptCode code/count and the 67-byte Mac string stay zero.
}

function textTag(text: string): Uint8Array {
  const ascii = `${text}\0`;
  const b = new Uint8Array(8 + ascii.length);
  new DataView(b.buffer).setUint32(0, sig('text'));
  for (let i = 0; i < ascii.length; i++) b[8 + i] = ascii.charCodeAt(i);
  return b;
}

let cached: Uint8Array | undefined;

/** The sRGB ICC v2 profile bytes (built once, then shared; callers must not mutate them). */
export function srgbIccProfile(): Uint8Array {
  if (cached) return cached;
  const curv = curvTag();
  const tags: Array<[string, Uint8Array]> = [
    ['desc', descTag('sRGB IEC61966-2.1')],
    ['cprt', textTag('No copyright, use freely')],
    ['wtpt', xyzTag(0.95045, 1.0, 1.08905)],
    ['rXYZ', xyzTag(0.43607, 0.22249, 0.01392)],
    ['gXYZ', xyzTag(0.38515, 0.71687, 0.09708)],
    ['bXYZ', xyzTag(0.14307, 0.06061, 0.7141)],
    ['rTRC', curv],
    ['gTRC', curv],
    ['bTRC', curv],
  ];
  const tableSize = 4 + 12 * tags.length;
  let offset = 128 + tableSize;
  const placed = new Map<Uint8Array, number>();
  const entries: Array<{ sig: string; offset: number; size: number }> = [];
  for (const [name, data] of tags) {
    let at = placed.get(data);
    if (at === undefined) {
      at = offset;
      placed.set(data, at);
      offset = pad4(offset + data.length);
    }
    entries.push({ sig: name, offset: at, size: data.length });
  }
  const total = offset;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, total);
  v.setUint32(8, 0x02100000); // version 2.1.0
  v.setUint32(12, sig('mntr'));
  v.setUint32(16, sig('RGB '));
  v.setUint32(20, sig('XYZ '));
  // Creation date (fixed, so that the profile — and the PDF — are reproducible): 2024-01-01 00:00:00.
  v.setUint16(24, 2024);
  v.setUint16(26, 1);
  v.setUint16(28, 1);
  v.setUint32(36, sig('acsp'));
  v.setUint32(64, 0); // perceptual
  v.setInt32(68, s15Fixed16(0.9642)); // PCS illuminant D50
  v.setInt32(72, s15Fixed16(1.0));
  v.setInt32(76, s15Fixed16(0.8249));
  v.setUint32(128, tags.length);
  entries.forEach((e, i) => {
    v.setUint32(132 + 12 * i, sig(e.sig));
    v.setUint32(136 + 12 * i, e.offset);
    v.setUint32(140 + 12 * i, e.size);
  });
  for (const [data, at] of placed) out.set(data, at);
  cached = out;
  return out;
}
