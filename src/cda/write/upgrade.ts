/**
 * Rebuilding older CR-BIO documents (volets 2021.01–2023.01) as 2024.01: organisms coded in NCBI Taxonomy, which
 * 2024.01 replaces by SNOMED CT, take their SNOMED CT code from a mapping; the NCBI code is kept as a translation.
 * @module
 */
import { CisisBioError } from '../../common/errors.js';
import { CODE_SYSTEM, type Code, type CrBioReport } from '../../model/index.js';

/** The NCBI Taxonomy OIDs found in CR-BIO documents: the HL7 one, and the ANS one of the 2021 examples. */
export const NCBI_TAXONOMY_OIDS: ReadonlySet<string> = new Set([
  CODE_SYSTEM.NCBI_TAXONOMY,
  '1.2.250.1.213.2.69.1',
]);

/** One SNOMED CT organism code, keyed by NCBI Taxonomy id in an {@link OrganismCodes} mapping. */
export interface SnomedOrganism {
  code: string;
  displayName: string;
}

/** NCBI Taxonomy id → SNOMED CT organism. */
export type OrganismCodes = Readonly<Record<string, SnomedOrganism>>;

/**
 * The mapping shipped for the organisms of the ANS examples. Source: the ANS's own 2024.01 examples
 * (`BIO-CR-BIO_2024.01_Microbiologie_V1.xml`, `_Electrophorese.xml`, and the HL7 v2 volet's V2.1
 * `CR_Bio_CDA_Niv3_v1.XML`), which code the same isolates in SNOMED CT with the NCBI id as translation; the SNOMED CT
 * concepts are 112283007 |Escherichia coli (organism)| and 58800005 |Genus Streptococcus (organism)| (SNOMED CT
 * International). Pass your own (`organismCodes`, `--organism-codes FILE`) for other organisms.
 */
export const DEFAULT_ORGANISM_CODES: OrganismCodes = {
  '562': { code: '112283007', displayName: 'Escherichia coli (organism)' },
  '1306': { code: '58800005', displayName: 'Genus Streptococcus (organism)' },
};

/** Organisms of an older document that the mapping does not cover; `organisms` names each (code, name, path). */
export class OrganismMappingError extends CisisBioError {
  readonly organisms: ReadonlyArray<{ path: string; ncbi: string; name?: string }>;
  constructor(organisms: Array<{ path: string; ncbi: string; name?: string }>) {
    super(
      'ORGANISM_UNMAPPED',
      `no SNOMED CT code for ${organisms.length} NCBI Taxonomy organism(s): ${organisms
        .map((o) => `${o.ncbi}${o.name ? ` (${o.name})` : ''} at ${o.path}`)
        .join('; ')} — pass a mapping (organismCodes / --organism-codes FILE)`,
      { where: organisms.map((o) => o.path).join(', ') },
    );
    this.organisms = organisms;
  }
}

/**
 * Read an organism mapping given as JSON: `{ "<NCBI id>": { "code": "<SNOMED CT>", "displayName": "…" } }`.
 * @example parseOrganismCodes('{"562":{"code":"112283007","displayName":"Escherichia coli (organism)"}}')
 */
export function parseOrganismCodes(json: string, where = 'organism codes'): OrganismCodes {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new CisisBioError('ORGANISM_CODES_INVALID', `${where}: not JSON (${(e as Error).message})`, {
      where,
    });
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new CisisBioError('ORGANISM_CODES_INVALID', `${where}: expected an object keyed by NCBI id`, {
      where,
    });
  const out: Record<string, SnomedOrganism> = {};
  for (const [ncbi, v] of Object.entries(data as Record<string, unknown>)) {
    const o = v as Partial<SnomedOrganism> | null;
    if (!/^\d+$/.test(ncbi) || !o || typeof o.code !== 'string' || !/^\d{6,18}$/.test(o.code))
      throw new CisisBioError(
        'ORGANISM_CODES_INVALID',
        `${where}: entry ${JSON.stringify(ncbi)} needs a numeric NCBI id and a SNOMED CT "code"`,
        { where: `${where}#${ncbi}` },
      );
    out[ncbi] = { code: o.code, displayName: typeof o.displayName === 'string' ? o.displayName : '' };
  }
  return out;
}

