// Independent checkers of what the mss module writes: Info-ZIP unzip, Python's zipfile and email, xmllint.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SHARED_DIR } from '../helpers/shared.js';

export const LCM_XSD = resolve(SHARED_DIR, 'xds-schemas/ebRS30/lcm.xsd');

export const tmp = (prefix = 'cisis-mss-'): string => mkdtempSync(join(tmpdir(), prefix));

function run(
  cmd: string,
  args: string[],
  input?: Uint8Array,
): { out: Buffer; err: string; status: number | null } {
  const r = spawnSync(cmd, args, { input, maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (run scripts/ensure-tools.sh)`);
  return { out: r.stdout, err: r.stderr.toString(), status: r.status };
}

/** `unzip -t`: Info-ZIP tests every entry's CRC; returns its exit status and output. */
export function unzipTest(zip: Uint8Array): { status: number | null; out: string } {
  const path = join(tmp(), 'IHE_XDM.ZIP');
  writeFileSync(path, zip);
  const r = run('unzip', ['-t', path]);
  return { status: r.status, out: r.out.toString() };
}

/** Python's zipfile: entry names (in order), testzip() verdict and every entry's bytes. */
export function pyUnzip(zip: Uint8Array): {
  names: string[];
  bad: string | null;
  /** Each entry's DOS date_time as Python reads it. */
  times: number[][];
  files: Map<string, Buffer>;
} {
  const code = `import sys, io, zipfile, json, base64
z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
print(json.dumps({'names': z.namelist(), 'bad': z.testzip(), 'times': [list(i.date_time) for i in z.infolist()],
  'files': {n: base64.b64encode(z.read(n)).decode() for n in z.namelist()}}))`;
  const r = run('python3', ['-c', code], zip);
  if (r.status !== 0) throw new Error(r.err);
  const j = JSON.parse(r.out.toString()) as {
    names: string[];
    bad: string | null;
    times: number[][];
    files: Record<string, string>;
  };
  return {
    names: j.names,
    bad: j.bad,
    times: j.times,
    files: new Map(Object.entries(j.files).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  };
}

/** `xmllint --schema XSD --noout`: exit status 0 when valid. */
export function xmllintSchema(xml: Uint8Array, xsd = LCM_XSD): { status: number | null; err: string } {
  const path = join(tmp(), 'METADATA.XML');
  writeFileSync(path, xml);
  const r = run('xmllint', ['--noout', '--nonet', '--schema', xsd, path]);
  return { status: r.status, err: r.err };
}

/** `xmllint --xpath` on bytes; returns the printed result. */
export function xpath(xml: Uint8Array, expr: string): string {
  const path = join(tmp(), 'doc.xml');
  writeFileSync(path, xml);
  return run('xmllint', ['--nonet', '--xpath', expr, path]).out.toString();
}

/** Python's email parser: each leaf part's content type, file name and decoded bytes; the root headers. */
export function pyMail(raw: Uint8Array): {
  headers: Record<string, string>;
  parts: Array<{ type: string; name: string | null; bytes: Buffer }>;
} {
  const code = `import sys, email, email.policy, json, base64
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
parts = [{'type': p.get_content_type(), 'name': p.get_filename(), 'b64': base64.b64encode(p.get_payload(decode=True) or b'').decode()}
         for p in m.walk() if not p.is_multipart()]
print(json.dumps({'headers': {k: str(v) for k, v in m.items()}, 'parts': parts}))`;
  const r = run('python3', ['-c', code], raw);
  if (r.status !== 0) throw new Error(r.err);
  const j = JSON.parse(r.out.toString()) as {
    headers: Record<string, string>;
    parts: Array<{ type: string; name: string | null; b64: string }>;
  };
  return {
    headers: j.headers,
    parts: j.parts.map((p) => ({ type: p.type, name: p.name, bytes: Buffer.from(p.b64, 'base64') })),
  };
}
