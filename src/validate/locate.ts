// Map the paths that validators report back to a line and column of the document, through the DOM that
// `parseXml` builds with a locator (every element knows where its start tag begins).
import type { Document, Node } from '@xmldom/xmldom';
import { elementChildren } from '../common/dom.js';

export interface Position {
  line: number;
  column: number;
}

function position(node: Node | null | undefined): Position | undefined {
  const n = node as (Node & { lineNumber?: number; columnNumber?: number }) | null | undefined;
  return n?.lineNumber ? { line: n.lineNumber, column: n.columnNumber ?? 1 } : undefined;
}

const STEP = /^([^[\]]+)(?:\[(\d+)\])?$/;

/**
 * Position of the element (or of the element holding the attribute) at a schematron location in the ANS
 * "full-path-2" form: `/ClinicalDocument/component/structuredBody/component[2]/section/@classCode` (names as
 * written; `[n]` counts earlier siblings of the same name). Undefined when the path does not resolve.
 */
export function positionOfLocation(doc: Document, location: string): Position | undefined {
  let node: Node = doc;
  for (const step of location.split('/').slice(1)) {
    if (step.startsWith('@')) break;
    const m = STEP.exec(step);
    if (!m) return position(node);
    const name = m[1]!;
    const index = Number(m[2] ?? 1);
    const match = elementChildren(node).filter(
      (e) => name === '*' || e.nodeName === name || e.localName === name,
    )[index - 1];
    if (!match) return position(node);
    node = match;
  }
  return position(node);
}

/**
 * Column of the node libxml2 names by its node path (`/*\/*[9]`, `/*\/x:foo[2]/@bar`): libxml2 reports schema
 * errors with a line only. `*[n]` counts element siblings of any name, `name[n]` those of the same name.
 */
export function columnOfNodePath(doc: Document, nodePath: string, line: number): number | undefined {
  const pos = positionOfLocation(doc, nodePath);
  return pos && pos.line === line ? pos.column : undefined;
}
