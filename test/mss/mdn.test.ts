import { spawnSync } from 'node:child_process';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildErrorEmail, buildMdn, KO_PREFIX, MssError, readMssNotification } from '../../src/mss/index.js';
import { testClock } from '../helpers/clock.js';

const SUBJECT = "XDM/1.0/DDM+Compte rendu d'examens biologiques PAT-TROIS DOMINIQUE 28/03/1979";
const ORIGINAL_RAW = new TextEncoder().encode(
  `From: labo@labo.test.mssante.fr\r\nTo: dpi@chb.test.mssante.fr\r\nSubject: ${SUBJECT}\r\nMessage-ID: <orig-1@labo.test.mssante.fr>\r\n\r\nbody\r\n`,
);
const original = {
  messageId: 'orig-1@labo.test.mssante.fr',
  subject: SUBJECT,
  from: 'labo@labo.test.mssante.fr',
  mdnRequest: { to: 'acks@labo.test.mssante.fr' },
  archive: new Uint8Array([0x50, 0x4b, 5, 6, ...new Array(18).fill(0)]),
  pdfs: [
    { fileName: '20240104_CR_PAT-TROIS_DOMINIQUE.pdf', bytes: new TextEncoder().encode('%PDF-1.4 test') },
  ],
};
const ERROR = { code: '902', label: 'Identifiant de patient inconnu' };

/** Python's email package: the MIME tree as "type" lines and the disposition-notification fields. */
function pythonView(raw: Uint8Array): { types: string[]; disposition: string; reportType: string } {
  const code = `import sys, email, email.policy, json
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.compat32)
types = [p.get_content_type() for p in m.walk()]
disp = ''
for p in m.walk():
    if p.get_content_type() == 'message/disposition-notification':
        for sub in p.get_payload():
            disp = sub.get('Disposition', '') if hasattr(sub, 'get') else ''
print(json.dumps({'types': types, 'disposition': disp, 'reportType': m.get_param('report-type') or ''}))`;
  const r = spawnSync('python3', ['-c', code], { input: Buffer.from(raw) });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return JSON.parse(r.stdout.toString());
}

describe('MDN (RFC 8098) and the CI-SIS error e-mail', () => {
  it('a successful MDN: processed, to Disposition-Notification-To, the original subject', async () => {
    const mdn = await buildMdn({
      original,
      originalRaw: ORIGINAL_RAW,
      from: 'dpi@chb.test.mssante.fr',
      clock: testClock,
      messageId: 'mdn-1@chb',
    });
    expect(mdn.envelope.to).toEqual(['acks@labo.test.mssante.fr']);
    expect(mdn.subject).toBe(SUBJECT);
    const py = pythonView(mdn.raw);
    expect(py.types[0]).toBe('multipart/report');
    expect(py.reportType).toBe('disposition-notification');
    expect(py.types).toEqual(
      expect.arrayContaining([
        'text/plain',
        'message/disposition-notification',
        'message/rfc822',
        'application/zip',
        'application/pdf',
      ]),
    );
    expect(py.disposition).toBe('automatic-action/MDN-sent-automatically; processed');
    const n = await readMssNotification(mdn.raw);
    expect(n).toMatchObject({
      kind: 'mdn',
      ok: true,
      originalMessageId: original.messageId,
      finalRecipient: 'dpi@chb.test.mssante.fr',
    });
    expect(n.disposition).toEqual({ mode: 'automatic-action/MDN-sent-automatically', type: 'processed' });
  });

  it('an error MDN: processed/Error: code^libellé and the [KO Intégration système !][code] subject', async () => {
    const mdn = await buildMdn({
      original,
      originalRaw: ORIGINAL_RAW,
      from: 'dpi@chb.test.mssante.fr',
      error: ERROR,
      clock: testClock,
    });
    expect(mdn.subject).toBe(`${KO_PREFIX}[902] ${SUBJECT}`);
    expect(pythonView(mdn.raw).disposition).toBe(
      'automatic-action/MDN-sent-automatically; processed/Error: 902^Identifiant de patient inconnu',
    );
    const parsed = await simpleParser(Buffer.from(mdn.raw));
    expect(parsed.subject).toBe(mdn.subject);
    expect(parsed.text).toContain('Identifiant de patient inconnu');
    const zip = parsed.attachments.find((a) => a.filename === 'IHE_XDM.ZIP');
    expect(zip && new Uint8Array(zip.content)).toEqual(original.archive);
    const n = await readMssNotification(mdn.raw);
    expect(n.ok).toBe(false);
    expect(n.error).toMatchObject(ERROR);
    expect(n.subjectCode).toBe('902');
  });

  it('reads the ANS example form (processed/Error with the HL7 error detail)', async () => {
    const raw = [
      'From: serviceY_auto@chb.mssante.fr',
      'To: serviceY@chb.mssante.fr',
      `Subject: [KO Intégration système !][902] ${SUBJECT}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=disposition-notification; boundary="RAA14128"',
      '',
      '--RAA14128',
      'Content-Type: text/plain',
      '',
      "Le document n'a pas pu être intégré.",
      '--RAA14128',
      'Content-Type: message/disposition-notification',
      '',
      'Original-Recipient: rfc822;serviceY_auto@chb.mssante.fr',
      'Final-Recipient: rfc822; serviceY_auto@chb.mssante.fr',
      'Original-Message-ID: <199509192301.23456>',
      'Disposition:automatic-action/MDN-sent-automatically; processed/Error: 902^Identifiant de patient inconnu^messageErrorCondition| E^Error^errorSeverity',
      '--RAA14128--',
      '',
    ].join('\r\n');
    const n = await readMssNotification(raw);
    expect(n).toMatchObject({
      kind: 'mdn',
      ok: false,
      originalMessageId: '199509192301.23456',
      finalRecipient: 'serviceY_auto@chb.mssante.fr',
    });
    expect(n.error).toMatchObject({ code: '902', label: 'Identifiant de patient inconnu' });
    expect(n.error!.detail).toContain('errorSeverity');
  });

  it('the standard error e-mail (no MDN asked): subject, text, original message and attachments', async () => {
    const { mdnRequest: _, ...noMdn } = original;
    const mail = await buildErrorEmail({
      original: noMdn,
      originalRaw: ORIGINAL_RAW,
      from: 'dpi@chb.test.mssante.fr',
      error: ERROR,
      clock: testClock,
    });
    expect(mail.envelope.to).toEqual([original.from]);
    const py = pythonView(mail.raw);
    expect(py.types[0]).toBe('multipart/mixed');
    expect(py.types).toEqual(
      expect.arrayContaining(['text/plain', 'message/rfc822', 'application/zip', 'application/pdf']),
    );
    const parsed = await simpleParser(Buffer.from(mail.raw));
    expect(parsed.subject).toBe(`${KO_PREFIX}[902] ${SUBJECT}`);
    expect(parsed.text).toContain('Code d’erreur : 902');
    const n = await readMssNotification(mail.raw);
    expect(n).toMatchObject({
      kind: 'error-email',
      ok: false,
      originalMessageId: original.messageId,
      error: ERROR,
    });
  });

  it('refuses a multi-line label, and a message that is no notification', async () => {
    await expect(
      buildMdn({ original, from: 'dpi@chb.test.mssante.fr', error: { code: '902', label: 'a\r\nBcc: x@y' } }),
    ).rejects.toThrow(MssError);
    await expect(readMssNotification(ORIGINAL_RAW)).rejects.toMatchObject({ code: 'MDN_MALFORMED' });
  });
});
