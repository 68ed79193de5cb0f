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
  pattern: string;
  context: string;
  id?: string;
}

/** Result of running one compiled schematron on one document. */
export type SchematronOutcome =
  | {
      ok: true;
      findings: Finding[];
      /** Patterns that were active (SVRL `active-pattern`), in document order of the schema. */
      activePatterns: Array<{ id?: string; name?: string; document?: string }>;
      /** Number of rule firings (the full list is optional, only when `collectFiredRules` is set). */
      firedRuleCount: number;
      firedRules?: FiredRule[];
    }
  | {
      ok: false;
      /** Engine error that stopped this schematron on this document, e.g. `XPTY0004: …`, as Saxon would stop. */
      error: string;
      /** Error code when known (`XPTY0004`, `FODC0002`, …). */
      errorCode?: string;
    };

export interface CompileOptions {
  /** Phase to run: a phase id, `#ALL`, or `#DEFAULT` (default: the schema's `defaultPhase`, else all). */
  phase?: string;
}

export interface RunOptions {
  /** Record every fired rule (for SVRL output); off by default because it costs memory. */
  collectFiredRules?: boolean;
}
