import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main.js';
import { CR_BIO_PROFILES } from '../../src/validate/rules.js';
import { VERSION } from '../../src/version.js';
import { EXAMPLES_DIR, KIT_DIR, PROJECT_ROOT } from '../helpers/shared.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const MINI = join(FIXTURES, 'mini.sch');
const OK = join(FIXTURES, 'ok.xml');
const NO_TITLE = join(FIXTURES, 'no-title.xml');
const MALFORMED = join(FIXTURES, 'malformed.xml');
const TSH = join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml');
const N1 = join(EXAMPLES_DIR, 'BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml');

/** Temporary folders of this file, removed at the end. */
const temps: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
};

beforeAll(() => {
  process.env.XDG_CACHE_HOME = tempDir('cisis-bio-cli-cache-');
  delete process.env.CISIS_BIO_KIT;
});
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

/** Run `cisis-bio …` in this process and capture its output. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c) => {
    stdout += String(c);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c) => {
    stderr += String(c);
    return true;
  });
  try {
    const code = await run(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

describe('cisis-bio validate: exit codes', () => {
  it('0 when every document conforms, 1 when one does not', async () => {
    expect((await cli('validate', '--schematron', MINI, OK)).code).toBe(0);
    const r = await cli('validate', '--schematron', MINI, OK, NO_TITLE);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no-title.xml: DOES NOT CONFORM');
    expect(r.stdout).toContain('the document has no title');
  });

  it("1 when a profile stops on a dynamic error; the error is that profile's verdict", async () => {
    const sch = join(FIXTURES, 'dynamic-error.sch');
    const r = await cli(
      'validate',
      '--schematron',
      sch,
      '--format',
      'json',
      join(FIXTURES, 'two-titles.xml'),
      OK,
    );
    expect(r.code).toBe(1);
    const [two, ok] = JSON.parse(r.stdout).documents;
    expect(two.valid).toBe(false);
    expect(two.profiles['dynamic-error'].error).toMatch(/XPTY0004/);
    expect(ok).toMatchObject({ valid: true, profiles: { 'dynamic-error': { findings: [] } } });
  });

  it('2 on malformed XML, with line and column; the other documents are still reported', async () => {
    const r = await cli('validate', '--schematron', MINI, '--format', 'json', OK, MALFORMED);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/malformed\.xml:3:\d+: XML_MALFORMED/);
    expect(JSON.parse(r.stdout).documents.map((d: { file: string }) => d.file)).toEqual([OK]);
  });

  it('2 on an external entity or an entity bomb, refused before any expansion', async () => {
    const dir = tempDir('cisis-bio-xxe-');
    const xxe = join(dir, 'xxe.xml');
    writeFileSync(
      xxe,
      '<?xml version="1.0"?>\n<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<c>&x;</c>',
    );
    const r = await cli('validate', '--schematron', MINI, '--format', 'json', xxe);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/xxe\.xml:2:\d+: XML_DTD_FORBIDDEN/);
    expect(r.stdout).not.toContain('root:');
  });

  it('2 on a missing file, a bad kit, a bad option or no file', async () => {
    expect((await cli('validate', '--schematron', MINI, join(FIXTURES, 'absent.xml'))).code).toBe(2);
    const kit = await cli('validate', '--kit', join(FIXTURES, 'no-kit'), OK);
    expect(kit.code).toBe(2);
    expect(kit.stderr).toContain('VALIDATE_RULES_NOT_FOUND');
    expect((await cli('validate', '--format', 'xml', OK)).code).toBe(2);
    expect((await cli('validate', '--jobs', '0', OK)).code).toBe(2);
    expect((await cli('validate')).code).toBe(2);
  });
});

describe('cisis-bio validate: options', () => {
  it('--phase runs only that phase', async () => {
    const all = JSON.parse(
      (await cli('validate', '--schematron', MINI, '--format', 'json', NO_TITLE)).stdout,
    );
    const phase = JSON.parse(
      (await cli('validate', '--schematron', MINI, '--phase', 'titleOnly', '--format', 'json', NO_TITLE))
        .stdout,
    );
    expect(all.documents[0].profiles.mini.findings.map((f: { kind: string }) => f.kind)).toEqual([
      'failed-assert',
      'successful-report',
    ]);
    expect(phase.documents[0].profiles.mini.findings.map((f: { kind: string }) => f.kind)).toEqual([
      'failed-assert',
    ]);
  });
});

describe('cisis-bio validate: formats', () => {
  it('json with the kit: every pipeline profile for every document, xsd present, level 1 without the volet', async () => {
    const r = await cli('validate', '--kit', KIT_DIR, '--format', 'json', TSH, N1);
    const out = JSON.parse(r.stdout);
    expect(out.tool).toBe('cisis-bio');
    expect(out.version).toBe(VERSION);
    const [tsh, n1] = out.documents;
    expect(tsh.valid).toBe(true);
    expect(Object.keys(tsh)).toEqual(['file', 'valid', 'xsd', 'volet', 'profiles']);
    expect(tsh.volet).toMatchObject({ volet: 'CI-SIS_BIO-CR-BIO_2024.01', rule: 'newest' });
    expect(n1.volet).toMatchObject({ rule: 'none', reason: expect.stringMatching(/common profiles/) });
    expect(tsh.xsd).toEqual({ valid: true, errors: [] });
    expect(Object.keys(tsh.profiles).sort()).toEqual(CR_BIO_PROFILES.map((p) => p.name).sort());
    for (const p of Object.values(tsh.profiles)) expect(p).toEqual({ findings: expect.any(Array) });
    expect(Object.keys(n1.profiles)).toHaveLength(4);
    expect(n1.profiles).not.toHaveProperty('CI-SIS_BIO-CR-BIO_2024.01');
    expect(r.code).toBe(n1.valid ? 0 : 1);
  });

  it('json: no xsd with --no-xsd; role copied; text collapsed', async () => {
    const r = await cli(
      'validate',
      '--kit',
      KIT_DIR,
      '--no-xsd',
      '--schematron',
      MINI,
      '--format',
      'json',
      NO_TITLE,
    );
    const doc = JSON.parse(r.stdout).documents[0];
    expect(doc).not.toHaveProperty('xsd');
    expect(doc.profiles.mini.findings).toEqual([
      {
        kind: 'failed-assert',
        location: '/ClinicalDocument',
        text: 'the document has no title (ClinicalDocument/title)',
        role: 'error',
      },
      { kind: 'successful-report', location: '/ClinicalDocument', text: 'language fr-FR', role: 'info' },
    ]);
  });

  it('junit and sarif parse and carry the verdicts', async () => {
    const junit = await cli('validate', '--schematron', MINI, '--format', 'junit', OK, NO_TITLE);
    const doc = new DOMParser().parseFromString(junit.stdout, 'text/xml');
    const suites = Array.from(doc.getElementsByTagName('testsuite'));
    expect(suites.map((s) => s.getAttribute('failures'))).toEqual(['0', '1']);
    expect(doc.getElementsByTagName('testcase')).toHaveLength(2);
    const sarif = JSON.parse(
      (await cli('validate', '--schematron', MINI, '--format', 'sarif', NO_TITLE)).stdout,
    );
    expect(sarif.version).toBe('2.1.0');
    const fail = sarif.runs[0].results.find((x: { level: string }) => x.level === 'error');
    expect(fail.locations[0].logicalLocations[0].fullyQualifiedName).toBe('/ClinicalDocument');
    expect(fail.locations[0].physicalLocation.region.startLine).toBe(2);
  });

  it('github annotations and svrl', async () => {
    const gh = await cli('validate', '--schematron', MINI, '--format', 'github', NO_TITLE);
    expect(gh.stdout).toContain(
      `::error file=test/validate/fixtures/no-title.xml,line=2,col=1,title=mini failed-assert::the document has no title`,
    );
    const svrl = await cli('validate', '--schematron', MINI, '--format', 'svrl', NO_TITLE);
    const doc = new DOMParser().parseFromString(svrl.stdout, 'text/xml');
    const ns = 'http://purl.oclc.org/dsdl/svrl';
    expect(doc.getElementsByTagNameNS(ns, 'failed-assert')).toHaveLength(1);
    expect(doc.getElementsByTagNameNS(ns, 'successful-report')).toHaveLength(1);
    expect(doc.getElementsByTagNameNS(ns, 'active-pattern').length).toBe(2);
    expect(doc.getElementsByTagNameNS(ns, 'fired-rule').length).toBeGreaterThan(0);
  });

  it('without a kit: the embedded rules, said on stderr for machine formats', async () => {
    const r = await cli('validate', '--format', 'json', TSH);
    expect(Object.keys(JSON.parse(r.stdout).documents[0].profiles)).toEqual(['cisis-bio-cr-bio']);
    expect(r.stderr).toContain('embedded cisis-bio rules only');
  });
});

describe('cisis-bio validate --jobs', () => {
  it('gives the same report through worker threads as in one thread', async () => {
    const files = [OK, NO_TITLE, MALFORMED, OK];
    const one = await cli('validate', '--schematron', MINI, '--format', 'json', ...files);
    const two = await cli('validate', '--schematron', MINI, '--format', 'json', '--jobs', '2', ...files);
    expect(two.code).toBe(2);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
  });

  it.skipIf(!existsSync(join(PROJECT_ROOT, 'dist/validate-worker.js')))(
    'works from the built dist/cli.js',
    () => {
      const args = [
        join(PROJECT_ROOT, 'dist/cli.js'),
        'validate',
        '--schematron',
        MINI,
        '--format',
        'json',
        '--jobs',
        '2',
        OK,
        NO_TITLE,
      ];
      let status = 0;
      let stdout = '';
      try {
        stdout = execFileSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env } });
      } catch (e) {
        status = (e as { status: number }).status;
        stdout = (e as { stdout: string }).stdout;
      }
      expect(status).toBe(1);
      expect(JSON.parse(stdout).documents.map((d: { valid: boolean }) => d.valid)).toEqual([true, false]);
    },
  );
});

describe('cisis-bio validate: cache', () => {
  it('a second run reads the compiled form from disk instead of compiling', async () => {
    const { cacheStats } = await import('../../src/validate/cache.js');
    const { resetValidators } = await import('../../src/validate/pipeline.js');
    const dir = join(process.env.XDG_CACHE_HOME!, 'cisis-bio', 'compiled');
    const mini2 = join(tempDir('cisis-bio-sch-'), 'mini.sch');
    cpSync(FIXTURES, dirname(mini2), { recursive: true }); // a schematron no other test compiled
    resetValidators(); // each step as a new process would start
    let before = { ...cacheStats };
    expect((await cli('validate', '--schematron', mini2, OK)).code).toBe(0);
    expect(cacheStats.compiles - before.compiles).toBe(1);
    expect(cacheStats.diskWrites - before.diskWrites).toBe(1);
    expect(readdirSync(dir).length).toBeGreaterThan(0);

    resetValidators();
    before = { ...cacheStats };
    expect((await cli('validate', '--schematron', mini2, NO_TITLE)).code).toBe(1);
    expect(cacheStats.compiles - before.compiles).toBe(0);
    expect(cacheStats.diskHits - before.diskHits).toBe(1);

    resetValidators();
    before = { ...cacheStats };
    await cli('validate', '--no-cache', '--schematron', mini2, NO_TITLE);
    expect(cacheStats.compiles - before.compiles).toBe(1);
    expect(cacheStats.diskHits - before.diskHits).toBe(0);
  });
});
