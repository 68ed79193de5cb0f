// Which CI-SIS volet schematron judges a document: the kit's volets (`schematrons/CI-SIS_<family>_<version>.sch`)
// and the document's header (templateId roots with their `extension` version, document code).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CisisBioError } from '../common/errors.js';

/** A CI-SIS document type and what selects it in a document header. */
export interface VoletFamily {
  /** Family as the kit names its schematrons, e.g. `BIO-CR-BIO` for `CI-SIS_BIO-CR-BIO_2024.01.sch`. */
  family: string;
  /** Document-level templateId roots specific to this family (any one selects it). */
  templateIds: readonly string[];
  /** Document codes that select it when no family's templateId is present (level 1 volets such as TLM-CR). */
  codes?: readonly string[];
}

/**
 * The CI-SIS document types and their specific document-level templateIds (CI-SIS volets, ANS), as in the kit's
 * examples and volet headers. Transverse templateIds (CDA-FR `2.16.840.1.113883.2.8.2.1`, CI-SIS `…1.1.1.1`, IHE
 * XD-LAB, IHE medical document, generic level 1 `1.3.6.1.4.1.19376.1.2.20`) select nothing on their own.
 */
export const VOLET_FAMILIES: readonly VoletFamily[] = [
  { family: 'ANEST-CR-ANEST', templateIds: ['1.2.250.1.213.1.1.1.40'] },
  { family: 'ANEST-CR-CPA', templateIds: ['1.2.250.1.213.1.1.1.41'] },
  { family: 'AVC-AUNV', templateIds: ['1.2.250.1.213.1.1.1.15'] },
  { family: 'AVC-EUNV', templateIds: ['1.2.250.1.213.1.1.1.16'] },
  { family: 'AVC-SUNV', templateIds: ['1.2.250.1.213.1.1.1.17'] },
  { family: 'AVC-PAVC', templateIds: ['1.2.250.1.213.1.1.1.25'] },
  { family: 'BIO-CR-BIO', templateIds: ['1.2.250.1.213.1.1.1.55'] },
  { family: 'BIO-TROD', templateIds: ['1.2.250.1.213.1.1.1.59'] },
  { family: 'CANCER-CR-GM', templateIds: ['1.2.250.1.213.1.1.1.32'] },
  { family: 'CANCER-D2LM-FIDD', templateIds: ['1.2.250.1.213.1.1.1.28'] },
  { family: 'CANCER-D2LM-FIN', templateIds: ['1.2.250.1.213.1.1.1.27'] },
  { family: 'CANCER-FRCP', templateIds: ['1.2.250.1.213.1.1.1.8'] },
  { family: 'CANCER-PPS', templateIds: ['1.2.250.1.213.1.1.1.26'] },
  { family: 'CARD-F-PRC-AVK', templateIds: ['1.2.250.1.213.1.1.1.2.1.1'] },
  { family: 'CARD-F-PRC-TAP', templateIds: ['1.2.250.1.213.1.1.1.2.1.2'] },
  { family: 'CARD-F-PRC-DCI', templateIds: ['1.2.250.1.213.1.1.1.2.1.3'] },
  { family: 'CARD-F-PRC-PSC', templateIds: ['1.2.250.1.213.1.1.1.2.1.4'] },
  { family: 'CARD-F-PRC-PPV', templateIds: ['1.2.250.1.213.1.1.1.2.1.5'] },
  { family: 'CNAM-HR', templateIds: ['1.2.250.1.213.1.1.1.36'] },
  { family: 'CSE-CS8', templateIds: ['1.2.250.1.213.1.1.1.5.1'] },
  { family: 'CSE-CS9', templateIds: ['1.2.250.1.213.1.1.1.5.2'] },
  { family: 'CSE-CS24', templateIds: ['1.2.250.1.213.1.1.1.5.3'] },
  { family: 'CSE-MDE', templateIds: ['1.2.250.1.213.1.1.1.5.4'] },
  { family: 'DLU-EHPAD-DLU', templateIds: ['1.2.250.1.213.1.1.1.22'] },
  { family: 'DLU-EHPAD-FLUDT', templateIds: ['1.2.250.1.213.1.1.1.23'] },
  { family: 'DLU-EHPAD-FLUDR', templateIds: ['1.2.250.1.213.1.1.1.24'] },
  { family: 'EP-MED-DM', templateIds: ['1.2.250.1.213.1.1.1.39'] },
  { family: 'eDISP-MED', templateIds: ['1.2.250.1.213.1.1.1.54'] },
  { family: 'IMG-CR-IMG', templateIds: ['1.2.250.1.213.1.1.1.45'] },
  { family: 'IMG-DA-IMG', templateIds: ['1.2.250.1.213.1.1.1.47'] },
  { family: 'IPS-FR', templateIds: ['1.2.250.1.213.1.1.1.51'] },
  { family: 'LDL-EES', templateIds: ['1.2.250.1.213.1.1.1.21'] },
  { family: 'LDL-SES', templateIds: ['1.2.250.1.213.1.1.1.29'] },
  { family: 'OBP-SAP', templateIds: ['1.2.250.1.213.1.1.1.12.1'] },
  { family: 'OBP-SNM', templateIds: ['1.2.250.1.213.1.1.1.12.2'] },
  { family: 'OBP-SNE', templateIds: ['1.2.250.1.213.1.1.1.12.3'] },
  { family: 'OBP-SCM', templateIds: ['1.2.250.1.213.1.1.1.12.4'] },
  { family: 'OBP-SEM', templateIds: ['1.2.250.1.213.1.1.1.12.5'] },
  { family: 'OPH-BRE', templateIds: ['1.2.250.1.213.1.1.1.42'] },
  { family: 'OPH-CR-RTN', templateIds: ['1.2.250.1.213.1.1.1.18'] },
  { family: 'SDM-MR', templateIds: ['1.2.250.1.213.1.1.1.30'] },
  { family: 'TLM-CR', templateIds: [], codes: ['85208-7'] },
  { family: 'TLM-DA', templateIds: ['1.2.250.1.213.1.1.1.38'] },
  { family: 'VAC', templateIds: ['1.2.250.1.213.1.1.1.37'] },
  { family: 'VAC-NOTE', templateIds: ['1.2.250.1.213.1.1.1.46'] },
  { family: 'VSM', templateIds: ['1.2.250.1.213.1.1.1.13'] },
];

