import fs, { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parseXml } from '../../src/common/xml.js';
import { columnOfNodePath } from '../../src/validate/locate.js';
import { KIT_XSD } from '../../src/validate/rules.js';
import { loadXsd, validateXsd, XsdLoadError } from '../../src/validate/xsd.js';
import { EXAMPLES_DIR, KIT_DIR } from '../helpers/shared.js';

const XSD = join(KIT_DIR, KIT_XSD);
const TSH = readFileSync(join(EXAMPLES_DIR, 'BIO-CR-BIO_2024.01_TSH_1.xml'), 'utf8');

describe('XSD step (CDA_extended.xsd through libxml2-wasm)', () => {
  beforeAll(async () => {
    await loadXsd(XSD);
  });

  it('accepts an official CR-BIO example, and loads the schema once per process', async () => {
    expect(validateXsd(TSH, XSD)).toEqual({ valid: true, errors: [] });
    expect(await loadXsd(XSD)).toBe(await loadXsd(XSD));
  });

  it('rejects an unknown element with its line and column', () => {
    const lines = TSH.split('\n');
    const titleLine = lines.findIndex((l) => l.includes('<title>')) + 1;
    const bad = TSH.replace('<title>', '<unknownElement/><title>');
    const dom = parseXml(bad);
    const result = validateXsd(bad, XSD, (path, line) => columnOfNodePath(dom, path, line));
    expect(result.valid).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      line: titleLine,
      message: expect.stringContaining('unknownElement'),
    });
    expect(result.errors[0]!.column).toBe(bad.split('\n')[titleLine - 1]!.indexOf('<unknownElement') + 1);
  });

  it('never reads the disk on behalf of a document, even with a DTD libxml2 would load', () => {
    // parseXml refuses DOCTYPE before the XSD step; this checks the second wall: libxml2 itself.
    const xxe = `<?xml version="1.0"?><!DOCTYPE ClinicalDocument [<!ENTITY x SYSTEM "file://${XSD}">]>\n<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&x;</title></ClinicalDocument>`;
    const opened = vi.spyOn(fs, 'openSync');
    try {
      const result = validateXsd(xxe, XSD);
      expect(result.valid).toBe(false);
      expect(opened).not.toHaveBeenCalled();
    } finally {
      opened.mockRestore();
    }
  });

  it('names the missing file when the XSD cannot be read', async () => {
    await expect(loadXsd(join(KIT_DIR, 'nope/CDA.xsd'))).rejects.toThrow(XsdLoadError);
  });
});
