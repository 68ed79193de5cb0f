// Property test: random valid CR-BIO models round-trip through buildCrBio → parseCrBio, and the documents pass
// the embedded rules; a share of them also pass the full ANS pipeline (XSD + 5 profiles of ../shared/ans-kit).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCrBio, parseCrBio } from '../../src/cda/index.js';
import { ansTestPatient, baseReport, chapterCode } from '../../src/cda/scenarios/common.js';
import {
  type ChapterSection,
  type Code,
  type CrBioReport,
  criticalFlagProblem,
  interpretationsAsWritten,
  luhnKey,
} from '../../src/model/index.js';
import type {
  Battery,
  BatteryComponent,
  Observation,
  ResultItem,
  ResultsEntry,
  ResultValue,
} from '../../src/model/results.js';
import { validate } from '../../src/validate/index.js';
import { KIT_DIR } from '../helpers/shared.js';
import { counterIds, FIXED_CLOCK, failures, results, tinyPdf } from './build-helpers.js';

const FULL = process.env.CISIS_BIO_FULL === '1';
const RUNS = 200;
const KIT_RUNS = FULL ? 200 : 25;
const LOINC = '2.16.840.1.113883.6.1';

// Text safe for narrative content: no leading/trailing space, printable.
// Narrative text is read back whitespace-collapsed (XML narrative), so runs of spaces are not generated.
const text = fc
  .stringMatching(/^[A-Za-zÀÉÈéèàçùô0-9][A-Za-zÀÉÈéèàçùô0-9 ,.()'/+-]{0,24}[A-Za-zÀÉÈéèàçùô0-9)]$/)
  .map((t) => t.replace(/ {2,}/g, ' '));
const decimal = fc
  .tuple(fc.integer({ min: 0, max: 99999 }), fc.option(fc.stringMatching(/^[0-9]{1,3}$/), { nil: undefined }))
  .map(([i, d]) => (d === undefined ? String(i) : `${i}.${d}`));
const unit = fc.constantFrom(
  'mmol/L',
  'g/L',
  'm[IU]/L',
  '10*9/L',
  '%',
  'fL',
  'umol/L',
  '/mL',
  'ug/mL',
  'mL/min/{1.73_m2}',
  "[arb'U]/mL",
);
const interpretation = fc
  .constantFrom(
    ['N', 'Normal'],
    ['L', 'Bas'],
    ['H', 'Élevé'],
    ['LL', 'Très bas'],
    ['HH', 'Très élevé'],
    ['A', 'Anormal'],
    ['AA', 'Très anormal'],
    ['POS', 'Positif'],
    ['NEG', 'Négatif'],
    ['S', 'Sensible'],
    ['R', 'Résistant'],
  )
  .map(
    ([code, displayName]): Code => ({
      code: code!,
      displayName: displayName!,
      codeSystem: '2.16.840.1.113883.5.83',
    }),
  );
/** An interpretation, sometimes with an originalText of its own. */
const interpretationWithText = fc
  .tuple(interpretation, fc.option(text, { nil: undefined, freq: 3 }))
  .map(([c, t]): Code => (t === undefined ? c : { ...c, originalText: t }));
/** The same quantity in a second unit (PQ/translation), sometimes. */
const secondUnit = fc.option(
  fc.record({ value: decimal, code: fc.constantFrom('g/L', 'mmol/L', 'mg/dL') }).map((t) => [t]),
  { nil: undefined, freq: 3 },
);
const ts = fc
  .record({
    d: fc.integer({ min: 1, max: 28 }),
    h: fc.integer({ min: 0, max: 23 }),
    m: fc.integer({ min: 0, max: 59 }),
  })
  .map(
    ({ d, h, m }) =>
      `202401${String(d).padStart(2, '0')}${String(h).padStart(2, '0')}${String(m).padStart(2, '0')}00+0100`,
  );

const loincCode = fc.record({ n: fc.integer({ min: 1000, max: 99999 }), name: text, label: text }).map(
  ({ n, name, label }): Code => ({
    code: `${n}-${luhnKey(String(n))}`, // LOINC's mod-10 check digit
    displayName: name,
    codeSystem: LOINC,
    originalText: label,
  }),
);
const localCode = fc.record({ n: fc.integer({ min: 1, max: 9999 }), name: text, label: text }).map(
  ({ n, name, label }): Code => ({
    originalText: label,
    translations: [
      { code: `L${n}`, displayName: name, codeSystem: '1.2.250.1.2.3.4', codeSystemName: 'codes locaux' },
    ],
  }),
);

const value: fc.Arbitrary<ResultValue> = fc.oneof(
  fc
    .record({ v: decimal, u: unit, tr: secondUnit })
    .map(
      ({ v, u, tr }): ResultValue => ({ type: 'PQ', value: v, unit: u, ...(tr ? { translations: tr } : {}) }),
    ),
  fc
    .record({ v: decimal, u: unit, side: fc.constantFrom('low', 'high'), inc: fc.boolean(), tr: secondUnit })
    .map(
      ({ v, u, side, inc, tr }): ResultValue => ({
        type: 'IVL_PQ',
        [side]: { value: v, unit: u, inclusive: inc, ...(tr ? { translations: tr } : {}) },
      }),
    ),
  text.map((t): ResultValue => ({ type: 'CD', originalText: t })),
  text.map((t): ResultValue => ({ type: 'ST', text: t })),
  decimal.map((v): ResultValue => ({ type: 'REAL', value: v })),
  fc.integer({ min: 0, max: 1000 }).map((n): ResultValue => ({ type: 'INT', value: String(n) })),
);

const observation: fc.Arbitrary<Observation> = fc
  .record({
    code: fc.oneof({ weight: 3, arbitrary: loincCode }, { weight: 1, arbitrary: localCode }),
    aborted: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), // 10 %: test not performed
    time: ts,
    value,
    interps: fc.array(interpretationWithText, { maxLength: 1 }),
    range: fc.option(fc.record({ lo: decimal, hi: decimal, u: unit, tr: secondUnit }), { nil: undefined }),
    device: fc.option(
      fc.record({
        n: fc.integer({ min: 1, max: 999 }),
        name: text,
        label: fc.option(text, { nil: undefined }),
      }),
      { nil: undefined, freq: 4 },
    ),
    previous: fc.option(
      fc.record({ time: ts, v: value, interps: fc.array(interpretationWithText, { maxLength: 1 }) }),
      { nil: undefined, freq: 3 },
    ),
  })
  .map(({ code, aborted, time, value: v, interps, range, device, previous }): Observation => {
    if (aborted) return { kind: 'observation', code, status: 'aborted' };
    const o: Observation = {
      kind: 'observation',
      code,
      status: 'completed',
      effectiveTime: { value: time },
      value: v,
    };
    if (interps.length) o.interpretations = interps;
    // HL7's critical codes stay codes: a parsed document never sets `critical` (round trip model = model).
    if (range) {
      const [lo, hi] = Number(range.lo) <= Number(range.hi) ? [range.lo, range.hi] : [range.hi, range.lo];
      o.referenceRange = {
        value: {
          type: 'IVL_PQ',
          low: { value: lo, unit: range.u, ...(range.tr ? { translations: range.tr } : {}) },
          high: { value: hi, unit: range.u },
        },
      };
    }
    if (device) {
      o.devices = [
        {
          typeCode: 'DEV',
          classCode: 'MANU',
          code: {
            code: `KIT${device.n}`,
            displayName: device.name,
            codeSystem: '1.2.250.1.213.2.3.5',
            ...(device.label === undefined ? {} : { originalText: device.label }),
          },
        },
      ];
    }
    if (previous) {
      o.previousResults = [
        {
          code,
          status: 'completed',
          effectiveTime: { value: previous.time },
          value: previous.v,
          ...(previous.interps.length ? { interpretations: previous.interps } : {}),
        },
      ];
    }
    return o;
  });

const comment = text.map((t): BatteryComponent => ({ kind: 'comment', text: t }));

const battery: fc.Arbitrary<Battery> = fc
  .record({
    code: fc.oneof(
      loincCode,
      text.map(
        (t): Code => ({
          originalText: t,
          translations: [{ code: '4', displayName: t, codeSystem: '2.16.840.1.113883.5.84' }],
        }),
      ),
    ),
    status: fc.constantFrom('completed', 'active') as fc.Arbitrary<'completed' | 'active'>,
    components: fc.array(fc.oneof({ weight: 4, arbitrary: observation }, { weight: 1, arbitrary: comment }), {
      minLength: 1,
      maxLength: 4,
    }),
  })
  .map(({ code, status, components }): Battery => ({ kind: 'battery', code, status, components }));

const entry = (chapter: Code): fc.Arbitrary<ResultsEntry> =>
  fc
    .record({
      status: fc.constantFrom('completed', 'active') as fc.Arbitrary<'completed' | 'active'>,
      items: fc.array(
        fc.oneof(
          { weight: 3, arbitrary: observation as fc.Arbitrary<ResultItem> },
          { weight: 2, arbitrary: battery },
        ),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
      comments: fc.array(text, { maxLength: 1 }),
    })
    .map(({ status, items, comments }): ResultsEntry => {
      const e: ResultsEntry = { code: chapter, status, items };
      if (comments.length) e.comments = comments.map((t) => ({ kind: 'comment', text: t }));
      return e;
    });

const CHAPTERS = [
  chapterCode('18719-5', 'Biochimie'),
  chapterCode('18723-7', 'Hématologie'),
  chapterCode('18727-8', 'Sérologie'),
];

const chapter: fc.Arbitrary<ChapterSection> = fc
  .record({ c: fc.constantFrom(...CHAPTERS), title: text, sub: fc.boolean() })
  .chain(
    ({ c, title, sub }): fc.Arbitrary<ChapterSection> =>
      sub
        ? fc.array(fc.record({ t: text, e: entry(c) }), { minLength: 1, maxLength: 2 }).map((subs) => ({
            kind: 'chapter' as const,
            code: c,
            title,
            subSections: subs.map(({ t, e }) => ({ code: c, title: t, entry: e })),
          }))
        : entry(c).map((e) => ({ kind: 'chapter' as const, code: c, title, entry: e })),
  );

const model: fc.Arbitrary<CrBioReport> = fc
  .record({
    chapters: fc.array(chapter, { minLength: 1, maxLength: 3 }),
    qualified: fc.boolean(),
    partial: fc.boolean(),
    version: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ chapters, qualified, partial, version }) => {
    const r = baseReport(42, CHAPTERS[0]!, partial ? 'active' : 'completed');
    delete r.prescriber;
    delete r.sampler;
    r.custodian = { ...r.custodian, standardIndustryClass: undefined };
    delete r.custodian.standardIndustryClass;
    r.versionNumber = version;
    // Results are dated up to 2024-01-28: the report is signed (and issued) after them.
    r.legalAuthenticator = { ...r.legalAuthenticator, time: '20240131120000+0100' };
    r.effectiveTime = '20240131120000+0100';
    if (!qualified) {
      const p = ansTestPatient();
      r.patient = { ...p, identity: { ...p.identity, status: 'VALI', ins: undefined } };
      delete r.patient.identity.ins;
    }
    r.sections = chapters;
    return r;
  });

/** Drop what the builder adds by design (defaults, narrative, informative refs, PDF-copy bookkeeping). */
function normalize(m: unknown): unknown {
  const drop = new Set(['originalTextRef', 'narrative', 'title', 'voletVersion', 'pdf', 'unmodeled']);
  const walk = (v: unknown, key: string, depth: number): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, key, depth + 1));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue;
        if (drop.has(k) && !(k === 'title' && depth > 0)) continue;
        // CDA carries no RNIV status: an identity without INS reads back as not qualified (PROV).
        if (k === 'status' && key === 'identity') out[k] = x === 'QUAL' ? 'QUAL' : 'not qualified';
        else out[k] = walk(x, k, depth + 1);
      }
      return out;
    }
    return v;
  };
  return walk(m, '', 0);
}

