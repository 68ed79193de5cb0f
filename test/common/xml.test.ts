import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { XmlParseError } from '../../src/common/errors.js';
import { parseXml } from '../../src/common/xml.js';
import { VERSION } from '../../src/version.js';

describe('parseXml', () => {
  it('reports malformed XML with line and column', () => {
    const err = (() => {
      try {
        parseXml('<a>\n  <b x="1" x="2"/></a>', { fileName: 'doc.xml' });
      } catch (e) {
        return e as XmlParseError;
      }
    })();
    expect(err).toBeInstanceOf(XmlParseError);
    expect(err?.code).toBe('XML_MALFORMED');
    expect(err?.line).toBe(2);
    expect(err?.where).toMatch(/^doc\.xml:2:/);
  });

  it('refuses DTDs, so external entities are never resolved and entity bombs never expanded', () => {
    const xxe = '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>';
    const bomb = `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]><l>&j;</l>`;
    expect(() => parseXml(xxe)).toThrow(expect.objectContaining({ code: 'XML_DTD_FORBIDDEN', line: 2 }));
    expect(() => parseXml(bomb)).toThrow(expect.objectContaining({ code: 'XML_DTD_FORBIDDEN' }));
  });

  it('bounds the input size', () => {
    expect(() => parseXml('<a>0123456789</a>', { maxBytes: 10 })).toThrow(
      expect.objectContaining({ code: 'XML_TOO_LARGE' }),
    );
  });

  it('parses a well-formed document, with or without a BOM', () => {
    expect(parseXml('\uFEFF<ClinicalDocument xmlns="urn:hl7-org:v3"/>').documentElement?.localName).toBe(
      'ClinicalDocument',
    );
  });
});

describe('package', () => {
  it('VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
  });
});
