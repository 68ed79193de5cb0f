/**
 * The disk form of a compiled model. ART-DECOR schematrons splice the same abstract rules into hundreds of rules:
 * the structuration minimale has 15,675 lets and checks but only 533 distinct test texts, so long strings that
 * repeat (tests, let values, message parts, rule contexts) are stored once in a table and referred to by index.
 * Its 5.2 MB JSON form becomes 2.7 MB, read, checksummed and parsed that much faster by each new process.
 */
import type { CheckDecl, CompiledModel, LetDecl, MessagePart, RuleDecl } from './model.js';

/** Strings shorter than this are kept inline (an index would not be shorter). */
const MIN_INTERNED = 12;

type Ref = string | number;

/** JSON text of a model, its repeated strings interned. */
export function packModel(model: CompiledModel): string {
  const index = new Map<string, number>();
  const strings: string[] = [];
  const ref = (s: string): Ref => {
    if (s.length < MIN_INTERNED) return s;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const parts = (m: MessagePart[]) =>
    m.map((p) =>
      'text' in p
        ? { text: ref(p.text) }
        : 'select' in p
          ? { select: ref(p.select) }
          : { namePath: ref(p.namePath) },
    );
  const packed = {
    ...model,
    patterns: model.patterns.map((p) => ({
      ...p,
      rules: p.rules.map((r) => ({
        ...r,
        context: ref(r.context),
        ...(r.parsedContext
          ? { parsedContext: r.parsedContext.map((a) => ({ ...a, source: ref(a.source) })) }
          : {}),
        items: r.items.map((it) =>
          it.kind === 'let'
            ? { ...it, value: ref(it.value) }
            : {
                ...it,
                test: ref(it.test),
                message: parts(it.message),
                ...(it.subject !== undefined ? { subject: ref(it.subject) } : {}),
              },
        ),
      })),
    })),
    diagnostics: Object.fromEntries(Object.entries(model.diagnostics).map(([k, m]) => [k, parts(m)])),
    strings,
  };
  return JSON.stringify(packed);
}

/** Inverse of {@link packModel}. @throws SyntaxError on text that is not JSON, TypeError on a broken table. */
export function unpackModel(json: string): CompiledModel {
  const packed = JSON.parse(json) as CompiledModel & { strings?: unknown };
  const strings = packed.strings;
  if (!Array.isArray(strings)) return packed; // not packed (or another format: the caller checks it)
  delete packed.strings;
  const str = (r: Ref): string => {
    if (typeof r === 'string') return r;
    const s = strings[r];
    if (typeof s !== 'string') throw new TypeError(`string table has no entry ${r}`);
    return s;
  };
  const parts = (m: MessagePart[]) => {
    for (const p of m as Array<Record<string, Ref>>)
      for (const k of ['text', 'select', 'namePath']) if (k in p) p[k] = str(p[k] as Ref);
  };
  for (const p of packed.patterns ?? []) {
    for (const r of p.rules as RuleDecl[]) {
      r.context = str(r.context);
      if (r.parsedContext) for (const a of r.parsedContext) a.source = str(a.source);
      for (const it of r.items) {
        if (it.kind === 'let') (it as LetDecl).value = str((it as LetDecl).value);
        else {
          const c = it as CheckDecl;
          c.test = str(c.test);
          parts(c.message);
          if (c.subject !== undefined) c.subject = str(c.subject);
        }
      }
    }
  }
  for (const m of Object.values(packed.diagnostics ?? {})) parts(m);
  return packed;
}
