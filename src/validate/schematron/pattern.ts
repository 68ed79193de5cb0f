/**
 * XSLT match patterns (rule contexts): parsed into steps so that a node can be tested bottom-up (last step
 * first, then its parent or ancestors), as an XSLT processor does, instead of evaluating `//context` over the
 * whole document for every rule. Patterns outside the parsed subset (positional predicates other than a
 * number, `id()`, `key()`, other axes) are marked `fallback`: the runner evaluates them as `//(pattern)` once
 * per document and tests membership.
 */
import { compileFast, type FastAst, type FastPredicate, fastPredicate, templateIdKeys } from './fast.js';
import { readName, scanTopLevel, splitUnion } from './xpath-text.js';

export type NodeTest =
  | { kind: 'name'; ns: string | null | undefined; local: string | null } // ns undefined: any namespace; local null: any
  | { kind: 'node' }
  | { kind: 'text' }
  | { kind: 'comment' }
  | { kind: 'pi' };

export type StepPredicate =
  | { kind: 'position'; n: number }
  | { kind: 'fast'; fn: FastPredicate }
  | { kind: 'js'; fn: (node: unknown) => boolean | undefined; expr: string }
  | { kind: 'xpath'; expr: string };

/** Compiles a predicate to a JS test returning undefined when it cannot decide (then fontoxpath does). */
export type PredicateCompiler = (expr: string) => ((node: unknown) => boolean | undefined) | undefined;

export interface PatternStep {
  /** Source text of the step: steps with the same text share their per-document match cache. */
  src: string;
  axis: 'child' | 'attribute';
  test: NodeTest;
  preds: StepPredicate[];
}

export interface PatternAlternative {
  source: string;
  /** `'/'` (rooted), `'//'`, or `''` (relative). */
  root: '' | '/' | '//';
  /** The pattern `/` alone: the document node. */
  documentNode: boolean;
  steps: PatternStep[];
  /** Separators between steps: `seps[k]` sits between `steps[k]` and `steps[k+1]`. */
  seps: Array<'/' | '//'>;
  /** Not parsed: evaluate `//(source)` and test membership. */
  fallback: boolean;
  /** Index keys under which a node may match the alternative. */
  keys: string[];
}

class NotParsed extends Error {}
/** Thrown often during compilation: one shared instance, no stack trace to build. */
const NOTPARSED = new NotParsed();

const KIND_TESTS: Record<string, NodeTest> = {
  'node()': { kind: 'node' },
  'text()': { kind: 'text' },
  'comment()': { kind: 'comment' },
  'processing-instruction()': { kind: 'pi' },
};

/** Steps already parsed, by source text (rule contexts repeat the same steps hundreds of times). */
export type StepCache = Map<string, PatternStep>;

function parseStep(
  src: string,
  ns: Record<string, string>,
  jsPred?: PredicateCompiler,
  cache?: StepCache,
): PatternStep {
  const key = src.trim();
  const known = cache?.get(key);
  if (known) return known;
  const step = parseStepText(src, ns, jsPred);
  cache?.set(key, step);
  return step;
}

