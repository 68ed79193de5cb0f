import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpError, sendMssMessage } from '../../src/mss/index.js';
import { TEST_NOW } from '../helpers/clock.js';
import { makeTlsPki, startSmtp, type TestPki, type TestSmtp } from './smtp.js';

const FROM = 'labo@labo.test.mssante.fr';

function message(to: string[], id: string) {
  const raw = Buffer.from(
    [
      `From: ${FROM}`,
      `To: ${to.join(', ')}`,
      'Subject: test',
      `Message-ID: <${id}>`,
      `Date: ${TEST_NOW.toUTCString()}`,
      '',
      'body',
      '',
    ].join('\r\n'),
  );
  return { raw: new Uint8Array(raw), envelope: { from: FROM, to }, messageId: id };
}

describe('sendMssMessage against a real SMTP server (127.0.0.1, STARTTLS, client certificate required)', () => {
  let pki: TestPki;
  let smtp: TestSmtp;

  beforeAll(async () => {
    pki = await makeTlsPki();
    smtp = await startSmtp(pki, ['unknown@hopital.test.mssante.fr']);
  });
  afterAll(async () => smtp?.close());

  const opts = () => ({
    url: smtp.url,
    cert: pki.client.certPem,
    key: pki.client.keyPem,
    ca: pki.ca.certPem,
    servername: 'localhost',
  });

  it('sends over TLS and returns the server reply and the message id', async () => {
    const res = await sendMssMessage(message(['dr@cabinet.test.mssante.fr'], 'm1@labo'), opts());
    expect(res.response).toMatch(/^250 .*queued as test-\d+/);
    expect(res.messageId).toBe('m1@labo');
    expect(res.accepted).toEqual(['dr@cabinet.test.mssante.fr']);
    const got = smtp.received.at(-1)!;
    expect(got.secure).toBe(true);
    expect(got.to).toEqual(['dr@cabinet.test.mssante.fr']);
    expect((await simpleParser(got.raw)).messageId).toBe('<m1@labo>');
  });

  it('refuses a server whose certificate does not chain to the given CA (SMTP_TLS)', async () => {
    const err = await sendMssMessage(message(['dr@cabinet.test.mssante.fr'], 'm2@labo'), {
      ...opts(),
      ca: pki.stranger.certPem,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmtpError);
    expect((err as SmtpError).code).toBe('SMTP_TLS');
  });

  it('is refused when its client certificate is from another CA (SMTP_TLS or connection closed)', async () => {
    const before = smtp.received.length;
    const err = await sendMssMessage(message(['dr@cabinet.test.mssante.fr'], 'm3@labo'), {
      ...opts(),
      cert: pki.stranger.certPem,
      key: pki.stranger.keyPem,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmtpError);
    expect(['SMTP_TLS', 'SMTP_CONNECTION']).toContain((err as SmtpError).code);
    expect(smtp.received.length).toBe(before);
    expect(smtp.errors.some((e) => /certificate/i.test(e.message))).toBe(true);
  });

  it('reports a refused recipient (SMTP_RECIPIENT_REJECTED with the address)', async () => {
    const err = await sendMssMessage(message(['unknown@hopital.test.mssante.fr'], 'm4@labo'), opts()).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SmtpError);
    expect((err as SmtpError).code).toBe('SMTP_RECIPIENT_REJECTED');
    expect((err as SmtpError).rejected).toEqual(['unknown@hopital.test.mssante.fr']);
    expect((err as SmtpError).responseCode).toBe(550);
  });

  it('keeps partial refusals in the result (the message went to the others)', async () => {
    const res = await sendMssMessage(
      message(['dr@cabinet.test.mssante.fr', 'unknown@hopital.test.mssante.fr'], 'm5@labo'),
      opts(),
    );
    expect(res.accepted).toEqual(['dr@cabinet.test.mssante.fr']);
    expect(res.rejected).toEqual(['unknown@hopital.test.mssante.fr']);
  });

  it('cannot connect to a closed port (SMTP_CONNECTION)', async () => {
    const closed = await startSmtp(pki);
    const url = closed.url;
    await closed.close();
    const err = await sendMssMessage(message(['dr@cabinet.test.mssante.fr'], 'm6@labo'), {
      ...opts(),
      url,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmtpError);
    expect((err as SmtpError).code).toBe('SMTP_CONNECTION');
  });

  it('refuses a URL that is not smtp:// or smtps://', async () => {
    await expect(
      sendMssMessage(message(['a@b.fr'], 'm7@labo'), { ...opts(), url: 'http://x' }),
    ).rejects.toThrow(SmtpError);
  });
});
