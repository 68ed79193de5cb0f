import { inflateSync } from 'node:zlib';
import {
  PDFArray,
  PDFDict,
  type PDFDocument,
  type PDFFont,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFString,
} from 'pdf-lib';
import { PdfRenderError } from './errors.js';
import { srgbIccProfile } from './icc.js';
import { buildXmp, type DocumentMetadata } from './xmp.js';

/** Number of glyphs of a TrueType font program (`maxp.numGlyphs`). */
function ttfGlyphCount(ttf: Uint8Array): number {
  const v = new DataView(ttf.buffer, ttf.byteOffset, ttf.byteLength);
  const numTables = v.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    if (String.fromCharCode(ttf[rec]!, ttf[rec + 1]!, ttf[rec + 2]!, ttf[rec + 3]!) === 'maxp') {
      return v.getUint16(v.getUint32(rec + 8) + 4);
    }
  }
  throw new PdfRenderError('PDF_FONT_INVALID', 'TrueType font without maxp table');
}

/**
 * PDF/A-1 §6.3.5: a CIDFont subset's descriptor must carry a `CIDSet` listing the CIDs present. pdf-lib
 * renumbers subset glyphs densely from 0 with an Identity CIDToGIDMap, so the CIDs present are exactly
 * 0…numGlyphs−1 of the embedded program, which we read back from the embedded font file itself.
 */
function addCidSet(doc: PDFDocument, font: PDFFont): void {
  const ctx = doc.context;
  const type0 = ctx.lookup(font.ref, PDFDict);
  const descendant = ctx.lookup(type0.lookup(PDFName.of('DescendantFonts'), PDFArray).get(0), PDFDict);
  const descriptor = descendant.lookup(PDFName.of('FontDescriptor'), PDFDict);
  const file = descriptor.lookup(PDFName.of('FontFile2'));
  if (!(file instanceof PDFRawStream)) return; // not a TrueType CIDFont: nothing pdf-lib subsets here
  const filter = file.dict.get(PDFName.of('Filter'));
  const program = filter === PDFName.of('FlateDecode') ? inflateSync(file.contents) : file.contents;
  const n = ttfGlyphCount(program);
  const bits = new Uint8Array(Math.ceil(n / 8));
  for (let cid = 0; cid < n; cid++) bits[cid >> 3]! |= 0x80 >> (cid & 7);
  descriptor.set(PDFName.of('CIDSet'), ctx.register(ctx.flateStream(bits)));
}

/**
 * Turns a pdf-lib document into a PDF/A-1b file: embeds the fonts (with CIDSet), writes the Info dictionary
 * and its XMP twin (uncompressed Metadata stream), the `GTS_PDFA1` OutputIntent with an sRGB ICC profile,
 * the trailer `ID`, a PDF 1.4 header (patched in place: see below), and serialises with a classic cross-reference table (no object or
 * cross-reference streams, which PDF 1.4 / PDF/A-1 do not know). pdf-lib never encrypts and adds no
 * transparency unless asked (we never pass an opacity).
 */
export async function saveAsPdfA(
  doc: PDFDocument,
  fonts: readonly PDFFont[],
  m: DocumentMetadata,
): Promise<Uint8Array> {
  const ctx = doc.context;
  for (const f of fonts) {
    await f.embed();
    addCidSet(doc, f);
  }

  doc.setTitle(m.title, { showInWindowTitleBar: true });
  if (m.author) doc.setAuthor(m.author);
  if (m.subject) doc.setSubject(m.subject);
  if (m.keywords) doc.setKeywords([m.keywords]);
  doc.setCreator(m.creator);
  doc.setProducer(m.producer);
  doc.setCreationDate(m.date);
  doc.setModificationDate(m.date);
  doc.setLanguage(m.lang);

  const xmp = new TextEncoder().encode(buildXmp(m));
  const metadata = ctx.stream(xmp, { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), ctx.register(metadata));

  const icc = ctx.flateStream(srgbIccProfile(), { N: 3 });
  const intent = ctx.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    RegistryName: PDFString.of('http://www.color.org'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    DestOutputProfile: ctx.register(icc),
  });
  doc.catalog.set(PDFName.of('OutputIntents'), ctx.obj([ctx.register(intent)]));

  const id = PDFHexString.of(m.documentId.toUpperCase());
  ctx.trailerInfo.ID = ctx.obj([id, id]);
  const bytes = await doc.save({
    useObjectStreams: false,
    addDefaultPage: false,
    updateFieldAppearances: false,
  });
  // pdf-lib always writes `%PDF-1.7` (PDFWriter ignores context.header). Nothing we write needs more than
  // PDF 1.4, and "1.7" → "1.4" keeps every byte offset of the cross-reference table valid.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 8));
  if (head !== '%PDF-1.7')
    throw new PdfRenderError('PDF_INTERNAL', `unexpected PDF header ${JSON.stringify(head)} from pdf-lib`);
  bytes[7] = 0x34; // '4'
  return bytes;
}
