import { unzipSync, zipSync } from 'fflate';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS, seededIds } from '../../src/cda/index.js';
import { type CreatedReport, createReport } from '../../src/compose/index.js';
import { buildXdm, MssError, readXdm, XDM_METADATA } from '../../src/mss/index.js';
import { buildSubmission, type Submission } from '../../src/xds/index.js';
import { testClock } from '../helpers/clock.js';
import { pyUnzip } from './tools.js';

let created: CreatedReport;
let submission: Submission;
let files: Map<string, Uint8Array>;

beforeAll(async () => {
  created = await createReport(SCENARIOS[0]!.model(), { clock: testClock, idGenerator: seededIds('xdm') });
  let n = 0;
  submission = buildSubmission({
    documents: [{ bytes: created.n3 }, { bytes: created.n1 }],
    submissionSet: {
      sourceId: '1.2.250.1.999.1.1',
      uniqueId: '1.2.250.1.999.1.2.3',
      contentTypeCode: { code: '07' },
    },
    uuid: () => `urn:uuid:00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`,
    clock: testClock,
  });
  files = new Map(submission.documents.map((d, i) => [d.entryUUID, i === 0 ? created.n3 : created.n1]));
});

function refusal(bytes: Uint8Array): MssError {
  try {
    readXdm(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(MssError);
    return e as MssError;
  }
  throw new Error('accepted');
}

/** The archive's entries, changed by `edit`, zipped again (fflate, as an attacker would). */
function tampered(bytes: Uint8Array, edit: (entries: Record<string, Uint8Array>) => void): Uint8Array {
  const entries = unzipSync(bytes);
  edit(entries);
  return zipSync(entries);
}

describe('buildXdm', () => {
  const tz = process.env.TZ;
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it('sets each URI slot to the 8.3 name and reads back the exact bytes', () => {
    const xdm = buildXdm(submission, files, {
      clock: testClock,
      sender: { organisation: 'Laboratoire test', contact: 'tel:0102030405' },
    });
    expect(xdm.submission.documents.map((d) => d.uri)).toEqual(['DOC0001.XML', 'DOC0002.XML']);
    expect(xdm.entries).toEqual([
      'README.TXT',
      'INDEX.HTM',
      XDM_METADATA,
      'IHE_XDM/SUBSET01/DOC0001.XML',
      'IHE_XDM/SUBSET01/DOC0002.XML',
    ]);
    const back = readXdm(xdm.bytes);
    expect(back.documents.map((d) => Buffer.from(d.bytes).equals(Buffer.from(i0(d.path))))).toEqual([
      true,
      true,
    ]);
    expect(back.subsets[0]!.submission.submissionSet.uniqueId).toBe('1.2.250.1.999.1.2.3');
    const readme = pyUnzip(xdm.bytes).files.get('README.TXT')!.toString('utf8');
    expect(readme).toContain('Sending organisation: Laboratoire test');
    expect(readme).toContain('Contact: tel:0102030405');
    expect(readme).toContain('DOC0002.XML');
  });

  it('is deterministic: same clock, same bytes — in any time zone (DOS times from Europe/Paris wall time)', () => {
    process.env.TZ = 'UTC';
    const hourUtc = testClock().getHours();
    const a = buildXdm(submission, files, { clock: testClock }).bytes;
    process.env.TZ = 'Pacific/Kiritimati';
    expect(testClock().getHours()).not.toBe(hourUtc); // the zone really changed
    const b = buildXdm(submission, files, { clock: testClock }).bytes;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const later = buildXdm(submission, files, {
      clock: () => new Date(testClock().getTime() + 3600_000),
    }).bytes;
    expect(Buffer.from(a).equals(Buffer.from(later))).toBe(false);
    // Python reads the DOS time: TEST_NOW, 10:00 UTC on 2026-11-25, is 11:00 in Paris.
    const info = pyUnzip(a);
    expect(info.bad).toBeNull();
    expect(info.times.every((t) => t.join(',') === '2026,11,25,11,0,0')).toBe(true);
  });

  it('refuses bytes that do not match their DocumentEntry (XDM_HASH_MISMATCH)', () => {
    const wrong = new Map(files);
    wrong.set(submission.documents[1]!.entryUUID, created.n3);
    expect(() => buildXdm(submission, wrong, { clock: testClock })).toThrow(
      expect.objectContaining({ code: 'XDM_HASH_MISMATCH' }),
    );
  });
});

function i0(path: string): Uint8Array {
  return path.endsWith('DOC0001.XML') ? created.n3 : created.n1;
}

describe('readXdm checks every document against METADATA.XML', () => {
  it('a modified document → XDM_HASH_MISMATCH (same size) or a size mismatch', () => {
    const good = buildXdm(submission, files, { clock: testClock }).bytes;
    const sameSize = tampered(good, (e) => {
      const doc = e['IHE_XDM/SUBSET01/DOC0001.XML']!;
      const i = Buffer.from(doc).indexOf('PAT-TROIS');
      doc[i] = 'Q'.charCodeAt(0);
    });
    expect(refusal(sameSize).code).toBe('XDM_HASH_MISMATCH');
    const longer = tampered(good, (e) => {
      e['IHE_XDM/SUBSET01/DOC0002.XML'] = new Uint8Array([...e['IHE_XDM/SUBSET01/DOC0002.XML']!, 0x20]);
    });
    const err = refusal(longer);
    expect(err.code).toBe('XDM_HASH_MISMATCH');
    expect(err.message).toMatch(/bytes, METADATA.XML says/);
  });

  it('a document listed but absent → XDM_MISSING_ENTRY', () => {
    const good = buildXdm(submission, files, { clock: testClock }).bytes;
    const missing = tampered(good, (e) => {
      delete e['IHE_XDM/SUBSET01/DOC0002.XML'];
    });
    expect(refusal(missing).code).toBe('XDM_MISSING_ENTRY');
  });

  it('an entry whose declared size lies (inflates further) is cut at its declared size, then refused by its hash', () => {
    const good = buildXdm(submission, files, { clock: testClock }).bytes;
    const lying = new Uint8Array(good);
    const dv = new DataView(lying.buffer);
    // Central directory header of DOC0001.XML: shrink its uncompressed size (offset 24) by 100 bytes.
    const name = Buffer.from('IHE_XDM/SUBSET01/DOC0001.XML');
    for (let i = lying.length - 22; i >= 0; i--) {
      if (
        dv.getUint32(i, true) === 0x02014b50 &&
        Buffer.from(lying.subarray(i + 46, i + 46 + name.length)).equals(name)
      ) {
        dv.setUint32(i + 24, dv.getUint32(i + 24, true) - 100, true);
        break;
      }
    }
    expect(refusal(lying).code).toBe('XDM_HASH_MISMATCH');
  });
});
