/**
 * The LOINC checks of a report model: form and check digit of every LOINC code; with the user's LOINC table,
 * existence, status, and the consistency of each result's code with its value (SCALE_TYP ↔ value type, PROPERTY ↔
 * UCUM unit, SYSTEM ↔ specimen type).
 * @module
 */
import { parseCrBio } from '../cda/index.js';
import type { Code, CrBioReport, ResultsEntry, ResultValue } from '../model/index.js';
import { checkLoincCode, LOINC_OID, loincCodesOf } from '../model/index.js';
import { type LoincEntry, type LoincTable, loadLoincTable } from './table.js';
import { PROPERTY_UNIT_KINDS, unitKind } from './units.js';

/** What a finding is about. */
export type LoincRule =
  | 'LOINC_FORMAT'
  | 'LOINC_CHECK_DIGIT'
  | 'LOINC_UNKNOWN'
  | 'LOINC_STATUS'
  | 'LOINC_SCALE'
  | 'LOINC_PROPERTY'
  | 'LOINC_SYSTEM';

/** One problem with a LOINC code of a report, at its model path. */
export interface LoincFinding {
  /** Model path of the code, e.g. `sections[0].entry.items[1].code`. */
  path: string;
  code: string;
  severity: 'error' | 'warning';
  rule: LoincRule;
  message: string;
}

/** Options of {@link checkReportLoinc}. */
export interface LoincCheckOptions {
  /** The loaded LOINC table; without it (and without `loinc`) only the form and check digit are checked. */
  table?: LoincTable;
  /** Folder of the LOINC release (`LoincTable/Loinc.csv`), loaded (and cached) when `table` is not given. */
  loinc?: string;
}

function tableOf(options: LoincCheckOptions): LoincTable | undefined {
  return options.table ?? (options.loinc === undefined ? undefined : loadLoincTable(options.loinc));
}

const CODED = new Set(['CD', 'CE', 'CV', 'CO', 'BL']);

/**
 * Check the LOINC codes of a report model. Form and check digit always; with `options.table` (or the release
 * folder `options.loinc`): the code exists,
 * is ACTIVE (DEPRECATED/DISCOURAGED: warning naming MAP_TO), and each result's SCALE_TYP, PROPERTY and SYSTEM
 * agree with its value type, unit and specimen.
 *
 * @example
 * const findings = checkReportLoinc(report, { table: loadLoincTable('/data/Loinc_2.78') });
 * for (const f of findings) console.log(`${f.severity} ${f.path}: ${f.message}`);
 */
export function checkReportLoinc(report: CrBioReport, options: LoincCheckOptions = {}): LoincFinding[] {
  const findings: LoincFinding[] = [];
  const table = tableOf(options);
  for (const { path, code } of loincCodesOf(report)) {
    const c = code.code as string;
    const v = checkLoincCode(c);
    if (!v.valid) {
      findings.push({
        path,
        code: c,
        severity: 'error',
        rule: v.kind === 'term' ? 'LOINC_CHECK_DIGIT' : 'LOINC_FORMAT',
        message: v.message ?? 'not a LOINC code',
      });
    } else if (table && v.kind === 'term') {
      findings.push(...termFindings(path, c, table.get(c)));
    }
  }
  if (table) {
    report.sections.forEach((s, i) => {
      if (s.kind !== 'chapter') return;
      if (s.entry) entryFindings(`sections[${i}].entry`, s.entry, table, findings);
      (s.subSections ?? []).forEach((ss, j) => {
        entryFindings(`sections[${i}].subSections[${j}].entry`, ss.entry, table, findings);
      });
    });
  }
  return findings;
}

function termFindings(path: string, code: string, e: LoincEntry | undefined): LoincFinding[] {
  if (!e) {
    return [
      {
        path,
        code,
        severity: 'error',
        rule: 'LOINC_UNKNOWN',
        message: `LOINC ${code} is not in the LOINC table`,
      },
    ];
  }
  if (e.status === 'ACTIVE' || e.status === 'TRIAL' || e.status === '') return [];
  const to = e.mapTo.length ? `; use ${e.mapTo.join(' or ')} instead (MAP_TO)` : '';
  return [
    {
      path,
      code,
      severity: 'warning',
      rule: 'LOINC_STATUS',
      message: `LOINC ${code} (${e.longName}) is ${e.status}${to}`,
    },
  ];
}

/** The LOINC code a result is coded with: the code itself, else its first LOINC translation. */
function resultLoinc(code: Code): string | undefined {
  if (code.codeSystem === LOINC_OID && code.code) return code.code;
  return code.translations?.find((t) => t.codeSystem === LOINC_OID && t.code)?.code;
}

function entryFindings(path: string, entry: ResultsEntry, table: LoincTable, out: LoincFinding[]): void {
  const specimens = entry.items.flatMap((it) =>
    it.kind === 'specimen' && it.specimenType?.code ? [it.specimenType.code] : [],
  );
  const specimen = new Set(specimens).size === 1 ? specimens[0] : undefined;
  const visit = (node: { kind: string }, p: string): void => {
    const n = node as Record<string, unknown> & { kind: string };
    if (n.kind === 'observation') {
      const o = node as unknown as { code: Code; value?: ResultValue };
      const c = resultLoinc(o.code);
      const e = c === undefined ? undefined : table.get(c);
      if (c !== undefined && e) resultFindings(`${p}`, c, e, o.value, specimen, out);
    }
    const children = (n.components ?? n.items) as Array<{ kind: string }> | undefined;
    (children ?? []).forEach((ch, k) => {
      visit(ch, `${p}.${n.components ? 'components' : 'items'}[${k}]`);
    });
  };
  entry.items.forEach((it, k) => {
    visit(it, `${path}.items[${k}]`);
  });
}

