/**
 * UCUM unit checks with the NLM library `@lhncbc/ucum-lhc` (the ANS kit's own UCUM list is missing).
 * The library loads its unit tables on first use (~100 ms), so it is loaded lazily, once per process, and
 * verdicts are memoised per unit string.
 * @module
 */
import { createRequire } from 'node:module';

/** Verdict on one unit string. */
export interface UcumVerdict {
  valid: boolean;
  /** Why it is not valid, with the library's suggestions when it has some. */
  message?: string;
}

interface UcumUtils {
  validateUnitString(
    unit: string,
    suggest?: boolean,
  ): {
    status: 'valid' | 'invalid' | 'error';
    msg?: string[];
    suggestions?: Array<{ units?: Array<unknown[]> }>;
  };
}

let utils: UcumUtils | undefined;
const verdicts = new Map<string, UcumVerdict>();

function instance(): UcumUtils {
  if (!utils) {
    const require = createRequire(import.meta.url);
    const pkg = require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } };
    utils = pkg.UcumLhcUtils.getInstance();
  }
  return utils;
}

/**
 * Check that a unit is a valid UCUM expression (case-sensitive UCUM, as CDA `PQ@unit` requires).
 *
 * @example
 * checkUcumUnit('m[IU]/L').valid // true
 * checkUcumUnit('mUI/L').valid   // false
 */
export function checkUcumUnit(unit: string): UcumVerdict {
  const known = verdicts.get(unit);
  if (known) return known;
  let verdict: UcumVerdict;
  if (unit === '' || /\s/.test(unit)) {
    verdict = { valid: false, message: 'a UCUM unit is not empty and has no whitespace' };
  } else {
    const r = instance().validateUnitString(unit, true);
    verdict =
      r.status === 'valid'
        ? { valid: true }
        : { valid: false, message: (r.msg ?? []).join(' ').trim() || `${unit} is not a valid UCUM unit` };
  }
  verdicts.set(unit, verdict);
  return verdict;
}

/** Load the UCUM tables now (e.g. at service start) instead of on the first check. */
export function preloadUcum(): void {
  instance();
}
