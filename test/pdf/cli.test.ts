import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { EXAMPLES_DIR } from '../helpers/shared.js';
import { CLOCK, richReport } from './fixtures.js';
import { rawText, workDir } from './tools.js';

describe('cisis-bio pdf', () => {
  const dir = workDir();

  it('renders a model (JSON) to a PDF/A file, reproducibly with --date', async () => {
    const model = join(dir, 'model.json');
    writeFileSync(model, JSON.stringify(richReport()));
    const a = join(dir, 'a.pdf');
    const b = join(dir, 'b.pdf');
    const date = CLOCK().toISOString();
    expect(await run(['pdf', model, '--out', a, '--date', date])).toBe(0);
    expect(await run(['pdf', model, '-o', b, '--date', date])).toBe(0);
    const bytes = readFileSync(a);
    expect(bytes.toString('latin1', 0, 8)).toBe('%PDF-1.4');
    expect(bytes.equals(readFileSync(b))).toBe(true);
    expect(rawText(a)).toContain('Matricule INS (NIR de test) 279035121518989');
  });

  it('renders a CR-BIO CDA document (parsed first) from the ANS kit', async () => {
    const xml = join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml');
    const out = join(dir, 'tsh.pdf');
    expect(await run(['pdf', xml, '--out', out])).toBe(0);
    const txt = rawText(out);
    expect(txt).toMatch(/page 1\/\d/);
    expect(txt).toContain('INS à scanner'); // the example carries an INS root: a qualified identity
    expect(txt).toMatch(/Thyréostimuline|TSH/);
  });

  it('refuses an invalid model with exit 1 and writes nothing', async () => {
    const model = join(dir, 'bad.json');
    const bad = richReport() as unknown as { patient: { identity: { traits: { birthDate: string } } } };
    bad.patient.identity.traits.birthDate = '28/03/1979';
    writeFileSync(model, JSON.stringify(bad));
    const out = join(dir, 'bad.pdf');
    expect(await run(['pdf', model, '--out', out])).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('ends with exit 2 on a missing input file or a bad --date', async () => {
    expect(await run(['pdf', join(dir, 'nope.json'), '--out', join(dir, 'x.pdf')])).toBe(2);
    const model = join(dir, 'model2.json');
    writeFileSync(model, JSON.stringify(richReport()));
    expect(await run(['pdf', model, '--out', join(dir, 'y.pdf'), '--date', 'yesterday'])).toBe(2);
  });
});
