import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XmlParseError } from '../../src/common/errors.js';
import {
  CR_BIO_PROFILES,
  EMBEDDED_PROFILE,
  MAX_DOCUMENT_BYTES,
  RulesNotFoundError,
  Validator,
  validate,
} from '../../src/validate/index.js';
import { EXAMPLES_DIR, KIT_DIR } from '../helpers/shared.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const TSH = readFileSync(join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml'), 'utf8');
const ALL_PROFILES = CR_BIO_PROFILES.map((p) => p.name);

beforeAll(() => {
  process.env.XDG_CACHE_HOME = mkdtempSync(join(tmpdir(), 'cisis-bio-test-cache-'));
  delete process.env.CISIS_BIO_KIT;
});
afterAll(() => {
  rmSync(process.env.XDG_CACHE_HOME!, { recursive: true, force: true });
});

describe('the ANS pipeline (XSD + 5 profiles)', () => {
  let kit: Validator;
  beforeAll(async () => {
    kit = await Validator.create({ kit: KIT_DIR });
  });

  it('finds every BIO-CR-BIO_2024.01 example of the kit conformant', () => {
    const examples = readdirSync(EXAMPLES_DIR).filter(
      (f) => f.startsWith('BIO-CR-BIO_2024.01_') && f.endsWith('.xml'),
    );
    expect(examples.length).toBeGreaterThanOrEqual(7);
    const verdicts = examples.map((f) => kit.validate(readFileSync(join(EXAMPLES_DIR, f)), f));
    const problems = verdicts
      .filter((v) => !v.valid)
      .map((v) => ({
        file: v.file,
        xsd: v.xsd?.errors.slice(0, 2),
        profiles: Object.entries(v.profiles).filter(
          ([, p]) => !('findings' in p) || p.findings.some((f) => f.kind === 'failed-assert'),
        ),
      }));
    expect(problems).toEqual([]);
    for (const v of verdicts) {
      expect(v.xsd).toEqual({ valid: true, errors: [] });
      expect(Object.keys(v.profiles)).toEqual(ALL_PROFILES);
    }
  });

  it('judges a level 1 document without the CR-BIO volet', () => {
    const v = kit.validate(
      readFileSync(join(EXAMPLES_DIR, 'BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml')),
      'n1.xml',
    );
    expect(v.level).toBe(1);
    expect(Object.keys(v.profiles)).toEqual(ALL_PROFILES.filter((p) => p !== 'CI-SIS_BIO-CR-BIO_2024.01'));
  });

  it('fails a document with an unknown element at the XSD step, with its line', () => {
    const bad = TSH.replace('<title>', '<unknownElement/>\n  <title>');
    const line = bad.split('\n').findIndex((l) => l.includes('<unknownElement/>')) + 1;
    const v = kit.validate(bad, 'bad.xml');
    expect(v.valid).toBe(false);
    expect(v.xsd?.valid).toBe(false);
    expect(v.xsd?.errors[0]).toMatchObject({
      line,
      column: bad.split('\n')[line - 1]!.indexOf('<unknownElement') + 1,
    });
    expect(v.xsd?.errors[0]?.message).toMatch(/unknownElement.*not expected/);
  });

  it('reports failed asserts with location, collapsed text and the line of the node', () => {
    // The volet requires the document code; change it and the volet must complain, at the code element.
    const bad = TSH.replace(/<code code="11502-2"/, '<code code="00000-0"');
    expect(bad).not.toBe(TSH);
    const v = kit.validate(bad, 'bad.xml');
    expect(v.valid).toBe(false);
    const all = Object.values(v.profiles).flatMap((p) => ('findings' in p ? p.findings : []));
    const asserts = all.filter((f) => f.kind === 'failed-assert');
    expect(asserts.length).toBeGreaterThan(0);
    for (const f of asserts) {
      expect(f.location).toMatch(/^\/ClinicalDocument/);
      expect(f.text).not.toMatch(/\s{2}|^\s|\s$/);
    }
    const codeLine = bad.split('\n').findIndex((l) => l.includes('code="00000-0"')) + 1;
    expect(asserts.some((f) => f.location === '/ClinicalDocument/code' && f.line === codeLine)).toBe(true);
  });

  it('skips the XSD with xsd: false', async () => {
    const v = await validate(TSH, { kit: KIT_DIR, xsd: false });
    expect(v).not.toHaveProperty('xsd');
    expect(v.valid).toBe(true);
  });
});

