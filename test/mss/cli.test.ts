import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS, seededIds } from '../../src/cda/index.js';
import { type CreatedReport, createReport } from '../../src/compose/index.js';
import { runCli } from '../helpers/cli.js';
import { testClock } from '../helpers/clock.js';
import { makeTlsPki, startSmtp, type TestPki, type TestSmtp } from './smtp.js';
import { pyUnzip, tmp } from './tools.js';

const FROM = 'labo@labo.test.mssante.fr';
const SOURCE = ['--source-id', '1.2.250.1.999.1.1'];

describe('cisis-bio mss pack | send | read', () => {
  let dir: string;
  let created: CreatedReport;
  let pki: TestPki;
  let smtp: TestSmtp;
  let n3: string;
  let n1: string;

  beforeAll(async () => {
    dir = tmp('cisis-mss-cli-');
    created = await createReport(SCENARIOS[1]!.model(), { clock: testClock, idGenerator: seededIds('cli') });
    n3 = join(dir, 'n3.xml');
    n1 = join(dir, 'n1.xml');
    writeFileSync(n3, created.n3);
    writeFileSync(n1, created.n1);
    pki = await makeTlsPki();
    smtp = await startSmtp(pki);
    for (const [name, pem] of [
      ['client.pem', pki.client.certPem],
      ['client.key', pki.client.keyPem],
      ['ca.pem', pki.ca.certPem],
    ] as const) {
      writeFileSync(join(dir, name), pem);
    }
  });
  afterAll(async () => smtp?.close());

  it('pack --audience professional writes the e-mail (to, read receipt, N3 + N1 in the archive, PDF of the N3)', async () => {
    const out = join(dir, 'pro.eml');
    const r = await runCli([
      'mss',
      'pack',
      n3,
      n1,
      '--audience',
      'professional',
      '--from',
      FROM,
      '--to',
      'dr@cabinet.test.mssante.fr',
      '--read-receipt',
      ...SOURCE,
      '--out',
      out,
    ]);
    expect(r.code, r.err).toBe(0);
    const m = await simpleParser(readFileSync(out));
    expect(m.to && !Array.isArray(m.to) ? m.to.text : '').toBe('dr@cabinet.test.mssante.fr');
    expect(m.headers.get('disposition-notification-to')).toBeTruthy();
    const [zip, pdf] = m.attachments;
    expect(pyUnzip(new Uint8Array(zip!.content)).names).toContain('IHE_XDM/SUBSET01/DOC0002.XML');
    expect(Buffer.compare(pdf!.content, Buffer.from(created.pdf))).toBe(0);
  });

  it('pack --audience patient defaults To to <INS>@patient.mssante.fr; --no-reply sets X-MSS-MES: FIN', async () => {
    const out = join(dir, 'patient.eml');
    const r = await runCli([
      'mss',
      'pack',
      n3,
      '--audience',
      'patient',
      '--from',
      FROM,
      '--no-reply',
      ...SOURCE,
      '--out',
      out,
    ]);
    expect(r.code, r.err).toBe(0);
    const m = await simpleParser(readFileSync(out));
    expect(m.to && !Array.isArray(m.to) ? m.to.text : '').toBe('279035121518989@patient.mssante.fr');
    expect(m.headers.get('x-mss-mes')).toBe('FIN');
  });

  it('refuses: no --to for professionals (2), a patient-invisible document to the patient (1, nothing written)', async () => {
    const out = join(dir, 'refused.eml');
    expect(
      (
        await runCli([
          'mss',
          'pack',
          n3,
          '--audience',
          'professional',
          '--from',
          FROM,
          ...SOURCE,
          '--out',
          out,
        ])
      ).code,
    ).toBe(2);
    const r = await runCli([
      'mss',
      'pack',
      n3,
      '--audience',
      'patient',
      '--from',
      FROM,
      '--hide-from',
      'patient',
      ...SOURCE,
      '--out',
      out,
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/MSS_AUDIENCE_FORBIDDEN/);
    expect(existsSync(out)).toBe(false);
    expect(
      (await runCli(['mss', 'pack', n3, '--audience', 'nobody', '--from', FROM, ...SOURCE, '--out', out]))
        .code,
    ).toBe(2);
  });

  it('send delivers the .eml to the SMTP server with the client certificate and prints the reply', async () => {
    const eml = join(dir, 'pro.eml');
    const r = await runCli([
      'mss',
      'send',
      eml,
      '--smtp',
      smtp.url,
      '--cert',
      join(dir, 'client.pem'),
      '--key',
      join(dir, 'client.key'),
      '--ca',
      join(dir, 'ca.pem'),
      '--servername',
      'localhost',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).response).toMatch(/^250 /);
    const got = smtp.received.at(-1)!;
    expect(got.to).toEqual(['dr@cabinet.test.mssante.fr']);
    expect((await simpleParser(got.raw)).messageId).toBe((await simpleParser(readFileSync(eml))).messageId);
  });

  it('send without a reachable server exits 2', async () => {
    const r = await runCli([
      'mss',
      'send',
      join(dir, 'pro.eml'),
      '--smtp',
      'smtp://127.0.0.1:1',
      '--cert',
      join(dir, 'client.pem'),
      '--key',
      join(dir, 'client.key'),
    ]);
    expect(r.code).toBe(2);
  });

  it('read writes the documents and the PDF (exact bytes) and prints a summary', async () => {
    const out = join(dir, 'read');
    const r = await runCli(['mss', 'read', join(dir, 'pro.eml'), '--out', out]);
    expect(r.code, r.err).toBe(0);
    const summary = JSON.parse(r.out);
    expect(summary.documents.map((d: { role: string }) => d.role)).toEqual(['n3', 'n1']);
    expect(readFileSync(join(out, 'DOC0001.XML')).equals(Buffer.from(created.n3))).toBe(true);
    expect(readFileSync(join(out, 'DOC0002.XML')).equals(Buffer.from(created.n1))).toBe(true);
    expect(readFileSync(join(out, summary.pdfs[0])).equals(Buffer.from(created.pdf))).toBe(true);
  });

  it('read refuses a zip-slip archive: exit 1, nothing written', async () => {
    const { fflateZip } = await import('./hostile-zip.js');
    const raw = await new MailComposer({
      from: FROM,
      to: 'dpi@chb.test.mssante.fr',
      subject: 'XDM/1.0/DDM+x',
      attachments: [
        {
          filename: 'IHE_XDM.ZIP',
          content: Buffer.from(fflateZip({ '../../evil.txt': 'x', 'IHE_XDM/SUBSET01/METADATA.XML': '<x/>' })),
        },
      ],
    })
      .compile()
      .build();
    writeFileSync(join(dir, 'evil.eml'), raw);
    const out = join(dir, 'evil-out');
    const r = await runCli(['mss', 'read', join(dir, 'evil.eml'), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/XDM_UNSAFE_PATH.*nothing written/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    expect(existsSync(join(dir, 'evil.txt'))).toBe(false);
  });
});
