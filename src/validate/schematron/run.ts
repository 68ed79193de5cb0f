/**
 * The runner: one walk of the document, each node offered to the rules indexed under its name (or its
 * templateIds), the first matching rule of each pattern fired — the ISO skeleton's template priorities — and
 * the rule's asserts/reports evaluated together in one XPath call.
 */

import fontoxpath from 'fontoxpath';
import type { Document as SlimDocument, Node as SlimNode } from 'slimdom';
import { type DomLike, elementPath, isXmlDeclaration } from '../../common/dom.js';
import type { FastNode } from './fast.js';
import { CISIS_FN_NS, type EvalScope, FUNCTION_REWRITES, registerFunctions, setScope } from './functions.js';
import { type Compiled, type Ctx, compileJs, ebv, type Scope, type XNode } from './jsxpath.js';
import type { CheckDecl, CompiledModel, LetDecl, MessagePart, RuleDecl } from './model.js';
import {
  type PatternAlternative,
  type PatternStep,
  parsePattern,
  restoreAlternatives,
  restoreSteps,
  type StepCache,
  StepTable,
} from './pattern.js';
import type { ActivePattern, Finding, FiredRule, RunOptions, SchematronOutcome } from './types.js';
import { renameFunctionCalls, stringLiteralValue, variableRefs } from './xpath-text.js';

const { evaluateXPath } = fontoxpath;

/** Development cross-check (CISIS_SCH_CROSSCHECK=1): every fast-path answer compared with fontoxpath's. */
export const CROSSCHECK: string[] | undefined = process.env.CISIS_SCH_CROSSCHECK ? [] : undefined;

/** Development counters (CISIS_SCH_STATS=1): fontoxpath calls by expression, run-time fallbacks by rule. */
export const STATS = process.env.CISIS_SCH_STATS
  ? { fontoxpath: new Map<string, number>(), fallback: new Map<string, number>() }
  : undefined;

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

const DEFAULT_NS: Record<string, string> = {
  xml: 'http://www.w3.org/XML/1998/namespace',
  xs: 'http://www.w3.org/2001/XMLSchema',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  fn: 'http://www.w3.org/2005/xpath-functions',
  math: 'http://www.w3.org/2005/xpath-functions/math',
  map: 'http://www.w3.org/2005/xpath-functions/map',
  array: 'http://www.w3.org/2005/xpath-functions/array',
};

/** Documents read by `doc()`/`document()`, shared by every schematron of the process (value sets are read-only). */
const sharedDocs = new Map<string, SlimDocument | null>();

interface Candidate {
  order: number;
  pattern: number;
  rule: number;
  alt: PatternAlternative;
}

interface PreparedRule {
  decl: RuleDecl;
  checks: CheckDecl[];
  /** For each check, the lets declared before it (its scope). */
  scopes: LetDecl[][];
  checksExpr?: string;
  /** The JS fast path: lets (slot) and checks in order, `fn` null for those outside the subset. */
  fast?: Array<{ let: number; fn: Compiled | null } | { check: number; fn: Compiled | null }>;
  /** Indices of the checks left to fontoxpath, and the expression evaluating them (one boolean each). */
  slow?: number[];
  slowExpr?: string;
}

type Node = SlimNode & FastNode;

/** Text of an error thrown by fontoxpath or a custom function, and its XPath error code. */
export function describeError(e: unknown): { error: string; errorCode?: string } {
  const raw = e instanceof Error ? e.message : String(e);
  const lines = raw
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  // fontoxpath wraps errors of custom functions: "Custom XPath function … raised:" then the message
  const coded = lines.find((l) => /^[A-Z]{4}\d{4}\b/.test(l));
  const text = (coded ?? lines.join(' ')).slice(0, 1000);
  const m = /\b([A-Z]{4}\d{4})\b/.exec(text);
  return m
    ? { error: text.startsWith(m[1] as string) ? text : `${m[1]}: ${text}`, errorCode: m[1] as string }
    : { error: text };
}

export class Engine {
  readonly model: CompiledModel;
  private readonly ns: Record<string, string>;
  private readonly options: Record<string, unknown>;
  private readonly literalGlobals: Record<string, string> = {};
  private readonly inlineGlobals = new Map<string, string>();
  private readonly rules: PreparedRule[][];
  private readonly index = new Map<string, Candidate[]>();
  private readonly hasTemplateIdKeys: boolean;
  private readonly visitAttributes: boolean;
  private readonly visitText: boolean;
  private readonly fallback: Candidate[] = [];
  private readonly globalPrefixCache = new Map<string, string>();

