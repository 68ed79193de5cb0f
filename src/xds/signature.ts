import type { Element } from '@xmldom/xmldom';
import { parseXml } from '../common/xml.js';
import { toUtcDtm } from './dtm.js';
import { XdsError } from './errors.js';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const XADES_111 = 'http://uri.etsi.org/01903/v1.1.1#';

/** What the submission needs from a XAdES submission-set signature. */
export interface SignatureFacts {
  /** uniqueIds named by the manifest (`urn:oid:` stripped). */
  references: string[];
  /** `dmp-legacy` (XAdES 1.1.1, DRIM) or `dsg` (IHE DSG 2014). */
  profile: 'dmp-legacy' | 'dsg';
  /** XAdES SigningTime as XDS DTM (UTC). */
  signingTime?: string;
}

/** Does this XML start with a `ds:Signature` root? (cheap look at the first start tag) */
export function isSignatureXml(text: string): boolean {
  const m = /<(?![?!])(?:([\w.-]+):)?Signature[\s>/]/.exec(text.slice(0, 4096));
  const first = /<(?![?!])/.exec(text);
  return m !== null && first !== null && m.index === first.index && text.includes(DS);
}

/**
 * Read a detached XAdES submission-set signature: manifest references, profile, signing time.
 *
 * @example
 * ```ts
 * readSignature(sigBytes).references; // ['1.2.250.1.999.1.2', '1.2.250.1.999.1']
 * ```
 */
export function readSignature(bytes: Uint8Array | string): SignatureFacts {
  const doc = parseXml(bytes);
  const root = doc.documentElement as Element | null;
  if (root?.localName !== 'Signature' || root.namespaceURI !== DS) {
    throw new XdsError('XDS_SIGNATURE', 'the signature is not a ds:Signature document', {
      field: 'signature',
    });
  }
  const manifest = root.getElementsByTagNameNS(DS, 'Manifest')[0] as Element | undefined;
  if (!manifest) {
    throw new XdsError('XDS_SIGNATURE', 'no ds:Manifest: not a detached submission-set signature', {
      field: 'signature',
    });
  }
  const references: string[] = [];
  for (let n = manifest.firstChild; n; n = n.nextSibling) {
    const e = n as Element;
    if (n.nodeType === 1 && e.localName === 'Reference' && e.namespaceURI === DS) {
      const uri = e.getAttribute('URI') ?? '';
      references.push(uri.startsWith('urn:oid:') ? uri.slice(8) : uri);
    }
  }
  const legacy = root.getElementsByTagNameNS(XADES_111, 'QualifyingProperties').length > 0;
  const st = root.getElementsByTagNameNS('*', 'SigningTime')[0]?.textContent?.trim();
  const signingTime = st ? isoToDtm(st) : undefined;
  return { references, profile: legacy ? 'dmp-legacy' : 'dsg', ...(signingTime ? { signingTime } : {}) };
}

function isoToDtm(iso: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) return undefined;
  const zone = m[7] === 'Z' ? '+0000' : (m[7] ?? '').replace(':', '');
  return toUtcDtm(`${m[1]}${m[2]}${m[3]}${m[4]}${m[5]}${m[6]}${zone}`, 'creationTime');
}
