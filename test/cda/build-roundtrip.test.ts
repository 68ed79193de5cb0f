// Official CR-BIO examples of the ANS kit, parsed then built again (as 2024.01): the rebuilt document passes the XSD
// and the ANS profiles of its level, and keeps every result fact (compared as fact lists extracted from both
// documents: the short list below, and the detailed one of ./document-facts.ts — originalTexts, PQ and interval
// translations, methods, devices, previous results, specimens, batteries, isolates, attached documents).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { buildReport, parseCrBio } from '../../src/cda/index.js';
import { validate } from '../../src/validate/index.js';
import { EXAMPLES_DIR, KIT_DIR } from '../helpers/shared.js';
import { counterIds, dom, FIXED_CLOCK, failures } from './build-helpers.js';
import { extractDocumentFacts, factDifferences } from './document-facts.js';

const HL7 = 'urn:hl7-org:v3';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const examples = readdirSync(EXAMPLES_DIR).filter(
  (f) => f.startsWith('BIO-CR-BIO_2024.01_') && f.endsWith('.xml'),
);

function kids(e: Element, name: string): Element[] {
  const out: Element[] = [];
  for (let n = e.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === HL7)
      out.push(n as Element);
  }
  return out;
}
const attrs = (e: Element | undefined, names: string[]) =>
  e ? names.map((n) => `${n}=${e.getAttribute(n) ?? ''}`).join(',') : '-';

/** The performing lab of a node: the organisation id of the nearest FR-Laboratoire-executant above or on it. */
function performingLab(e: Element): string {
  for (let n: Element | null = e; n && n.localName !== 'section'; n = n.parentNode as Element | null) {
    for (const p of kids(n, 'performer')) {
      if (kids(p, 'templateId').some((t) => t.getAttribute('root') === '1.3.6.1.4.1.19376.1.3.3.1.7')) {
        const org = kids(kids(p, 'assignedEntity')[0]!, 'representedOrganization')[0];
        return org ? attrs(kids(org, 'id')[0], ['root', 'extension']) : '?';
      }
    }
  }
  return 'main';
}

/** One line per result: code + translations, value as written, interpretation, reference range, time, lab. */
function facts(xml: string): string[] {
  const out: string[] = [];
  const all = dom(xml).getElementsByTagNameNS(HL7, 'observation');
  for (let i = 0; i < all.length; i++) {
    const o = all.item(i)!;
    if (!kids(o, 'templateId').some((t) => t.getAttribute('root') === '1.3.6.1.4.1.19376.1.3.1.6')) continue;
    const code = kids(o, 'code')[0];
    const tr = code
      ? kids(code, 'translation')
          .map((t) => attrs(t, ['code', 'codeSystem']))
          .join(';')
      : '';
    const values = kids(o, 'value').map((v) => {
      const bounds = ['low', 'center', 'high']
        .flatMap((b) => kids(v, b).map((x) => `${b}:${attrs(x, ['value', 'unit', 'inclusive'])}`))
        .join(' ');
      return `${v.getAttributeNS(XSI, 'type')}:${attrs(v, ['value', 'unit', 'code', 'codeSystem'])} ${bounds}`;
    });
    const interp = kids(o, 'interpretationCode').map((x) => attrs(x, ['code', 'codeSystem']));
    const range = kids(o, 'referenceRange').flatMap((r) =>
      kids(r, 'observationRange').flatMap((or) =>
        kids(or, 'value').map((v) =>
          ['low', 'high']
            .flatMap((b) => kids(v, b).map((x) => `${b}:${attrs(x, ['value', 'unit'])}`))
            .join(' '),
        ),
      ),
    );
    const time = attrs(kids(o, 'effectiveTime')[0], ['value']);
    out.push(
      [
        attrs(code, ['code', 'codeSystem', 'displayName']),
        `tr[${tr}]`,
        values.join('|'),
        `interp[${interp.join(';')}]`,
        `range[${range.join(';')}]`,
        time,
        `status=${attrs(kids(o, 'statusCode')[0], ['code'])}`,
        `lab=${performingLab(o)}`,
      ].join(' '),
    );
  }
  return out;
}