  constructor(model: CompiledModel) {
    registerFunctions();
    this.model = model;
    this.ns = { ...DEFAULT_NS, ...model.namespaces };
    const ns = this.ns;
    this.options = {
      namespaceResolver: (prefix: string) => (prefix ? (ns[prefix] ?? null) : null),
      moduleImports: { cisisfn: CISIS_FN_NS },
      language: evaluateXPath.XPATH_3_1_LANGUAGE,
    };
    for (const g of model.globals) {
      const lit = stringLiteralValue(g.value);
      if (lit !== undefined && !this.inlineGlobals.has(g.name)) this.literalGlobals[g.name] = lit;
      else {
        delete this.literalGlobals[g.name];
        this.inlineGlobals.set(g.name, g.value);
      }
    }
    let order = 0;
    const compilePredicate = (e: string) => this.compilePredicate(e);
    // Contexts parsed by an earlier engine (the disk cache) are restored; else parsed and kept on the model.
    const restored =
      model.parsedSteps && model.patterns.every((p) => p.rules.every((r) => r.parsedContext))
        ? restoreSteps(model.parsedSteps, compilePredicate)
        : undefined;
    const steps: StepCache = new Map();
    const table = restored ? undefined : new StepTable();
    this.rules = model.patterns.map((p, pi) =>
      p.rules.map((r, ri) => {
        let alts: PatternAlternative[];
        if (restored) alts = restoreAlternatives(r.parsedContext!, restored);
        else {
          alts = parsePattern(r.context, this.ns, compilePredicate, steps);
          r.parsedContext = table!.store(alts);
        }
        for (const alt of alts) {
          const cand: Candidate = { order: order++, pattern: pi, rule: ri, alt };
          for (const key of alt.keys) {
            if (key === '*fallback') this.fallback.push(cand);
            else {
              let list = this.index.get(key);
              if (!list) {
                list = [];
                this.index.set(key, list);
              }
              list.push(cand);
            }
          }
        }
        const checks: CheckDecl[] = [];
        const scopes: LetDecl[][] = [];
        const lets: LetDecl[] = [];
        for (const item of r.items) {
          if (item.kind === 'let') lets.push(item);
          else {
            checks.push(item);
            scopes.push([...lets]);
          }
        }
        return { decl: r, checks, scopes };
      }),
    );
    if (table) model.parsedSteps = table.steps;
    const keys = [...this.index.keys()];
    this.hasTemplateIdKeys = keys.some((k) => k.startsWith('t:'));
    // The skeleton walks the document node and elements only (`apply-templates select="*"`): Saxon never fires
    // a rule whose context is an attribute, a text node, a comment or a processing instruction. Neither do we.
    this.visitAttributes = false;
    this.visitText = false;
  }

  private readonly globalFns = new Map<string, Compiled | null>();

  private scope(lets: Map<string, number>): Scope {
    return {
      namespaces: this.ns,
      lets,
      literalGlobals: this.literalGlobals,
      globalFns: this.globalFns as Map<string, ((c: Ctx) => never[]) | null>,
      compileGlobal: (name) => {
        if (this.globalFns.has(name)) return this.globalFns.get(name);
        const v = this.inlineGlobals.get(name);
        if (v === undefined) return undefined;
        this.globalFns.set(name, null); // cycle guard
        let fn: Compiled | null = null;
        try {
          fn = compileJs(v, this.scope(new Map()));
        } catch {
          fn = null;
        }
        this.globalFns.set(name, fn);
        return fn;
      },
    };
  }

  /** A JS test for a pattern predicate, compiled on first use; `undefined` from it means "ask fontoxpath". */
  private compilePredicate(expr: string): (node: unknown) => boolean | undefined {
    let fn: Compiled | null | undefined;
    return (node) => {
      if (fn === undefined) {
        try {
          fn = compileJs(expr, this.scope(new Map()));
        } catch {
          fn = null;
        }
      }
      if (fn === null) return undefined;
      const ctx: Ctx = {
        item: node as XNode,
        pos: 1,
        size: 1,
        vars: [],
        globals: this.runGlobals,
        root: this.runRoot as unknown as XNode,
      };
      try {
        const r = fn(ctx);
        if (r.length === 1 && typeof r[0] === 'number') return undefined; // positional: fontoxpath
        return ebv(r);
      } catch {
        return undefined;
      }
    };
  }

