/**
 * Issue 13 (validator items 7–13, 20), issue 12.4: each test reproduces the original failure. Memory is measured
 * as the peak RSS of a child process running the CLI (process.resourceUsage().maxRSS), on bounded inputs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_XML_DEPTH, MAX_XML_ELEMENTS } from '../../src/common/xml.js';
import { cacheDir, cacheStats, resetCacheStats } from '../../src/validate/cache.js';
import { validateFiles } from '../../src/validate/index.js';
import { resetValidators, Validator } from '../../src/validate/pipeline.js';
import { runCli } from '../helpers/cli.js';
import { EXAMPLES_DIR, KIT_DIR, PROJECT_ROOT } from '../helpers/shared.js';

const TSH = join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml');
const FIXTURES = join(import.meta.dirname, 'fixtures');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'cisis-hardening-'));
  process.env.XDG_CACHE_HOME = join(work, 'cache');
  delete process.env.CISIS_BIO_KIT;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Run the CLI in a child process; its exit code, output and peak RSS (MB). */
function child(args: string[], input?: string): { code: number; out: string; err: string; rssMb: number } {
  const script = `const { run } = await import(${JSON.stringify(join(PROJECT_ROOT, 'src/cli/main.ts'))});
const code = await run(process.argv.slice(1));
process.stderr.write('\\nMAXRSS ' + process.resourceUsage().maxRSS + '\\n');
process.exit(code);`;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...args],
    {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { ...process.env, XDG_CACHE_HOME: join(work, 'cache') },
      ...(input !== undefined ? { input } : {}),
      maxBuffer: 1 << 26,
    },
  );
  const rss = /MAXRSS (\d+)/.exec(r.stderr);
  return {
    code: r.status ?? -1,
    out: r.stdout,
    err: r.stderr,
    rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN,
  };
}

describe('resource limits hold before memory is spent', () => {
  it('13.7: a 200 MB file is refused from its size alone (≤ 300 MB RSS; was 0.7–1.2 GB)', () => {
    const big = join(work, 'big.xml');
    writeFileSync(big, '');
    truncateSync(big, 200 * 1024 * 1024); // sparse: reading it would cost 200 MB, refusing it nothing
    // The embedded rules: the refusal path is the same as with a kit, without compiling the kit's profiles.
    const r = child(['validate', big]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/XML_TOO_LARGE/);
    expect(r.rssMb).toBeLessThan(300);
  }, 120_000);

  it(`13.8: 4 MB of empty siblings is refused (element limit ${MAX_XML_ELEMENTS}); at the limit RSS stays ≤ 1 GB`, () => {
    const many = join(work, 'many.xml');
    writeFileSync(many, `<r>${'<a/>'.repeat(1_000_000)}</r>`);
    const r = child(['validate', '--kit', KIT_DIR, many]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/XML_TOO_MANY_NODES/);
    expect(r.rssMb).toBeLessThan(1024);
    const atLimit = join(work, 'at-limit.xml');
    const n = MAX_XML_ELEMENTS - 10;
    writeFileSync(
      atLimit,
      `<ClinicalDocument xmlns="urn:hl7-org:v3">${'<a/>\n'.repeat(n)}</ClinicalDocument>`,
    );
    const ok = child(['validate', '--kit', KIT_DIR, atLimit]);
    expect(ok.code).toBe(1); // judged (not a CDA), not refused
    expect(ok.rssMb).toBeLessThan(1024);
  }, 300_000);

  it(`13.9: depth > ${MAX_XML_DEPTH} is refused before any step, also with --no-xsd (was: quadratic time)`, async () => {
    const deep = join(work, 'deep.xml');
    const n = 20_000;
    writeFileSync(
      deep,
      `<ClinicalDocument xmlns="urn:hl7-org:v3">${'<e>'.repeat(n)}${'</e>'.repeat(n)}</ClinicalDocument>`,
    );
    for (const extra of [[], ['--no-xsd']]) {
      const r = await runCli(['validate', '--kit', KIT_DIR, ...extra, deep]);
      expect(r.code).toBe(2);
      expect(r.out).toMatch(
        new RegExp(
          `deep.xml:1:\\d+: NOT VALIDATED XML_TOO_DEEP: elements are nested more than ${MAX_XML_DEPTH} deep`,
        ),
      );
    }
    const parse = await runCli(['parse', deep]);
    expect(parse.code).toBe(2);
    expect(parse.err).toMatch(/XML_TOO_DEEP/);
  });

  it('13.10: a 9 MB text node (an embedded PDF) passes the XSD step (was: "Text node too long")', async () => {
    const tsh = readFileSync(TSH, 'utf8');
    const payload = Buffer.alloc(6.8 * 1024 * 1024, 7).toString('base64'); // ≈ 9 MB of base64
    const big = tsh.replace(/(<(?:text|value)[^>]*representation="B64"[^>]*>)[^<]*/, `$1${payload}`);
    expect(big.length).toBeGreaterThan(tsh.length + 8_000_000);
    const v = await Validator.create({ kit: KIT_DIR, volet: 'CI-SIS_BIO-CR-BIO_2024.01' });
    const r = v.validate(big, 'big-pdf.xml');
    expect(r.xsd).toEqual({ valid: true, errors: [] });
  });
});

