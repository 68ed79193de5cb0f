import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import { DOMParser } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import { type QpdfJson, qpdfJson, savePdf, streamData, text, tool, workDir } from './tools.js';

/**
 * PDF/A-1b rules checked with poppler and qpdf on a rendered report (see docs/pdf.md for the list); `render`
 * must render a report with the id CR-2024-000123 and the fixed {@link CLOCK} date.
 */
export function pdfaSuite(name: string, render: () => Promise<Uint8Array>): void {
  describe(`PDF/A-1b structure (${name})`, () => {
    let path: string;
    let bytes: Buffer;
    let latin: string;
    let q: QpdfJson;

    beforeAll(async () => {
      path = savePdf(workDir(), 'report.pdf', await render());
      bytes = readFileSync(path);
      latin = bytes.toString('latin1');
      q = qpdfJson(path);
    });

    const obj = (ref: unknown) => {
      const o = q.objects.get(String(ref));
      if (!o) throw new Error(`no object ${String(ref)}`);
      return o;
    };
    const catalog = () => obj(q.trailer['/Root']).value!;

    it('has a PDF 1.4 header followed by a binary comment line', () => {
      expect(latin.slice(0, 9)).toBe('%PDF-1.4\n');
      expect(bytes[9]).toBe(0x25); // '%'
      expect([...bytes.subarray(10, 14)].every((b) => b > 127)).toBe(true);
    });

    it('passes qpdf --check without error or warning', () => {
      const r = tool('qpdf', ['--check', path]);
      const out = r.stdout.toString('utf8') + r.stderr;
      expect(r.status).toBe(0);
      expect(out).toContain('No syntax or stream encoding errors');
      expect(out).not.toMatch(/WARNING|error:/i);
      expect(out).toContain('PDF Version: 1.4');
    });

    it('embeds and subsets every font (pdffonts), with a CIDSet for each subset', () => {
      const lines = text('pdffonts', [path]).trim().split('\n').slice(2);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      for (const l of lines) {
        const cols = l.trim().split(/\s+/);
        // name type... emb sub uni object gen
        const [emb, sub, uni] = cols.slice(-5, -2);
        expect({ font: cols[0], emb, sub, uni }).toEqual({
          font: cols[0],
          emb: 'yes',
          sub: 'yes',
          uni: 'yes',
        });
        expect(cols[0]).toMatch(/^[A-Z]{6}\+/);
      }
      const descriptors = [...q.objects.values()].filter((o) => o.value?.['/Type'] === '/FontDescriptor');
      expect(descriptors.length).toBe(lines.length);
      for (const d of descriptors) {
        expect(d.value!['/FontFile2']).toBeDefined();
        expect(d.value!['/CIDSet']).toBeDefined();
      }
    });

    it('gives glyph widths (W) that match the embedded font programs (PDF/A-1 6.3.6)', () => {
      const cidFonts = [...q.objects.values()].filter((o) => o.value?.['/Subtype'] === '/CIDFontType2');
      expect(cidFonts.length).toBeGreaterThanOrEqual(1);
      for (const f of cidFonts) {
        expect(f.value!['/CIDToGIDMap']).toBe('/Identity');
        const descriptor = obj(f.value!['/FontDescriptor']).value!;
        const program = fontkit.create(streamData(path, String(descriptor['/FontFile2']))) as unknown as {
          unitsPerEm: number;
          numGlyphs: number;
          getGlyph(id: number): { advanceWidth: number };
        };
        const w = f.value!['/W'] as Array<number | number[]>;
        let checked = 0;
        for (let i = 0; i < w.length; i += 2) {
          const first = w[i] as number;
          (w[i + 1] as number[]).forEach((width, k) => {
            const cid = first + k;
            expect(cid).toBeLessThan(program.numGlyphs);
            const expected = (program.getGlyph(cid).advanceWidth * 1000) / program.unitsPerEm;
            expect(Math.abs(width - expected), `CID ${cid}`).toBeLessThan(1);
            checked++;
          });
        }
        expect(checked).toBeGreaterThan(5);
        // CIDSet (6.3.5): exactly the CIDs 0…numGlyphs−1 of the program are present.
        const bits = streamData(path, String(descriptor['/CIDSet']));
        let set = 0;
        for (const b of bits) for (let k = 0; k < 8; k++) set += (b >> k) & 1;
        expect(set).toBe(program.numGlyphs);
        expect(bits.length).toBe(Math.ceil(program.numGlyphs / 8));
      }
    });

    it('writes an uncompressed XMP packet with pdfaid:part 1 and conformance B, consistent with the Info dictionary', () => {
      const metaRef = catalog()['/Metadata'];
      const meta = obj(metaRef).stream!.dict;
      expect(meta['/Type']).toBe('/Metadata');
      expect(meta['/Subtype']).toBe('/XML');
      expect(meta['/Filter']).toBeUndefined();
      const xmp = streamData(path, String(metaRef)).toString('utf8');
      expect(xmp).toMatch(/^<\?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"\?>/);
      expect(xmp).toMatch(/<\?xpacket end="w"\?>$/);
      const doc = new DOMParser().parseFromString(xmp, 'text/xml');
      const one = (ns: string, local: string) =>
        doc.getElementsByTagNameNS(ns, local)[0]?.textContent?.trim();
      expect(one('http://www.aiim.org/pdfa/ns/id/', 'part')).toBe('1');
      expect(one('http://www.aiim.org/pdfa/ns/id/', 'conformance')).toBe('B');

      const info = Object.fromEntries(
        text('pdfinfo', ['-isodates', path])
          .split('\n')
          .map((l) => /^([A-Za-z ]+):\s+(.*)$/.exec(l))
          .filter((m): m is RegExpExecArray => !!m)
          .map((m) => [m[1]!.trim(), m[2]!.trim()]),
      );
      const dc = 'http://purl.org/dc/elements/1.1/';
      const xmpNs = 'http://ns.adobe.com/xap/1.0/';
      expect(one(dc, 'title')).toBe(info.Title);
      expect(info.Title).toContain('CR-2024-000123');
      expect(one(dc, 'creator')).toBe(info.Author);
      expect(one(dc, 'description')).toBe(info.Subject);
      expect(one(xmpNs, 'CreatorTool')).toBe(info.Creator);
      expect(one('http://ns.adobe.com/pdf/1.3/', 'Producer')).toBe(info.Producer);
      expect(one(xmpNs, 'CreateDate')).toBe('2024-01-04T16:30:00Z');
      expect(info.CreationDate).toBe('2024-01-04T16:30:00Z');
      expect(one(xmpNs, 'ModifyDate')).toBe(info.ModDate);
    });

    it('has a GTS_PDFA1 OutputIntent with a valid sRGB ICC v2 profile (3 components)', () => {
      const intents = catalog()['/OutputIntents'] as string[];
      expect(intents).toHaveLength(1);
      const intent = obj(intents[0]).value!;
      expect(intent['/S']).toBe('/GTS_PDFA1');
      expect(intent['/Type']).toBe('/OutputIntent');
      expect(String(intent['/OutputConditionIdentifier'])).toContain('sRGB');
      const profileRef = intent['/DestOutputProfile'];
      expect(obj(profileRef).stream!.dict['/N']).toBe(3);
      const icc = streamData(path, String(profileRef));
      expect(icc.readUInt32BE(0)).toBe(icc.length);
      expect(icc.toString('latin1', 36, 40)).toBe('acsp');
      expect(icc.toString('latin1', 12, 16)).toBe('mntr');
      expect(icc.toString('latin1', 16, 20)).toBe('RGB ');
      expect(icc.toString('latin1', 20, 24)).toBe('XYZ ');
      expect(icc[8]).toBe(2); // major version 2
    });

    it('has a document ID, no encryption, no object or cross-reference streams, no transparency', () => {
      const id = q.trailer['/ID'] as string[];
      expect(id).toHaveLength(2);
      expect(id[0]).toMatch(/^b:[0-9a-f]{32}$/);
      expect(q.trailer['/Encrypt']).toBeUndefined();
      expect(latin).not.toContain('/Encrypt');
      expect(latin).not.toContain('/ObjStm');
      expect(latin).not.toMatch(/\/Type\s*\/XRef/);
      expect(latin).toMatch(/\nxref\n0 \d+\n/); // classic cross-reference table
      expect(latin).toMatch(/\ntrailer\n<<[\s\S]*\/ID/);
      for (const o of q.objects.values()) {
        const dict = o.value ?? o.stream?.dict ?? {};
        if (typeof dict !== 'object' || dict === null) continue;
        for (const key of ['/SMask', '/CA', '/ca', '/Group', '/BM', '/TR'])
          expect(Object.keys(dict)).not.toContain(key);
        // PDF/A-1: no external or filtered stream data outside the file
        for (const key of ['/F', '/FFilter', '/FDecodeParms'])
          expect(Object.keys(o.stream?.dict ?? {})).not.toContain(key);
      }
    });
  });
}
