// Phase 1 of verification: parse and locate. One ds:Signature as root, unique Ids, SignedInfo read, and each
// SignedInfo reference classified by what it points at (the Manifest, the SignedProperties or the enveloped
// Object of this very signature); anything else is a wrapping attempt.
import type { XmlElement } from 'libxml2-wasm';
import {
  C14N_ALGORITHMS,
  NS_DS,
  NS_XADES_111,
  NS_XADES_132,
  NS_XADES_141,
  SIGNATURE_BY_URI,
  TYPE_MANIFEST,
  TYPE_OBJECT,
  TYPE_SIGNED_PROPERTIES,
  TYPE_SIGNED_PROPERTIES_111,
} from './algorithms.js';
import { type ParsedReference, parseReference, type Verdict } from './verify-common.js';
import { childElements, is, NCNAME, pathOf, walk } from './xml.js';

export const XADES_NS = new Set([NS_XADES_111, NS_XADES_132, NS_XADES_141]);

export type TargetKind = 'manifest' | 'props' | 'object';
export type Targets = Record<TargetKind, { ref: ParsedReference; el: XmlElement } | undefined>;

/** The parts of a signature the later phases work on. */
export interface Located {
  root: XmlElement;
  signatureId?: string;
  signedInfo: XmlElement;
  signatureValue: XmlElement;
  keyInfo?: XmlElement;
  c14nAlg: string;
  sigAlgUri: string;
  targets: Targets;
  qualifyingProperties?: XmlElement;
}

interface Census {
  ids: Map<string, XmlElement>;
  manifests: number;
}

/** Whole-document census: one Signature, unique Ids, one Manifest/SignedProperties at most. */
export function census(root: XmlElement, v: Verdict): Census {
  const ids = new Map<string, XmlElement>();
  let signatures = 0;
  let manifests = 0;
  let signedProps = 0;
  for (const el of walk(root)) {
    if (is(el, NS_DS, 'Signature')) signatures++;
    if (is(el, NS_DS, 'Manifest')) manifests++;
    if (XADES_NS.has(el.namespaceUri) && el.name === 'SignedProperties') signedProps++;
    for (const a of el.attrs) {
      if (a.namespaceUri || !['Id', 'ID', 'id'].includes(a.name)) continue;
      if (ids.has(a.value))
        v.fail('WRAPPING_DUPLICATE_ID', `Id "${a.value}" appears more than once`, pathOf(el));
      else ids.set(a.value, el);
    }
  }
  if (signatures > 1)
    v.fail('WRAPPING_EXTRA_SIGNATURE', `${signatures} ds:Signature elements: exactly one is allowed`);
  if (manifests > 1)
    v.fail('WRAPPING_DUPLICATE_ELEMENT', `${manifests} ds:Manifest elements: at most one is allowed`);
  if (signedProps !== 1)
    v.fail(
      'WRAPPING_DUPLICATE_ELEMENT',
      `${signedProps} xades:SignedProperties elements: exactly one is required`,
    );
  return { ids, manifests };
}

type SignedInfoParts = Pick<
  Located,
  'signedInfo' | 'signatureValue' | 'keyInfo' | 'c14nAlg' | 'sigAlgUri'
> & {
  refs: ParsedReference[];
};

/** SignedInfo, SignatureValue, [KeyInfo], Objects; the canonicalisation and signature methods; the references. */
export function readSignedInfo(root: XmlElement, v: Verdict): SignedInfoParts | null {
  const [signedInfo, signatureValue, ...rest] = childElements(root);
  if (!is(signedInfo, NS_DS, 'SignedInfo') || !is(signatureValue, NS_DS, 'SignatureValue')) {
    v.fail('STRUCTURE', 'ds:Signature must start with SignedInfo then SignatureValue', pathOf(root));
    return null;
  }
  const keyInfo = is(rest[0], NS_DS, 'KeyInfo') ? rest.shift() : undefined;
  for (const o of rest)
    if (!is(o, NS_DS, 'Object'))
      v.fail('STRUCTURE', `unexpected ${(o as XmlElement).name} in ds:Signature`, pathOf(o as XmlElement));
  const [c14nEl, sigMethodEl, ...refEls] = childElements(signedInfo);
  if (
    !is(c14nEl, NS_DS, 'CanonicalizationMethod') ||
    !is(sigMethodEl, NS_DS, 'SignatureMethod') ||
    !refEls.length
  ) {
    const msg = 'SignedInfo must hold CanonicalizationMethod, SignatureMethod and References';
    v.fail('STRUCTURE', msg, pathOf(signedInfo));
    return null;
  }
  const c14nAlg = c14nEl.attr('Algorithm')?.value ?? '';
  if (!C14N_ALGORITHMS[c14nAlg])
    v.fail('UNSUPPORTED_ALGORITHM', `unsupported CanonicalizationMethod ${c14nAlg}`, pathOf(c14nEl));
  if (childElements(c14nEl).length)
    v.fail('UNSUPPORTED_ALGORITHM', 'CanonicalizationMethod parameters are not accepted', pathOf(c14nEl));
  const sigAlgUri = sigMethodEl.attr('Algorithm')?.value ?? '';
  if (!SIGNATURE_BY_URI[sigAlgUri])
    v.fail('UNSUPPORTED_ALGORITHM', `unsupported SignatureMethod ${sigAlgUri}`, pathOf(sigMethodEl));
  const refs: ParsedReference[] = [];
  for (const r of refEls) {
    if (!is(r, NS_DS, 'Reference')) {
      v.fail('STRUCTURE', `unexpected ${(r as XmlElement).name} in SignedInfo`, pathOf(r as XmlElement));
      continue;
    }
    const p = parseReference(r, v);
    if (p) refs.push(p);
  }
  return { signedInfo, signatureValue, ...(keyInfo ? { keyInfo } : {}), c14nAlg, sigAlgUri, refs };
}

