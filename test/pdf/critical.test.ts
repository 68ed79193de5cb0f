// Critical values on the PDF (issue 19 item 3): a result flagged `critical` in the model is marked on its own row
// (the mark HH/LL/AA get), with its comment beside as "Valeur critique", read back with pdftotext (poppler).
import { describe, expect, it } from 'vitest';
import { renderReportPdf } from '../../src/pdf/index.js';
import { FIXED_CLOCK, withCriticalCreatinine } from '../cda/build-helpers.js';
import { savePdf, text, workDir } from './tools.js';

/** The PDF's lines as laid out (`pdftotext -layout`), one string a line. */
async function pdfLines(): Promise<string[]> {
  const pdf = await renderReportPdf(withCriticalCreatinine(), { clock: FIXED_CLOCK });
  const file = savePdf(workDir(), 'critical.pdf', pdf);
  return text('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']).split('\n');
}

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
