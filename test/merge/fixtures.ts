import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCrBio } from '../../src/cda/index.js';
import type { CrBioReport, PerformingLab } from '../../src/model/index.js';
import { EXAMPLES_DIR } from '../helpers/shared.js';

/** Bytes of an official ANS example. */
export const example = (name: string): Uint8Array => new Uint8Array(readFileSync(join(EXAMPLES_DIR, name)));

export const TSH = 'BIO-CR-BIO_2024.01_TSH_1.xml';
export const GLYCEMIE = 'BIO-CR-BIO_2024.01_Glycémie mole.xml';
export const MICROBIO = 'BIO-CR-BIO_2024.01_Microbiologie_V1.xml';
export const N1 = 'BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml';

/** The subcontracting laboratory the tests give to an official example (which all come from one lab). */
export const SUB_LAB = {
  id: { root: '1.2.250.1.71.4.2.2', extension: '330000000' },
  name: 'Laboratoire Spécialisé Sous-Traitant',
  directorId: { root: '1.2.250.1.71.4.2.1', extension: '810000000001' },
} as const;

/** Fact label of the sub lab, as test/cda/result-facts.ts writes it. */
export const SUB_LAB_FACT = `${SUB_LAB.id.root}/${SUB_LAB.id.extension} ${SUB_LAB.name}`;

/** An official example re-issued by another laboratory: its own document id, the performing lab and custodian changed. */
export function reissuedBySubcontractor(name: string): CrBioReport {
  const r = parseCrBio(example(name)).report;
  const se = r.serviceEvents[0]!;
  const p = se.performer as PerformingLab;
  se.performer = {
    ...p,
    ids: [SUB_LAB.directorId],
    name: { prefix: 'MME', given: ['Anne'], family: 'SOUSTRAITE', suffix: 'DR' },
    organization: {
      ...p.organization,
      ids: [SUB_LAB.id],
      name: SUB_LAB.name,
      addresses: [
        { houseNumber: '1', streetName: 'rue des Analyses', postalCode: '33000', city: 'BORDEAUX' },
      ],
      telecoms: [{ value: 'tel:0556000000', use: 'WP' }],
    },
  };
  r.custodian = { ...r.custodian, ids: [SUB_LAB.id], name: SUB_LAB.name };
  // The other lab's document has its own id (merging a report with itself is refused).
  r.id = { root: `${SUB_LAB.id.root}.9.${r.id.root.split('.').slice(-3).join('.')}` };
  return r;
}
