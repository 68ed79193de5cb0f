/**
 * Units as a French laboratory writes them ⇄ UCUM, the notation CDA `PQ@unit` requires.
 *
 * A French lab prints `G/L`, `UI/L`, `µmol/L`, `ml/min/1,73m²`; UCUM reads `G/L` as *gauss per litre* and has no
 * `UI` or `µ`. One table gives, for each UCUM unit, the display a lab prints and the notations seen in SGL exports;
 * {@link normaliseUnit} rewrites a French notation into UCUM (saying what it rewrote), {@link displayUnit} goes
 * back. Pure data and string work: no Node API (the model runs in a browser).
 * @module
 */

/** One unit: its UCUM form, the form a French lab prints, and the other notations met in SGL exports. */
export interface UnitNotation {
  /** UCUM (case-sensitive), as written in `PQ@unit`. */
  ucum: string;
  /** What a French report prints. */
  display: string;
  /** Other notations read as this unit (French usage, typos of case, Greek mu, superscripts). */
  aliases: readonly string[];
}

const u = (ucum: string, display: string, ...aliases: string[]): UnitNotation => ({
  ucum,
  display,
  aliases,
});

/**
 * The usual units of a French biology report. Order matters only for {@link displayUnit} (first entry of a UCUM
 * unit wins).
 */
