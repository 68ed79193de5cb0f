/**
 * Checks of the coded content of a report model before it is written: UCUM units of every quantity, value-set
 * membership of the codes the volet binds (interpretation, confidentiality, practice setting, encounter type,
 * function codes, specimen type; author specialty and facility type with a kit), name prefixes/suffixes, and
 * the coding rules of the volet (LOINC display names, translations, organism code systems).
 * @module
 */

import type {
  BatteryComponent,
  CrBioReport,
  HealthProfessional,
  Organization,
  ReferenceRange,
  ResultItem,
  ResultsEntry,
  ResultValue,
} from '../../model/index.js';
import {
  CODE_SYSTEM,
  type Code,
  type CodeBase,
  checkLoincCode,
  loincCodesOf,
  type PersonName,
  ucumFalseFriend,
} from '../../model/index.js';
import { checkUcumUnit } from '../ucum.js';
import {
  inValueSet,
  NAME_PREFIXES,
  NAME_SUFFIXES,
  type ValueSetName,
  ValueSetUnavailableError,
} from '../valuesets.js';
import { sub } from './context.js';
import { type BuildProblem, CodeValidationError } from './errors.js';

/** Options of {@link checkReportCodes}. */
export interface CodeCheckOptions {
  /** ANS kit folder: value sets are read from its `jeuxDeValeurs/`. */
  kit?: string;
  /** Check the header only (level 1 documents have no body). */
  headerOnly?: boolean;
}

class Checker {
  readonly problems: BuildProblem[] = [];
  constructor(private readonly kit: string | undefined) {}

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  unit(path: string, unit: string | undefined): void {
    if (unit === undefined) return;
    const ff = ucumFalseFriend(unit);
    if (ff) {
      // Valid UCUM with another meaning (G/L = gauss per litre): refused rather than silently misread.
      this.add(
        path,
        `unit ${JSON.stringify(unit)} is UCUM for ${ff.readAs}; the French notation means ${ff.meant}`,
      );
      return;
    }
    const v = checkUcumUnit(unit);
    if (!v.valid) this.add(path, `unit ${JSON.stringify(unit)} is not UCUM: ${v.message}`);
  }

  valueSet(path: string, name: ValueSetName, c: CodeBase | undefined, label: string): void {
    if (!c || c.nullFlavor) return;
    let verdict: boolean | undefined;
    try {
      verdict = inValueSet(name, c, this.kit);
    } catch (e) {
      if (e instanceof ValueSetUnavailableError) {
        this.add(path, e.message);
        return;
      }
      throw e;
    }
    if (verdict === false) {
      this.add(
        path,
        `${label} ${c.code ?? '(no code)'} (code system ${c.codeSystem ?? 'none'}) is not in ${name}`,
      );
    }
  }

  name(path: string, n: PersonName | undefined): void {
    if (!n) return;
    if (n.prefix !== undefined && !NAME_PREFIXES.has(n.prefix)) {
      this.add(sub(path, 'prefix'), `name prefix ${JSON.stringify(n.prefix)} is not in JDV_J245 (M, MME)`);
    }
    if (n.suffix !== undefined && !NAME_SUFFIXES.has(n.suffix)) {
      this.add(
        sub(path, 'suffix'),
        `name suffix ${JSON.stringify(n.suffix)} is not in JDV_J246 (DR, MC, MG, PC, PG, PR)`,
      );
    }
  }

  organization(path: string, o: Organization | undefined): void {
    if (!o) return;
    this.valueSet(
      sub(path, 'standardIndustryClass'),
      'practiceSetting',
      o.standardIndustryClass,
      'practice setting',
    );
  }

  professional(path: string, p: HealthProfessional | undefined): void {
    if (!p) return;
    this.name(sub(path, 'name'), p.name);
    this.organization(sub(path, 'organization'), p.organization);
    if (this.kit)
      this.valueSet(sub(path, 'profession'), 'authorSpecialty', p.profession, 'profession/specialty');
  }

