/**
 * What a UCUM unit measures, in the terms of LOINC's PROPERTY axis: `mg/L` is a mass per volume (MCnc), `mmol/L`
 * a substance per volume (SCnc), `10*9/L` a number per volume (NCnc), `U/L` a catalytic activity per volume
 * (CCnc), `m[IU]/L` arbitrary units per volume (ACnc). Only the units of a biology report are classified; any
 * other unit gets `undefined` (and no property check).
 * @module
 */

/** Kind of quantity a unit measures. */
export type UnitKind =
  | 'mass'
  | 'substance'
  | 'number'
  | 'catalytic'
  | 'arbitrary'
  | 'volume'
  | 'time'
  | 'dimensionless'
  | `${'mass' | 'substance' | 'number' | 'catalytic' | 'arbitrary' | 'volume'}/${'volume' | 'time' | 'mass' | 'substance'}`;

const PREFIX = '[YZEPTGMkhdcmunpfazy]?';
const ATOMS: ReadonlyArray<
  [RegExp, 'mass' | 'substance' | 'catalytic' | 'arbitrary' | 'volume' | 'time' | 'dimensionless' | 'number']
> = [
  [new RegExp(`^${PREFIX}g$`), 'mass'],
  [new RegExp(`^${PREFIX}(mol|eq|osm)$`), 'substance'],
  [new RegExp(`^${PREFIX}(kat|U)$`), 'catalytic'],
  [new RegExp(`^${PREFIX}\\[(IU|iU|arb'U|AU|CFU|PFU|FFU|BAU)\\]$`), 'arbitrary'],
  [new RegExp(`^${PREFIX}([lL]|m3)$`), 'volume'],
  [/^(s|ms|min|h|d|wk|mo|a)$/, 'time'],
  [/^(%|1|\[pH\]|\{[^}]*\})$/, 'dimensionless'],
  [/^(10\*\d+|10\^\d+)?(\{[^}]*\})?$/, 'number'],
];

function atomKind(atom: string): UnitKind | undefined {
  const a = atom.replace(/^\((.*)\)$/, '$1').replace(/^(\d+)\.(.+)$/, '$2'); // (24.h) → h
  if (/^\{(ratio|INR|index|score|titer|s_co_ratio)\}$/i.test(a)) return 'dimensionless';
  for (const [re, kind] of ATOMS) if (re.test(a)) return kind;
  return undefined;
}

/**
 * Classify a UCUM unit by what it measures (biology units only).
 *
 * @example
 * unitKind('mmol/L')  // 'substance/volume'
 * unitKind('10*9/L')  // 'number/volume'
 * unitKind('%')       // 'dimensionless'
 */
export function unitKind(ucum: string): UnitKind | undefined {
  const slash = ucum.indexOf('/');
  const num = slash < 0 ? ucum : ucum.slice(0, slash);
  const den = slash < 0 ? undefined : ucum.slice(slash + 1);
  const n = num === '' ? 'number' : atomKind(num);
  if (den === undefined) return n === 'number' ? 'dimensionless' : n;
  const d = atomKind(den);
  if (n === undefined || d === undefined) return undefined;
  if (n === 'dimensionless' && (d === 'volume' || d === 'time')) return `number/${d}`;
  if (n === 'time' || n === 'dimensionless' || d === 'number' || d === 'catalytic' || d === 'arbitrary') {
    return n === d ? 'dimensionless' : undefined;
  }
  if (d === 'dimensionless') return undefined;
  return `${n}/${d}` as UnitKind;
}

/** The unit kinds each LOINC PROPERTY accepts (properties not listed are not checked). */
export const PROPERTY_UNIT_KINDS: Readonly<Record<string, readonly UnitKind[]>> = {
  MCnc: ['mass/volume'],
  SCnc: ['substance/volume'],
  NCnc: ['number/volume'],
  CCnc: ['catalytic/volume', 'arbitrary/volume'],
  ACnc: ['arbitrary/volume', 'dimensionless'],
  MFr: ['dimensionless', 'mass/mass'],
  NFr: ['dimensionless'],
  VFr: ['dimensionless', 'volume/volume'],
  SFr: ['dimensionless', 'substance/substance'],
  CFr: ['dimensionless'],
  MRto: ['dimensionless'],
  SRto: ['dimensionless'],
  Ratio: ['dimensionless'],
  RelTime: ['dimensionless'],
  RelRto: ['dimensionless'],
  Titr: ['dimensionless'],
  Time: ['time'],
  EntVol: ['volume'],
  EntMeanVol: ['volume'], // MPV, MCV in recent releases (32623-1 "Platelet [Entitic mean volume]")
  EntMass: ['mass'],
  EntSub: ['substance'],
  VRat: ['volume/time'],
  MRat: ['mass/time'],
  SRat: ['substance/time'],
  MCnt: ['mass/mass'],
  SCnt: ['substance/mass'],
  Osmol: ['substance/mass', 'substance/volume'],
  MSCnc: ['mass/substance'],
};
