/**
 * The nodes the compiled closures walk (an @xmldom or slimdom DOM, read-only while rules run): node tests, axes,
 * document order, and a per-tree index of elements by local name for `//name`.
 */
import { isXmlDeclaration } from '../../../common/dom.js';
import type { Axis, NodeTest } from './ast.js';

/** The DOM surface the closures use (both @xmldom and slimdom provide it). */
export interface XNode {
  nodeType: number;
  namespaceURI: string | null;
  localName: string | null;
  nodeName: string;
  firstChild: XNode | null;
  nextSibling: XNode | null;
  previousSibling: XNode | null;
  parentNode: XNode | null;
  textContent: string | null;
  attributes?: ArrayLike<XNode>;
  value?: string;
  ownerElement?: XNode | null;
  compareDocumentPosition?(other: XNode): number;
}

export type NodeMatcher = (n: XNode) => boolean;

const XMLNS = 'http://www.w3.org/2000/xmlns/';

export { isXmlDeclaration };

/**
 * A node test as a function; `principal` is the axis's principal node kind (2 on the attribute axis, else 1).
 *
 * @example
 * ```ts
 * const isId = nodeMatcher({ kind: 'name', ns: 'urn:hl7-org:v3', local: 'id' }, 1);
 * ```
 */
export function nodeMatcher(test: NodeTest, principal: number): NodeMatcher {
  switch (test.kind) {
    case 'node':
      return (n) => !isXmlDeclaration(n);
    case 'text':
      return (n) => n.nodeType === 3 || n.nodeType === 4;
    case 'comment':
      return (n) => n.nodeType === 8;
    case 'pi':
      return (n) => n.nodeType === 7 && !isXmlDeclaration(n);
  }
  const { local } = test;
  const ns = test.ns;
  if (ns === undefined) {
    if (local === null) return (n) => n.nodeType === principal;
    return (n) => n.nodeType === principal && n.localName === local;
  }
  if (local === null) return (n) => n.nodeType === principal && (n.namespaceURI ?? null) === ns;
  return (n) => n.nodeType === principal && n.localName === local && (n.namespaceURI ?? null) === ns;
}

/** The parent of a node; an attribute's is its owner element (XPath's parent axis). */
export function parentOf(n: XNode): XNode | null {
  return n.nodeType === 2 ? (n.ownerElement ?? null) : n.parentNode;
}

/** The root of a node's tree. */
export function treeRoot(n: XNode): XNode {
  let r = n;
  for (let p = parentOf(r); p; p = parentOf(p)) r = p;
  return r;
}

/** The XPath string value of a node (a document's: the text of its element children). */
export function stringValue(n: XNode): string {
  if (n.nodeType === 2) return n.value ?? '';
  if (n.nodeType === 9) {
    let s = '';
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) s += c.textContent ?? '';
    return s;
  }
  return n.textContent ?? '';
}

/** Append the descendants of `n` that pass `test` to `out`, in document order. */
export function descendants(n: XNode, test: NodeMatcher, out: XNode[]): void {
  for (let c = n.firstChild; c; c = c.nextSibling) {
    if (test(c)) out.push(c);
    if (c.firstChild) descendants(c, test, out);
  }
}

/** Axes whose nodes come nearest first (positions in predicates count from the context node). */
export const REVERSE_AXES = new Set<Axis>(['parent', 'ancestor', 'ancestor-or-self', 'preceding-sibling']);

/** The nodes of `axis` from `n` that pass `test`, in axis order. */
export function axisNodes(axis: Axis, n: XNode, test: NodeMatcher): XNode[] {
  const out: XNode[] = [];
  switch (axis) {
    case 'child':
      for (let c = n.firstChild; c; c = c.nextSibling) if (test(c)) out.push(c);
      break;
    case 'attribute':
      if (n.nodeType === 1 && n.attributes) {
        const a = n.attributes;
        for (let i = 0; i < a.length; i++) {
          const x = a[i] as XNode;
          if (x.namespaceURI !== XMLNS && test(x)) out.push(x);
        }
      }
      break;
    case 'self':
      if (test(n)) out.push(n);
      break;
    case 'parent': {
      const p = parentOf(n);
      if (p && test(p)) out.push(p);
      break;
    }
    case 'descendant-or-self':
      if (test(n)) out.push(n);
      descendants(n, test, out);
      break;
    case 'descendant':
      descendants(n, test, out);
      break;
    case 'ancestor':
    case 'ancestor-or-self':
      for (let p = axis === 'ancestor' ? parentOf(n) : n; p; p = parentOf(p)) if (test(p)) out.push(p);
      break;
    case 'following-sibling':
      if (n.nodeType !== 2) for (let s = n.nextSibling; s; s = s.nextSibling) if (test(s)) out.push(s);
      break;
    case 'preceding-sibling':
      if (n.nodeType !== 2)
        for (let s = n.previousSibling; s; s = s.previousSibling) if (test(s)) out.push(s);
      break;
  }
  return out;
}

/**
 * Document-order positions, numbered once per tree on first need: sorting by them costs a map look-up per
 * comparison, where `compareDocumentPosition` (@xmldom's walks both ancestor chains) made sorting the node sets of
 * value-set look-ups the largest cost of a cold run. Trees are read-only while the rules run. Each tree gets its
 * own range, so nodes of different documents (`doc()`) keep a stable order, as XPath requires.
 */
const positions = new WeakMap<XNode, number>();
let treesNumbered = 0;
const TREE_RANGE = 2 ** 32;

