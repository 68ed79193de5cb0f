import { normalizeInsTrait } from '../ins/index.js';
import type { PatientIdentity } from '../model/index.js';
import { type IdentityDifference, IdentityMismatchError } from './errors.js';

const NAME_TRAITS = ['birthFamilyName', 'firstBirthGivenName'] as const;
const EXACT_TRAITS = ['birthDate', 'sex', 'birthPlaceCog'] as const;

/**
 * Identity vigilance before merging two labs' reports: the same INS (matricule and OID) with the traits
 * cross-checked, or, when one side has no INS, the same traits (birth family name, first birth given name, birth
 * date, sex, birthplace). Names are compared after INS normalisation (accents, case, apostrophes), so a
 * subcontractor that typed "Pat-Trois" matches "PAT-TROIS". Local ids are not looked at: each lab has its own IPP.
 *
 * @throws IdentityMismatchError listing every trait that differs.
 */
export function assertSamePatient(main: PatientIdentity, sub: PatientIdentity): void {
  const diffs: IdentityDifference[] = [];
  if (main.ins && sub.ins) {
    if (main.ins.matricule !== sub.ins.matricule || main.ins.oid !== sub.ins.oid) {
      diffs.push({
        trait: 'ins',
        main: `${main.ins.matricule}@${main.ins.oid}`,
        sub: `${sub.ins.matricule}@${sub.ins.oid}`,
      });
    }
  }
  for (const t of NAME_TRAITS) {
    if (normalizeInsTrait(main.traits[t]) !== normalizeInsTrait(sub.traits[t])) {
      diffs.push({ trait: t, main: main.traits[t], sub: sub.traits[t] });
    }
  }
  for (const t of EXACT_TRAITS) {
    if (main.traits[t] !== sub.traits[t]) diffs.push({ trait: t, main: main.traits[t], sub: sub.traits[t] });
  }
  if (diffs.length > 0) throw new IdentityMismatchError(diffs);
}
