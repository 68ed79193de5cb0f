// Issue 13.19: report files all-or-none. Collisions are found before anything is written, files are staged in a
// temporary folder inside DIR and the key file (N3) appears last, SIGTERM/SIGINT leave no temporary file, and an
// overwritten file keeps its permissions.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PublishError, publishFiles } from '../../src/compose/index.js';
import { PROJECT_ROOT } from '../helpers/shared.js';
import { tmpDir } from './helpers.js';

const set = (tag: string) => [
  { name: 'r.n3.xml', data: `n3 ${tag}` },
  { name: 'r.n1.xml', data: `n1 ${tag}` },
  { name: 'r.pdf', data: `pdf ${tag}` },
];

describe('publishFiles', () => {
  it('writes the set, nothing else stays in the folder', async () => {
    const dir = tmpDir('pub');
    await publishFiles(dir, set('a'));
    expect(readdirSync(dir).sort()).toEqual(['r.n1.xml', 'r.n3.xml', 'r.pdf']);
    expect(readFileSync(join(dir, 'r.n3.xml'), 'utf8')).toBe('n3 a');
  });

  it('a folder named like an output: refused before anything is written, no temporary file left', async () => {
    const dir = tmpDir('pub');
    mkdirSync(join(dir, 'r.pdf'));
    const e = await publishFiles(dir, set('a')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PublishError);
    expect((e as PublishError).code).toBe('PUBLISH_COLLISION');
    expect(readdirSync(dir)).toEqual(['r.pdf']);
  });

  it('staged apart: until the renames the old set stays complete; after, the new set is whole', async () => {
    const dir = tmpDir('pub');
    await publishFiles(dir, set('old'));
    const seen: string[][] = [];
    await publishFiles(dir, set('new'), {
      beforePublish: () => {
        seen.push(
          readdirSync(dir)
            .filter((f) => !f.startsWith('.'))
            .sort(),
        );
      },
    });
    expect(seen).toEqual([['r.n1.xml', 'r.n3.xml', 'r.pdf']]); // staged: the old set still complete
    expect(readdirSync(dir).sort()).toEqual(['r.n1.xml', 'r.n3.xml', 'r.pdf']);
    expect(readFileSync(join(dir, 'r.n1.xml'), 'utf8')).toBe('n1 new');
  });

  it('overwriting keeps the permissions of the file it replaces', async () => {
    const dir = tmpDir('pub');
    await publishFiles(dir, set('a'));
    chmodSync(join(dir, 'r.pdf'), 0o600);
    chmodSync(join(dir, 'r.n3.xml'), 0o640);
    await publishFiles(dir, set('b'));
    expect(statSync(join(dir, 'r.pdf')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'r.n3.xml')).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(dir, 'r.pdf'), 'utf8')).toBe('pdf b');
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} while the files are staged: exit ${signal === 'SIGTERM' ? 143 : 130}, no temporary file, no output`, () => {
      const dir = tmpDir('sig');
      const script = join(dir, 'publish-and-stop.mts');
      writeFileSync(
        script,
        `import { publishFiles } from ${JSON.stringify(join(PROJECT_ROOT, 'src/compose/index.ts'))};
await publishFiles(process.argv[2], [{ name: 'r.n3.xml', data: 'x' }, { name: 'r.pdf', data: 'y' }], {
  // Stay busy (as a slow disk would) and get stopped meanwhile.
  beforePublish: () => new Promise(() => { setInterval(() => {}, 1000); process.kill(process.pid, '${signal}'); }),
});`,
      );
      const out = join(dir, 'out');
      const r = spawnSync(process.execPath, ['--import', 'tsx', script, out], {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(signal === 'SIGTERM' ? 143 : 130);
      expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    }, 60_000);
  }
});
