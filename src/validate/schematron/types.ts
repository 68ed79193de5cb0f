/**
 * Contract between the schematron engine (`src/validate/schematron/`) and the validation pipeline
 * (`src/validate/pipeline.ts`, CLI, formats, disk cache). Change it only in agreement with both sides.
 */

/** One SVRL-equivalent result of an assert that failed or a report that fired. */
export interface Finding {
  kind: 'failed-assert' | 'successful-report';
  /** Location in the ANS "full-path-2" form, e.g. `/ClinicalDocument/component/structuredBody/component[2]/section`. */
  location: string;
  /** The evaluated message (`value-of`/`name` expanded), white space collapsed and trimmed. */
  text: string;
  /** `role` of the assert/report (or of its rule) when the schematron gives one (e.g. `error`, `warning`). */
  role?: string;
  /** `id` of the assert/report when present. */
  id?: string;
  /** The XPath test, as written in the schematron (after abstract-pattern substitution). */
  test?: string;
  /** `see`, `flag` and diagnostics texts when present. */
  diagnostics?: string[];
}

/** SVRL extras that the `svrl` output format writes. */
export interface FiredRule {
  /** Id of the rule's pattern (its index when the pattern has none). */
  pattern: string;
  /** Index of the rule's pattern in `activePatterns`. */
  patternIndex: number;
  context: string;
  id?: string;
  /** The failed asserts and successful reports of this firing: `findings.slice(firstFinding, firstFinding + findingCount)`. */
  firstFinding: number;
  findingCount: number;
}

/** An active pattern (SVRL `active-pattern`). */
export interface ActivePattern {
  id?: string;
  /** The pattern's `title`. */
  name?: string;
  /** Its `p` paragraphs, which the skeleton writes as the `svrl:text`s of the `active-pattern`. */
  texts?: string[];
  document?: string;
}

/** Result of running one compiled schematron on one document. */
export type SchematronOutcome =
  | {
      ok: true;
      findings: Finding[];
      /** Patterns that were active (SVRL `active-pattern`), in document order of the schema. */
      activePatterns: ActivePattern[];
      /** Number of rule firings (the full list is optional, only when `collectFiredRules` is set). */
      firedRuleCount: number;
      /**
       * Every rule firing, in the ISO skeleton's SVRL order: pattern by pattern (schema order), then document order
       * within a pattern — the order of `findings`, which each firing points into.
       */
      firedRules?: FiredRule[];
      /** Compile and run warnings (a missing include dropped, `document()` on a missing file…), as Saxon warns. */
      warnings?: string[];
    }
  | {
      ok: false;
      /** Engine error that stopped this schematron on this document, e.g. `XPTY0004: …`, as Saxon would stop. */
      error: string;
      /** Error code when known (`XPTY0004`, `FODC0002`, …). */
      errorCode?: string;
      warnings?: string[];
    };

export interface CompileOptions {
  /** Phase to run: a phase id, `#ALL`, or `#DEFAULT` (default: the schema's `defaultPhase`, else all). */
  phase?: string;
}

export interface RunOptions {
  /** Record every fired rule (for SVRL output); off by default because it costs memory. */
  collectFiredRules?: boolean;
  /**
   * Time budget of the run, in ms (`performance.now()` based): past it the run stops with the engine error
   * `CISIS_TIMEOUT`. Checked between rule firings; one XPath evaluation is not interrupted.
   */
  timeoutMs?: number;
}
