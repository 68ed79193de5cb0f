// Issue 13.18: only CR-BIO documents are merged. A document of another volet (AVC-AUNV 34133-9, BIO-TROD 96173-0…)
// parses as far as its header goes, but merging it would write its content into a CR-BIO.
import { parseXml } from '../common/xml.js';
import { MergeError } from './errors.js';

const HL7 = 'urn:hl7-org:v3';
/** LOINC code of a CR d'examens biologiques. */
export const CR_BIO_CODE = '11502-2';
/** Document templateIds a CR-BIO carries: level 3 (IHE XD-LAB + CR-BIO volet), level 1 (IHE XDS-SD). */
export const CR_BIO_TEMPLATES: Record<1 | 3, readonly string[]> = {
  3: ['1.3.6.1.4.1.19376.1.3.3', '1.2.250.1.213.1.1.1.55'],
  1: ['1.3.6.1.4.1.19376.1.2.20'],
};

/** Document code and templateIds (direct children of ClinicalDocument, also when self-presenting). */
function header(xml: string | Uint8Array): { code?: string; templates: string[] } {
  const doc = parseXml(xml);
  const root = doc.documentElement;
  const cd =
    root?.localName === 'ClinicalDocument' ? root : doc.getElementsByTagNameNS(HL7, 'ClinicalDocument')[0];
  const out: { code?: string; templates: string[] } = { templates: [] };
  for (let n = cd?.firstChild; n; n = n.nextSibling) {
    const e = n as unknown as {
      nodeType: number;
      localName: string;
      namespaceURI: string;
      getAttribute(a: string): string | null;
    };
    if (e.nodeType !== 1 || e.namespaceURI !== HL7) continue;
    if (e.localName === 'templateId') out.templates.push(e.getAttribute('root') ?? '');
    else if (e.localName === 'code' && out.code === undefined) out.code = e.getAttribute('code') ?? '';
  }
  return out;
}

/**
 * Refuse (MergeError MERGE_NOT_CR_BIO, `where` = role) a document whose code is not 11502-2 or that lacks the
 * CR-BIO templateIds of its level.
 * @example
 * assertCrBioDocument(readFileSync('sub.xml'), 3, 'sub');
 */
export function assertCrBioDocument(xml: string | Uint8Array, level: 1 | 3, role: 'main' | 'sub'): void {
  const h = header(xml);
  const refuse = (why: string): never => {
    throw new MergeError('MERGE_NOT_CR_BIO', `the ${role} document is not a CR-BIO: ${why}`, role);
  };
  if (h.code !== CR_BIO_CODE) refuse(`document code ${h.code ?? '(none)'} is not ${CR_BIO_CODE}`);
  const missing = CR_BIO_TEMPLATES[level].filter((t) => !h.templates.includes(t));
  if (missing.length) refuse(`level ${level} without the CR-BIO templateId(s) ${missing.join(', ')}`);
}
