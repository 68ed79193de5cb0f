import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeDatamatrix } from '../../src/pdf/datamatrix.js';
import {
  displayRange,
  displayValue,
  frDateTime,
  frInterpretation,
  frPersonName,
  narrativeToText,
} from '../../src/pdf/format.js';
import { srgbIccProfile } from '../../src/pdf/icc.js';
import { buildXmp } from '../../src/pdf/xmp.js';
import { workDir } from './tools.js';

describe('sRGB ICC profile', () => {
  const icc = Buffer.from(srgbIccProfile());

  it('is a well-formed ICC v2.1 RGB display profile with every tag inside the file', () => {
    expect(icc.readUInt32BE(0)).toBe(icc.length);
    expect(icc.readUInt32BE(8)).toBe(0x02100000);
    expect(icc.toString('latin1', 36, 40)).toBe('acsp');
    const n = icc.readUInt32BE(128);
    const tags = new Map<string, { offset: number; size: number }>();
    for (let i = 0; i < n; i++) {
      const at = 132 + 12 * i;
      tags.set(icc.toString('latin1', at, at + 4), {
        offset: icc.readUInt32BE(at + 4),
        size: icc.readUInt32BE(at + 8),
      });
    }
    expect([...tags.keys()].sort()).toEqual([
      'bTRC',
      'bXYZ',
      'cprt',
      'desc',
      'gTRC',
      'gXYZ',
      'rTRC',
      'rXYZ',
      'wtpt',
    ]);
    for (const { offset, size } of tags.values()) {
      expect(offset % 4).toBe(0);
      expect(offset + size).toBeLessThanOrEqual(icc.length);
    }
    const trc = tags.get('rTRC')!;
    expect(icc.toString('latin1', trc.offset, trc.offset + 4)).toBe('curv');
    const count = icc.readUInt32BE(trc.offset + 8);
    let prev = -1;
    for (let i = 0; i < count; i++) {
      const v = icc.readUInt16BE(trc.offset + 12 + 2 * i);
      expect(v).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
    expect(prev).toBe(65535);
  });

  const hasTransicc = spawnSync('transicc', ['-v'], { input: '' }).error === undefined;
  it.skipIf(!hasTransicc)('converts colours like LittleCMS built-in sRGB (transicc, when installed)', () => {
    const path = join(workDir(), 'srgb.icc');
    writeFileSync(path, icc);
    const lab = (input: string) =>
      spawnSync('transicc', ['-i', input, '-o', '*Lab', '-n'], {
        input: '255 128 0\n30 60 200\n',
        encoding: 'utf8',
      })
        .stdout.trim()
        .split('\n')
        .slice(-2)
        .map((l) => l.trim().split(/\s+/).map(Number));
    const ours = lab(path);
    const ref = lab('*sRGB');
    for (let i = 0; i < 2; i++)
      for (let k = 0; k < 3; k++) expect(Math.abs(ours[i]![k]! - ref[i]![k]!)).toBeLessThan(0.1);
  });
});

describe('French display', () => {
  it('keeps values as written and formats dates in French', () => {
    expect(displayValue({ type: 'PQ', value: '1.950', unit: 'm[IU]/L' })).toEqual({
      value: '1.950',
      unit: 'mUI/L', // the French display form; the CDA keeps UCUM
    });
    expect(displayValue({ type: 'PQ', value: '7', unit: '1' })).toEqual({ value: '7', unit: '' });
    expect(
      displayValue({ type: 'IVL_PQ', high: { value: '0.128', unit: 'ug/mL', inclusive: false } }),
    ).toEqual({ value: '< 0.128', unit: 'µg/mL' });
    expect(displayValue({ type: 'IVL_PQ', low: { value: '4', unit: 'g/L' } }).value).toBe('≥ 4');
    expect(
      displayValue({
        type: 'RTO',
        numerator: { type: 'INT', value: '1' },
        denominator: { type: 'INT', value: '64' },
      }).value,
    ).toBe('1/64');
    expect(displayValue({ type: 'CE', code: '260385009', displayName: 'Négatif' }).value).toBe('Négatif');
    expect(displayValue({ type: 'PQ', nullFlavor: 'NAV' }).value).toBe('Non disponible');
    expect(
      displayRange(
        {
          value: {
            type: 'IVL_PQ',
            low: { value: '3.5', unit: 'mmol/L' },
            high: { value: '5.1', unit: 'mmol/L' },
          },
        },
        'mmol/L',
      ),
    ).toBe('3.5 – 5.1');
    expect(displayRange({ text: '< 5 selon âge' }, 'g/L')).toBe('< 5 selon âge');
    expect(frDateTime('20240104145521+0100')).toBe('04/01/2024 à 14:55');
    expect(frDateTime('20240104')).toBe('04/01/2024');
    expect(frDateTime('202401')).toBe('01/2024');
    expect(frInterpretation([{ code: 'H' }])).toEqual({ text: 'Élevé', abnormal: true });
    expect(frInterpretation([{ code: 'N' }])).toEqual({ text: '', abnormal: false });
    // Codes are looked up as own keys: an Object.prototype name is a plain code, shown as its label.
    expect(frInterpretation([{ code: 'constructor' }])).toEqual({ text: 'constructor', abnormal: false });
    expect(frInterpretation([{ code: 'toString', displayName: 'Autre' }])).toEqual({
      text: 'Autre',
      abnormal: false,
    });
    expect(frPersonName({ given: ['Jean'], family: 'DE SANTS', suffix: 'DR', prefix: 'M' })).toBe(
      'Dr Jean DE SANTS',
    );
    expect(narrativeToText('<paragraph>Ligne&#160;1<br/>B &amp; C</paragraph>')).toBe('Ligne 1\nB & C');
  });
});

describe('XMP packet', () => {
  it('escapes XML and mirrors the metadata', () => {
    const xmp = buildXmp({
      title: 'A < B & "C"',
      creator: 'cisis-bio',
      producer: 'p',
      date: new Date('2024-01-04T16:30:00.123Z'),
      lang: 'fr-FR',
      documentId: '0123456789abcdef0123456789abcdef',
    });
    expect(xmp).toContain('<rdf:li xml:lang="x-default">A &lt; B &amp; &quot;C&quot;</rdf:li>');
    expect(xmp).toContain('<xmp:CreateDate>2024-01-04T16:30:00Z</xmp:CreateDate>');
    expect(xmp).toContain('<xmpMM:DocumentID>uuid:01234567-89ab-cdef-0123-456789abcdef</xmpMM:DocumentID>');
    expect(xmp).not.toMatch(/xpacket begin="[^"]*" (bytes|encoding)=/);
  });
});

describe('Datamatrix symbol', () => {
  it('is square, and a longer payload gives a larger symbol', () => {
    const small = encodeDatamatrix('IS010000000000000000000000S1279035121518989');
    const big = encodeDatamatrix(
      `IS010000000000000000000000S1279035121518989S3${'A'.repeat(100)}\x1DS4${'B'.repeat(100)}`,
    );
    expect(small.modules).toHaveLength(small.size);
    expect(small.modules.every((r) => r.length === small.size)).toBe(true);
    expect(big.size).toBeGreaterThan(small.size);
    // ECC 200 finder pattern: solid left column and bottom row.
    expect(small.modules.every((r) => r[0])).toBe(true);
    expect(small.modules[small.size - 1]!.every((m) => m)).toBe(true);
  });
});