let pdf: Uint8Array;
beforeAll(async () => {
  pdf = await tinyPdf();
});

describe('property: buildCrBio ⇄ parseCrBio', () => {
  it(`${RUNS} random valid models round-trip and pass the embedded rules`, async () => {
    await fc.assert(
      fc.asyncProperty(model, async (m) => {
        const built = buildCrBio(m, { pdf, clock: FIXED_CLOCK, idGenerator: counterIds() });
        const parsed = parseCrBio(built.bytes).report;
        expect(normalize(parsed)).toEqual(normalize(JSON.parse(JSON.stringify(m))));
        expect(Buffer.from(parsed.pdf?.data ?? '', 'base64').equals(Buffer.from(pdf))).toBe(true);
        const v = await validate(built.bytes);
        expect(failures(v)).toEqual([]);
      }),
      { numRuns: RUNS, seed: 20240104 },
    );
  });

  it(`${RUNS / 4} random models with critical flags: parsed back as the codes written, no flag; rebuilt unchanged`, async () => {
    await fc.assert(
      fc.asyncProperty(model, fc.array(fc.boolean(), { maxLength: 40 }), async (m, flags) => {
        // Flag the results the flag applies to (valued, performed, not N), as the coin says.
        for (const [i, o] of results(m).entries())
          if (flags[i] && !criticalFlagProblem({ ...o, critical: true })) o.critical = true;
        const expected = structuredClone(m);
        for (const o of results(expected)) {
          const written = interpretationsAsWritten(o);
          if (written) o.interpretations = written;
          delete o.critical;
        }
        const built = buildCrBio(m, { pdf, clock: FIXED_CLOCK, idGenerator: counterIds() });
        const parsed = parseCrBio(built.bytes).report;
        expect(normalize(parsed)).toEqual(normalize(JSON.parse(JSON.stringify(expected))));
        expect(buildCrBio(parsed, { clock: FIXED_CLOCK, idGenerator: counterIds() }).xml).toBe(built.xml);
      }),
      { numRuns: RUNS / 4, seed: 19 },
    );
  });

  it(`${KIT_RUNS} random valid models pass the full ANS pipeline (XSD + 5 profiles)`, async () => {
    await fc.assert(
      fc.asyncProperty(model, async (m) => {
        const built = buildCrBio(m, { pdf, clock: FIXED_CLOCK, idGenerator: counterIds() });
        const v = await validate(built.bytes, { kit: KIT_DIR });
        expect(v.rules).toBe('kit');
        expect(Object.keys(v.profiles)).toHaveLength(5);
        expect(failures(v)).toEqual([]);
      }),
      { numRuns: KIT_RUNS, seed: 7 },
    );
  });
});
