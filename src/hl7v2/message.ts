// The ER7 codec: @medplum/core's Hl7Message splits segments/fields/repetitions/components and joins them back;
// it neither escapes nor unescapes (see docs/decisions.md), so every leaf value goes through ./escape.ts here.
import { Hl7Context, Hl7Message, Hl7Segment as MedplumSegment } from '@medplum/core';
import { Hl7v2Error } from './errors.js';
import { DEFAULT_ENCODING, type EncodingCharacters, escapeHl7, unescapeHl7 } from './escape.js';

/** A field: its repetitions, each a list of components, each a list of subcomponents (all unescaped). */
export type Hl7Field = string[][][];

/** One segment: `fields[n]` is SEG-n (index 0 unused; for MSH, fields[1] is MSH-1 and fields[2] MSH-2). */
export interface Hl7Segment {
  name: string;
  fields: Hl7Field[];
}

/** A parsed message. */
export interface Hl7v2Message {
  encoding: EncodingCharacters;
  /** MSH-18 as written (e.g. `UNICODE UTF-8`), empty when absent. */
  charset: string;
  segments: Hl7Segment[];
}

/** Options of {@link parseHl7v2}. */
export interface ParseHl7v2Options {
  /** Largest input accepted (bytes or UTF-16 units); default 64 MiB. */
  maxBytes?: number;
}

const MAX_BYTES = 64 * 2 ** 20;

/**
 * Parse an ER7 message (CR, LF or CRLF between segments; MLLP framing characters tolerated). Bytes are decoded in
 * the character set MSH-18 names (UTF-8 or ISO 8859-15/-1); values come out unescaped.
 *
 * @example
 * ```ts
 * const msg = parseHl7v2(readFileSync('oru.hl7'));
 * field(segment(msg, 'MSH'), 9, 2); // 'R01'
 * ```
 */
export function parseHl7v2(input: string | Uint8Array, options: ParseHl7v2Options = {}): Hl7v2Message {
  const max = options.maxBytes ?? MAX_BYTES;
  if (input.length > max) {
    throw new Hl7v2Error('HL7_TOO_LARGE', `message of ${input.length} bytes exceeds the limit of ${max}`);
  }
  const text = trimFraming(typeof input === 'string' ? input : decodeBytes(input));
  if (text.length === 0) throw new Hl7v2Error('HL7_EMPTY', 'empty message');
  if (!text.startsWith('MSH')) {
    throw new Hl7v2Error('HL7_NO_MSH', `a message starts with an MSH segment, not "${text.slice(0, 3)}"`, {
      where: 'segment 1',
    });
  }
  const encoding = encodingOf(text);
  const parsed = Hl7Message.parse(text);
  const segments: Hl7Segment[] = [];
  for (const [i, seg] of parsed.segments.entries()) {
    if (seg.fields.length === 1 && seg.name === '') continue; // empty line
    if (!/^[A-Z][A-Z0-9]{2}$/.test(seg.name)) {
      throw new Hl7v2Error('HL7_SEGMENT', `"${seg.name.slice(0, 20)}" is not a segment name`, {
        where: `segment ${i + 1}`,
      });
    }
    segments.push(i === 0 ? mshOf(text, encoding) : convert(seg, encoding));
  }
  return { encoding, charset: leaf(segments[0]!, 18), segments };
}

// MLLP framing bytes (VT, FS), a BOM and blank lines around the message are tolerated.
function trimFraming(t: string): string {
  const junk = (c: string) => c === '\uFEFF' || c === '\u000B' || c === '\u001C' || c.trim() === '';
  let a = 0;
  let b = t.length;
  while (a < b && junk(t[a]!)) a++;
  // At the end only framing and line ends: a trailing space is data of the last field.
  while (b > a && '\u001C\u000B\r\n'.includes(t[b - 1]!)) b--;
  return t.slice(a, b);
}

