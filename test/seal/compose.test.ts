import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/cda/index.js';
import { createReport } from '../../src/compose/index.js';
import { verifyPdfSeal } from '../../src/seal/index.js';
import { TEST_NOW, testClock } from '../helpers/clock.js';
import { sealPki } from './fixtures.js';

/** Every base64 PDF embedded in a CDA document (N3 FR-Document-PDF-copie, N1 nonXMLBody). */
function embeddedPdfs(cda: Uint8Array): Buffer[] {
  const xml = Buffer.from(cda).toString('utf8');
  return [...xml.matchAll(/>\s*(JVBERi0[A-Za-z0-9+/=\s]+)</g)].map((m) =>
    Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'),
  );
}

describe('createReport({ seal })', () => {
  it('seals the PDF before it goes into the N3 and the N1: both carry the sealed copy', async () => {
    const pki = await sealPki();
    const out = await createReport(SCENARIOS[0]!.model(), {
      clock: testClock,
      seal: { key: pki.org.keyPem, cert: pki.org.certPem, reason: 'Compte rendu validé' },
    });
    const v = await verifyPdfSeal(out.pdf, { trustAnchors: [pki.ca.certPem], now: TEST_NOW });
    expect(v.issues).toEqual([]);
    expect(v.signingTime?.toISOString()).toBe(TEST_NOW.toISOString());
    for (const doc of [out.n3, out.n1]) {
      const pdfs = embeddedPdfs(doc);
      expect(pdfs).toHaveLength(1);
      expect(pdfs[0]!.equals(Buffer.from(out.pdf))).toBe(true);
    }
  });

  it('a seal failure stops createReport at step pdf (nothing returned)', async () => {
    const pki = await sealPki();
    await expect(
      createReport(SCENARIOS[0]!.model(), {
        clock: testClock,
        seal: { key: pki.org.keyPem, cert: pki.other.certPem },
      }),
    ).rejects.toMatchObject({ step: 'pdf' });
  });
});
