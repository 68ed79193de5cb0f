// Phase 2 of verification: references. The digests of the SignedInfo references (Manifest element,
// SignedProperties, enveloped Object), every manifest reference against its document, and every document the
// caller gave matched to a manifest reference or to the enveloped document (an unmatched one is an issue).
import type { XmlElement } from 'libxml2-wasm';
import {
  C14N_10,
  C14N_ALGORITHMS,
  NS_DS,
  SUBMISSION_SET_PLACEHOLDER_DIGEST,
  TRANSFORM_BASE64,
} from './algorithms.js';
import { canonicalizeDocument, canonicalizeElement } from './c14n.js';
import {
  B64,
  digestB64,
  hashOf,
  type ManifestReferenceResult,
  parseReference,
  sameB64,
  type Verdict,
  type VerifyOptions,
} from './verify-common.js';
import type { TargetKind, Targets } from './verify-locate.js';
import { childElements, is, pathOf } from './xml.js';

const WHAT: Record<TargetKind, string> = {
  manifest: 'ds:Manifest',
  props: 'xades:SignedProperties',
  object: 'enveloped ds:Object',
};

/** The bytes a SignedInfo reference digests, or null (reason reported). */
function referencedBytes(kind: TargetKind, t: NonNullable<Targets[TargetKind]>, v: Verdict): Buffer | null {
  const where = () => pathOf(t.ref.el);
  if (kind === 'object') {
    if (t.ref.transforms.length !== 1 || t.ref.transforms[0] !== TRANSFORM_BASE64)
      return (
        v.fail(
          'UNSUPPORTED_ALGORITHM',
          'the enveloped object reference must use exactly the base64 transform',
          where,
        ) || null
      );
    const text = t.el.content.replace(/\s+/g, '');
    if (!B64.test(text) || childElements(t.el).length)
      return v.fail('STRUCTURE', 'the enveloped object must hold base64 text only', pathOf(t.el)) || null;
    return Buffer.from(text, 'base64');
  }
  const [first, ...others] = t.ref.transforms;
  if (others.length || (first !== undefined && !C14N_ALGORITHMS[first])) {
    const msg = `only one canonicalisation transform is accepted (${t.ref.transforms.join(', ')})`;
    return v.fail('UNSUPPORTED_ALGORITHM', msg, where) || null;
  }
  // A barename URI selects the element without comments; the default transform is C14N 1.0.
  return canonicalizeElement(t.el, first ?? C14N_10, true);
}

/**
 * Digest of each SignedInfo reference; returns whether all match, and the enveloped document's bytes if any.
 * @example
 * const { ok, envelopedDocument } = checkSignedInfoReferences(located.targets, verdict);
 */
export function checkSignedInfoReferences(
  targets: Targets,
  v: Verdict,
): { ok: boolean; envelopedDocument?: Buffer } {
  let ok = true;
  let envelopedDocument: Buffer | undefined;
  for (const kind of ['manifest', 'props', 'object'] as const) {
    const t = targets[kind];
    if (!t) continue;
    const hash = hashOf(t.ref.digestUri, v, () => pathOf(t.ref.el));
    const data = hash ? referencedBytes(kind, t, v) : null;
    if (!hash || !data) {
      ok = false;
      continue;
    }
    if (kind === 'object') envelopedDocument = data;
    if (!sameB64(digestB64(hash, data), t.ref.digestValue)) {
      const msg = `the ${WHAT[kind]} was modified after signing (digest mismatch)`;
      ok = v.fail('REFERENCE_DIGEST_MISMATCH', msg, () => pathOf(t.ref.el));
    }
  }
  return envelopedDocument ? { ok, envelopedDocument } : { ok };
}

/** The caller's documents as one map, and the keys used so far (to find unmatched ones at the end). */
export class DocumentSource {
  private readonly docs: Map<string, Uint8Array>;
  readonly used = new Set<string>();
  constructor(private readonly options: Pick<VerifyOptions, 'documents' | 'resolver'>) {
    const d = options.documents;
    this.docs = d instanceof Map ? d : new Map(Object.entries(d ?? {}));
  }
  /** The document of a manifest URI (`urn:oid:X` or bare `X` key), else the resolver's. */
  async get(uri: string): Promise<Uint8Array | undefined> {
    const oid = uri.replace(/^urn:oid:/, '');
    for (const key of [uri, oid]) {
      const data = this.docs.get(key);
      if (data) {
        this.used.add(key);
        return data;
      }
    }
    return this.options.resolver ? ((await this.options.resolver(uri)) ?? undefined) : undefined;
  }
  /** Keys of documents never asked for. */
  unused(): string[] {
    return [...this.docs.keys()].filter((k) => !this.used.has(k));
  }
  all(): [string, Uint8Array][] {
    return [...this.docs];
  }
}

type RefOutcome = Pick<ManifestReferenceResult, 'status' | 'actual' | 'message'>;

