import type { DocumentValidation, LocatedFinding, ProfileResult } from '../pipeline.js';
import type { Finding } from '../schematron/types.js';

export type { LocatedFinding } from '../pipeline.js';

/** A document that could not be validated at all (unreadable, malformed, too large). */
export interface DocumentFailure {
  file: string;
  code: string;
  message: string;
  line?: number;
  column?: number;
}

/** Everything an output format needs: the validated documents and those that could not be read. */
export interface ValidationReport {
  tool: 'cisis-bio';
  version: string;
  documents: DocumentValidation[];
  failures: DocumentFailure[];
}

export function findingsOf(p: ProfileResult): LocatedFinding[] {
  return 'findings' in p ? p.findings : [];
}

export function failedAsserts(p: ProfileResult): number {
  return findingsOf(p).filter((f) => f.kind === 'failed-assert').length;
}

/** Severity for display: a failed assert is an error unless its role says warning or information. */
export function severityOf(f: Finding): 'error' | 'warning' | 'note' {
  const role = (f.role ?? '').toLowerCase();
  if (f.kind === 'successful-report') return role === 'error' || role === 'fatal' ? 'warning' : 'note';
  if (role === 'warning' || role === 'warn') return 'warning';
  if (role === 'info' || role === 'information' || role === 'note') return 'note';
  return 'error';
}