/** One volet schematron of a kit. */
export interface KitVolet {
  /** Profile name in results: the file name without `.sch`, e.g. `CI-SIS_BIO-CR-BIO_2024.01`. */
  name: string;
  /** e.g. `BIO-CR-BIO` (a sub-version such as VSM's `_1.4` is dropped). */
  family: string;
  /** `YYYY.NN`, e.g. `2024.01`. */
  version: string;
  /** Absolute path of the `.sch`. */
  path: string;
  /** The templateIds (and document codes) that select it; empty when cisis-bio knows none (use `--volet`). */
  templateIds: readonly string[];
  codes: readonly string[];
}

const VOLET_FILE = /^CI-SIS_(.+?)(?:_\d+(?:\.\d+)*)?_(\d{4}\.\d{2})\.sch$/;

/**
 * The volet schematrons of a kit (`schematrons/CI-SIS_*.sch`), sorted by family then version.
 *
 * @example
 * ```ts
 * for (const v of listVolets('/opt/TestContenuCDA-3-0')) console.log(v.name, v.templateIds.join(' '));
 * ```
 */
export function listVolets(kitDir: string): KitVolet[] {
  const dir = join(kitDir, 'schematrons');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: KitVolet[] = [];
  for (const file of names) {
    const m = VOLET_FILE.exec(file);
    if (!m) continue;
    const family = m[1]!;
    const known = VOLET_FAMILIES.find((f) => f.family.toLowerCase() === family.toLowerCase());
    out.push({
      name: file.slice(0, -4),
      family,
      version: m[2]!,
      path: join(dir, file),
      templateIds: known?.templateIds ?? [],
      codes: known?.codes ?? [],
    });
  }
  return out.sort((a, b) =>
    a.family === b.family ? compareVersions(a.version, b.version) : a.family.localeCompare(b.family),
  );
}

/** What of a document's header selects its volet. */
export interface DocumentHeader {
  /** `ClinicalDocument/templateId`s (of the first `ClinicalDocument` when it is not the root: auto-presentable documents). */
  templateIds: Array<{ root: string; extension?: string }>;
  /** `ClinicalDocument/code/@code`. */
  code?: string;
  /** 1 when the body is a `nonXMLBody`. */
  level: 1 | 3;
}

/** How the volet of a document was chosen. */
export interface VoletSelection {
  /** The volet's profile name; absent when no volet matched (the document is judged by the common profiles). */
  volet?: string;
  /**
   * `stated-version`: templateId + its extension matched a kit volet; `newest`: the family's newest volet (no
   * version stated, or one the kit lacks); `code`: selected by document code; `forced`: `--volet NAME`;
   * `none`: nothing matched.
   */
  rule: 'stated-version' | 'newest' | 'code' | 'forced' | 'none';
  /** One sentence for humans (text output, JSON). */
  reason: string;
}

/** The argument of `--volet` is not a volet of the kit. */
export class UnknownVoletError extends CisisBioError {
  constructor(name: string, volets: readonly KitVolet[]) {
    super(
      'VALIDATE_UNKNOWN_VOLET',
      `no volet "${name}" in the kit (volets: ${volets.map((v) => v.name).join(', ') || 'none'})`,
    );
  }
}

/** The kit volet named `name` (with or without the `CI-SIS_` prefix and `.sch`), else throws UnknownVoletError. */
export function findVolet(volets: readonly KitVolet[], name: string): KitVolet {
  const want = name
    .replace(/\.sch$/i, '')
    .replace(/^CI-SIS_/i, '')
    .toLowerCase();
  const hit = volets.find((v) => v.name.replace(/^CI-SIS_/, '').toLowerCase() === want);
  if (!hit) throw new UnknownVoletError(name, volets);
  return hit;
}