function numberTree(n: XNode): void {
  let next = ++treesNumbered * TREE_RANGE;
  const stack: XNode[] = [treeRoot(n)];
  while (stack.length) {
    const node = stack.pop() as XNode;
    positions.set(node, next++);
    const attrs = node.nodeType === 1 ? node.attributes : undefined;
    if (attrs) for (let i = 0; i < attrs.length; i++) positions.set(attrs[i] as XNode, next++);
    const children: XNode[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) children.push(c);
    for (let k = children.length - 1; k >= 0; k--) stack.push(children[k] as XNode);
  }
}

function positionOf(n: XNode): number | undefined {
  const known = positions.get(n);
  if (known !== undefined) return known;
  numberTree(n);
  return positions.get(n);
}

/** Nodes in document order, each once. */
export function documentOrder(nodes: XNode[]): XNode[] {
  const uniq = [...new Set(nodes)];
  if (uniq.length < 2) return uniq;
  const siblings = siblingOrder(uniq);
  if (siblings) return siblings;
  // a few nodes of a tree not numbered yet: compared through their ancestors, sparing the numbering
  if (uniq.length <= FEW && !positions.has(uniq[0] as XNode)) {
    const sorted = sortByAncestors(uniq);
    if (sorted) return sorted;
  }
  const keys = new Map<XNode, number>();
  for (const n of uniq) {
    const k = positionOf(n);
    if (k === undefined) return sortByComparison(uniq); // not reachable from its root: ask the DOM
    keys.set(n, k);
  }
  return uniq.sort((a, b) => (keys.get(a) as number) - (keys.get(b) as number));
}

/**
 * Nodes that share a parent and a kind (attributes of one element, or children of one node) — most unions in
 * rules, `@a | @b | @c` — ordered by one walk of that parent's list, without numbering the tree.
 */
function siblingOrder(uniq: XNode[]): XNode[] | undefined {
  const first = uniq[0] as XNode;
  const parent = parentOf(first);
  if (!parent) return undefined;
  const attributes = first.nodeType === 2;
  for (const n of uniq) if (parentOf(n) !== parent || (n.nodeType === 2) !== attributes) return undefined;
  const wanted = new Set(uniq);
  const out: XNode[] = [];
  if (attributes) {
    const list = parent.attributes ?? [];
    for (let i = 0; i < list.length; i++) if (wanted.has(list[i] as XNode)) out.push(list[i] as XNode);
  } else for (let c = parent.firstChild; c; c = c.nextSibling) if (wanted.has(c)) out.push(c);
  return out.length === uniq.length ? out : undefined;
}

const FEW = 16;

/** The node and its ancestors, root first. */
function ancestry(n: XNode): XNode[] {
  const chain: XNode[] = [];
  for (let p: XNode | null = n; p; p = parentOf(p)) chain.push(p);
  return chain.reverse();
}

/** Document order of two distinct nodes of one tree (negative: `a` first); NaN across trees. */
function compareByAncestors(a: XNode, b: XNode): number {
  const ca = ancestry(a);
  const cb = ancestry(b);
  if (ca[0] !== cb[0]) return NaN;
  let k = 1;
  while (k < ca.length && k < cb.length && ca[k] === cb[k]) k++;
  if (k === ca.length) return -1; // a is an ancestor of b
  if (k === cb.length) return 1;
  const x = ca[k] as XNode;
  const y = cb[k] as XNode;
  if ((x.nodeType === 2) !== (y.nodeType === 2)) return x.nodeType === 2 ? -1 : 1; // attributes first
  if (x.nodeType === 2) {
    const list = (ca[k - 1] as XNode).attributes ?? [];
    for (let i = 0; i < list.length; i++) {
      if (list[i] === x) return -1;
      if (list[i] === y) return 1;
    }
    return NaN;
  }
  for (let s = x.nextSibling; s; s = s.nextSibling) if (s === y) return -1;
  return 1;
}

function sortByAncestors(uniq: XNode[]): XNode[] | undefined {
  let comparable = true;
  const sorted = uniq.sort((a, b) => {
    const d = compareByAncestors(a, b);
    if (Number.isNaN(d)) comparable = false;
    return d || 0;
  });
  return comparable ? sorted : undefined;
}

function sortByComparison(uniq: XNode[]): XNode[] {
  return uniq.sort((a, b) => {
    const p = a.compareDocumentPosition?.(b) ?? 0;
    if (p & 4) return -1; // b follows a
    if (p & 2) return 1;
    return 0;
  });
}

/** Elements of each tree by local name, in document order: `//name` becomes a look-up. */
const elementIndexes = new WeakMap<XNode, Map<string, XNode[]>>();

/**
 * The elements under a document node (or any root) with this local name (`null`: all), in document order. Built
 * by one walk on first use; valid while the tree is not modified (the engine never modifies it).
 */
export function elementsByLocalName(root: XNode, local: string | null): XNode[] {
  let index = elementIndexes.get(root);
  if (!index) {
    index = new Map();
    const all: XNode[] = [];
    descendants(root, (n) => n.nodeType === 1, all);
    for (const el of all) {
      const name = el.localName as string;
      const list = index.get(name);
      if (list) list.push(el);
      else index.set(name, [el]);
    }
    index.set('\u0000*', all);
    elementIndexes.set(root, index);
  }
  return index.get(local ?? '\u0000*') ?? [];
}

/** The namespace URI bound to `prefix` on an element (in-scope `xmlns` attributes); undefined when unbound. */
export function lookupNamespace(el: XNode, prefix: string): string | undefined {
  if (prefix === 'xml') return 'http://www.w3.org/XML/1998/namespace';
  const want = prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
  for (let n: XNode | null = el; n && n.nodeType === 1; n = n.parentNode) {
    const a = n.attributes;
    if (!a) continue;
    for (let i = 0; i < a.length; i++)
      if ((a[i] as XNode).nodeName === want) return (a[i] as XNode).value ?? '';
  }
  return prefix === '' ? '' : undefined;
}
