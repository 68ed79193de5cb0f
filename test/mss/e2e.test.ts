import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCrBio, SCENARIOS, seededIds } from '../../src/cda/index.js';
import { type CreatedReport, createReport } from '../../src/compose/index.js';
import { encodeInsDatamatrix } from '../../src/ins/index.js';
import { mergeSubcontracted } from '../../src/merge/index.js';
import {
  buildMssMessage,
  type MssAudience,
  type MssMessage,
  readMssMessage,
  type SmtpResult,
  sendMssMessage,
} from '../../src/mss/index.js';
import { checkXdsMetadata } from '../../src/xds/index.js';
import { daysFromTestNow, testClock } from '../helpers/clock.js';
import { dmtxread, rasterPage1, savePdf, workDir } from '../pdf/tools.js';
import { makeIdentity } from '../sign/pki.js';
import { makeTlsPki, type Received, startSmtp, type TestPki, type TestSmtp } from './smtp.js';
import { pyMail, pyUnzip, unzipTest, xmllintSchema, xpath } from './tools.js';

const FROM = 'labo@labo.test.mssante.fr';
const DOCTOR = 'dr.martin@cabinet.test.mssante.fr';
const SOURCE_ID = '1.2.250.1.999.1.1';
// The replaced version's N3 and N1 entries, as the lab stored them when it sent version 1.
const PREVIOUS_ENTRIES = [
  { entryUUID: 'urn:uuid:0f1e2d3c-4b5a-4697-8877-665544332211' },
  { entryUUID: 'urn:uuid:0f1e2d3c-4b5a-4697-8877-665544332212' },
];

interface Case {
  scenario: string;
  audience: MssAudience;
  created: CreatedReport;
  message: MssMessage;
  sent: SmtpResult;
  received: Received;
}

const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

/** Slot values of the n-th ExtrinsicObject of METADATA.XML, read by xmllint (not by the xds module). */
function slot(meta: Uint8Array, n: number, name: string): string {
  return xpath(
    meta,
    `string((//*[local-name()='ExtrinsicObject'])[${n}]/*[local-name()='Slot'][@name='${name}']/*[local-name()='ValueList']/*[local-name()='Value'])`,
  ).trim();
}

