import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { XmlParseError } from '../../src/common/errors.js';
import {
  MAX_XML_DEPTH,
  MAX_XML_ELEMENTS,
  MAX_XML_MARKUP_CHARS,
  parseXml,
  readXmlFile,
} from '../../src/common/xml.js';
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

/** The XmlParseError thrown by `f`, or fail. */
function refusal(f: () => unknown): XmlParseError {
  try {
    f();
  } catch (e) {
    if (e instanceof XmlParseError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('parseXml: encodings and forbidden characters (issue 13.12, 13.13)', () => {
  it('refuses invalid UTF-8 as malformed XML with line and column (was: U+FFFD in the tree)', () => {
    const bytes = Buffer.concat([
      Buffer.from('<a>\n  <b>ok</b><c>x'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('</c></a>'),
    ]);
    const e = refusal(() => parseXml(bytes, { fileName: 'bad.xml' }));
    expect(e.code).toBe('XML_MALFORMED');
    expect([e.line, e.column]).toEqual([2, 16]);
    expect(e.message).toMatch(/invalid UTF-8/);
  });

  it('refuses NUL and other C0 control characters, and lone surrogates (was: accepted)', () => {
    expect(refusal(() => parseXml('<a>\n x\u0000y</a>')).code).toBe('XML_MALFORMED');
    const e = refusal(() => parseXml('<a>\n x\u0000y</a>'));
    expect([e.line, e.column, e.message]).toEqual([2, 3, expect.stringMatching(/U\+0000/)]);
    expect(refusal(() => parseXml('<a>\u0007</a>')).message).toMatch(/U\+0007/);
    expect(refusal(() => parseXml('<a>\ud800</a>')).message).toMatch(/U\+D800/);
    expect(parseXml('<a>\t\r\n😀</a>').documentElement?.textContent).toBe('\t\n😀');
  });

  it('decodes an ISO-8859-1 document as declared (was: U+FFFD)', () => {
    const bytes = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>'),
      Buffer.from([0x47, 0xe9, 0x72, 0x61, 0x72, 0x64]), // Gérard in Latin-1
      Buffer.from('</a>'),
    ]);
    expect(parseXml(bytes).documentElement?.textContent).toBe('Gérard');
    expect(
      refusal(() => parseXml(Buffer.from('<?xml version="1.0" encoding="EBCDIC-X"?><a/>'))).message,
    ).toMatch(/unsupported XML encoding/);
  });

  it('decodes UTF-16 by its BOM before the DTD check (was: a UTF-16 DOCTYPE passed)', () => {
    const text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(refusal(() => parseXml(le)).code).toBe('XML_DTD_FORBIDDEN');
    const ok = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>é</a>', 'utf16le')]);
    expect(parseXml(ok).documentElement?.textContent).toBe('é');
  });

  it('does not refuse <!DOCTYPE inside a comment or a CDATA section (was: refused)', () => {
    expect(parseXml('<a><!-- <!DOCTYPE x> --><![CDATA[<!ENTITY y>]]></a>').documentElement?.nodeName).toBe(
      'a',
    );
    expect(refusal(() => parseXml('<!-- c --><!DOCTYPE a><a/>')).code).toBe('XML_DTD_FORBIDDEN');
  });
});

describe('parseXml: limits before the DOM (issue 13.8, 13.9, 13.10)', () => {
  it(`refuses elements nested deeper than ${MAX_XML_DEPTH}, and accepts that depth`, () => {
    const nest = (n: number) => `${'<e>'.repeat(n)}${'</e>'.repeat(n)}`;
    expect(parseXml(nest(MAX_XML_DEPTH)).documentElement?.nodeName).toBe('e');
    const e = refusal(() => parseXml(nest(MAX_XML_DEPTH + 1)));
    expect(e.code).toBe('XML_TOO_DEEP');
    expect(e.column).toBe(MAX_XML_DEPTH * 3 + 1);
    // self-closing elements and attributes with '>' do not count as open
    expect(parseXml(`<r>${'<e a=">"/>'.repeat(1000)}</r>`).documentElement?.childNodes.length).toBe(1000);
  });

  it(`refuses more than ${MAX_XML_ELEMENTS} elements before building the tree`, () => {
    const e = refusal(() => parseXml(`<r>${'<a/>'.repeat(MAX_XML_ELEMENTS)}</r>`));
    expect(e.code).toBe('XML_TOO_MANY_NODES');
  });

  it('refuses a comment or CDATA section above the markup limit with a limit error (no RangeError)', () => {
    const big = 'x'.repeat(MAX_XML_MARKUP_CHARS);
    for (const xml of [`<a><!--${big}--></a>`, `<a><![CDATA[${big}]]></a>`]) {
      const e = refusal(() => parseXml(xml));
      expect(e.code).toBe('XML_TOO_LARGE');
      expect(e.message).toMatch(/exceeds the limit/);
    }
  });

  it('checks the size from stat before reading a file (readXmlFile)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cisis-xml-'));
    const path = join(dir, 'big.xml');
    writeFileSync(path, '');
    truncateSync(path, 200 * 1024 * 1024); // sparse: nothing is written, nothing must be read
    const e = refusal(() => readXmlFile(path));
    expect(e.code).toBe('XML_TOO_LARGE');
    expect(e.message).toMatch(/209715200 bytes/);
    rmSync(dir, { recursive: true, force: true });
  });
});
