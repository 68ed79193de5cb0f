import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XmlParseError } from '../../src/common/errors.js';
import { validateFiles } from '../../src/validate/batch.js';
import { resetValidators } from '../../src/validate/pipeline.js';
import { KIT_XSD } from '../../src/validate/rules.js';
import { loadXsd, validateXsdRaw, XsdLoadError } from '../../src/validate/xsd.js';
import { XsdThread } from '../../src/validate/xsd-thread.js';
import { EXAMPLES_DIR, KIT_DIR } from '../helpers/shared.js';

const XSD = join(KIT_DIR, KIT_XSD);
const TSH_PATH = join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml');
const TSH = readFileSync(TSH_PATH);
const BAD = new TextEncoder().encode(
  TSH.toString('utf8').replace('<title>', '<unknownElement/><title>').replace('<code ', '<code bogus="1" '),
);

describe('XSD thread (the XSD step of a one-thread batch, beside the schematrons)', () => {
  let thread: XsdThread;
  beforeAll(async () => {
    thread = XsdThread.start(XSD);
    await loadXsd(XSD);
  });
  afterAll(async () => {
    await thread.close();
  });

  it('gives exactly the in-process verdict, valid and invalid', async () => {
    expect(await thread.validate(TSH, 'tsh.xml')).toEqual(validateXsdRaw(TSH, XSD));
    const remote = await thread.validate(BAD, 'bad.xml');
    expect(remote.valid).toBe(false);
    expect(remote.errors.length).toBeGreaterThanOrEqual(2);
    expect(remote).toEqual(validateXsdRaw(BAD, XSD));
  });

  it('answers concurrent requests each with its own document', async () => {
    const answers = await Promise.all([BAD, TSH, BAD, TSH].map((d, i) => thread.validate(d, `d${i}`)));
    expect(answers.map((a) => a.valid)).toEqual([false, true, false, true]);
  });

  it('turns a document libxml2 cannot parse into the typed XmlParseError, with its file and line', async () => {
    const err = await thread.validate(new TextEncoder().encode('<a>\n<b></a>'), 'broken.xml').catch((e) => e);
    expect(err).toBeInstanceOf(XmlParseError);
    expect(err.code).toBe('XML_MALFORMED');
    expect(err.line).toBe(2);
    expect(err.message).toContain('broken.xml:2');
  });

  it('reports a schema that cannot load as XsdLoadError naming the file', async () => {
    const t = XsdThread.start(join(KIT_DIR, 'nope/CDA.xsd'));
    try {
      const err = await t.validate(TSH, 'tsh.xml').catch((e) => e);
      expect(err).toBeInstanceOf(XsdLoadError);
      expect(err.code).toBe('XSD_LOAD_FAILED');
      expect(err.message).toContain('nope/CDA.xsd');
    } finally {
      await t.close();
    }
  });
});

describe('one-thread batch with and without the XSD thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cisis-xsd-thread-'));
  const bad = join(dir, 'bad.xml');
  const broken = join(dir, 'broken.xml');
  writeFileSync(bad, BAD);
  writeFileSync(broken, '<a><b></a>');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives identical results (XSD errors with their columns, parse failures, valid documents)', async () => {
    const files = [bad, broken, TSH_PATH];
    const prev = process.env.CISIS_BIO_XSD_THREAD;
    try {
      process.env.CISIS_BIO_XSD_THREAD = '0';
      resetValidators();
      const here = await validateFiles(files, { kit: KIT_DIR }, 1);
      delete process.env.CISIS_BIO_XSD_THREAD;
      resetValidators();
      const threaded = await validateFiles(files, { kit: KIT_DIR }, 1);
      expect(threaded).toEqual(here);
      expect(JSON.stringify(threaded)).toBe(JSON.stringify(here)); // same key order, so same JSON output
      const unknown = here.documents[0]?.xsd?.errors.find((e) => e.message.includes('unknownElement'));
      expect(unknown?.column).toBeGreaterThan(1); // located in the DOM: libxml2 gives lines only
      expect(here.documents.map((d) => d.valid)).toEqual([false, true]);
      expect(here.failures.map((f) => f.code)).toEqual(['XML_MALFORMED']);
    } finally {
      if (prev === undefined) delete process.env.CISIS_BIO_XSD_THREAD;
      else process.env.CISIS_BIO_XSD_THREAD = prev;
      resetValidators();
    }
  });
});