  private readonly compiledCache = new Map<string, Compiled | null>();

  private compileFastRule(rule: PreparedRule): void {
    // slot -1 marks a let the fast path could not compile: references to it must not reach an outer binding
    const lets = new Map<string, number>();
    const out: NonNullable<PreparedRule['fast']> = [];
    const slow: number[] = [];
    let check = 0;
    let slot = 0;
    const tryCompile = (expr: string): Compiled | null => {
      // Abstract rules are spliced into hundreds of rules: the same text in the same let scope compiles once.
      const key = `${[...lets].map(([k, v]) => `${k}=${v}`).join(',')}\u0000${expr}`;
      let fn = this.compiledCache.get(key);
      if (fn === undefined) {
        try {
          fn = compileJs(expr, this.scope(new Map(lets)));
        } catch {
          fn = null;
        }
        this.compiledCache.set(key, fn);
      }
      return fn;
    };
    for (const item of rule.decl.items) {
      if (item.kind === 'let') {
        const fn = tryCompile(item.value);
        const s = fn ? slot++ : -1;
        lets.set(item.name, s);
        out.push({ let: s, fn });
      } else {
        const fn = tryCompile(item.test);
        if (!fn) slow.push(check);
        out.push({ check: check++, fn });
      }
    }
    rule.fast = out;
    rule.slow = slow;
  }

