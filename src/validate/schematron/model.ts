/** The compiled (JSON-able) form of a schematron: includes resolved, abstract patterns and rules expanded. */
import type { StoredAlternative, StoredStep } from './pattern.js';

/** A piece of an assert/report message: literal text, `value-of`, or `name`. */
export type MessagePart = { text: string } | { select: string } | { namePath: string };

export interface LetDecl {
  kind: 'let';
  name: string;
  value: string;
}

export interface CheckDecl {
  kind: 'assert' | 'report';
  test: string;
  message: MessagePart[];
  id?: string;
  role?: string;
  flag?: string;
  subject?: string;
  see?: string;
  /** Ids of `diagnostic` elements. */
  diagnostics?: string[];
}

export interface RuleDecl {
  context: string;
  id?: string;
  role?: string;
  subject?: string;
  /** Lets and checks in document order (abstract rules already spliced in where `extends` was). */
  items: Array<LetDecl | CheckDecl>;
  /** The context parsed by the engine, over {@link CompiledModel.parsedSteps} (set with it). */
  parsedContext?: StoredAlternative[];
}

export interface PatternDecl {
  id?: string;
  /** The pattern's `title`. */
  name?: string;
  /** The pattern's `p` paragraphs (SVRL: the `svrl:text`s of its `active-pattern`). */
  texts?: string[];
  documents?: string;
  rules: RuleDecl[];
}

export interface CompiledModel {
  format: 'cisis-bio-schematron';
  version: number;
  schPath: string;
  /** Folder against which `doc()`/`document()` resolve: the top-level schematron's. */
  baseDir: string;
  title?: string;
  queryBinding: string;
  phase: string;
  namespaces: Record<string, string>;
  /** Schema-, phase- and pattern-level lets: global variables, evaluated on the document node. */
  globals: LetDecl[];
  /** Active patterns, in schema order. */
  patterns: PatternDecl[];
  diagnostics: Record<string, MessagePart[]>;
  /**
   * The distinct steps of the parsed rule contexts: set, with each rule's `parsedContext`, when an engine is
   * first built on the model, so that the serialized form (the disk cache) spares the next process the parse.
   */
  parsedSteps?: StoredStep[];
  /**
   * Every file the compilation read — the schematron, its includes, the value sets its rules name with a literal
   * `doc()` — relative to {@link baseDir}, with the sha256 of its content (`null`: absent). The disk cache checks
   * them on load, binding an entry to what it was compiled from.
   */
  sources?: Array<[path: string, sha256: string | null]>;
  /** Compile warnings (a missing include dropped, an include found only case-insensitively). */
  warnings?: string[];
}

/** Bumped whenever the compiled form or the engine's semantics change (part of the disk-cache key). */
export const MODEL_VERSION = 7;