describe('every bundled scenario, both audiences: packed, sent by SMTP (STARTTLS + client certificate), received, read back', () => {
  let pki: TestPki;
  let smtp: TestSmtp;
  const cases: Case[] = [];

  beforeAll(async () => {
    pki = await makeTlsPki();
    smtp = await startSmtp(pki);
    // A signer valid around TEST_NOW: the signing time is the test clock.
    const signer = await makeIdentity({
      cn: 'mss test lab',
      notBefore: daysFromTestNow(-30),
      notAfter: daysFromTestNow(365),
    });
    for (const s of SCENARIOS) {
      const created = await createReport(s.model(), {
        clock: testClock,
        idGenerator: seededIds(s.name),
        ...(s.name === 'biochemistry'
          ? { sign: { key: signer.keyPem, cert: signer.certPem, profile: 'dsg' as const } }
          : {}),
      });
      const replaces = s.name === 'replacement' ? { replaces: PREVIOUS_ENTRIES } : {};
      for (const audience of ['professional', 'patient'] as const) {
        let n = 0;
        const message = await buildMssMessage({
          files: created,
          audience,
          from: FROM,
          ...(audience === 'professional' ? { to: [DOCTOR], readReceipt: true } : { noReply: true }),
          submissionSet: { sourceId: SOURCE_ID, contentTypeCode: { code: '07' } },
          productReference: 'NIL-TEST-0001',
          clock: testClock,
          uuid: () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`,
          messageId: `${s.name}.${audience}@labo.test.mssante.fr`,
          ...replaces,
        });
        const sent = await sendMssMessage(message, {
          url: smtp.url,
          cert: pki.client.certPem,
          key: pki.client.keyPem,
          ca: pki.ca.certPem,
          servername: 'localhost',
        });
        cases.push({ scenario: s.name, audience, created, message, sent, received: smtp.received.at(-1)! });
      }
    }
  }, 240_000);
  afterAll(async () => smtp?.close());

  it('sent all 14 messages over TLS to the right mailboxes', () => {
    expect(cases).toHaveLength(SCENARIOS.length * 2);
    for (const c of cases) {
      expect(c.sent.response).toMatch(/^250 /);
      expect(c.received.secure).toBe(true);
      const ins = parseCrBio(c.created.n3).report.patient.identity.ins!.matricule;
      expect(c.received.to).toEqual(c.audience === 'patient' ? [`${ins}@patient.mssante.fr`] : [DOCTOR]);
      expect(c.received.from).toBe(FROM);
    }
  });

  it('headers and subject as the MSSanté rules say (parsed by mailparser)', async () => {
    for (const c of cases) {
      const m = await simpleParser(c.received.raw);
      const h = m.headers;
      expect(m.subject).toBe("XDM/1.0/DDM+Compte rendu d'examens biologiques PAT-TROIS DOMINIQUE 28/03/1979");
      expect(m.messageId).toBe(`<${c.scenario}.${c.audience}@labo.test.mssante.fr>`);
      expect(h.get('x-mss-codecda')).toBe('11502-2');
      expect(h.get('x-mss-ins')).toBe('O');
      expect(h.get('x-mss-nil')).toBe('NIL-TEST-0001');
      expect(h.get('x-mss-mes')).toBe(c.audience === 'patient' ? 'FIN' : undefined);
      expect(Boolean(h.get('disposition-notification-to'))).toBe(c.audience === 'professional');
      expect(c.received.raw.toString('latin1')).toMatch(/^X-MSS-CODECDA: 11502-2\r$/m);
    }
  });

  it('attachments: IHE_XDM.ZIP and the bare PDF, identical in mailparser and in Python email', async () => {
    for (const c of cases) {
      const m = await simpleParser(c.received.raw);
      const names = m.attachments.map((a) => a.filename);
      expect(names).toEqual(['IHE_XDM.ZIP', c.message.pdf.fileName]);
      expect(c.message.pdf.fileName).toMatch(
        /^\d{8}_Compte_rendu_d_examens_biologiques_PAT-TROIS_DOMINIQUE\.pdf$/,
      );
      expect(Buffer.compare(m.attachments[1]!.content, Buffer.from(c.created.pdf))).toBe(0);
      const py = pyMail(c.received.raw);
      const zip = py.parts.find((p) => p.name === 'IHE_XDM.ZIP')!;
      expect(zip.type).toBe('application/zip');
      expect(Buffer.compare(zip.bytes, m.attachments[0]!.content)).toBe(0);
    }
  });

  it('the archive: unzip -t and Python zipfile agree; the XDM tree; METADATA.XML valid (lcm.xsd, xds rules); hash, size, URI; CDA bytes identical', async () => {
    for (const c of cases) {
      const zip = new Uint8Array((await simpleParser(c.received.raw)).attachments[0]!.content);
      const t = unzipTest(zip);
      expect(t.status, t.out).toBe(0);
      expect(t.out).toMatch(/No errors detected/);
      const py = pyUnzip(zip);
      expect(py.bad).toBeNull();
      const docs = [c.created.n3, c.created.n1, ...(c.created.signature ? [c.created.signature] : [])];
      expect(py.names).toEqual([
        'README.TXT',
        'INDEX.HTM',
        'IHE_XDM/SUBSET01/METADATA.XML',
        ...docs.map((_, i) => `IHE_XDM/SUBSET01/DOC000${i + 1}.XML`),
      ]);
      const meta = new Uint8Array(py.files.get('IHE_XDM/SUBSET01/METADATA.XML')!);
      const v = xmllintSchema(meta);
      expect(v.status, v.err).toBe(0);
      expect(checkXdsMetadata(meta).filter((f) => f.severity === 'error')).toEqual([]);
      docs.forEach((bytes, i) => {
        const inZip = py.files.get(`IHE_XDM/SUBSET01/DOC000${i + 1}.XML`)!;
        expect(Buffer.compare(inZip, Buffer.from(bytes))).toBe(0);
        expect(slot(meta, i + 1, 'URI')).toBe(`DOC000${i + 1}.XML`);
        expect(slot(meta, i + 1, 'hash')).toBe(sha1(bytes));
        expect(slot(meta, i + 1, 'size')).toBe(String(bytes.byteLength));
      });
      const readme = py.files.get('README.TXT')!.toString('utf8');
      expect(readme).toMatch(/Producing software: cisis-bio \d/);
      expect(py.files.get('INDEX.HTM')!.toString('utf8')).toContain('href="IHE_XDM/SUBSET01/DOC0001.XML"');
    }
  });

  it('both audiences carry the same documents, from one createReport result', () => {
    for (const s of SCENARIOS) {
      const [pro, pat] = [
        cases.find((c) => c.scenario === s.name && c.audience === 'professional')!,
        cases.find((c) => c.scenario === s.name && c.audience === 'patient')!,
      ];
      expect(pro.message.submission.documents.map((d) => d.hash)).toEqual(
        pat.message.submission.documents.map((d) => d.hash),
      );
    }
  });

  it('readMssMessage gives back the exact CDA bytes, the PDF, the sender and the MDN request', async () => {
    for (const c of cases) {
      const r = await readMssMessage(c.received.raw);
      expect(Buffer.compare(Buffer.from(r.n3!), Buffer.from(c.created.n3))).toBe(0);
      expect(Buffer.compare(Buffer.from(r.n1!), Buffer.from(c.created.n1))).toBe(0);
      expect(r.signature && sha1(r.signature)).toBe(c.created.signature && sha1(c.created.signature));
      expect(r.from).toBe(FROM);
      expect(r.messageId).toBe(`${c.scenario}.${c.audience}@labo.test.mssante.fr`);
      expect(r.mdnRequest).toEqual(c.audience === 'professional' ? { to: FROM } : undefined);
      expect(r.mss).toMatchObject({ codeCda: ['11502-2'], ins: 'O', nil: 'NIL-TEST-0001' });
      expect(r.pdfs.map((p) => p.fileName)).toEqual([c.message.pdf.fileName]);
      expect(parseCrBio(r.n3!).level).toBe(3);
    }
  });

  it("a subcontractor's report received by MSSanté merges in one call", async () => {
    const received = await readMssMessage(
      cases.find((c) => c.scenario === 'haematology' && c.audience === 'professional')!.received.raw,
    );
    const main = SCENARIOS.find((s) => s.name === 'biochemistry')!.model();
    const merged = mergeSubcontracted(main, received.n3!);
    expect(merged.mode).toBe('structured');
    const before = JSON.stringify(main.sections).length;
    expect(JSON.stringify(merged.report.sections).length).toBeGreaterThan(before);
  });

  it("the attached PDF's INS Datamatrix decodes to the patient's payload (pdftoppm + dmtxread)", async () => {
    const dir = workDir();
    for (const s of SCENARIOS) {
      const c = cases.find((x) => x.scenario === s.name && x.audience === 'patient')!;
      const pdf = (await simpleParser(c.received.raw)).attachments[1]!.content;
      const png = rasterPage1(savePdf(dir, `${s.name}.pdf`, pdf), dir, { x: 1240, y: 0, w: 1240, h: 1200 });
      const identity = parseCrBio(c.created.n3).report.patient.identity;
      expect(dmtxread(png).toString('latin1')).toBe(encodeInsDatamatrix(identity));
    }
  }, 120_000);
});