describe('engine budget, encodings, usage errors', () => {
  it('13.11: --timeout-ms stops a schematron that explodes: an engine error for that profile only', async () => {
    const dir = join(work, 'slow');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'slow.sch'),
      `<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2"><ns prefix="cda" uri="urn:hl7-org:v3"/>
       <pattern><rule context="cda:*"><assert test="count(//cda:*[. = //cda:*]) ge 0">x</assert></rule></pattern></schema>`,
    );
    const r = await runCli([
      'validate',
      '--schematron',
      join(dir, 'slow.sch'),
      '--timeout-ms',
      '50',
      '--format',
      'json',
      TSH,
    ]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out).documents[0];
    expect(doc.profiles.slow.error).toMatch(/^CISIS_TIMEOUT: .*50 ms/);
    expect((await runCli(['validate', '--timeout-ms', '0', TSH])).code).toBe(2);
  }, 120_000);

  it('13.12: invalid UTF-8 and NUL are malformed XML in validate (exit 2, line/column; was exit 1)', async () => {
    const tsh = readFileSync(TSH);
    const at = tsh.indexOf('<title>') + 7;
    const bad = Buffer.concat([tsh.subarray(0, at), Buffer.from([0xff]), tsh.subarray(at)]);
    const nul = Buffer.concat([tsh.subarray(0, at), Buffer.from([0]), tsh.subarray(at)]);
    const line = tsh.subarray(0, at).toString('utf8').split('\n').length;
    for (const [name, bytes] of [
      ['bad-utf8.xml', bad],
      ['nul.xml', nul],
    ] as const) {
      writeFileSync(join(work, name), bytes);
      const r = await runCli(['validate', join(work, name)]);
      expect(r.code).toBe(2);
      expect(r.out).toMatch(new RegExp(`${name}:${line}:\\d+: NOT VALIDATED XML_MALFORMED`));
    }
  });

  it('13.20: an unknown --phase is a usage error (exit 2), not "DOES NOT CONFORM"', async () => {
    const r = await runCli(['validate', '--schematron', join(FIXTURES, 'mini.sch'), '--phase', 'nope', TSH]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/SCH_PHASE_UNKNOWN: phase "nope"/);
  });

  it('--volet names a volet for every document; an unknown name is a usage error', async () => {
    const f = join(EXAMPLES_DIR, 'BIO-CR-BIO_2021.01_Electrophorese.xml');
    const r = await runCli([
      'validate',
      '--kit',
      KIT_DIR,
      '--no-xsd',
      '--volet',
      'BIO-CR-BIO_2021.01',
      '--format',
      'json',
      f,
    ]);
    const doc = JSON.parse(r.out).documents[0];
    expect(doc.volet).toEqual({
      volet: 'CI-SIS_BIO-CR-BIO_2021.01',
      rule: 'forced',
      reason: '--volet CI-SIS_BIO-CR-BIO_2021.01',
    });
    expect(Object.keys(doc.profiles)[0]).toBe('CI-SIS_BIO-CR-BIO_2021.01');
    const bad = await runCli(['validate', '--kit', KIT_DIR, '--volet', 'CI-SIS_NOPE_2020.01', f]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/VALIDATE_UNKNOWN_VOLET/);
    const list = await runCli(['validate', '--kit', KIT_DIR, '--list-volets']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^CI-SIS_BIO-CR-BIO_2024\.01 +templateId 1\.2\.250\.1\.213\.1\.1\.1\.55$/m);
    expect(list.out).toMatch(/^CI-SIS_TLM-CR_2022\.01 +code 85208-7$/m);
  });
});