  translations(path: string, c: Code): void {
    (c.translations ?? []).forEach((t, i) => {
      if (t.code === undefined || t.displayName === undefined) {
        this.add(
          sub(sub(path, 'translations'), i),
          'a translation needs @code and @displayName (E_FR-Resultats-examens-de-biologie-medicale)',
        );
      }
    });
  }

  resultCode(path: string, c: Code): void {
    if (c.codeSystem === CODE_SYSTEM.LOINC && c.code !== undefined && c.displayName === undefined) {
      this.add(sub(path, 'displayName'), `LOINC code ${c.code} needs its displayName`);
    }
    if (
      c.code !== undefined &&
      c.codeSystem !== CODE_SYSTEM.LOINC &&
      c.displayName === undefined &&
      c.originalText === undefined
    ) {
      this.add(sub(path, 'displayName'), `local code ${c.code} needs a displayName`);
    }
    this.translations(path, c);
  }

  value(path: string, v: ResultValue | undefined): void {
    if (!v) return;
    switch (v.type) {
      case 'PQ':
        this.unit(sub(path, 'unit'), v.unit);
        break;
      case 'IVL_PQ':
        for (const k of ['low', 'center', 'high'] as const) this.unit(sub(sub(path, k), 'unit'), v[k]?.unit);
        break;
      case 'RTO':
      case 'RTO_PQ_PQ':
        if (v.numerator.type === 'PQ') this.unit(sub(sub(path, 'numerator'), 'unit'), v.numerator.unit);
        if (v.denominator.type === 'PQ') this.unit(sub(sub(path, 'denominator'), 'unit'), v.denominator.unit);
        break;
      default:
        break;
    }
  }

  range(path: string, r: ReferenceRange | undefined): void {
    if (!r) return;
    this.value(sub(path, 'value'), r.value);
    this.interpretation(sub(path, 'interpretation'), r.interpretation);
  }

  interpretation(path: string, c: Code | undefined): void {
    if (!c) return;
    if (c.nullFlavor || c.code === undefined || c.codeSystem === undefined) {
      this.add(path, 'an interpretation needs @code and @codeSystem (no nullFlavor)');
      return;
    }
    this.valueSet(path, 'interpretation', c, 'interpretation');
  }

  component(path: string, c: BatteryComponent | ResultItem): void {
    switch (c.kind) {
      case 'observation':
        this.resultCode(sub(path, 'code'), c.code);
        this.value(sub(path, 'value'), c.value);
        (c.interpretations ?? []).forEach((i, k) => {
          this.interpretation(sub(sub(path, 'interpretations'), k), i);
        });
        this.range(sub(path, 'referenceRange'), c.referenceRange);
        this.professional(sub(path, 'performer'), c.performer);
        (c.previousResults ?? []).forEach((p, k) => {
          const pp = sub(sub(path, 'previousResults'), k);
          this.value(sub(pp, 'value'), p.value);
          (p.interpretations ?? []).forEach((i, j) => {
            this.interpretation(sub(sub(pp, 'interpretations'), j), i);
          });
          this.range(sub(pp, 'referenceRange'), p.referenceRange);
        });
        break;
      case 'battery':
        if (c.code) this.translations(sub(path, 'code'), c.code);
        this.professional(sub(path, 'performer'), c.performer);
        (c.validators ?? []).forEach((v, k) => {
          this.name(sub(sub(sub(path, 'validators'), k), 'name'), v.name);
        });
        c.components.forEach((x, k) => {
          this.component(sub(sub(path, 'components'), k), x);
        });
        break;
      case 'isolate': {
        const oc = c.organism.code;
        const op = sub(sub(path, 'organism'), 'code');
        if (oc.code !== undefined && oc.codeSystem !== CODE_SYSTEM.SNOMED_CT) {
          this.add(
            op,
            'an organism is coded in SNOMED CT (or uncoded with an NCBI translation, or text only)',
          );
        }
        (oc.translations ?? []).forEach((t, k) => {
          if (t.codeSystem !== CODE_SYSTEM.NCBI_TAXONOMY) {
            this.add(
              sub(sub(op, 'translations'), k),
              'an organism translation must be NCBI Taxonomy (2.16.840.1.113883.3.9471)',
            );
          }
        });
        if (oc.code === undefined && !oc.translations?.length && oc.originalText === undefined) {
          this.add(op, 'an uncoded organism needs an NCBI translation or its text (originalText)');
        }
        this.professional(sub(path, 'performer'), c.performer);
        c.components.forEach((x, k) => {
          this.component(sub(sub(path, 'components'), k), x);
        });
        break;
      }
      case 'specimen':
        if (c.specimenType?.codeSystem === CODE_SYSTEM.HL7_SPECIMEN_TYPE) {
          this.valueSet(sub(path, 'specimenType'), 'specimenType', c.specimenType, 'specimen type');
        }
        this.professional(sub(path, 'sampler'), c.sampler);
        break;
      default:
        break;
    }
  }

