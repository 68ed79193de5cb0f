// What the bundled scenarios' PDFs say (issue 19 items 1–3), read back with pdftotext (poppler) and compared with
// the CDA built from the same model and parsed back: French units, the specimens' own times, sampler, body site,
// guardian, copy recipients, validating biologists with their RPPS, a critical value with its comment.
import { describe, expect, it } from 'vitest';
import { buildCrBio, parseCrBio, SCENARIOS } from '../../src/cda/index.js';
import type { CrBioReport, Specimen, TimeSpec } from '../../src/model/index.js';
import { renderReportPdf } from '../../src/pdf/index.js';
import { validate } from '../../src/validate/index.js';
import { counterIds, FIXED_CLOCK, failures, ofKind } from '../cda/build-helpers.js';
import { KIT_DIR } from '../helpers/shared.js';
import { rawText, savePdf, workDir } from './tools.js';

const dir = workDir();

async function pdfText(
  m: CrBioReport,
  name: string,
): Promise<{ txt: string; cda: CrBioReport; bytes: Uint8Array }> {
  const pdf = await renderReportPdf(m, { clock: FIXED_CLOCK });
  const { bytes } = buildCrBio(m, { pdf, clock: FIXED_CLOCK, idGenerator: counterIds() });
  return { txt: rawText(savePdf(dir, `${name}.pdf`, pdf)), cda: parseCrBio(bytes).report, bytes };
}

function specimensOf(r: CrBioReport): Specimen[] {
  return ofKind<Specimen>(r, 'specimen');
}

/** `202401040735+0100` → `04/01/2024 à 07:35`, computed here from the digits (independent of src/pdf/format.ts). */
function fr(t: TimeSpec | undefined): string | undefined {
  const ts = t?.value ?? t?.high ?? t?.low;
  const m = ts ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(ts) : null;
  return m ? `${m[3]}/${m[2]}/${m[1]} à ${m[4]}:${m[5]}` : undefined;
}

describe('bundled scenarios: the PDF says what the CDA says', () => {
  for (const s of SCENARIOS.filter((x) => x.level === 3)) {
    it(`${s.name}: units in French display form, each specimen's times as the CDA carries them`, async () => {
      const { txt, cda } = await pdfText(s.model(), s.name);
      for (const ucum of ['10*9/L', '10*12/L', '[IU]', 'umol/L', 'ug/mL', 'm[IU]'])
        expect(txt, `${s.name}: ${ucum}`).not.toContain(ucum);
      for (const sp of specimensOf(cda)) {
        const sampled = fr(sp.samplingTime);
        const received = fr(sp.receivedTime);
        if (sampled) expect(txt).toContain(`prélevé le ${sampled}`);
        if (received) expect(txt).toContain(`reçu le ${received}`);
      }
    });
  }

  it('realistic: French units, sampler, site, guardian, recipients, RPPS, critical value, pending, two isolates', async () => {
    const { txt, bytes } = await pdfText(SCENARIOS.find((x) => x.name === 'realistic')!.model(), 'realistic');
    expect(failures(await validate(bytes, { kit: KIT_DIR }))).toEqual([]); // the CDA passes the ANS kit
    for (const shown of [
      'G/L', // 10*9/L
      'T/L', // 10*12/L
      'µmol/L',
      'mUI/mL', // m[IU]/mL
      'µg/mL',
      'Représentant légal',
      'Mme Jeanne NESSI, 12 rue des Lilas, 75012 PARIS',
      'Copie à',
      'Dr Anne GENERALISTE',
      'site : Pli du coude gauche',
      'par Mme Roberta BLEEDER (RPPS 01234567897)',
      'Prescripteur Dr Pascal CHARLES (RPPS',
      'CRITIQUE',
      'Valeur critique : Échantillon hémolysé',
      '25-OH vitamine D En attente',
      'Germe isolé : Escherichia coli',
      'Germe isolé : Enterococcus faecalis',
      'Réalisé par le laboratoire : LABORATOIRE SOUS-TRAITANT',
      'Validé par Dr Jean DE SANTS (RPPS 01234567905)',
      'Compte rendu validé par Dr Marcel CAMPARINI (RPPS 01234534764)',
    ])
      expect(txt).toContain(shown);
    // Two specimens state two receipt times: the header says no single "Reçu au laboratoire le".
    expect(txt).not.toContain('Reçu au laboratoire le');
    expect(txt).toContain('Prélevé le 04/01/2024 à 07:35');
  });
});
