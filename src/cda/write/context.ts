import { randomUUID } from 'node:crypto';
import type { ModelIssue } from '../../model/index.js';
import type { BuildProblem } from './errors.js';

/** Options shared by both builders. */
export interface BuildOptions {
  /** Clock used for times the model leaves open (default `() => new Date()`). */
  clock?: () => Date;
  /**
   * Generator of the ids the model leaves open (PDF copy section/organizer/observation ids…); must return
   * an OID or a UUID. Default: `crypto.randomUUID()` upper-cased. Inject both to get byte-identical output.
   */
  idGenerator?: () => string;
  /** ANS kit folder: coded values are checked against its value sets (`jeuxDeValeurs/*.xml`). */
  kit?: string;
  /** PDF copy bytes, when the model carries none (`report.pdf`). */
  pdf?: Uint8Array;
  /** Skip the UCUM and value-set checks (they run by default). */
  skipCodeChecks?: boolean;
  /**
   * The model comes from a received document (rebuild, `--upgrade`, merge, transport): a bad RPPS/FINESS key, a
   * malformed SIRET or an impossible time stamp its producer wrote is returned in {@link BuiltDocument.warnings}
   * instead of refusing the build. Default `false`: a model being built is refused (typed error, model path).
   */
  received?: boolean;
}

/** What a builder returns: the document as a string and as UTF-8 bytes. */
export interface BuiltDocument {
  xml: string;
  bytes: Uint8Array;
  /** Findings that did not refuse the build (identifier keys with `received: true`), with model paths. */
  warnings?: ModelIssue[];
}

/** State of one build: narrative id allocation, id generation, collected structure problems. */
export class BuildContext {
  readonly problems: BuildProblem[] = [];
  private readonly counters = new Map<string, number>();
  private readonly used = new Set<string>();
  readonly newId: () => string;
  readonly now: () => Date;

  constructor(options: BuildOptions = {}) {
    this.newId = options.idGenerator ?? (() => randomUUID().toUpperCase());
    this.now = options.clock ?? (() => new Date());
  }

  /** A fresh narrative ID (`res-3`, `bat-1`…): XML NCName, unique in the document, deterministic. */
  nid(kind: string): string {
    for (;;) {
      const n = (this.counters.get(kind) ?? 0) + 1;
      this.counters.set(kind, n);
      const id = `${kind}-${n}`;
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
  }

  /** Reserve an ID given by the model (observationMedia@ID); a duplicate is a structure problem. */
  reserve(id: string, path: string): string {
    if (this.used.has(id)) this.problem(path, `narrative/media ID ${JSON.stringify(id)} is used twice`);
    if (!/^[A-Za-z_][\w.-]*$/.test(id)) this.problem(path, `ID ${JSON.stringify(id)} is not an XML NCName`);
    this.used.add(id);
    return id;
  }

  problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }
}

/** Append a key or index to a model path. */
export function sub(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}