export const FRENCH_UNITS: readonly UnitNotation[] = [
  // Cell counts: giga/téra per litre (G/L and T/L are gauss and tesla per litre in UCUM).
  u(
    '10*9/L',
    'G/L',
    'G/L',
    'G/l',
    'Giga/L',
    'giga/L',
    '10^9/L',
    'x10^9/L',
    '×10⁹/L',
    '10⁹/L',
    'x10E9/L',
    'Gpt/L',
  ),
  u('10*12/L', 'T/L', 'T/L', 'T/l', 'Tera/L', 'téra/L', '10^12/L', 'x10^12/L', '×10¹²/L', '10¹²/L', 'Tpt/L'),
  u('10*6/L', '×10⁶/L', '10^6/L', 'x10^6/L', '×10⁶/L', '10⁶/L'),
  u('10*3/uL', '×10³/µL', '10^3/µL', 'x10^3/µL', '×10³/µL', '10³/µL', '10^3/uL'),
  u('10*3/mm3', '×10³/mm³', '10^3/mm3', 'x10^3/mm³', '×10³/mm³', '10³/mm³'),
  u('/mm3', '/mm³', '/mm³', '/mm^3', 'par mm³', '/mm3'),
  u('/uL', '/µL', '/µL', '/µl', '/μL'),
  // International units (UI in French).
  u('[IU]/L', 'UI/L', 'UI/L', 'UI/l', 'U.I./L', 'IU/L'),
  u('m[IU]/L', 'mUI/L', 'mUI/L', 'mUI/l', 'mIU/L', 'mU.I./L'),
  u('[IU]/mL', 'UI/mL', 'UI/mL', 'UI/ml', 'IU/mL'),
  u('m[IU]/mL', 'mUI/mL', 'mUI/mL', 'mUI/ml', 'mIU/mL'),
  u('u[IU]/mL', 'µUI/mL', 'µUI/mL', 'µUI/ml', 'uUI/mL', 'µIU/mL', 'μUI/mL'),
  u('k[IU]/L', 'kUI/L', 'kUI/L', 'kUI/l', 'kIU/L'),
  u('[IU]/dL', 'UI/dL', 'UI/dL', 'UI/dl'),
  u('U/L', 'U/L', 'U/l'),
  u('ukat/L', 'µkat/L', 'µkat/L', 'µkat/l'),
  // Arbitrary units (UA), equivalents, osmoles, copies.
  u("[arb'U]/mL", 'UA/mL', 'UA/mL', 'UA/ml', 'U.A./mL', 'AU/mL'),
  u("[arb'U]/L", 'UA/L', 'UA/L', 'UA/l'),
  u('meq/L', 'mEq/L', 'mEq/L', 'mEq/l', 'mEq'),
  u('mosm/kg', 'mOsm/kg', 'mOsm/kg', 'mOsm/kg H2O', 'mosmol/kg', 'mOsmol/kg'),
  u('{copies}/mL', 'copies/mL', 'copies/mL', 'copies/ml', 'cp/mL', 'cp/ml'),
  u('{log_copies}/mL', 'log copies/mL', 'log copies/mL', 'log cp/mL', 'log10 copies/mL', 'Log cp/ml'),
  // Substance and mass concentrations.
  u('mol/L', 'mol/L', 'mol/l'),
  u('mmol/L', 'mmol/L', 'mmol/l', 'mM'),
  u('umol/L', 'µmol/L', 'µmol/L', 'µmol/l', 'μmol/L', 'umol/l', 'micromol/L'),
  u('nmol/L', 'nmol/L', 'nmol/l'),
  u('pmol/L', 'pmol/L', 'pmol/l'),
  u('g/L', 'g/L', 'g/l'),
  u('g/dL', 'g/dL', 'g/dl', 'g/100mL', 'g/100 mL'),
  u('mg/L', 'mg/L', 'mg/l'),
  u('mg/dL', 'mg/dL', 'mg/dl'),
  u('mg/mL', 'mg/mL', 'mg/ml'),
  u('ug/mL', 'µg/mL', 'µg/mL', 'µg/ml', 'μg/mL', 'ug/ml'),
  u('ug/L', 'µg/L', 'µg/L', 'µg/l', 'μg/L', 'ug/l'),
  u('ug/dL', 'µg/dL', 'µg/dL', 'µg/dl'),
  u('ng/mL', 'ng/mL', 'ng/ml'),
  u('ng/L', 'ng/L', 'ng/l'),
  u('pg/mL', 'pg/mL', 'pg/ml'),
  u('mg/mmol', 'mg/mmol'),
  u('mmol/mol', 'mmol/mol'),
  // Excretion per 24 h.
  u('g/(24.h)', 'g/24 h', 'g/24h', 'g/24 h', 'g/24H', 'g/j'),
  u('mg/(24.h)', 'mg/24 h', 'mg/24h', 'mg/24 h', 'mg/j'),
  u('mmol/(24.h)', 'mmol/24 h', 'mmol/24h', 'mmol/24 h', 'mmol/j'),
  u('umol/(24.h)', 'µmol/24 h', 'µmol/24h', 'µmol/24 h', 'µmol/j'),
  // Flows, volumes, sizes.
  u(
    'mL/min/{1.73_m2}',
    'mL/min/1,73 m²',
    'ml/min/1,73m²',
    'mL/min/1,73m²',
    'ml/min/1,73 m²',
    'mL/min/1,73 m²',
    'mL/min/1.73m2',
    'ml/min/1.73m²',
    'mL/min/1,73m2',
    'ml/mn/1,73m²',
    'mL/min/1.73 m²',
  ),
  u('mL/min', 'mL/min', 'ml/min', 'ml/mn', 'mL/mn'),
  u('mL', 'mL', 'ml'),
  u('dL', 'dL', 'dl'),
  u('L', 'L', 'l'),
  u('fL', 'fL', 'fl', 'µm³', 'µm3', 'μm³'),
  u('pg', 'pg'),
  u('kg/m2', 'kg/m²', 'kg/m²'),
  u('m2', 'm²', 'm²'),
  // Times, rates, pressures, temperature.
  u('s', 's', 'sec', 'sec.', 'secondes', 'seconde'),
  u('min', 'min', 'mn', 'minutes', 'minute'),
  u('h', 'h', 'heure', 'heures', 'hr'),
  u('d', 'j', 'j', 'jour', 'jours'),
  u('mm/h', 'mm/h', 'mm/1h', 'mm/1 h', 'mm/heure', 'mm (1h)', 'mm/1ère h'),
  u('mm[Hg]', 'mmHg', 'mmHg', 'mm Hg'),
  u('kPa', 'kPa'),
  u('Cel', '°C', '°C', '° C'),
  // Ratios and dimensionless results.
  u('%', '%', 'pourcent', 'p. cent'),
  u('{ratio}', 'ratio', 'ratio'),
  u('{INR}', 'INR', 'INR'),
  u('/[HPF]', '/champ', '/champ', 'par champ'),
];