  /** `let` clauses for the inline globals an expression needs (transitively), outermost first. */
  private globalPrefix(expr: string): string {
    if (this.inlineGlobals.size === 0) return '';
    const cached = this.globalPrefixCache.get(expr);
    if (cached !== undefined) return cached;
    const ordered: string[] = [];
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const v = this.inlineGlobals.get(name);
      if (v === undefined) return;
      for (const dep of variableRefs(v)) visit(dep);
      ordered.push(name);
    };
    for (const r of variableRefs(expr)) visit(r);
    const prefix = ordered.map((n) => `let $${n} := root(.)/(${this.inlineGlobals.get(n)}) return `).join('');
    this.globalPrefixCache.set(expr, prefix);
    return prefix;
  }

  /** The final text fontoxpath evaluates: globals bound, engine functions renamed. */
  private finish(expr: string): string {
    let done = this.finished.get(expr);
    if (done === undefined) {
      const rewritten = renameFunctionCalls(expr, FUNCTION_REWRITES);
      done = this.globalPrefix(rewritten) + rewritten;
      this.finished.set(expr, done);
    }
    return done;
  }
  private readonly finished = new Map<string, string>();

  private evaluate(expr: string, node: Node, scope: EvalScope, returnType: number): unknown {
    scope.current = node;
    if (STATS) count(STATS.fontoxpath, expr.slice(0, 200));
    return evaluateXPath(expr, node, null, this.literalGlobals, returnType, this.options);
  }

  private letChain(lets: LetDecl[], body: string): string {
    return lets.map((l) => `let $${l.name} := (${l.value}) return `).join('') + body;
  }

  /** One fontoxpath expression giving the boolean of each check (or of the checks in `only`), lets bound in order. */
  private buildChecks(rule: PreparedRule, only?: Set<number>): string {
    const items = rule.decl.items;
    let check = 0;
    const build = (from: number): string => {
      const parts: string[] = [];
      for (let i = from; i < items.length; i++) {
        const it = items[i] as LetDecl | CheckDecl;
        if (it.kind === 'let') {
          const rest = build(i + 1);
          parts.push(`let $${it.name} := (${it.value}) return (${rest || '()'})`);
          break;
        }
        if (!only || only.has(check)) parts.push(`boolean((${it.test}))`);
        check++;
      }
      return parts.join(', ');
    };
    return this.finish(`(${build(0)})`);
  }

  private checksExpr(rule: PreparedRule): string {
    rule.checksExpr ??= this.buildChecks(rule);
    return rule.checksExpr;
  }

  private message(parts: MessagePart[], lets: LetDecl[], node: Node, scope: EvalScope): string {
    let out = '';
    for (const part of parts) {
      if (Object.hasOwn(part, 'text')) out += (part as { text: string }).text;
      else if (Object.hasOwn(part, 'select')) {
        const expr = this.finish(
          this.letChain(lets, `string-join(((${(part as { select: string }).select})) ! string(.), ' ')`),
        );
        out += String(this.evaluate(expr, node, scope, evaluateXPath.STRING_TYPE));
      } else {
        const expr = this.finish(this.letChain(lets, `name((${(part as { namePath: string }).namePath}))`));
        out += String(this.evaluate(expr, node, scope, evaluateXPath.STRING_TYPE));
      }
    }
    return out.replace(/\s+/g, ' ').trim();
  }

  private location(check: CheckDecl, rule: RuleDecl, lets: LetDecl[], node: Node, scope: EvalScope): string {
    const subject = check.subject ?? rule.subject;
    if (subject) {
      const nodes = this.evaluate(
        this.finish(this.letChain(lets, `(${subject})`)),
        node,
        scope,
        evaluateXPath.NODES_TYPE,
      ) as Node[];
      if (nodes[0]) return fullPath(nodes[0]);
    }
    return fullPath(node);
  }

  private fallbackSets = new Map<PatternAlternative, Set<Node>>();
  private runGlobals = new Map<string, never[]>() as Map<string, unknown[]> as Ctx['globals'];
  private runRoot: Node | null = null;

  private matches(alt: PatternAlternative, node: Node, doc: Node, scope: EvalScope): boolean {
    if (alt.fallback) {
      let set = this.fallbackSets.get(alt);
      if (!set) {
        const found = this.evaluate(
          this.finish(`//(${alt.source})`),
          doc,
          scope,
          evaluateXPath.NODES_TYPE,
        ) as Node[];
        set = new Set(found);
        this.fallbackSets.set(alt, set);
      }
      return set.has(node);
    }
    if (alt.documentNode) return node.nodeType === 9;
    if (!structurallyPossible(alt, node)) return false;
    return this.matchFrom(alt, alt.steps.length - 1, node, scope);
  }

  private matchFrom(alt: PatternAlternative, k: number, node: Node, scope: EvalScope): boolean {
    const step = alt.steps[k] as PatternStep;
    if (!this.stepMatches(step, node, scope)) return false;
    const parent = parentOf(node);
    if (k === 0) {
      if (alt.root === '/') return parent !== null && parent.nodeType === 9;
      if (alt.root === '//') {
        let r: Node | null = node;
        while (r && parentOf(r)) r = parentOf(r);
        return r !== null && r.nodeType === 9;
      }
      return true;
    }
    if (alt.seps[k - 1] === '/')
      return parent !== null && parent.nodeType === 1 && this.matchFrom(alt, k - 1, parent, scope);
    for (let p = parent; p && p.nodeType === 1; p = parentOf(p))
      if (this.matchFrom(alt, k - 1, p, scope)) return true;
    return false;
  }

  private stepMemo = new Map<string, Map<Node, boolean>>();

  private stepMatches(step: PatternStep, node: Node, scope: EvalScope): boolean {
    if (!testMatches(step, node)) return false;
    if (step.preds.length === 0) return true;
    let memo = this.stepMemo.get(step.src);
    if (!memo) {
      memo = new Map();
      this.stepMemo.set(step.src, memo);
    }
    const known = memo.get(node);
    if (known !== undefined) return known;
    const r = this.predicatesHold(step, node, scope);
    memo.set(node, r);
    return r;
  }

  private predicatesHold(step: PatternStep, node: Node, scope: EvalScope): boolean {
    for (const pred of step.preds) {
      if (pred.kind === 'position') {
        let n = 1;
        for (let s = node.previousSibling as Node | null; s; s = s.previousSibling as Node | null)
          if (testMatches(step, s)) n++;
        if (n !== pred.n) return false;
      } else if (pred.kind === 'fast') {
        const r = pred.fn(node);
        if (CROSSCHECK) this.crossCheckPredicate(pred.fn.source, node, scope, r);
        if (!r) return false;
      } else if (pred.kind === 'js') {
        scope.current = node;
        const r = pred.fn(node);
        if (CROSSCHECK && r !== undefined) this.crossCheckPredicate(pred.expr, node, scope, r);
        if (r === false) return false;
        if (r === undefined && !this.predicateByFontoxpath(pred.expr, node, scope)) return false;
      } else if (!this.predicateByFontoxpath(pred.expr, node, scope)) return false;
    }
    return true;
  }

  /** A step predicate evaluated by fontoxpath (outside the fast paths, or when they cannot decide). */
  private predicateByFontoxpath(expr: string, node: Node, scope: EvalScope): boolean {
    return this.evaluate(
      this.finish(`boolean((${expr}))`),
      node,
      scope,
      evaluateXPath.BOOLEAN_TYPE,
    ) as boolean;
  }

  /** Development cross-check: records a fast-path predicate answer that fontoxpath does not give. */
  private crossCheckPredicate(expr: string, node: Node, scope: EvalScope, fast: boolean): void {
    let ref: boolean | string;
    try {
      ref = this.predicateByFontoxpath(expr, node, scope);
    } catch (e) {
      ref = describeError(e).error;
    }
    if (ref !== fast) CROSSCHECK?.push(`predicate [${expr}] @ ${fullPath(node)}: fast=${fast} fx=${ref}`);
  }

  private readonly candidateCache = new Map<string, Candidate[]>();

  private candidates(node: Node): Candidate[] {
    if (node.nodeType === 1) {
      let key = node.localName as string;
      if (this.hasTemplateIdKeys) {
        for (let c = node.firstChild as Node | null; c; c = c.nextSibling as Node | null) {
          if (c.nodeType === 1 && c.localName === 'templateId' && c.namespaceURI === 'urn:hl7-org:v3') {
            key += `\u0000${(c as unknown as { getAttribute(n: string): string | null }).getAttribute('root') ?? ''}`;
          }
        }
      }
      let hit = this.candidateCache.get(key);
      if (!hit) {
        hit = this.computeCandidates(node);
        if (this.candidateCache.size < 5000) this.candidateCache.set(key, hit);
      }
      return hit;
    }
    return this.computeCandidates(node);
  }

  private computeCandidates(node: Node): Candidate[] {
    const lists: Candidate[][] = [];
    const add = (key: string) => {
      const l = this.index.get(key);
      if (l) lists.push(l);
    };
    switch (node.nodeType) {
      case 1:
        add(`e:${node.localName}`);
        add('e:*');
        if (this.hasTemplateIdKeys) {
          for (let c = node.firstChild as Node | null; c; c = c.nextSibling as Node | null) {
            if (c.nodeType === 1 && c.localName === 'templateId' && c.namespaceURI === 'urn:hl7-org:v3') {
              const root = (c as unknown as { getAttribute(n: string): string | null }).getAttribute('root');
              if (root !== null) add(`t:${root}`);
            }
          }
        }
        break;
      case 2:
        add(`a:${node.localName}`);
        add('a:*');
        break;
      case 9:
        add('doc');
        break;
      case 3:
      case 4:
        add('x');
        break;
      default:
        add('o');
    }
    if (this.fallback.length) lists.push(this.fallback);
    if (lists.length === 0) return [];
    if (lists.length === 1) return lists[0] as Candidate[];
    const all = lists.flat();
    all.sort((a, b) => a.order - b.order);
    return all;
  }

  run(doc: SlimDocument, options: RunOptions = {}): SchematronOutcome {
    const scope: EvalScope = { baseDir: this.model.baseDir, docs: sharedDocs, current: null };
    const findings: Finding[][] = this.model.patterns.map(() => []);
    // Per pattern, as the skeleton writes them (pattern by pattern); flattened with the findings at the end.
    const firedRules: FiredRule[][] | undefined = options.collectFiredRules
      ? this.model.patterns.map(() => [])
      : undefined;
    let firedRuleCount = 0;
    this.fallbackSets = new Map();
    const root = doc as unknown as Node;
    this.runGlobals = new Map();
    this.runRoot = root;
    this.stepMemo = new Map();
    setScope(scope);
    const deadline = options.timeoutMs !== undefined ? performance.now() + options.timeoutMs : Infinity;
    try {
      const visit = (node: Node) => {
        if (deadline !== Infinity && performance.now() > deadline) throw new RunTimeout(options.timeoutMs!);
        const cands = this.candidates(node);
        if (cands.length === 0) return;
        let done = -1;
        for (const c of cands) {
          if (c.pattern === done) continue;
          if (!this.matches(c.alt, node, root, scope)) continue;
          done = c.pattern;
          firedRuleCount++;
          const rule = (this.rules[c.pattern] as PreparedRule[])[c.rule] as PreparedRule;
          const out = findings[c.pattern] as Finding[];
          const before = out.length;
          this.fire(rule, node, scope, out);
          if (firedRules) {
            const fr: FiredRule = {
              pattern: this.model.patterns[c.pattern]?.id ?? String(c.pattern),
              patternIndex: c.pattern,
              context: rule.decl.context,
              firstFinding: before, // within the pattern; made absolute below
              findingCount: out.length - before,
            };
            if (rule.decl.id) fr.id = rule.decl.id;
            (firedRules[c.pattern] as FiredRule[]).push(fr);
          }
        }
      };
      visit(root);
      // document order, iteratively (CDA trees can be deep)
      const stack: Node[] = [];
      for (let c = root.lastChild as Node | null; c; c = c.previousSibling as Node | null) stack.push(c);
      while (stack.length) {
        const n = stack.pop() as Node;
        if (n.nodeType === 1) {
          visit(n);
          if (this.visitAttributes) {
            const attrs = n.attributes as ArrayLike<Node>;
            for (let i = 0; i < attrs.length; i++) {
              const a = attrs[i] as Node;
              if (a.namespaceURI !== 'http://www.w3.org/2000/xmlns/') visit(a);
            }
          }
          for (let c = n.lastChild as Node | null; c; c = c.previousSibling as Node | null) {
            if (c.nodeType === 1 || this.visitText) stack.push(c);
          }
        } else if (this.visitText) visit(n);
      }
    } catch (e) {
      if (e instanceof RunTimeout) return { ok: false, error: e.message, errorCode: 'CISIS_TIMEOUT' };
      return { ok: false, ...describeError(e) };
    } finally {
      setScope(null);
      this.fallbackSets = new Map();
      this.stepMemo = new Map();
      this.runGlobals = new Map();
      this.runRoot = null;
    }
    const outcome: SchematronOutcome = {
      ok: true,
      findings: findings.flat(),
      activePatterns: this.model.patterns.map((p) => {
        const a: ActivePattern = {};
        if (p.id !== undefined) a.id = p.id;
        if (p.name !== undefined) a.name = p.name;
        if (p.texts !== undefined) a.texts = p.texts;
        return a;
      }),
      firedRuleCount,
    };
    if (firedRules) {
      let offset = 0;
      outcome.firedRules = firedRules.flatMap((list, p) => {
        for (const fr of list) fr.firstFinding += offset;
        offset += (findings[p] as Finding[]).length;
        return list;
      });
    }
    return outcome;
  }

  private fire(rule: PreparedRule, node: Node, scope: EvalScope, out: Finding[]): void {
    if (rule.checks.length === 0) return;
    if (rule.fast === undefined) this.compileFastRule(rule); // lazily: most rules never fire on a given document
    let results: boolean[] | undefined;
    if (rule.fast && rule.slow && rule.slow.length < rule.checks.length) {
      const ctx: Ctx = {
        item: node as unknown as XNode,
        pos: 1,
        size: 1,
        vars: [],
        globals: this.runGlobals,
        root: this.runRoot as unknown as XNode,
      };
      scope.current = node;
      try {
        results = [];
        for (const step of rule.fast) {
          if (!step.fn) continue;
          if ('let' in step) ctx.vars[step.let] = step.fn(ctx);
          else results[step.check] = ebv(step.fn(ctx));
        }
      } catch (e) {
        results = undefined; // outside the subset's semantics: fontoxpath decides
        if (STATS) count(STATS.fallback, `${rule.decl.context}: ${describeError(e).error}`);
      }
    }
    if (results && rule.slow?.length) {
      rule.slowExpr ??= this.buildChecks(rule, new Set(rule.slow));
      const r = this.evaluate(rule.slowExpr, node, scope, evaluateXPath.ALL_RESULTS_TYPE) as boolean[];
      rule.slow.forEach((j, k) => {
        (results as boolean[])[j] = r[k] as boolean;
      });
    }
    if (CROSSCHECK && results) {
      // development: the JS fast path must agree with fontoxpath (or fontoxpath must fail where it answered)
      let ref: boolean[] | string;
      try {
        ref = this.evaluate(this.checksExpr(rule), node, scope, evaluateXPath.ALL_RESULTS_TYPE) as boolean[];
      } catch (e) {
        ref = describeError(e).error;
      }
      if (typeof ref === 'string' || ref.some((v, i) => v !== (results as boolean[])[i])) {
        const diff =
          typeof ref === 'string'
            ? ref
            : ref
                .map((v, i) =>
                  v !== (results as boolean[])[i]
                    ? `#${i} ${rule.checks[i]?.test} fast=${(results as boolean[])[i]} fx=${v}`
                    : '',
                )
                .filter(Boolean)
                .join(' ; ');
        CROSSCHECK.push(`${rule.decl.context} @ ${fullPath(node)}: ${diff}`);
      }
    }
    results ??= this.evaluate(
      this.checksExpr(rule),
      node,
      scope,
      evaluateXPath.ALL_RESULTS_TYPE,
    ) as boolean[];
    for (let j = 0; j < rule.checks.length; j++) {
      const check = rule.checks[j] as CheckDecl;
      const hit = check.kind === 'assert' ? results[j] === false : results[j] === true;
      if (!hit) continue;
      const lets = rule.scopes[j] as LetDecl[];
      const f: Finding = {
        kind: check.kind === 'assert' ? 'failed-assert' : 'successful-report',
        location: this.location(check, rule.decl, lets, node, scope),
        text: this.message(check.message, lets, node, scope),
        test: check.test,
      };
      const role = check.role ?? rule.decl.role;
      if (role !== undefined) f.role = role;
      if (check.id !== undefined) f.id = check.id;
      if (check.diagnostics?.length) {
        f.diagnostics = check.diagnostics.map((id) => {
          const d = this.model.diagnostics[id];
          return d ? this.message(d, lets, node, scope) : id;
        });
      }
      out.push(f);
    }
  }
}

