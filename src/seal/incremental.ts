// An incremental update (ISO 32000-1 §7.5.6) written by hand from pdf-lib objects: the new and changed objects,
// a classic cross-reference section and a trailer whose /Prev points at the original one. The original bytes are
// kept untouched, so an earlier signature and the PDF/A-1b file structure stay as they were.
import type { PDFContext, PDFObject, PDFRef } from 'pdf-lib';

const latin1 = (s: string) => Buffer.from(s, 'latin1');

/** Byte offset given by the last `startxref` of a PDF (the cross-reference section a reader starts from). */
export function lastStartXref(pdf: Uint8Array): number {
  const tail = Buffer.from(pdf.subarray(Math.max(0, pdf.length - 1024))).toString('latin1');
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!m) throw new Error('no startxref/%%EOF at the end of the file');
  return Number(m[1]);
}

function objectBytes(ref: PDFRef, obj: PDFObject): Buffer {
  const body = Buffer.alloc(obj.sizeInBytes());
  obj.copyBytesInto(body, 0);
  return Buffer.concat([
    latin1(`${ref.objectNumber} ${ref.generationNumber} obj\n`),
    body,
    latin1('\nendobj\n'),
  ]);
}

/** Cross-reference subsections for sorted entries: `0 1` (the free head) then contiguous runs. */
function xrefTable(entries: Array<{ ref: PDFRef; offset: number }>): string {
  const lines = ['xref', '0 1', '0000000000 65535 f '];
  let i = 0;
  while (i < entries.length) {
    let j = i;
    while (j + 1 < entries.length && entries[j + 1]!.ref.objectNumber === entries[j]!.ref.objectNumber + 1)
      j++;
    lines.push(`${entries[i]!.ref.objectNumber} ${j - i + 1}`);
    for (const e of entries.slice(i, j + 1))
      lines.push(
        `${String(e.offset).padStart(10, '0')} ${String(e.ref.generationNumber).padStart(5, '0')} n `,
      );
    i = j + 1;
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The bytes to append to `original`: the objects `refs` as they are now in `ctx`, then the cross-reference
 * section and the trailer (Size, Root, Info, ID kept, Prev). Returns the whole updated file.
 */
export function appendUpdate(original: Uint8Array, ctx: PDFContext, refs: readonly PDFRef[]): Buffer {
  const prev = lastStartXref(original);
  const head = Buffer.from(original.buffer, original.byteOffset, original.byteLength);
  const parts: Buffer[] = [head];
  let offset = head.length;
  if (head[head.length - 1] !== 0x0a && head[head.length - 1] !== 0x0d) {
    parts.push(latin1('\n'));
    offset++;
  }
  const sorted = [...new Set(refs)].sort((a, b) => a.objectNumber - b.objectNumber);
  const entries: Array<{ ref: PDFRef; offset: number }> = [];
  for (const ref of sorted) {
    const bytes = objectBytes(ref, ctx.lookup(ref)!);
    entries.push({ ref, offset });
    parts.push(bytes);
    offset += bytes.length;
  }
  const t = ctx.trailerInfo;
  const trailer = [
    `/Size ${ctx.largestObjectNumber + 1}`,
    `/Root ${String(t.Root)}`,
    t.Info ? `/Info ${String(t.Info)}` : '',
    t.ID ? `/ID ${String(t.ID)}` : '',
    `/Prev ${prev}`,
  ].filter((s) => s);
  parts.push(
    latin1(`${xrefTable(entries)}trailer\n<<\n${trailer.join('\n')}\n>>\nstartxref\n${offset}\n%%EOF\n`),
  );
  return Buffer.concat(parts);
}