/**
 * Units that are valid UCUM but never what a French lab means: `G/L` is gauss per litre, `T/L` tesla per litre,
 * `cp/mL` centipoise per millilitre. Keyed by the unit as written; the value says what UCUM reads and what the
 * lab meant.
 */
export const UCUM_FALSE_FRIENDS: ReadonlyMap<string, { readAs: string; meant: string }> = new Map([
  ['G/L', { readAs: 'gauss per litre', meant: '10*9/L' }],
  ['G/l', { readAs: 'gauss per litre', meant: '10*9/L' }],
  ['T/L', { readAs: 'tesla per litre', meant: '10*12/L' }],
  ['T/l', { readAs: 'tesla per litre', meant: '10*12/L' }],
  ['cp/mL', { readAs: 'centipoise per millilitre', meant: '{copies}/mL' }],
  ['cp/ml', { readAs: 'centipoise per millilitre', meant: '{copies}/mL' }],
]);

const byAlias = new Map<string, string>();
const byAliasFolded = new Map<string, string>();
const byUcum = new Map<string, UnitNotation>();
for (const n of FRENCH_UNITS) {
  if (!byUcum.has(n.ucum)) byUcum.set(n.ucum, n);
  for (const a of [n.ucum, ...n.aliases]) {
    if (!byAlias.has(a)) byAlias.set(a, n.ucum);
    const f = fold(a);
    if (!byAliasFolded.has(f)) byAliasFolded.set(f, n.ucum);
  }
}

/** Spaces dropped, Greek mu and micro sign unified: the spellings a keyboard varies. */
function fold(s: string): string {
  return s.replace(/\s+/g, '').replace(/\u03bc/g, 'µ');
}

/** The outcome of {@link normaliseUnit}. */
export interface UnitNormalisation {
  /** The unit as given. */
  input: string;
  /** The UCUM unit (the input when nothing applied). */
  unit: string;
  /** True when `unit` differs from `input`. */
  changed: boolean;
  /** What was rewritten, in words (`table: G/L → 10*9/L`, `µ → u`…). Empty when unchanged. */
  rules: string[];
  /** True when the unit is in the table (as UCUM or as a French notation). */
  known: boolean;
}

/** Piecewise rewrites for notations the table does not list (`µmol/l` variants, superscripts, `UI`). */
const PIECEWISE: ReadonlyArray<[RegExp, string, string]> = [
  [/\s+/g, '', 'spaces removed'],
  [/[µμ]/g, 'u', 'µ → u'],
  [/²/g, '2', '² → 2'],
  [/³/g, '3', '³ → 3'],
  [/(?:x|×)?10\^(\d+)/g, '10*$1', '10^n → 10*n'],
  [/(?<=^|[^A-Za-z]|[mukndp])UI(?![A-Za-z])/g, '[IU]', 'UI → [IU]'],
  [/(^|[/.(])([munpfdck]?)l(?=$|[/.)])/g, '$1$2L', 'l → L'],
  [/\/24h$/, '/(24.h)', '/24h → /(24.h)'],
  [/\bsec\b/g, 's', 'sec → s'],
];

/**
 * Rewrite a unit as a French lab writes it into UCUM. Units already in UCUM come back unchanged; unknown units
 * get piecewise rewrites (`µ → u`, `UI → [IU]`, `l → L`, superscripts) and come back with `known: false`.
 *
 * @example
 * normaliseUnit('G/L')   // { unit: '10*9/L', changed: true, rules: ['table: G/L → 10*9/L'], known: true, … }
 * normaliseUnit('mmol/L') // { unit: 'mmol/L', changed: false, rules: [], known: true, … }
 */