/** The run went past its time budget (`RunOptions.timeoutMs`). */
class RunTimeout extends Error {
  constructor(ms: number) {
    super(`CISIS_TIMEOUT: the schematron run went past its time budget of ${ms} ms`);
  }
}

/** Name tests only, up the `/`-separated tail of the pattern: a cheap rejection before any predicate runs. */
function structurallyPossible(alt: PatternAlternative, node: Node): boolean {
  let n: Node | null = node;
  for (let k = alt.steps.length - 1; k >= 0; k--) {
    if (!n || !testMatches(alt.steps[k] as PatternStep, n)) return false;
    if (k === 0 || alt.seps[k - 1] !== '/') return true;
    n = parentOf(n);
  }
  return true;
}

function parentOf(n: Node): Node | null {
  if (n.nodeType === 2)
    return ((n as unknown as { ownerElement: Node | null }).ownerElement ?? null) as Node | null;
  return n.parentNode as Node | null;
}

function testMatches(step: PatternStep, n: Node): boolean {
  const t = step.test;
  if (step.axis === 'attribute') {
    if (n.nodeType !== 2) return false;
  } else {
    switch (t.kind) {
      case 'name':
        if (n.nodeType !== 1) return false;
        break;
      case 'node':
        return n.nodeType !== 2 && n.nodeType !== 9 && !isXmlDeclaration(n);
      case 'text':
        return n.nodeType === 3 || n.nodeType === 4;
      case 'comment':
        return n.nodeType === 8;
      case 'pi':
        return n.nodeType === 7 && !isXmlDeclaration(n);
    }
  }
  if (t.kind !== 'name') return t.kind === 'node';
  if (t.local !== null && n.localName !== t.local) return false;
  if (t.ns !== undefined && (n.namespaceURI ?? null) !== (t.ns || null)) return false;
  return true;
}

/** The ANS skeleton's "full-path-2": names as written, `[n]` only after a same-named earlier sibling. */
export function fullPath(node: Node): string {
  if (node.nodeType === 9) {
    // The skeleton writes a location through its `schematron-select-full-path` mode, whose one template matches
    // `*`: on the document node the built-in templates go down to its children, where processing instructions
    // and comments write nothing, so Saxon writes the root element's path (`/ClinicalDocument`).
    let out = '';
    for (let c = node.firstChild as Node | null; c; c = c.nextSibling as Node | null)
      if (c.nodeType === 1) out += fullPath(c);
    return out;
  }
  if (node.nodeType === 2) {
    const owner = parentOf(node);
    return `${owner ? fullPath(owner) : ''}/@${(node as unknown as { nodeName: string }).nodeName}`;
  }
  if (node.nodeType !== 1) {
    const p = node.parentNode as Node | null;
    return `${p && p.nodeType === 1 ? fullPath(p) : ''}/@`;
  }
  return elementPath(node as unknown as DomLike);
}
