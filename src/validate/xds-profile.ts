/**
 * The `xds` profile: XDS metadata (an XDM `METADATA.XML`, an ebRS `SubmitObjectsRequest`, an ITI-41
 * `ProvideAndRegisterDocumentSetRequest`, as XML or MTOM) judged by the xds module's IHE/DMP rules instead of the CDA
 * pipeline. A static import on purpose: a dynamic `import()` of our own module would make bundlers keep the whole xds
 * module (and the CDA parser under it) in every bundle that reaches this file, used or not.
 * @module
 */
import { checkXdsMetadata } from '../xds/index.js';
import type { DocumentValidation, LocatedFinding } from './pipeline.js';

/** Name of the profile in {@link DocumentValidation.profiles}. */
export const XDS_PROFILE = 'xds';

const XDS_ROOTS =
  /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*<(?:[\w.-]+:)?(SubmitObjectsRequest|ProvideAndRegisterDocumentSetRequest|Envelope)\b/;

/**
 * Whether these bytes are XDS metadata rather than a CDA document: the root element (after the XML declaration and
 * comments) is an ebRS `SubmitObjectsRequest`, an XDS.b `ProvideAndRegisterDocumentSetRequest` or a SOAP envelope,
 * or the text is a MIME multipart (an MTOM request starts with its boundary).
 */
export function isXdsMetadata(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes.subarray(0, 4096))
    .replace(/^\uFEFF/, '');
  return head.startsWith('--') || XDS_ROOTS.test(head);
}

/**
 * Judge XDS metadata with the xds module's rules (`checkXdsMetadata`): an `error` finding is a failed assert (the
 * file is not valid), a `warning` a successful report (shown, not counted).
 *
 * @example
 * const r = await validateXdsMetadata(readFileSync('IHE_XDM/SUBSET01/METADATA.XML'), 'METADATA.XML');
 * r.valid; r.profiles.xds; // { findings: [{ kind: 'failed-assert', id: 'XDS_SLOT_MISSING', … }] }
 */
export async function validateXdsMetadata(bytes: Uint8Array, file: string): Promise<DocumentValidation> {
  const findings: LocatedFinding[] = checkXdsMetadata(bytes).map((f) => ({
    kind: f.severity === 'error' ? 'failed-assert' : 'successful-report',
    location: f.where ?? '/',
    text: `${f.code}: ${f.message}`,
    role: f.severity,
    id: f.code,
  }));
  return {
    file,
    valid: !findings.some((f) => f.kind === 'failed-assert'),
    profiles: { [XDS_PROFILE]: { findings } },
    kind: 'xds-metadata',
    rules: 'embedded',
  };
}