export function normaliseUnit(text: string): UnitNormalisation {
  const input = text;
  const exact = byUcum.has(text) ? text : (byAlias.get(text) ?? byAliasFolded.get(fold(text.trim())));
  if (exact !== undefined) {
    const changed = exact !== input;
    return { input, unit: exact, changed, rules: changed ? [`table: ${input} → ${exact}`] : [], known: true };
  }
  let unit = text.trim();
  const rules: string[] = [];
  if (unit !== text) rules.push('trimmed');
  for (const [re, to, rule] of PIECEWISE) {
    const next = unit.replace(re, to);
    if (next !== unit) {
      rules.push(rule);
      unit = next;
    }
  }
  const known = byUcum.has(unit);
  return { input, unit, changed: unit !== input, rules, known };
}

/**
 * The form a French lab prints for a UCUM unit: `ug/mL` → `µg/mL`, `10*9/L` → `G/L`, `m[IU]/L` → `mUI/L`,
 * `10*6/L` → `×10⁶/L`. Units outside the table get the same piecewise treatment (`u` prefix → `µ`, `[IU]` → `UI`,
 * `10*n` → `×10ⁿ`, annotations without braces).
 *
 * @example
 * displayUnit('u[IU]/mL') // 'µUI/mL'
 * displayUnit('mg/(24.h)') // 'mg/24 h'
 */
export function displayUnit(ucum: string): string {
  const known = byUcum.get(ucum);
  if (known) return known.display;
  const sup: Record<string, string> = {
    0: '⁰',
    1: '¹',
    2: '²',
    3: '³',
    4: '⁴',
    5: '⁵',
    6: '⁶',
    7: '⁷',
    8: '⁸',
    9: '⁹',
  };
  return ucum
    .replace(/10\*(\d+)/g, (_, n: string) => `×10${[...n].map((d) => sup[d]).join('')}`)
    .replace(/\[IU\]/g, 'UI')
    .replace(/\[arb'U\]/g, 'UA')
    .replace(/(^|[/.(])u(?=(g|mol|L|kat|m|UI|eq)\b)/g, '$1µ')
    .replace(/\{([^}]*)\}/g, '$1')
    .replace(/\bCel\b/g, '°C')
    .replace(/mm\[Hg\]/g, 'mmHg');
}

/**
 * The UCUM unit a French notation means when the notation is valid UCUM with another meaning (`G/L`, gauss per
 * litre); undefined for other units.
 *
 * @example
 * ucumFalseFriend('G/L') // { readAs: 'gauss per litre', meant: '10*9/L' }
 */
export function ucumFalseFriend(unit: string): { readAs: string; meant: string } | undefined {
  return UCUM_FALSE_FRIENDS.get(unit);
}

/** One unit rewritten by {@link normaliseUnits}. */
export interface UnitRewrite {
  /** Model path of the unit, e.g. `sections[0].entry.items[2].value.unit`. */
  path: string;
  from: string;
  to: string;
  rules: string[];
}

function pathJoin(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function rewriteUnits(node: unknown, path: string, out: UnitRewrite[]): unknown {
  if (Array.isArray(node)) return node.map((x, i) => rewriteUnits(x, pathJoin(path, i), out));
  if (node === null || typeof node !== 'object') return node;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'unit' && typeof v === 'string') {
      const n = normaliseUnit(v);
      if (n.changed) out.push({ path: pathJoin(path, k), from: v, to: n.unit, rules: n.rules });
      copy[k] = n.unit;
    } else {
      copy[k] = rewriteUnits(v, pathJoin(path, k), out);
    }
  }
  return copy;
}

/**
 * The opt-in unit step of the model: every `unit` of a report (result values, interval bounds, ratio terms,
 * reference ranges, previous results) rewritten from French notation to UCUM, with each rewrite reported.
 * The input is not modified.
 *
 * @example
 * const { report: fixed, rewrites } = normaliseUnits(report);
 * for (const r of rewrites) console.log(`${r.path}: ${r.from} → ${r.to}`); // sections[0]…value.unit: G/L → 10*9/L
 */
export function normaliseUnits<T>(report: T): { report: T; rewrites: UnitRewrite[] } {
  const rewrites: UnitRewrite[] = [];
  const out = rewriteUnits(report, '', rewrites) as T;
  return { report: out, rewrites };
}
