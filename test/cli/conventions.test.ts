import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PROJECT_ROOT } from '../helpers/shared.js';

const COMMANDS_DIR = join(PROJECT_ROOT, 'src/cli/commands');
/**
 * What a command file may import at load time: the rest (the library) is imported inside its action. The validate
 * command's format names are a constant list commander needs for `--format`'s choices.
 */
const LIGHT =
  /^(commander|node:[a-z/]+|\.\.\/(util|loinc-checks)\.js|\.\.\/\.\.\/common\/(errors|fs)\.js|\.\.\/\.\.\/version\.js|\.\.\/\.\.\/validate\/formats\/names\.js)$/;

function valueImports(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^import\s+(type\s+)?([\s\S]*?)\s+from\s+'([^']+)';/gm)) {
    if (m[1]) continue; // import type { … }
    const names = m[2]!.replace(/^\{|\}$/g, '');
    const values = names.split(',').filter((n) => n.trim() && !n.trim().startsWith('type '));
    if (values.length > 0) found.push(m[3]!);
  }
  return found;
}

describe('CLI conventions', () => {
  it('command files load nothing but commander and small helpers: the library is imported inside each action', () => {
    const heavy: string[] = [];
    for (const f of readdirSync(COMMANDS_DIR).filter((n) => n.endsWith('.ts'))) {
      for (const spec of valueImports(readFileSync(join(COMMANDS_DIR, f), 'utf8')))
        if (!LIGHT.test(spec)) heavy.push(`${f}: ${spec}`);
    }
    expect(heavy).toEqual([]);
  });

  it('the import scanner sees value imports and skips type-only ones (so the check above can fail)', () => {
    expect(
      valueImports(
        "import type { A } from '../../a.js';\nimport { type B } from '../../b.js';\nimport { c, type D } from '../../c.js';\n",
      ),
    ).toEqual(['../../c.js']);
  });

  it('`cisis-bio --help` lists every command of the table', async () => {
    const main = readFileSync(join(PROJECT_ROOT, 'src/cli/main.ts'), 'utf8');
    const table = /const COMMANDS\b[^\n]*\{\n([\s\S]*?)\n\};/.exec(main)![1]!;
    const names = [...table.matchAll(/^\s*'?([a-z0-9-]+)'?:/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(8);
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const n of names) expect(r.out, n).toMatch(new RegExp(`^\\s+${n}\\b`, 'm'));
  });

  it('a closed stdout (| head) ends quietly: no stack trace, no EPIPE message', () => {
    // `--help` of every command, piped into a reader that closes at once.
    const r = spawnSync(
      'bash',
      [
        '-c',
        `for i in 1 2 3 4 5 6 7 8; do echo; done | node --import tsx src/cli/main.ts validate --help | head -c 1`,
      ],
      { cwd: PROJECT_ROOT, encoding: 'utf8' },
    );
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
  });
});

describe('exit codes', () => {
  it('malformed XML and a DTD are exit 2 (usage / input error) in every command that reads XML', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'cisis-bio-exit-'));
    const malformed = join(dir, 'malformed.xml');
    const dtd = join(dir, 'dtd.xml');
    writeFileSync(malformed, '<ClinicalDocument xmlns="urn:hl7-org:v3"><title>x</ClinicalDocument>');
    writeFileSync(
      dtd,
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><ClinicalDocument>&e;</ClinicalDocument>',
    );
    const out = join(dir, 'out');
    for (const input of [malformed, dtd]) {
      const runs: Array<[string, string[]]> = [
        ['parse', ['parse', input]],
        ['pdf', ['pdf', input, '--out', `${out}.pdf`]],
        ['merge', ['merge', input, input, '--out', `${out}.xml`]],
        ['validate', ['validate', input]],
      ];
      for (const [name, args] of runs) expect((await runCli(args)).code, `${name} ${input}`).toBe(2);
    }
  });
});