function parseStepText(src: string, ns: Record<string, string>, jsPred?: PredicateCompiler): PatternStep {
  let s = src.trim();
  let axis: PatternStep['axis'] = 'child';
  if (s.startsWith('@')) {
    axis = 'attribute';
    s = s.slice(1).trim();
  } else if (s.startsWith('attribute::')) {
    axis = 'attribute';
    s = s.slice(11).trim();
  } else if (s.startsWith('child::')) {
    s = s.slice(7).trim();
  }
  // node test
  let test: NodeTest;
  let i: number;
  const kind = /^(node|text|comment|processing-instruction)\s*\(\s*\)/.exec(s);
  if (kind) {
    test = KIND_TESTS[`${kind[1]}()`] as NodeTest;
    i = kind[0].length;
  } else if (s.startsWith('*:')) {
    const end = readName(s, 2, false);
    if (end === 2) throw NOTPARSED;
    test = { kind: 'name', ns: undefined, local: s.slice(2, end) };
    i = end;
  } else if (s.startsWith('*')) {
    test = { kind: 'name', ns: undefined, local: null };
    i = 1;
  } else {
    const end = readName(s, 0, false);
    if (end === 0) throw NOTPARSED;
    const first = s.slice(0, end);
    if (s[end] === ':' && s[end + 1] === '*') {
      const uri = ns[first];
      if (uri === undefined) throw NOTPARSED;
      test = { kind: 'name', ns: uri, local: null };
      i = end + 2;
    } else if (s[end] === ':' && s[end + 1] !== ':') {
      const end2 = readName(s, end + 1, false);
      if (end2 === end + 1) throw NOTPARSED;
      const uri = ns[first];
      if (uri === undefined) throw NOTPARSED;
      test = { kind: 'name', ns: uri, local: s.slice(end + 1, end2) };
      i = end2;
    } else {
      test = { kind: 'name', ns: axis === 'attribute' ? null : null, local: first };
      i = end;
    }
  }
  // predicates
  const preds: StepPredicate[] = [];
  const rest = s.slice(i).trim();
  let pos = 0;
  while (pos < rest.length) {
    if (rest[pos] !== '[') throw NOTPARSED;
    let close = -1;
    scanTopLevel(rest.slice(pos), (k, depth) => {
      if (close >= 0) return rest.length;
      const c = rest[pos + k];
      if (c === ']' && depth === 1) {
        close = pos + k;
        return rest.length;
      }
    });
    if (close < 0) throw NOTPARSED;
    const body = rest.slice(pos + 1, close).trim();
    if (/^\d+$/.test(body)) {
      if (preds.length > 0) throw NOTPARSED; // position within a filtered set
      preds.push({ kind: 'position', n: Number(body) });
    } else {
      if (/\b(position|last)\s*\(/.test(body) || /^(\d|\.\d)/.test(body) || /^\$[\w.-]+$/.test(body))
        throw NOTPARSED;
      const fast = compileFast(body, ns);
      const js = fast ? undefined : jsPred?.(body);
      preds.push(
        fast
          ? { kind: 'fast', fn: fast }
          : js
            ? { kind: 'js', fn: js, expr: body }
            : { kind: 'xpath', expr: body },
      );
    }
    pos = close + 1;
    while (pos < rest.length && /\s/.test(rest[pos] as string)) pos++;
  }
  return { src: src.trim(), axis, test, preds };
}

function parseAlternative(
  src: string,
  ns: Record<string, string>,
  jsPred?: PredicateCompiler,
  cache?: StepCache,
): PatternAlternative {
  const base: PatternAlternative = {
    source: src,
    root: '',
    documentNode: false,
    steps: [],
    seps: [],
    fallback: true,
    keys: ['*fallback'],
  };
  let s = src.trim();
  if (s === '/') return { ...base, documentNode: true, fallback: false, keys: ['doc'] };
  try {
    let root: PatternAlternative['root'] = '';
    if (s.startsWith('//')) {
      root = '//';
      s = s.slice(2);
    } else if (s.startsWith('/')) {
      root = '/';
      s = s.slice(1);
    }
    // split on top-level '/' and '//'
    const parts: string[] = [];
    const seps: Array<'/' | '//'> = [];
    let start = 0;
    scanTopLevel(s, (i, depth) => {
      if (depth !== 0 || s[i] !== '/') return;
      parts.push(s.slice(start, i));
      if (s[i + 1] === '/') {
        seps.push('//');
        start = i + 2;
      } else {
        seps.push('/');
        start = i + 1;
      }
      return start;
    });
    parts.push(s.slice(start));
    if (parts.some((p) => p.trim() === '' || p.trim().startsWith('$') || /^\s*\.\.?\s*$/.test(p)))
      throw NOTPARSED;
    const steps = parts.map((p) => parseStep(p, ns, jsPred, cache));
    // attribute steps can only be last
    if (steps.slice(0, -1).some((st) => st.axis === 'attribute')) throw NOTPARSED;
    const last = steps[steps.length - 1] as PatternStep;
    const keys: string[] = [];
    if (last.axis === 'attribute') {
      if (last.test.kind === 'name') keys.push(last.test.local !== null ? `a:${last.test.local}` : 'a:*');
      else if (last.test.kind === 'node') keys.push('a:*');
      else throw NOTPARSED;
    } else if (last.test.kind === 'name') {
      if (last.test.local !== null) keys.push(`e:${last.test.local}`);
      else {
        // `*[templateId/@root = 'X']`: index on the templateIds
        let tids: string[] | undefined;
        for (const p of last.preds) if (p.kind === 'fast') tids ??= templateIdKeys(p.fn);
        if (tids) keys.push(...tids.map((t) => `t:${t}`));
        else keys.push('e:*');
      }
    } else if (last.test.kind === 'node') keys.push('e:*', 'x');
    else if (last.test.kind === 'text') keys.push('x');
    else keys.push('o');
    return { source: src, root, documentNode: false, steps, seps, fallback: false, keys };
  } catch (e) {
    if (e instanceof NotParsed) return base;
    throw e;
  }
}

/**
 * Parse a rule context (an XSLT match pattern) into alternatives. Steps are shared through `cache` (keyed by
 * their text, for one namespace map): they are immutable once parsed.
 */
export function parsePattern(
  src: string,
  ns: Record<string, string>,
  jsPred?: PredicateCompiler,
  cache?: StepCache,
): PatternAlternative[] {
  return splitUnion(src).map((alt) => parseAlternative(alt, ns, jsPred, cache));
}

/*
 * JSON form of parsed contexts, kept in the compiled-schematron cache so that a new process does not parse the
 * rule contexts again (≈ 0.2 s for the structuration minimale's 766 rules on a cold JIT). Each distinct step is
 * stored once in a table (ART-DECOR contexts repeat the same `//hl7:ClinicalDocument[…]` steps in every rule)
 * and alternatives refer to it by index. Fast-path predicates keep their AST; the others their text, compiled
 * on first use as when freshly parsed.
 */

export type StoredPredicate =
  | { kind: 'position'; n: number }
  | { kind: 'fast'; ast: FastAst; expr: string }
  | { kind: 'expr'; expr: string };

export type StoredStep = Omit<PatternStep, 'preds'> & { preds: StoredPredicate[] };

export type StoredAlternative = Omit<PatternAlternative, 'steps'> & { steps: number[] };

/** Collects the distinct steps of many alternatives while they are stored. */
export class StepTable {
  readonly steps: StoredStep[] = [];
  private readonly index = new Map<PatternStep, number>();

  /** The JSON form of parsed alternatives, their steps added to this table. */
  store(alts: PatternAlternative[]): StoredAlternative[] {
    return alts.map((alt) => ({ ...alt, steps: alt.steps.map((step) => this.add(step)) }));
  }

  private add(step: PatternStep): number {
    let i = this.index.get(step);
    if (i === undefined) {
      i = this.steps.length;
      this.index.set(step, i);
      this.steps.push({
        ...step,
        preds: step.preds.map(
          (p): StoredPredicate =>
            p.kind === 'position'
              ? p
              : p.kind === 'fast'
                ? { kind: 'fast', ast: p.fn.ast, expr: p.fn.source }
                : { kind: 'expr', expr: p.expr },
        ),
      });
    }
    return i;
  }
}

/** Steps from their JSON form; the same objects {@link parsePattern} gives for the same predicate compiler. */
export function restoreSteps(stored: StoredStep[], jsPred?: PredicateCompiler): PatternStep[] {
  return stored.map((step) => ({
    ...step,
    preds: step.preds.map((p): StepPredicate => {
      if (p.kind === 'position') return p;
      if (p.kind === 'fast') return { kind: 'fast', fn: fastPredicate(p.ast, p.expr) };
      const js = jsPred?.(p.expr);
      return js ? { kind: 'js', fn: js, expr: p.expr } : { kind: 'xpath', expr: p.expr };
    }),
  }));
}

/** Alternatives from their JSON form, over steps restored by {@link restoreSteps}. */
export function restoreAlternatives(stored: StoredAlternative[], steps: PatternStep[]): PatternAlternative[] {
  return stored.map((alt) => ({ ...alt, steps: alt.steps.map((i) => steps[i] as PatternStep) }));
}
