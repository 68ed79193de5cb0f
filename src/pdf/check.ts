import { PDFDocument } from 'pdf-lib';
import { PdfRenderError } from './errors.js';

/** Largest PDF accepted as a report's copy (bytes): the CDA size limit leaves room for the base64 of this. */
export const MAX_PDF_COPY_BYTES = 40 * 1024 * 1024;

/**
 * Check that bytes given as a report's PDF copy are a PDF: the `%PDF-` header (ISO 32000-1 §7.5.2) and a document
 * pdf-lib can open, with at least one page. An empty file, a text file (`/etc/passwd`) or a truncated PDF is refused
 * with `PDF_INPUT_INVALID` naming `what` (e.g. the file name).
 * @example await checkPdfBytes(readFileSync('copy.pdf'), 'copy.pdf'); // throws PdfRenderError if not a PDF
 */
export async function checkPdfBytes(bytes: Uint8Array, what = 'PDF'): Promise<{ pages: number }> {
  const refuse = (why: string, cause?: unknown) =>
    new PdfRenderError('PDF_INPUT_INVALID', `${what} is not a usable PDF: ${why}`, {
      where: what,
      ...(cause ? { cause } : {}),
    });
  if (bytes.byteLength === 0) throw refuse('the file is empty');
  if (bytes.byteLength > MAX_PDF_COPY_BYTES) throw refuse(`larger than ${MAX_PDF_COPY_BYTES} bytes`);
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 8)).toString('latin1');
  if (!head.startsWith('%PDF-'))
    throw refuse(`it does not start with %PDF- (starts with ${JSON.stringify(head)})`);
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, {
      updateMetadata: false,
      ignoreEncryption: true,
      throwOnInvalidObject: true,
    });
  } catch (e) {
    throw refuse(`it cannot be parsed (${(e as Error).message.split('\n')[0]})`, e);
  }
  const pages = doc.getPageCount();
  if (pages === 0) throw refuse('it has no page');
  return { pages };
}