function decodeBytes(bytes: Uint8Array): string {
  // Delimiters are ASCII: read MSH-18 from a latin1 view, then decode the whole in that set.
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const msh = head.split(/[\r\n]/, 1)[0] ?? '';
  const charset = msh.length > 4 ? (msh.split(msh[3]!)[17] ?? '') : '';
  const latin = /8859\/(15|1)\b/.exec(charset);
  const label = latin ? `iso-8859-${latin[1]}` : 'utf-8';
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch (e) {
    throw new Hl7v2Error('HL7_CHARSET', `the bytes are not valid ${label} (MSH-18 "${charset}")`, {
      where: 'MSH-18',
      cause: e,
    });
  }
}

function encodingOf(text: string): EncodingCharacters {
  const field = text[3] ?? '';
  const end = text.indexOf(field, 4);
  const msh2 = text.slice(4, end < 0 ? undefined : end);
  const chars = [field, ...msh2.slice(0, 4)];
  const ok =
    msh2.length >= 4 &&
    msh2.length <= 5 &&
    new Set(chars).size === 5 &&
    chars.every((c) => !/[A-Za-z0-9\s]/.test(c));
  if (!ok) {
    throw new Hl7v2Error('HL7_ENCODING_CHARACTERS', `unusable delimiters "${field}${msh2}" in MSH-1/MSH-2`, {
      where: 'MSH-2',
    });
  }
  const [component, repetition, esc, subcomponent] = [...msh2] as [string, string, string, string];
  return { field, component, repetition, escape: esc, subcomponent };
}

function splitField(raw: string, enc: EncodingCharacters): Hl7Field {
  return raw
    .split(enc.repetition)
    .map((rep) =>
      rep.split(enc.component).map((c) => c.split(enc.subcomponent).map((s) => unescapeHl7(s, enc))),
    );
}

function convert(seg: MedplumSegment, enc: EncodingCharacters): Hl7Segment {
  const fields: Hl7Field[] = [[]];
  for (const f of seg.fields.slice(1)) {
    fields.push(
      f.components.map((rep) => rep.map((c) => c.split(enc.subcomponent).map((s) => unescapeHl7(s, enc)))),
    );
  }
  return { name: seg.name, fields };
}

function mshOf(text: string, enc: EncodingCharacters): Hl7Segment {
  // MSH-1 is the field separator itself and MSH-2 holds the delimiters: neither is split nor unescaped.
  const line = text.split(/[\r\n]/, 1)[0]!;
  const raw = line.split(enc.field);
  const msh2 = raw[1] ?? '';
  const fields: Hl7Field[] = [[], [[[enc.field]]], [[[msh2]]]];
  for (const f of raw.slice(2)) fields.push(splitField(f, enc));
  return { name: 'MSH', fields };
}

/**
 * The segments named `name`, in order.
 *
 * @example
 * ```ts
 * segments(parseHl7v2(oru), 'OBX').map((s) => leaf(s, 3)); // ['11502-2', 'MASQUE_PS', …]
 * ```
 */
export function segments(msg: Hl7v2Message, name: string): Hl7Segment[] {
  return msg.segments.filter((s) => s.name === name);
}

/**
 * The first segment named `name`, or undefined.
 *
 * @example
 * ```ts
 * leaf(segment(parseHl7v2(oru), 'PID'), 3); // the first patient identifier
 * ```
 */
export function segment(msg: Hl7v2Message, name: string): Hl7Segment | undefined {
  return msg.segments.find((s) => s.name === name);
}

/**
 * One value: field `n`, component `c`, subcomponent `s` of repetition `r` (1-based, repetition 0-based);
 * empty string when absent.
 *
 * @example
 * ```ts
 * leaf(pid, 3, 4, 2); // PID-3.4.2, the assigning authority's OID of the first identifier
 * ```
 */
export function leaf(seg: Hl7Segment | undefined, n: number, c = 1, s = 1, r = 0): string {
  return seg?.fields[n]?.[r]?.[c - 1]?.[s - 1] ?? '';
}

