// "Résultat en attente" (issue 19 item 5): `pending: true` on a result writes it in the narrative only, marks its
// battery and results entry `active`, and the document passes the kit; the PDF prints "En attente".
import { describe, expect, it } from 'vitest';
import { buildCrBio, parseCrBio, SCENARIOS } from '../../src/cda/index.js';
import type { Battery, CrBioReport, Observation } from '../../src/model/index.js';
import { ModelValidationError } from '../../src/model/index.js';
import { renderReportPdfDetailed } from '../../src/pdf/index.js';
import { validate } from '../../src/validate/index.js';
import { KIT_DIR } from '../helpers/shared.js';
import { counterIds, FIXED_CLOCK, failures, tinyPdf } from './build-helpers.js';

const pdf = await tinyPdf();

function withPendingVitaminD(): CrBioReport {
  const m = SCENARIOS.find((s) => s.name === 'haematology')!.model();
  const ch = m.sections.find((s) => s.kind === 'chapter');
  if (ch?.kind !== 'chapter' || !ch.entry) throw new Error('fixture');
  const battery = ch.entry.items.find((i) => i.kind === 'battery') as Battery;
  const vitD: Observation = {
    kind: 'observation',
    pending: true,
    code: {
      code: '62292-8',
      displayName: '25-hydroxyvitamine D2+D3 [Masse/Volume] Sérum/Plasma',
      codeSystem: '2.16.840.1.113883.6.1',
    },
    status: 'completed',
  };
  battery.components.push(vitD);
  return m;
}

describe('pending result', () => {
  it('is written in the narrative only, its battery and entry active, and the document passes the kit', async () => {
    const m = withPendingVitaminD();
    const { xml, bytes } = buildCrBio(m, { pdf, clock: FIXED_CLOCK, idGenerator: counterIds() });
    expect(xml).toContain('>en attente</td>');
    expect(xml).not.toMatch(/<observation[^>]*>(?:(?!<\/observation>)[\s\S])*code="62292-8"/);
    const back = parseCrBio(bytes).report;
    const ch = back.sections.find((s) => s.kind === 'chapter');
    if (ch?.kind !== 'chapter' || !ch.entry) throw new Error('no chapter');
    expect(ch.entry.status).toBe('active');
    expect(ch.entry.items.find((i) => i.kind === 'battery')?.status).toBe('active');
    const v = await validate(bytes, { kit: KIT_DIR });
    expect(failures(v)).toEqual([]);
  });

  it('a pending result with a value is refused at its model path', () => {
    const m = withPendingVitaminD();
    const ch = m.sections.find((s) => s.kind === 'chapter');
    if (ch?.kind !== 'chapter' || !ch.entry) throw new Error('fixture');
    const battery = ch.entry.items.find((i) => i.kind === 'battery') as Battery;
    const vitD = battery.components.at(-1) as Observation;
    vitD.value = { type: 'PQ', value: '30', unit: 'ng/mL' };
    expect(() => buildCrBio(m, { pdf, clock: FIXED_CLOCK })).toThrow(ModelValidationError);
    expect(() => buildCrBio(m, { pdf, clock: FIXED_CLOCK })).toThrow(
      /components\[\d+\]\.value: a pending result/,
    );
  });

  it('the PDF prints "En attente" in the result column', async () => {
    const r = await renderReportPdfDetailed(withPendingVitaminD(), { clock: FIXED_CLOCK });
    const texts = r.layout.texts.map((t) => t.text);
    expect(texts).toContain('En attente');
  });
});