function upgradeOrganism(code: Code, map: OrganismCodes): Code | undefined {
  if (!code.code || !code.codeSystem || !NCBI_TAXONOMY_OIDS.has(code.codeSystem)) return code;
  const snomed = map[code.code];
  if (!snomed) return undefined;
  const { originalText, originalTextRef } = code;
  return {
    code: snomed.code,
    codeSystem: CODE_SYSTEM.SNOMED_CT,
    codeSystemName: 'SNOMED CT',
    ...(snomed.displayName ? { displayName: snomed.displayName } : {}),
    ...(originalText !== undefined ? { originalText } : {}),
    ...(originalTextRef !== undefined ? { originalTextRef } : {}),
    translations: [
      {
        code: code.code,
        codeSystem: CODE_SYSTEM.NCBI_TAXONOMY,
        codeSystemName: 'NCBI-Taxonomy',
        ...(code.displayName ? { displayName: code.displayName } : {}),
      },
    ],
  };
}

/** Options of {@link upgradeReport}. */
export interface UpgradeOptions {
  /** NCBI id → SNOMED CT organism; default {@link DEFAULT_ORGANISM_CODES}. */
  organismCodes?: OrganismCodes;
  /**
   * Practice setting (JDV_J04, e.g. `AMBULATOIRE`) given to a performing laboratory that has none — 2024.01 requires
   * it, older documents (the HL7 v2 volet's V2.0 examples) omit it. Without it, such a laboratory is refused
   * (`UPGRADE_PRACTICE_SETTING_MISSING`, naming each path).
   */
  practiceSetting?: Code;
}

/** The JDV_J04 practice setting codes (1.2.250.1.213.1.1.4.9) with their display names. */
export const PRACTICE_SETTINGS: Readonly<Record<string, string>> = {
  AMBULATOIRE: 'Ambulatoire',
  ETABLISSEMENT: 'Etablissement de santé',
  DEPISTAGE: 'Dépistage',
  HAD: 'Hospitalisation à domicile',
  ESSMS: 'Etablissement ou Service Social ou Médico-Social',
};

function fillPracticeSettings(copy: CrBioReport, setting: Code | undefined): void {
  const missing: string[] = [];
  const visit = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) visit(x, `${path}[${i}]`);
      return;
    }
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const p = path ? `${path}.${k}` : k;
      const org =
        k === 'performer'
          ? (x as { organization?: { standardIndustryClass?: Code } }).organization
          : undefined;
      if (org && !org.standardIndustryClass) {
        if (setting) org.standardIndustryClass = setting;
        else missing.push(`${p}.organization.standardIndustryClass`);
      }
      visit(x, p);
    }
  };
  visit(copy, '');
  if (missing.length > 0)
    throw new CisisBioError(
      'UPGRADE_PRACTICE_SETTING_MISSING',
      `2024.01 requires the practice setting of every performing laboratory; missing at ${missing.join(', ')} — ` +
        'pass practiceSetting (--practice-setting AMBULATOIRE|ETABLISSEMENT|…)',
      { where: missing.join(', ') },
    );
}

/**
 * A copy of an older report (2021.01–2023.01) ready to be built as 2024.01: `voletVersion` 2024.01, every
 * isolate coded in NCBI Taxonomy recoded in SNOMED CT from `organismCodes` (default {@link DEFAULT_ORGANISM_CODES}),
 * the NCBI id kept as translation, and performing laboratories without a practice setting given `practiceSetting`.
 * Build it with `received: true` (its identifiers are the producer's).
 * @throws OrganismMappingError naming every organism the mapping lacks; CisisBioError
 *   `UPGRADE_PRACTICE_SETTING_MISSING` naming every laboratory without a practice setting when none is given.
 * @example
 * const { bytes } = buildReport(upgradeReport(parseCrBio(old).report), { received: true, pdf });
 */
export function upgradeReport(report: CrBioReport, options: UpgradeOptions = {}): CrBioReport {
  const organismCodes = options.organismCodes ?? DEFAULT_ORGANISM_CODES;
  const copy = structuredClone(report);
  copy.voletVersion = '2024.01';
  const missing: Array<{ path: string; ncbi: string; name?: string }> = [];
  const visit = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) visit(x, `${path}[${i}]`);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.kind === 'isolate') {
      const organism = o.organism as { code: Code };
      const next = upgradeOrganism(organism.code, organismCodes);
      if (next) organism.code = next;
      else {
        const name = organism.code.displayName ?? organism.code.originalText;
        missing.push({
          path: `${path}.organism.code`,
          ncbi: organism.code.code ?? '',
          ...(name ? { name } : {}),
        });
      }
    }
    for (const [k, x] of Object.entries(o)) if (k !== 'organism') visit(x, path ? `${path}.${k}` : k);
  };
  visit(copy.sections, 'sections');
  if (missing.length > 0) throw new OrganismMappingError(missing);
  fillPracticeSettings(copy, options.practiceSetting);
  return copy;
}