/**
 * Choose the volet that judges a document (the documented rule of docs/validate.md):
 * 1. a family's specific templateId in the header selects the family (the most specific root when several);
 *    else a family's document code (TLM-CR);
 * 2. the templateId's `extension` names the version: the kit's volet of that version; when the document states
 *    none, or one the kit lacks, the family's **newest** volet in the kit;
 * 3. no family matched (or the kit has none of its volets): no volet — the four common profiles judge it, and
 *    the selection says so.
 *
 * @example
 * ```ts
 * const sel = chooseVolet(listVolets(kit), { templateIds: [{ root: '1.2.250.1.213.1.1.1.55' }], level: 3 });
 * // { volet: 'CI-SIS_BIO-CR-BIO_2024.01', rule: 'newest', reason: '…' }
 * ```
 */
export function chooseVolet(volets: readonly KitVolet[], header: DocumentHeader): VoletSelection {
  const byTemplate = header.templateIds
    .map((t) => ({ t, family: VOLET_FAMILIES.find((f) => f.templateIds.includes(t.root)) }))
    .filter((x): x is { t: (typeof header.templateIds)[number]; family: VoletFamily } => !!x.family)
    .sort((a, b) => b.t.root.length - a.t.root.length);
  const pick = byTemplate[0];
  if (pick) {
    const own = volets.filter((v) => v.family.toLowerCase() === pick.family.family.toLowerCase());
    const why = `templateId ${pick.t.root}${pick.t.extension ? ` (extension ${pick.t.extension})` : ''}`;
    if (own.length === 0)
      return { rule: 'none', reason: `${why} is ${pick.family.family}, of which the kit has no volet` };
    const stated = pick.t.extension ? own.find((v) => v.version === pick.t.extension) : undefined;
    if (stated) return { volet: stated.name, rule: 'stated-version', reason: `${why}` };
    const newest = own[own.length - 1]!;
    const lack = pick.t.extension
      ? `version ${pick.t.extension} is not in the kit`
      : 'the document states no version';
    return {
      volet: newest.name,
      rule: 'newest',
      reason: `${why}; ${lack}: the newest ${pick.family.family} volet`,
    };
  }
  const byCode = header.code ? VOLET_FAMILIES.find((f) => f.codes?.includes(header.code!)) : undefined;
  if (byCode) {
    const own = volets.filter((v) => v.family.toLowerCase() === byCode.family.toLowerCase());
    const newest = own[own.length - 1];
    if (newest)
      return {
        volet: newest.name,
        rule: 'code',
        reason: `document code ${header.code}: the newest ${byCode.family} volet`,
      };
  }
  const level1 =
    header.level === 1 ? ' (a level 1 document: the CR-BIO volets judge level 3 documents only)' : '';
  return {
    rule: 'none',
    reason: `no templateId or document code of a kit volet${level1}: judged by the common profiles only`,
  };
}

/** The forced choice of `--volet NAME`. */
export function forcedVolet(volet: KitVolet): VoletSelection {
  return { volet: volet.name, rule: 'forced', reason: `--volet ${volet.name}` };
}

/** Read the selection-relevant header of a parsed CDA document (DOM of @xmldom or slimdom). */
export function documentHeader(doc: DomNode): DocumentHeader {
  const root = clinicalDocument(doc);
  const templateIds: DocumentHeader['templateIds'] = [];
  let code: string | undefined;
  let level: 1 | 3 = 3;
  for (let c = root?.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1 || c.namespaceURI !== HL7) continue;
    if (c.localName === 'templateId') {
      const rootAttr = c.getAttribute?.('root');
      const ext = c.getAttribute?.('extension');
      if (rootAttr) templateIds.push(ext ? { root: rootAttr, extension: ext } : { root: rootAttr });
    } else if (c.localName === 'code' && code === undefined) code = c.getAttribute?.('code') ?? undefined;
    else if (c.localName === 'component') {
      for (let b = c.firstChild; b; b = b.nextSibling)
        if (b.nodeType === 1 && b.localName === 'nonXMLBody') level = 1;
    }
  }
  return code !== undefined ? { templateIds, code, level } : { templateIds, level };
}

const HL7 = 'urn:hl7-org:v3';

/** The DOM navigation @xmldom and slimdom both offer. */
export interface DomNode {
  nodeType: number;
  localName?: string | null;
  namespaceURI?: string | null;
  documentElement?: DomNode | null;
  firstChild?: DomNode | null;
  nextSibling?: DomNode | null;
  getAttribute?(name: string): string | null;
}

/** The root `ClinicalDocument`, or the first one inside the root (auto-presentable documents wrap it in XSLT). */
function clinicalDocument(doc: DomNode): DomNode | undefined {
  const root = doc.documentElement;
  if (!root) return undefined;
  if (root.localName === 'ClinicalDocument') return root;
  const stack: DomNode[] = [root];
  let seen = 0;
  while (stack.length && seen++ < 100_000) {
    const n = stack.pop()!;
    if (n.nodeType === 1 && n.localName === 'ClinicalDocument' && n.namespaceURI === HL7) return n;
    const kids: DomNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) kids.push(c);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return undefined;
}

function compareVersions(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
