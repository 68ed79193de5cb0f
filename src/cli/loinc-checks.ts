/**
 * The opt-in checks of issue 17 as `cisis-bio build` and `cisis-bio report` run them: the flags `--normalise-units`
 * and `--loinc DIR` (default `$CISIS_BIO_LOINC`), the options they ask for, what is printed on stderr, and the exit
 * codes (1 on an error-level LOINC finding, 2 for a folder without `LoincTable/Loinc.csv`). A small helper the
 * command files import at load time: the LOINC module is imported inside the functions, when a command runs.
 * @module
 */
import { type Command, Option } from 'commander';
import type { ReportLoincCheck } from '../compose/index.js';
import type { UnitRewrite } from '../model/index.js';
import { CliExit, describeError, EXIT } from './util.js';

/** The flags of the checks, as commander gives them. */
export interface CheckFlags {
  loinc?: string;
  normaliseUnits?: boolean;
}

/**
 * `--loinc <dir>` (a new Option for each command).
 * @example
 * program.command('build').addOption(loincOption()).addOption(normaliseUnitsOption());
 */
export function loincOption(): Option {
  return new Option(
    '--loinc <dir>',
    'LOINC release folder (LoincTable/Loinc.csv): check the codes, exit 1 on an error (default: $CISIS_BIO_LOINC)',
  );
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
 * `--loinc <dir>` and `--normalise-units` on a command, and its exit codes at the end of its help.
 * @example
 * addCheckOptions(program.command('build'), '0 written; 1 invalid model or an error-level LOINC finding; 2 …');
 */
export function addCheckOptions(command: Command, exitCodes: string): Command {
  return command
    .addOption(loincOption())
    .addOption(normaliseUnitsOption())
    .addHelpText('after', `\nExit codes: ${exitCodes}`);
}

/**
 * The `normaliseUnits` and `loinc` (folder) options the flags ask for; `{}` when neither `--normalise-units`,
 * `--loinc` nor `$CISIS_BIO_LOINC` is given (no table is read then).
 * @example
 * const { normaliseUnits, loinc } = await checkOptions({ normaliseUnits: true }); // loinc: $CISIS_BIO_LOINC?
 */
export async function checkOptions(flags: CheckFlags): Promise<{ normaliseUnits?: true; loinc?: string }> {
  const { resolveLoincDir } = await import('../loinc/index.js');
  const dir = resolveLoincDir(flags.loinc);
  return {
    ...(flags.normaliseUnits ? { normaliseUnits: true as const } : {}),
    ...(dir !== undefined ? { loinc: dir } : {}),
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
 * Each unit rewrite and LOINC finding on stderr, then the LOINC count; throws exit 1 ("nothing written") when the
 * verdict has an error-level finding, so the caller writes nothing.
 * @example
 * printChecks(prepared); // cisis-bio: unit: sections[0]….value.unit: G/L → 10*9/L
 */
export function printChecks(checks: { unitRewrites?: UnitRewrite[]; loinc?: ReportLoincCheck }): void {
  for (const r of checks.unitRewrites ?? [])
    process.stderr.write(`cisis-bio: unit: ${r.path}: ${r.from} → ${r.to}\n`);
  const check = checks.loinc;
  if (!check) return;
  for (const f of check.findings)
    process.stderr.write(`cisis-bio: ${f.severity}: ${f.rule} ${f.path}: ${f.message}\n`);
  const { errors, warnings } = check.counts;
  process.stderr.write(
    `cisis-bio: LOINC: ${errors} errors, ${warnings} warnings (${check.table.terms} terms, ${check.table.source})\n`,
  );
  if (!check.valid) throw new CliExit(EXIT.INVALID, `${errors} LOINC error(s): nothing written`);
}