const OK_TYPES: Record<TargetKind, string[]> = {
  manifest: [TYPE_MANIFEST],
  props: [TYPE_SIGNED_PROPERTIES, TYPE_SIGNED_PROPERTIES_111],
  object: [TYPE_OBJECT],
};

/** What a SignedInfo reference's target is, when it is one of the three allowed places of this signature. */
function kindOf(target: XmlElement, root: XmlElement): TargetKind | undefined {
  const parent = target.parent;
  const grand = parent?.parent;
  if (is(target, NS_DS, 'Manifest') && is(parent, NS_DS, 'Object') && parent.parent?.isSameNode(root))
    return 'manifest';
  if (
    XADES_NS.has(target.namespaceUri) &&
    target.name === 'SignedProperties' &&
    parent?.name === 'QualifyingProperties' &&
    parent.namespaceUri === target.namespaceUri &&
    is(grand, NS_DS, 'Object') &&
    grand.parent?.isSameNode(root)
  )
    return 'props';
  if (is(target, NS_DS, 'Object') && parent?.isSameNode(root)) return 'object';
  return undefined;
}

/** Classify each SignedInfo reference; a second reference to the same kind, or any other target, is refused. */
export function classifyReferences(
  refs: readonly ParsedReference[],
  ids: Map<string, XmlElement>,
  root: XmlElement,
  v: Verdict,
): Targets {
  const targets: Targets = { manifest: undefined, props: undefined, object: undefined };
  for (const ref of refs) {
    const where = () => pathOf(ref.el);
    const m = ref.uri ? /^#(.+)$/.exec(ref.uri) : null;
    if (!m || !NCNAME.test(m[1]!)) {
      const msg = `SignedInfo reference URI "${ref.uri ?? ''}" does not name an element of this signature`;
      v.fail('WRAPPING_REFERENCE_TARGET', msg, where);
      continue;
    }
    const target = ids.get(m[1]!);
    if (!target) {
      v.fail('WRAPPING_REFERENCE_TARGET', `no element has Id "${m[1]}"`, where);
      continue;
    }
    const kind = kindOf(target, root);
    if (!kind) {
      const msg = `reference ${ref.uri} points at ${pathOf(target)}, which is not a Manifest, SignedProperties or Object of this signature`;
      v.fail('WRAPPING_REFERENCE_TARGET', msg, where);
    } else if (ref.type !== null && !OK_TYPES[kind].includes(ref.type)) {
      const msg = `reference ${ref.uri} has Type ${ref.type} but points at a ${kind}`;
      v.fail('WRAPPING_REFERENCE_TARGET', msg, where);
    } else if (targets[kind]) {
      v.fail('WRAPPING_EXTRA_REFERENCE', `a second SignedInfo reference to a ${kind} (${ref.uri})`, where);
    } else targets[kind] = { ref, el: target };
  }
  return targets;
}

/** Phase 1 as a whole: the located parts, or null when the structure is refused (the reasons are in `v`). */
export function locateSignature(
  root: XmlElement,
  v: Verdict,
): { located: Located | null; packaging?: 'detached' | 'enveloping' } {
  if (!is(root, NS_DS, 'Signature')) {
    v.fail(
      'STRUCTURE',
      `the root element must be ds:Signature, found ${(root as XmlElement).name}`,
      pathOf(root),
    );
    return { located: null };
  }
  const { ids, manifests } = census(root, v);
  const si = readSignedInfo(root, v);
  if (!si) return { located: null };
  const targets = classifyReferences(si.refs, ids, root, v);
  if (!targets.props) v.fail('STRUCTURE', 'SignedInfo does not reference xades:SignedProperties');
  if (!targets.manifest === !targets.object) {
    const msg = 'SignedInfo must reference exactly one ds:Manifest (detached) or one ds:Object (enveloping)';
    v.fail('STRUCTURE', msg);
  }
  if (manifests === 1 && !targets.manifest)
    v.fail('WRAPPING_DUPLICATE_ELEMENT', 'the ds:Manifest is not the one SignedInfo references');
  const signatureId = root.attr('Id')?.value;
  const qualifyingProperties = targets.props?.el.parent ?? undefined;
  if (signatureId === undefined) {
    const msg = 'ds:Signature has no Id: XAdES QualifyingProperties/@Target must name it';
    v.fail('STRUCTURE', msg, pathOf(root));
  } else if (qualifyingProperties && qualifyingProperties.attr('Target')?.value !== `#${signatureId}`) {
    v.fail(
      'STRUCTURE',
      `QualifyingProperties/@Target must be "#${signatureId}"`,
      pathOf(qualifyingProperties),
    );
  }
  const packaging = targets.object ? 'enveloping' : 'detached';
  if (v.issues.length) return { located: null, packaging };
  const { refs: _refs, ...parts } = si;
  const located: Located = { root, ...parts, targets, ...(signatureId !== undefined ? { signatureId } : {}) };
  if (qualifyingProperties) located.qualifyingProperties = qualifyingProperties;
  return { located, packaging };
}
