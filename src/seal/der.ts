// The few DER pieces the seal needs that the @peculiar/asn1-* schemas do not give byte-exactly: the raw
// encoding of a signer's signed attributes (what was signed) and the end of a DER value padded with zeros.

/** One TLV: tag byte, where its value starts and ends, where the whole TLV ends. */
export interface Tlv {
  tag: number;
  start: number;
  headerEnd: number;
  end: number;
}

/** Reads the TLV at `pos` (definite lengths only, as DER requires). Throws on truncated input. */
export function readTlv(buf: Uint8Array, pos: number): Tlv {
  if (pos + 2 > buf.length) throw new Error('truncated DER');
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte DER tags are not used here');
  let len = buf[pos + 1]!;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('indefinite or oversized DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  const end = p + len;
  if (end > buf.length) throw new Error('truncated DER');
  return { tag, start: pos, headerEnd: p, end };
}

/** Children TLVs of a constructed TLV. */
export function children(buf: Uint8Array, tlv: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = tlv.headerEnd; p < tlv.end; ) {
    const c = readTlv(buf, p);
    out.push(c);
    p = c.end;
  }
  return out;
}

/** DER length octets. */
function lengthOf(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** A TLV from a tag and its content. */
export function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag, ...lengthOf(body.length)]), body]);
}

/** DER SET OF: elements sorted by their encodings (X.690 11.6). */
export function setOf(items: Uint8Array[]): Buffer {
  return tlv(0x31, ...[...items].map((i) => Buffer.from(i)).sort(Buffer.compare));
}