/**
 * True when field `n` holds any non-empty value.
 *
 * @example
 * ```ts
 * filled(segment(msg, 'PV1')!, 19); // is there a visit number?
 * ```
 */
export function filled(seg: Hl7Segment, n: number): boolean {
  return (seg.fields[n] ?? []).some((rep) => rep.some((c) => c.some((s) => s !== '')));
}

/** A component as its subcomponents joined by `&` (handy for HD/assigning authorities). */
export function component(seg: Hl7Segment | undefined, n: number, c = 1, r = 0): string[] {
  return seg?.fields[n]?.[r]?.[c - 1] ?? [];
}

/** The name of a segment for messages: `OBX[3]` (by order among segments of that name, 1-based). */
export function segmentWhere(msg: Hl7v2Message, seg: Hl7Segment): string {
  const same = segments(msg, seg.name);
  return same.length > 1 ? `${seg.name}[${same.indexOf(seg) + 1}]` : seg.name;
}

/**
 * What a caller writes in a field: a plain value (component 1), a list of components (each a value or a list of
 * subcomponents), or several repetitions. Values are escaped when serialised.
 */
export type FieldInput =
  | string
  | undefined
  | ReadonlyArray<string | undefined | ReadonlyArray<string | undefined>>
  | Repeated;
/** Repetitions of a field. */
export interface Repeated {
  repetitions: ReadonlyArray<ReadonlyArray<string | undefined | ReadonlyArray<string | undefined>>>;
}
/** A segment to write: its name and its fields from SEG-1 on (for MSH, from MSH-3 on). */
export type SegmentInput = readonly [string, ...FieldInput[]];

function trimEnd<T>(xs: T[], empty: (x: T) => boolean): T[] {
  let n = xs.length;
  while (n > 0 && empty(xs[n - 1]!)) n--;
  return xs.slice(0, n);
}

function writeComponents(
  comps: ReadonlyArray<string | undefined | ReadonlyArray<string | undefined>>,
  enc: EncodingCharacters,
): string {
  const out = comps.map((c) =>
    typeof c === 'string' || c === undefined
      ? escapeHl7(c ?? '', enc)
      : trimEnd(
          c.map((s) => escapeHl7(s ?? '', enc)),
          (s) => s === '',
        ).join(enc.subcomponent),
  );
  return trimEnd(out, (s) => s === '').join(enc.component);
}

function writeField(f: FieldInput, enc: EncodingCharacters): string {
  if (f === undefined) return '';
  if (typeof f === 'string') return escapeHl7(f, enc);
  if ('repetitions' in f) return f.repetitions.map((r) => writeComponents(r, enc)).join(enc.repetition);
  return writeComponents(f as ReadonlyArray<string | undefined | ReadonlyArray<string | undefined>>, enc);
}

/**
 * Serialise segments to ER7 with `|^~\&`, CR after each segment, every value escaped.
 *
 * @example
 * ```ts
 * serializeHl7v2([['MSH', 'APP', 'FAC', …], ['PID', undefined, undefined, ['123', '', '', ['NS', '1.2.3', 'ISO'], 'PI']]]);
 * ```
 */
export function serializeHl7v2(
  input: ReadonlyArray<SegmentInput>,
  enc: EncodingCharacters = DEFAULT_ENCODING,
): string {
  const ctx = new Hl7Context('\r', enc.field, enc.component, enc.repetition, enc.escape, enc.subcomponent);
  const segs = input.map(([name, ...fields]) => {
    const written = trimEnd(
      fields.map((f) => writeField(f, enc)),
      (s) => s === '',
    );
    const head = name === 'MSH' ? ['MSH', ctx.getMsh2()] : [name];
    return new MedplumSegment([...head, ...written], ctx);
  });
  return `${new Hl7Message(segs, ctx).toString()}\r`;
}
