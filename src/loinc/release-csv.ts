/**
 * Streaming reader of the LOINC release CSV (`LoincTable/Loinc.csv`, `MapTo.csv`): RFC 4180 quoting, `""`
 * escapes, CRLF or LF, read in 4 MB chunks so that a 100 k-line, ~80 MB file never sits whole in memory; only the
 * wanted columns are decoded into strings.
 * @module
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { LoincTableError } from './errors.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const CHUNK = 4 << 20;

interface Cursor {
  buf: Buffer;
  end: number;
  eof: boolean;
  /** The file and the number of records read before this one: where a malformed record is. */
  path: string;
  line: number;
}

/**
 * Parse one record starting at `pos`; calls `onField(index, start, end, escaped)` per field.
 * Returns the position after the record's line end, or -1 when the record is cut by the end of the chunk.
 */
function parseRecord(
  c: Cursor,
  pos: number,
  onField: (i: number, s: number, e: number, escaped: boolean) => void,
): number {
  const { buf, end } = c;
  let i = 0;
  let p = pos;
  for (;;) {
    let s: number;
    let e: number;
    let escaped = false;
    if (p < end && buf[p] === QUOTE) {
      s = p + 1;
      let q = s;
      for (;;) {
        q = buf.indexOf(QUOTE, q);
        if (q < 0 || q >= end) return c.eof ? unterminated(c) : -1;
        if (q + 1 < end && buf[q + 1] === QUOTE) {
          escaped = true;
          q += 2;
          continue;
        }
        if (q + 1 >= end && !c.eof) return -1;
        break;
      }
      e = q;
      p = q + 1;
    } else {
      s = p;
      while (p < end) {
        const b = buf[p];
        if (b === COMMA || b === LF || b === CR) break;
        p++;
      }
      e = p;
    }
    if (p >= end && !c.eof) return -1;
    onField(i++, s, e, escaped);
    if (p >= end) return end;
    const b = buf[p];
    if (b === COMMA) {
      p++;
      continue;
    }
    if (b === CR) p++;
    if (p < end && buf[p] === LF) p++;
    else if (p >= end && !c.eof) return -1;
    return p;
  }
}

function unterminated(c: Cursor): never {
  throw new LoincTableError(
    'LOINC_TABLE_MALFORMED',
    'unterminated quoted field: the record runs to the end of the file',
    `${c.path}:${c.line + 1}`,
  );
}

/** A Node file-system error (EISDIR, EACCES, EIO…), as opposed to the reader's own or the caller's errors. */
function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** Run `read` on `path`; a file-system error becomes LOINC_TABLE_UNREADABLE at `path`. */
function readingFile<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (!isSystemError(e)) throw e;
    throw new LoincTableError('LOINC_TABLE_UNREADABLE', `cannot read the file (${e.message})`, path);
  }
}

/**
 * Read a LOINC release CSV, calling `onRecord` with the wanted columns of each data row (missing columns are
 * `''`). Throws when a wanted column is absent from the header and `required` lists it. `chunkSize` (bytes read at
 * once, grown when a record is longer) is for tests.
 *
 * @throws LoincTableError LOINC_TABLE_MALFORMED (`where` = `path:record`) or LOINC_TABLE_UNREADABLE (a file-system
 *   error: a directory, no read permission…; `where` = `path`)
 * @example
 * readReleaseCsv('Loinc.csv', ['LOINC_NUM', 'STATUS'], ['LOINC_NUM'], (f) => console.log(f[0], f[1]));
 */
export function readReleaseCsv(
  path: string,
  wanted: readonly string[],
  required: readonly string[],
  onRecord: (fields: string[], line: number) => void,
  chunkSize = CHUNK,
): void {
  const fd = readingFile(path, () => openSync(path, 'r'));
  try {
    const c: Cursor = { buf: Buffer.allocUnsafe(chunkSize), end: 0, eof: false, path, line: 0 };
    let slots: Int32Array | undefined;
    let fields: string[] = [];
    let blank = true;
    const onField = (i: number, s: number, e: number, escaped: boolean): void => {
      if (i > 0 || e > s) blank = false;
      if (!slots) {
        fields.push(c.buf.toString('utf8', s, e));
        return;
      }
      const slot = i < slots.length ? (slots[i] as number) : -1;
      if (slot < 0) return;
      const v = c.buf.toString('utf8', s, e);
      fields[slot] = escaped ? v.replace(/""/g, '"') : v;
    };
    for (;;) {
      const n = readingFile(path, () => readSync(fd, c.buf, c.end, c.buf.length - c.end, null));
      c.end += n;
      c.eof = n === 0;
      let pos = 0;
      if (c.line === 0 && c.end >= 3 && c.buf[0] === 0xef && c.buf[1] === 0xbb && c.buf[2] === 0xbf) pos = 3;
      while (pos < c.end) {
        fields = slots ? new Array<string>(wanted.length).fill('') : [];
        blank = true;
        const next = parseRecord(c, pos, onField);
        if (next < 0) break;
        c.line++;
        if (!slots) {
          slots = headerSlots(fields, wanted, required, path);
        } else if (!blank) {
          onRecord(fields, c.line);
        }
        pos = next;
      }
      if (c.eof) break;
      c.buf.copy(c.buf, 0, pos, c.end);
      c.end -= pos;
      if (c.end === c.buf.length) {
        const bigger = Buffer.allocUnsafe(c.buf.length * 2);
        c.buf.copy(bigger, 0, 0, c.end);
        c.buf = bigger;
      }
    }
    if (!slots) throw new LoincTableError('LOINC_TABLE_MALFORMED', 'empty file (no header line)', path);
  } finally {
    closeSync(fd);
  }
}

function headerSlots(
  header: string[],
  wanted: readonly string[],
  required: readonly string[],
  path: string,
): Int32Array {
  const names = header.map((h) => h.trim().replace(/^"|"$/g, ''));
  for (const r of required) {
    if (!names.includes(r)) {
      throw new LoincTableError(
        'LOINC_TABLE_MALFORMED',
        `column ${r} is missing from the header (is this a LOINC release file?)`,
        `${path}:1`,
      );
    }
  }
  const slots = new Int32Array(names.length).fill(-1);
  names.forEach((n, i) => {
    slots[i] = wanted.indexOf(n);
  });
  return slots;
}
