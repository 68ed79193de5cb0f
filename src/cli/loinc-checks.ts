/**
 * The opt-in checks of issue 17 as `cisis-bio build` and `cisis-bio report` run them: the flags `--normalise-units`,
 * `--loinc DIR` (default `$CISIS_BIO_LOINC`) and `--no-loinc` (or `--loinc ''`: no check, whatever the variable
 * says), the options they ask for, what is printed on stderr, and the exit codes (1 on an error-level LOINC finding,
 * unless the document was received: `build --upgrade`; 2 for a folder without a readable `LoincTable/Loinc.csv`).
 * A small helper the command files import at load time: the LOINC module is imported inside the functions.
 * @module
 */
import { type Command, Option } from 'commander';
import type { LoincFailOn, ReportLoincCheck } from '../compose/index.js';
import type { UnitRewrite } from '../model/index.js';
import { CliExit, describeError, EXIT } from './util.js';

/** The flags of the checks, as commander gives them (`loinc: false` for `--no-loinc`). */
export interface CheckFlags {
  loinc?: string | false;
  normaliseUnits?: boolean;
}

/** When LOINC findings stop a command: on an error, or never (a received document: its producer's findings). */
export type CheckFailOn = Extract<LoincFailOn, 'error' | 'never'>;

/** The checks a command runs: `createReport`'s `normaliseUnits` and `loinc` options (`prepareReport`'s too). */
export interface CheckOptions {
  normaliseUnits?: true;
  loinc?: { table: string; failOn: CheckFailOn };
}

/**
 * `--loinc <dir>` (a new Option for each command).
 * @example
 * program.command('build').addOption(loincOption()).addOption(normaliseUnitsOption());
 */
export function loincOption(): Option {
  return new Option(
    '--loinc <dir>',
    "LOINC release folder (LoincTable/Loinc.csv): check the codes, exit 1 on an error (default: $CISIS_BIO_LOINC; '' for none)",
  );
}

/**
 * `--no-loinc` (a new Option for each command): no LOINC check even when `$CISIS_BIO_LOINC` is set.
 * @example
 * program.command('report').addOption(loincOption()).addOption(noLoincOption());
 */
export function noLoincOption(): Option {
  return new Option('--no-loinc', 'no LOINC check, even with $CISIS_BIO_LOINC set');
}

/**
 * `--normalise-units` (a new Option for each command).
 * @example
 * program.command('report').addOption(normaliseUnitsOption());
 */
export function normaliseUnitsOption(): Option {
  return new Option('--normalise-units', 'rewrite French units to UCUM first (G/L → 10*9/L, UI/L → [IU]/L…)');
}

/**
 * `--loinc <dir>`, `--no-loinc` and `--normalise-units` on a command, and its exit codes at the end of its help.
 * @example
 * addCheckOptions(program.command('build'), '0 written; 1 invalid model or an error-level LOINC finding; 2 …');
 */
export function addCheckOptions(command: Command, exitCodes: string): Command {
  return command
    .addOption(loincOption())
    .addOption(noLoincOption())
    .addOption(normaliseUnitsOption())
    .addHelpText('after', `\nExit codes: ${exitCodes}`);
}

/**
 * The `normaliseUnits` and `loinc` options the flags ask for; `{}` when neither `--normalise-units`, `--loinc` nor
 * `$CISIS_BIO_LOINC` is given, or with `--no-loinc` / `--loinc ''` (no table is read then). `received` (a document
 * rebuilt with `build --upgrade`): its producer's LOINC faults are warnings, as its identifier keys are (failOn
 * `'never'`); else an error-level finding stops the command (failOn `'error'`).
 * @example
 * const { normaliseUnits, loinc } = await checkOptions({ normaliseUnits: true }); // loinc: $CISIS_BIO_LOINC?
 */
export async function checkOptions(flags: CheckFlags, received = false): Promise<CheckOptions> {
  const { resolveLoincDir } = await import('../loinc/index.js');
  const off = flags.loinc === false || flags.loinc === '';
  const dir = off ? undefined : resolveLoincDir(flags.loinc || undefined);
  return {
    ...(flags.normaliseUnits ? { normaliseUnits: true as const } : {}),
    ...(dir !== undefined ? { loinc: { table: dir, failOn: received ? 'never' : 'error' } } : {}),
  };
}

/**
 * The exit for an unreadable LOINC table — thrown by `prepareReport`, or the cause of `createReport`'s failure at
 * step `loinc` — a usage/I-O error (2); `undefined` for any other error.
 * @example
 * catch (e) { throw (await loincTableExit(e)) ?? e; }
 */
export async function loincTableExit(e: unknown): Promise<CliExit | undefined> {
  const { LoincTableError } = await import('../loinc/index.js');
  const cause = e instanceof Error ? e.cause : undefined;
  const table = e instanceof LoincTableError ? e : cause instanceof LoincTableError ? cause : undefined;
  return table ? new CliExit(EXIT.USAGE, describeError(table)) : undefined;
}

/**
 * Each unit rewrite and LOINC finding on stderr, then the LOINC count; with `failOn` `'error'` (the default), throws
 * exit 1 ("nothing written") when the verdict has an error-level finding, so the caller writes nothing. With
 * `'never'` (a received document) every finding is printed as a warning and nothing is thrown.
 * @example
 * printChecks(prepared); // cisis-bio: unit: sections[0]….value.unit: G/L → 10*9/L
 */
export function printChecks(
  checks: { unitRewrites?: UnitRewrite[]; loinc?: ReportLoincCheck },
  failOn: CheckFailOn = 'error',
): void {
  for (const r of checks.unitRewrites ?? [])
    process.stderr.write(`cisis-bio: unit: ${r.path}: ${r.from} → ${r.to}\n`);
  const check = checks.loinc;
  if (!check) return;
  for (const f of check.findings) {
    const severity = failOn === 'never' ? 'warning' : f.severity;
    process.stderr.write(`cisis-bio: ${severity}: ${f.rule} ${f.path}: ${f.message}\n`);
  }
  const { errors, warnings } = check.counts;
  const received = failOn === 'never' && errors > 0 ? ": the received document's, printed as warnings" : '';
  process.stderr.write(
    `cisis-bio: LOINC: ${errors} errors, ${warnings} warnings (${check.table.terms} terms, ${check.table.source})${received}\n`,
  );
  if (!check.valid && failOn === 'error')
    throw new CliExit(EXIT.INVALID, `${errors} LOINC error(s): nothing written`);
}