function valueUnits(v: ResultValue): string[] {
  switch (v.type) {
    case 'PQ':
      return v.unit ? [v.unit] : [];
    case 'IVL_PQ':
      return [v.low?.unit, v.high?.unit, v.center?.unit].filter((u): u is string => !!u);
    default:
      return [];
  }
}

function resultFindings(
  path: string,
  code: string,
  e: LoincEntry,
  value: ResultValue | undefined,
  specimen: string | undefined,
  out: LoincFinding[],
): void {
  const at = `${path}.code`;
  const add = (severity: 'error' | 'warning', rule: LoincRule, message: string) => {
    out.push({ path: at, code, severity, rule, message });
  };
  if (value && !('nullFlavor' in value && value.nullFlavor)) {
    const t = value.type;
    if (e.scale === 'Qn' && CODED.has(t)) {
      add(
        'error',
        'LOINC_SCALE',
        `LOINC ${code} is quantitative (Qn) but the value is coded (${t}): expected PQ, IVL_PQ or RTO`,
      );
    } else if (e.scale === 'Qn' && (t === 'ST' || t === 'ED')) {
      add('warning', 'LOINC_SCALE', `LOINC ${code} is quantitative (Qn) but the value is text (${t})`);
    } else if ((e.scale === 'Ord' || e.scale === 'Nom') && (t === 'PQ' || t === 'IVL_PQ')) {
      add(
        'error',
        'LOINC_SCALE',
        `LOINC ${code} is ${e.scale} (coded result) but the value is a quantity (${t})`,
      );
    } else if (e.scale === 'Nar' && t !== 'ST' && t !== 'ED') {
      add('error', 'LOINC_SCALE', `LOINC ${code} is narrative (Nar) but the value is ${t}: expected ST`);
    }
    const expected = PROPERTY_UNIT_KINDS[e.property];
    if (expected) {
      for (const u of valueUnits(value)) {
        const kind = unitKind(u);
        if (kind !== undefined && !expected.includes(kind)) {
          add(
            'error',
            'LOINC_PROPERTY',
            `LOINC ${code} is ${e.property} (${expected.join(' or ')}) but the unit ${u} is ${kind}`,
          );
        }
      }
    }
  }
  const systems = SPECIMEN_SYSTEMS[specimen?.toUpperCase() ?? ''];
  if (specimen !== undefined && systems && !systemIgnored(e.system) && !systems.includes(e.system)) {
    add(
      'warning',
      'LOINC_SYSTEM',
      `LOINC ${code} is measured in ${e.system} but the specimen is ${specimen}`,
    );
  }
}

/** Systems that are not a specimen (isolates, the patient) or that any specimen can yield. */
function systemIgnored(system: string): boolean {
  return (
    system === '' ||
    system === 'Isolate' ||
    system === 'XXX' ||
    system.startsWith('^') ||
    system === 'Specimen'
  );
}

const BLOOD = [
  'Bld',
  'BldV',
  'BldA',
  'BldC',
  'Ser/Plas',
  'Ser',
  'Plas',
  'PPP',
  'PRP',
  'RBC',
  'WBC',
  'Ser/Plas/Bld',
  'Bld/Ser/Plas',
];
const URINE = ['Urine', 'Urine sed', 'Urine+Ser/Plas'];
/** LOINC SYSTEM values compatible with an HL7 SpecimenType code (a serum test on a blood sample is fine). */
const SPECIMEN_SYSTEMS: Readonly<Record<string, readonly string[]>> = {
  BLD: BLOOD,
  BLDV: BLOOD,
  BLDA: ['BldA', 'Bld', ...BLOOD],
  BLDC: ['BldC', 'Bld', 'Ser/Plas', 'Ser/Plas/Bld'],
  SER: ['Ser', 'Ser/Plas', 'Ser/Plas/Bld', 'Bld/Ser/Plas'],
  PLAS: ['Plas', 'Ser/Plas', 'PPP', 'PRP', 'Ser/Plas/Bld', 'Bld/Ser/Plas'],
  UR: URINE,
  URNS: URINE,
  URT: URINE,
  URC: URINE,
  CSF: ['CSF'],
  STL: ['Stool'],
  THRT: ['Thrt', 'Upper resp', 'Respiratory', 'Nph'],
  SPT: ['Sputum', 'Respiratory', 'Lower resp'],
};

/**
 * Check the LOINC codes of a CDA document (CR-BIO level 3 or 1): parsed with the project's parser, then
 * {@link checkReportLoinc}; paths are model paths of the parsed report.
 *
 * @example
 * const findings = await checkDocumentLoinc(readFileSync('cr-bio.xml'), { table });
 */
export async function checkDocumentLoinc(
  xml: Uint8Array | string,
  options: LoincCheckOptions & { fileName?: string } = {},
): Promise<LoincFinding[]> {
  const { report } = parseCrBio(xml, options.fileName === undefined ? {} : { fileName: options.fileName });
  const table = tableOf(options);
  return checkReportLoinc(report, table ? { table } : {});
}