/** One manifest reference against its document (or the submission-set placeholder). */
async function checkManifestReference(
  ref: NonNullable<ReturnType<typeof parseReference>>,
  hash: string,
  source: DocumentSource,
  options: VerifyOptions,
): Promise<RefOutcome> {
  const uri = ref.uri ?? '';
  const transform = ref.transforms[0] ?? null;
  if (options.submissionSetId !== undefined && uri.replace(/^urn:oid:/, '') === options.submissionSetId) {
    if (ref.digestValue === SUBMISSION_SET_PLACEHOLDER_DIGEST && transform === null)
      return { status: 'placeholder' };
    return {
      status: 'error',
      message: `the submission set reference must carry the placeholder digest ${SUBMISSION_SET_PLACEHOLDER_DIGEST}`,
    };
  }
  const data = await source.get(uri);
  if (!data) return { status: 'unresolved', message: `document ${uri} was not supplied` };
  let actual: string;
  try {
    actual = digestB64(hash, transform ? canonicalizeDocument(data, transform, uri) : data);
  } catch (e) {
    return { status: 'error', message: `document ${uri} cannot be canonicalised: ${(e as Error).message}` };
  }
  if (sameB64(actual, ref.digestValue)) return { status: 'ok', actual };
  const message = `document ${uri} does not match its manifest digest (modified, or another document)`;
  return { status: 'mismatch', actual, message };
}

/** Parse one ds:Manifest child; null when it is not a usable reference (reason reported). */
function manifestEntry(el: XmlElement, seen: Set<string>, v: Verdict) {
  if (!is(el, NS_DS, 'Reference')) {
    v.fail('STRUCTURE', `unexpected ${(el as XmlElement).name} in ds:Manifest`, pathOf(el as XmlElement));
    return null;
  }
  const ref = parseReference(el, v);
  if (!ref) return null;
  const uri = ref.uri ?? '';
  const transform = ref.transforms[0] ?? null;
  const r: ManifestReferenceResult = {
    uri,
    status: 'error',
    digestAlgorithm: ref.digestUri,
    transform,
    expected: ref.digestValue,
  };
  const hash = hashOf(ref.digestUri, v, uri);
  if (!uri || seen.has(uri)) {
    r.message = uri ? `duplicate manifest reference ${uri}` : 'manifest reference without URI';
    v.fail('WRAPPING_EXTRA_REFERENCE', r.message, pathOf(el));
    return { r };
  }
  seen.add(uri);
  if (hash && (ref.transforms.length > 1 || (transform !== null && !C14N_ALGORITHMS[transform]))) {
    r.message = `unsupported manifest transform(s) ${ref.transforms.join(', ')}`;
    v.fail('UNSUPPORTED_ALGORITHM', r.message, uri);
    return { r };
  }
  return hash ? { r, ref, hash } : { r };
}

const CODE_BY_STATUS = {
  unresolved: 'MANIFEST_UNRESOLVED',
  mismatch: 'MANIFEST_DIGEST_MISMATCH',
  error: 'MANIFEST_DIGEST_MISMATCH',
} as const;

/**
 * Every reference of the ds:Manifest against the documents of `source`.
 * @example
 * const results = await checkManifest(manifestEl, new DocumentSource(options), options, verdict);
 */
export async function checkManifest(
  manifest: XmlElement,
  source: DocumentSource,
  options: VerifyOptions,
  v: Verdict,
): Promise<ManifestReferenceResult[]> {
  const out: ManifestReferenceResult[] = [];
  const seen = new Set<string>();
  for (const el of childElements(manifest)) {
    const entry = manifestEntry(el, seen, v);
    if (!entry) continue;
    out.push(entry.r);
    if (!entry.ref || !entry.hash) continue;
    Object.assign(entry.r, await checkManifestReference(entry.ref, entry.hash, source, options));
    if (entry.r.status !== 'ok' && entry.r.status !== 'placeholder')
      v.fail(CODE_BY_STATUS[entry.r.status], entry.r.message!, entry.r.uri);
  }
  if (out.length === 0) v.fail('STRUCTURE', 'the ds:Manifest holds no reference', pathOf(manifest));
  return out;
}

/**
 * Documents the caller gave that no reference used (detached), or that differ from the enveloped document
 * (enveloping): each is an issue naming its key — a document given is a document the caller expects checked.
 * @example
 * const ok = checkDocumentsMatched(source, envelopedBytes, verdict);
 */
export function checkDocumentsMatched(
  source: DocumentSource,
  enveloped: Buffer | undefined,
  v: Verdict,
): boolean {
  let ok = true;
  if (enveloped) {
    for (const [key, bytes] of source.all()) {
      if (Buffer.from(bytes).equals(enveloped)) continue;
      const msg = `document ${key} is not the document enveloped in the signature`;
      ok = v.fail('DOCUMENT_MISMATCH', msg, key);
    }
    return ok;
  }
  for (const key of source.unused()) {
    const msg = `document ${key} matches no reference of the manifest (not signed by this signature)`;
    ok = v.fail('DOCUMENT_UNMATCHED', msg, key);
  }
  return ok;
}