describe('validate accepts folders and standard input (12.4)', () => {
  it('recurses into *.xml of a folder; progress never goes to a non-TTY stderr', async () => {
    const dir = join(work, 'tree');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'a.xml'), readFileSync(join(FIXTURES, 'ok.xml')));
    writeFileSync(join(dir, 'sub', 'b.xml'), readFileSync(join(FIXTURES, 'no-title.xml')));
    writeFileSync(join(dir, 'notes.txt'), 'not xml');
    const r = await runCli(['validate', '--schematron', join(FIXTURES, 'mini.sch'), '--format', 'json', dir]);
    expect(JSON.parse(r.out).documents.map((d: { file: string }) => d.file)).toEqual([
      join(dir, 'a.xml'),
      join(dir, 'sub', 'b.xml'),
    ]);
    expect(r.code).toBe(1);
    expect(r.err).not.toMatch(/documents/);
    const seen: string[] = [];
    await validateFiles(
      [join(dir, 'a.xml'), join(dir, 'sub', 'b.xml')],
      { schematron: join(FIXTURES, 'mini.sch') },
      1,
      (d, t) => seen.push(`${d}/${t}`),
    );
    expect(seen).toEqual(['1/2', '2/2']);
  });

  it('reads - from standard input', () => {
    const r = child(
      ['validate', '--schematron', join(FIXTURES, 'mini.sch'), '-'],
      readFileSync(join(FIXTURES, 'ok.xml'), 'utf8'),
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^<stdin>: conforms/m);
  }, 60_000);
});

describe('the compiled-schematron cache is bound to what it was compiled from', () => {
  it('reproduces the poisoning attack: an always-true schematron planted under the real key is recompiled', async () => {
    const dir = join(work, 'poison');
    mkdirSync(dir, { recursive: true });
    const real = join(dir, 'real.sch');
    const fake = join(dir, 'fake.sch');
    writeFileSync(real, readFileSync(join(FIXTURES, 'mini.sch')));
    mkdirSync(join(dir, 'include'));
    writeFileSync(join(dir, 'include', 'title.sch'), readFileSync(join(FIXTURES, 'include', 'title.sch')));
    writeFileSync(
      fake,
      `<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2"><pattern><rule context="/"><assert test="true()">never</assert></rule></pattern></schema>`,
    );
    const doc = readFileSync(join(FIXTURES, 'no-title.xml'));
    const verdict = async (sch: string) => {
      resetValidators();
      return (await Validator.create({ schematron: sch })).validate(doc, 'no-title.xml').valid;
    };
    expect(await verdict(real)).toBe(false);
    expect(await verdict(fake)).toBe(true);
    // The attacker copies the always-true compiled entry over the real one (its checksum is self-consistent).
    const entries = join(cacheDir(), 'compiled');
    const files = (await import('node:fs')).readdirSync(entries).filter((f) => f.endsWith('.txt'));
    const byContent = files.map((f) => ({ f, text: readFileSync(join(entries, f), 'utf8') }));
    const fakeEntry = byContent.find((e) => e.text.includes('never'))!;
    const realEntry = byContent.find((e) => e !== fakeEntry && e.text.includes('real.sch'))!;
    writeFileSync(join(entries, realEntry.f), fakeEntry.text);
    resetCacheStats();
    expect(await verdict(real)).toBe(false); // was: true ("conforms")
    expect(cacheStats.bindingMismatches).toBe(1);
    expect(cacheStats.compiles).toBe(1);
    // the entry recompiled from the real schematron is what the next run reads
    resetCacheStats();
    expect(await verdict(real)).toBe(false);
    expect(cacheStats.diskHits).toBe(1);
  });
});
