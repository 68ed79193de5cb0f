// Critical values on the PDF (issue 19 item 3): a result flagged `critical` in the model is marked on its own row
// (the mark HH/LL/AA get), with its comment beside as "Valeur critique", read back with pdftotext (poppler).
import { describe, expect, it } from 'vitest';
import { buildCrBio, parseCrBio } from '../../src/cda/index.js';
import type { CrBioReport } from '../../src/model/index.js';
import { renderReportPdf } from '../../src/pdf/index.js';
import {
  counterIds,
  FIXED_CLOCK,
  POTASSIUM,
  results,
  tinyPdf,
  withCriticalCreatinine,
} from '../cda/build-helpers.js';
import { savePdf, text, workDir } from './tools.js';

/** The PDF's lines as laid out (`pdftotext -layout`), one string a line. */
async function pdfLines(m: CrBioReport = withCriticalCreatinine()): Promise<string[]> {
  const pdf = await renderReportPdf(m, { clock: FIXED_CLOCK });
  const file = savePdf(workDir(), 'critical.pdf', pdf);
  return text('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']).split('\n');
}

/** The potassium result of a report. */
const potassium = (m: CrBioReport) => results(m).find((o) => o.code.code === POTASSIUM)!;
/** The PDF line of the potassium row. */
const potassiumLine = (lines: string[]) => lines.find((l) => l.includes('Potassium')) ?? '';

describe('critical result on the PDF', () => {
  it('marks the critical row, not the others, and prints its comment as a critical value', async () => {
    const lines = await pdfLines();
    const at = (label: string) => lines.findIndex((l) => l.includes(label) && /\d/.test(l));
    // critical + H: the CDA says HH (Très anormalement haut), the PDF "CRITIQUE Très élevé" in the row's flag
    // column (wrapped on two lines there).
    const creat = at('Créatinine');
    expect(lines[creat]).toMatch(/98\s+µmol\/L.*\sCRITIQUE\s*$/);
    expect(lines[creat + 1]?.trim()).toBe('Très élevé');
    expect(lines[at('Potassium')]).toMatch(/3[.,]2\s+mmol\/L.*\sBas\s*$/);
    expect(lines.filter((l) => l.includes('CRITIQUE'))).toHaveLength(1);
    expect(lines.join('\n')).toContain('Valeur critique : Appelé au Dr Charles à 15 h 10.');
  });
});

// The PDF is rendered from a model zod accepts, without the build's checks: it must not mark a row the CDA would
// not carry as critical (a pending row has no entry, a flag without a value is refused by the build).
describe('rows the CDA does not carry as critical', () => {
  it('a pending result interpreted HH (rendered on its own) prints "En attente", not CRITIQUE', async () => {
    const m = withCriticalCreatinine();
    const k = potassium(m);
    k.pending = true;
    delete k.value;
    k.interpretations = [{ code: 'HH', codeSystem: '2.16.840.1.113883.5.83' }];
    k.critical = true;
    const line = potassiumLine(await pdfLines(m));
    expect(line).toContain('En attente');
    expect(line).not.toMatch(/CRITIQUE|Très élevé/);
  });

  it('a result not performed and flagged critical prints "Non réalisé", not CRITIQUE', async () => {
    const m = withCriticalCreatinine();
    const k = potassium(m);
    k.status = 'aborted';
    delete k.value;
    delete k.interpretations;
    k.critical = true;
    const line = potassiumLine(await pdfLines(m));
    expect(line).toContain('Non réalisé');
    expect(line).not.toContain('CRITIQUE');
  });

  it('a parsed critical value corrected to normal (N) is not marked on the replacement PDF', async () => {
    const v1 = withCriticalCreatinine();
    potassium(v1).critical = true; // written LL
    const bytes = buildCrBio(v1, {
      pdf: await tinyPdf(),
      clock: FIXED_CLOCK,
      idGenerator: counterIds(),
    }).bytes;
    const v2 = parseCrBio(bytes).report;
    const k = potassium(v2);
    k.value = { type: 'PQ', value: '4.2', unit: 'mmol/L' };
    k.interpretations = [{ code: 'N', displayName: 'Normal', codeSystem: '2.16.840.1.113883.5.83' }];
    const lines = await pdfLines(v2);
    expect(potassiumLine(lines)).toMatch(/4[.,]2\s+mmol\/L/);
    expect(potassiumLine(lines)).not.toContain('CRITIQUE');
    // The creatinine, still HH in v2, stays marked: the only CRITIQUE.
    expect(lines.filter((l) => l.includes('CRITIQUE'))).toHaveLength(1);
  });
});
