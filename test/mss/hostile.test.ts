import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MssError, readXdm } from '../../src/mss/index.js';

/**
 * Hostile archives written by Python's zipfile (an independent zip writer that, unlike fflate's object API,
 * lets a test write duplicate and path-escaping names).
 */
function pyZip(script: string): Uint8Array {
  const code = `import io, sys, zipfile\nb = io.BytesIO()\nz = zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED)\n${script}\nz.close()\nsys.stdout.buffer.write(b.getvalue())\n`;
  const r = spawnSync('python3', ['-W', 'ignore', '-c', code], { maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return new Uint8Array(r.stdout);
}

function refusal(bytes: Uint8Array, limits = {}): MssError {
  try {
    readXdm(bytes, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(MssError);
    return e as MssError;
  }
  throw new Error('the archive was accepted');
}

const META = "z.writestr('IHE_XDM/SUBSET01/METADATA.XML', '<x/>')";

describe('readXdm refuses hostile archives before inflating anything', () => {
  it.each([
    ['../evil.txt'],
    ['IHE_XDM/SUBSET01/../../evil.txt'],
    ['/etc/cron.d/evil'],
    ['C:/Windows/evil.dll'],
    ['IHE_XDM\\\\SUBSET01\\\\DOC0001.XML'],
    ['IHE_XDM/./SUBSET01/DOC0001.XML'],
  ])('zip-slip name %s → XDM_UNSAFE_PATH', (name) => {
    const e = refusal(pyZip(`${META}\nz.writestr(${JSON.stringify(name)}, 'x')`));
    expect(e.code).toBe('XDM_UNSAFE_PATH');
  });

  it('duplicate names → XDM_DUPLICATE_ENTRY (also differing only in case)', () => {
    expect(refusal(pyZip(`${META}\n${META}`)).code).toBe('XDM_DUPLICATE_ENTRY');
    const e = refusal(pyZip(`${META}\nz.writestr('ihe_xdm/subset01/metadata.xml', '<y/>')`));
    expect(e.code).toBe('XDM_DUPLICATE_ENTRY');
  });

  it('a zip bomb (32 MiB of zeros, ratio ≈ 1000:1) → XDM_TOO_LARGE, by ratio', () => {
    const bomb = pyZip(`${META}\nz.writestr('IHE_XDM/SUBSET01/DOC0001.XML', bytes(32 * 1024 * 1024))`);
    expect(bomb.byteLength).toBeLessThan(100_000);
    const e = refusal(bomb);
    expect(e.code).toBe('XDM_TOO_LARGE');
    expect(e.message).toMatch(/ratio/);
  });

  it('entry, total and archive size limits → XDM_TOO_LARGE', () => {
    const z = pyZip(`${META}\nz.writestr('IHE_XDM/SUBSET01/DOC0001.XML', bytes(2048))`);
    expect(refusal(z, { maxEntryBytes: 1024 }).code).toBe('XDM_TOO_LARGE');
    expect(refusal(z, { maxTotalBytes: 1024 }).code).toBe('XDM_TOO_LARGE');
    expect(refusal(z, { maxArchiveBytes: 64 }).code).toBe('XDM_TOO_LARGE');
    expect(refusal(z, { maxEntries: 1 }).code).toBe('XDM_TOO_LARGE');
  });

  it('no METADATA.XML → XDM_MISSING_ENTRY', () => {
    const e = refusal(
      pyZip("z.writestr('README.TXT', 'hello')\nz.writestr('IHE_XDM/SUBSET01/DOC0001.XML', '<x/>')"),
    );
    expect(e.code).toBe('XDM_MISSING_ENTRY');
  });

  it('not a zip, or an unsupported compression method → XDM_MALFORMED', () => {
    expect(refusal(new TextEncoder().encode('this is not a zip archive at all, sorry')).code).toBe(
      'XDM_MALFORMED',
    );
    const bz = pyZip(
      `z.writestr(zipfile.ZipInfo('IHE_XDM/SUBSET01/METADATA.XML'), '<x/>', compress_type=zipfile.ZIP_BZIP2)`,
    );
    expect(refusal(bz).code).toBe('XDM_MALFORMED');
  });
});
