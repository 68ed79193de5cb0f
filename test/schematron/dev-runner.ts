/**
 * Development-only runner for `schematron/cisis-bio-cr-bio.sch` (no include/abstract/phase support: our file uses
 * none). Used to iterate on the rules before the project's engine (src/validate/schematron) was ready, and kept as
 * an independent cross-check of the rule file. Usage: `npx tsx test/schematron/dev-runner.ts DOC.xml...`
 */
import { readFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import fx from 'fontoxpath';
const { evaluateXPath, evaluateXPathToBoolean, evaluateXPathToNodes, evaluateXPathToString } = fx;

const SCH = 'http://purl.oclc.org/dsdl/schematron';

export interface DevFinding { id: string; role: string; location: string; text: string }

interface Rule { context: string; lets: Array<[string, string]>; checks: Array<{ kind: 'assert' | 'report'; test: string; id: string; role: string; msg: Element }> }

export function compileDev(path: string) {
  const sch = new DOMParser().parseFromString(readFileSync(path, 'utf8'), 'text/xml');
  const ns: Record<string, string> = {};
  for (const n of Array.from(sch.getElementsByTagNameNS(SCH, 'ns'))) ns[n.getAttribute('prefix')!] = n.getAttribute('uri')!;
  const globalLets: Array<[string, string]> = [];
  for (const l of Array.from(sch.documentElement!.childNodes)) {
    if ((l as Element).localName === 'let') globalLets.push([(l as Element).getAttribute('name')!, (l as Element).getAttribute('value')!]);
  }
  const patterns: Rule[][] = [];
  for (const p of Array.from(sch.getElementsByTagNameNS(SCH, 'pattern'))) {
    const rules: Rule[] = [];
    for (const r of Array.from(p.getElementsByTagNameNS(SCH, 'rule'))) {
      const lets: Array<[string, string]> = [];
      const checks: Rule['checks'] = [];
      for (const c of Array.from(r.childNodes)) {
        const e = c as Element;
        if (e.localName === 'let') lets.push([e.getAttribute('name')!, e.getAttribute('value')!]);
        if (e.localName === 'assert' || e.localName === 'report')
          checks.push({ kind: e.localName, test: e.getAttribute('test')!, id: e.getAttribute('id') ?? '', role: e.getAttribute('role') ?? r.getAttribute('role') ?? '', msg: e });
      }
      rules.push({ context: r.getAttribute('context')!, lets, checks });
    }
    patterns.push(rules);
  }
  return { ns, patterns, globalLets };
}

function pathOf(n: Node): string {
  const parts: string[] = [];
  let cur: Node | null = n;
  while (cur && cur.nodeType === 1) {
    const name = (cur as Element).localName;
    let i = 1; let same = false;
    for (let s = cur.previousSibling; s; s = s.previousSibling) if (s.nodeType === 1 && (s as Element).localName === name) { i++; same = true; }
    parts.unshift(same ? `${name}[${i}]` : name);
    cur = cur.parentNode;
  }
  return `/${parts.join('/')}`;
}

export function runDev(compiled: ReturnType<typeof compileDev>, xml: string): DevFinding[] {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const nsr = (p: string | null) => (p ? compiled.ns[p] ?? null : null);
  const opts = { namespaceResolver: nsr, language: evaluateXPath.XPATH_3_1_LANGUAGE } as const;
  const vars: Record<string, unknown> = {};
  const wrap = (lets: Array<[string, string]>, e: string) =>
    lets.length ? `let ${lets.map(([n, v]) => `$${n} := (${v})`).join(', ')} return (${e})` : e;
  const out: DevFinding[] = [];
  for (const rules of compiled.patterns) {
    const handled = new Set<Node>();
    for (const r of rules) {
      const nodes = evaluateXPathToNodes(wrap(compiled.globalLets, `//(${r.context})`), doc, null, vars, opts) as Node[];
      for (const node of nodes) {
        if (handled.has(node)) continue;
        handled.add(node);
        const v = vars;
        const lets = [...compiled.globalLets, ...r.lets];
        for (const c of r.checks) {
          let ok: boolean;
          try { ok = evaluateXPathToBoolean(wrap(lets, c.test), node, null, v, opts); } catch (e) { out.push({ id: c.id, role: 'engine-error', location: pathOf(node), text: (e as Error).message.slice(0, 300) }); continue; }
          if ((c.kind === 'assert' && !ok) || (c.kind === 'report' && ok)) {
            let text = '';
            for (const m of Array.from(c.msg.childNodes)) {
              if (m.nodeType === 3) text += m.nodeValue;
              else if ((m as Element).localName === 'value-of') text += evaluateXPathToString(wrap(lets, `string-join((${(m as Element).getAttribute('select')})!string(), ' ')`), node, null, v, opts);
              else if ((m as Element).localName === 'name') text += (node as Element).nodeName;
            }
            out.push({ id: c.id, role: c.role, location: pathOf(node), text: text.replace(/\s+/g, ' ').trim() });
          }
        }
      }
    }
  }
  return out;
}

if (process.argv[1]?.endsWith('dev-runner.ts')) {
  const c = compileDev(new URL('../../schematron/cisis-bio-cr-bio.sch', import.meta.url).pathname);
  for (const f of process.argv.slice(2)) {
    const fs = runDev(c, readFileSync(f, 'utf8'));
    console.log(`${f}: ${fs.filter((x) => x.role === 'error').length} errors, ${fs.filter((x) => x.role !== 'error').length} warnings`);
    for (const x of fs) console.log(`  [${x.role}] ${x.id} ${x.location}: ${x.text}`);
  }
}