describe('rules resolution', () => {
  it('without a kit, runs the embedded cisis-bio rules only, and says so', async () => {
    const v = await validate({ path: join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml') });
    expect(v.rules).toBe('embedded');
    expect(Object.keys(v.profiles)).toEqual([EMBEDDED_PROFILE]);
    expect(v).not.toHaveProperty('xsd');
    expect('findings' in v.profiles[EMBEDDED_PROFILE]!).toBe(true);
  });

  it('takes the kit from CISIS_BIO_KIT', async () => {
    process.env.CISIS_BIO_KIT = KIT_DIR;
    try {
      const v = await validate(TSH, { xsd: false, schematron: join(FIXTURES, 'mini.sch') });
      expect(v.rules).toBe('schematron');
      const withKit = await Validator.create({});
      expect(withKit.rules.mode).toBe('kit');
      expect(withKit.rules.xsdPath).toContain('CDA_extended.xsd');
    } finally {
      delete process.env.CISIS_BIO_KIT;
    }
  });

  it('refuses a kit folder that does not exist', async () => {
    await expect(validate(TSH, { kit: join(FIXTURES, 'no-such-kit') })).rejects.toBeInstanceOf(
      RulesNotFoundError,
    );
  });

  it('runs one schematron, with role and collapsed text', async () => {
    const v = await validate(
      { path: join(FIXTURES, 'no-title.xml') },
      { schematron: join(FIXTURES, 'mini.sch') },
    );
    expect(v.valid).toBe(false);
    expect(v.profiles.mini).toEqual({
      findings: [
        {
          kind: 'failed-assert',
          location: '/ClinicalDocument',
          text: 'the document has no title (ClinicalDocument/title)',
          role: 'error',
          line: 2,
          column: 1,
          ...pick(v, 0),
        },
        {
          kind: 'successful-report',
          location: '/ClinicalDocument',
          text: 'language fr-FR',
          role: 'info',
          line: 2,
          column: 1,
          ...pick(v, 1),
        },
      ],
    });
    const ok = await validate({ path: join(FIXTURES, 'ok.xml') }, { schematron: join(FIXTURES, 'mini.sch') });
    expect(ok.valid).toBe(true); // a successful report does not invalidate
  });
});

describe('bad input', () => {
  it('malformed XML: XmlParseError with line and column', async () => {
    const e = await validate(
      { path: join(FIXTURES, 'malformed.xml') },
      { schematron: join(FIXTURES, 'mini.sch') },
    ).catch((x) => x);
    expect(e).toBeInstanceOf(XmlParseError);
    expect(e.code).toBe('XML_MALFORMED');
    expect(e.line).toBe(3);
    expect(e.column).toBeGreaterThan(0);
  });

  it('an external entity (XXE) is never resolved; an entity bomb is refused before expansion', async () => {
    const xxe =
      '<?xml version="1.0"?>\n<!DOCTYPE ClinicalDocument [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&x;</title></ClinicalDocument>';
    await expect(validate(xxe, { kit: KIT_DIR })).rejects.toMatchObject({
      code: 'XML_DTD_FORBIDDEN',
      line: 2,
    });
    const levels = Array.from({ length: 30 }, (_, i) => `<!ENTITY e${i + 1} "${`&e${i};`.repeat(10)}">`).join(
      '',
    );
    const bomb = `<!DOCTYPE ClinicalDocument [<!ENTITY e0 "lol">${levels}]><ClinicalDocument xmlns="urn:hl7-org:v3"><title>&e30;</title></ClinicalDocument>`;
    await expect(validate(bomb, { kit: KIT_DIR })).rejects.toMatchObject({ code: 'XML_DTD_FORBIDDEN' });
  });

  it('refuses a document above the size limit with a clear message', async () => {
    expect(MAX_DOCUMENT_BYTES).toBe(64 * 1024 * 1024);
    const e = await validate(TSH, { kit: KIT_DIR, maxBytes: 1000 }).catch((x) => x);
    expect(e).toMatchObject({ code: 'XML_TOO_LARGE' });
    expect(e.message).toMatch(/is \d+ bytes; the limit is 1000 bytes/);
  });
});

/** Keep the engine's optional extras (id, test, diagnostics) out of the exact comparison. */
function pick(v: Awaited<ReturnType<typeof validate>>, i: number): Record<string, unknown> {
  const p = v.profiles.mini;
  const f = p && 'findings' in p ? (p.findings[i] as unknown as Record<string, unknown>) : {};
  return Object.fromEntries(['id', 'test', 'diagnostics'].filter((k) => k in f).map((k) => [k, f[k]]));
}