describe('official CR-BIO 2024.01 examples: parse → build', () => {
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of examples) {
    it(`${name}: rebuilt document passes XSD + 5 ANS profiles and keeps every result fact`, async () => {
      const original = readFileSync(join(EXAMPLES_DIR, name));
      const { report } = parseCrBio(original);
      const rebuilt = buildReport(report, { clock: FIXED_CLOCK, idGenerator: counterIds(), received: true });
      const before = facts(original.toString('utf8'));
      expect(before.length).toBeGreaterThan(0);
      expect(facts(rebuilt.xml)).toEqual(before);
      expect(factDifferences(extractDocumentFacts(original), extractDocumentFacts(rebuilt.xml))).toEqual([]);
      const v = await validate(rebuilt.bytes, { kit: KIT_DIR, fileName: name });
      expect(v.xsd?.valid).toBe(true);
      expect(Object.keys(v.profiles)).toHaveLength(5);
      expect(failures(v)).toEqual([]);
    });
  }
});

describe('older CR-BIO examples (2021.01, 2023.01): parse → build as 2024.01', () => {
  const older = readdirSync(EXAMPLES_DIR).filter((f) => /^BIO-CR-BIO_202[13]\.01_.*\.xml$/.test(f));
  // 2021.01 documents had no mandatory PDF copy: the caller supplies one to migrate them to 2024.01 (a document
  // that has one keeps it).
  const supplied = new Uint8Array(Buffer.from('%PDF-1.4\n%%EOF\n'));
  const migrate = (report: ReturnType<typeof parseCrBio>['report']) =>
    buildReport(report, {
      received: true,
      clock: FIXED_CLOCK,
      idGenerator: counterIds(),
      ...(report.pdf ? {} : { pdf: supplied }),
    });

  it('finds them', () => {
    expect(older.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of older) {
    it(`${name}: migrated document (PDF copy supplied) passes XSD + the ANS profiles of its level`, async () => {
      const { report, level } = parseCrBio(readFileSync(join(EXAMPLES_DIR, name)));
      const rebuilt = migrate(report);
      const v = await validate(rebuilt.bytes, { kit: KIT_DIR, fileName: name });
      expect(v.level).toBe(level);
      expect(v.xsd?.valid).toBe(true);
      expect(Object.keys(v.profiles)).toHaveLength(level === 3 ? 5 : 4);
      expect(failures(v)).toEqual([]);
    });
  }

  // Every fact of the original is in the migrated document. The only differences tolerated are the documented
  // migrations (factDifferences): the PDF copy section added, and narrative text generated where the original had
  // none to keep (no originalText, an empty one, or a reference resolving nowhere — which the parser reports).
  for (const name of older) {
    it(`${name}: the migrated document keeps every fact`, () => {
      const original = readFileSync(join(EXAMPLES_DIR, name));
      const { report, level, warnings } = parseCrBio(original);
      const rebuilt = migrate(report);
      const before = extractDocumentFacts(original);
      const after = extractDocumentFacts(rebuilt.xml);
      if (level === 3) expect(before.filter((f) => f.startsWith('result')).length).toBeGreaterThan(0);
      expect(factDifferences(before, after)).toEqual([]);
      // The PDF copy: kept when the original had one, else the supplied one.
      expect(after.filter((f) => f.startsWith('pdf-copy')).length).toBe(level === 3 ? 2 : 0);
      // A text the original points to but does not have is never dropped silently: the parser reported it.
      const unresolved = before.join('\n').match(/⚠«/g)?.length ?? 0;
      expect(warnings.filter((w) => w.code === 'UNRESOLVED_REFERENCE').length).toBeGreaterThanOrEqual(
        unresolved,
      );
    });
  }
});