  entry(path: string, e: ResultsEntry): void {
    this.professional(sub(path, 'performer'), e.performer);
    (e.validators ?? []).forEach((v, k) => {
      this.name(sub(sub(sub(path, 'validators'), k), 'name'), v.name);
    });
    e.items.forEach((it, k) => {
      this.component(sub(sub(path, 'items'), k), it);
    });
  }
}

/**
 * Check the codes and units of a report model.
 *
 * @throws CodeValidationError listing every problem with its model path
 * @example
 * checkReportCodes(report, { kit: '../shared/ans-kit' });
 */
export function checkReportCodes(r: CrBioReport, options: CodeCheckOptions = {}): void {
  const c = new Checker(options.kit);
  c.valueSet('confidentiality', 'confidentiality', r.confidentiality, 'confidentiality');
  r.authors.forEach((a, i) => {
    const p = sub('authors', i);
    c.professional(p, a);
    c.valueSet(sub(p, 'functionCode'), 'functionCode', a.functionCode, 'function code');
  });
  c.organization('custodian', r.custodian);
  c.professional('legalAuthenticator', r.legalAuthenticator);
  (r.authenticators ?? []).forEach((a, i) => {
    c.professional(sub('authenticators', i), a);
  });
  const participants: Array<[string, CrBioReport['prescriber']]> = [
    ['prescriber', r.prescriber],
    ['sampler', r.sampler],
    ['generalPractitioner', r.generalPractitioner],
    ...(r.otherParticipants ?? []).map(
      (p, i) => [sub('otherParticipants', i), p] as [string, CrBioReport['prescriber']],
    ),
  ];
  for (const [path, p] of participants) {
    if (!p) continue;
    c.professional(path, p);
    c.valueSet(sub(path, 'functionCode'), 'functionCode', p.functionCode, 'function code');
  }
  (r.informationRecipients ?? []).forEach((p, i) => {
    c.professional(sub('informationRecipients', i), p);
  });
  r.serviceEvents.forEach((s, i) => {
    c.professional(sub(sub('serviceEvents', i), 'performer'), s.performer);
  });
  c.valueSet('encounter.code', 'encounterType', r.encounter.code, 'encounter type');
  c.professional('encounter.responsibleParty', r.encounter.responsibleParty);
  if (options.kit)
    c.valueSet(
      'encounter.facility.code',
      'facilityType',
      r.encounter.facility?.code,
      'healthcare facility type',
    );
  if (!options.headerOnly) {
    r.sections.forEach((s, i) => {
      const p = sub('sections', i);
      if (s.kind !== 'chapter') return;
      if (s.entry) c.entry(sub(p, 'entry'), s.entry);
      (s.subSections ?? []).forEach((ss, j) => {
        c.entry(sub(sub(sub(p, 'subSections'), j), 'entry'), ss.entry);
      });
    });
  }
  // Form and mod-10 check digit of every LOINC code (header codes only for level 1).
  for (const { path, code } of loincCodesOf(options.headerOnly ? { ...r, sections: [] } : r)) {
    const v = checkLoincCode(code.code as string);
    if (!v.valid) c.add(sub(path, 'code'), v.message ?? 'not a LOINC code');
  }
  if (c.problems.length > 0) throw new CodeValidationError(c.problems);
}
