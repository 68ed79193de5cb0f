import { join } from 'node:path';
import { type Command, Option } from 'commander';
import type { CreateReportOptions } from '../../compose/index.js';
import * as loincChecks from '../loinc-checks.js';
import { CliExit, describeError, EXIT, readInput, readJson } from '../util.js';

interface ReportFlags {
  out: string;
  sign?: boolean;
  key?: string;
  cert?: string;
  password?: string;
  profile: 'dsg' | 'dmp-legacy';
  submissionSet?: string;
  kit?: string;
  validate?: boolean;
  failOnInvalid?: boolean;
  loinc?: string | false;
  normaliseUnits?: boolean;
}

/**
 * `cisis-bio report MODEL.json --out DIR [--sign --key K --cert C [--password P] [--profile dsg|dmp-legacy]]
 * [--kit DIR] [--fail-on-invalid] [--normalise-units] [--loinc DIR | --no-loinc]`: write `DIR/<id>.n3.xml`, `DIR/<id>.n1.xml`,
 * `DIR/<id>.pdf` and (signed) `DIR/<id>.sig.xml` all-or-none (`publishFiles`: staged in a temporary folder inside
 * DIR, `<id>.n3.xml` appears last), and print a JSON summary on stdout. `--normalise-units` and `--loinc DIR`
 * (default `$CISIS_BIO_LOINC`; `--no-loinc` or `--loinc ''` for none) are `createReport`'s `normaliseUnits` and
 * `loinc` (failing on an error-level finding, before anything is rendered), printed on stderr as `cisis-bio build`
 * prints them, also when a step fails.
 * Exit 0 written, 1 a step failed or an error-level LOINC finding (no file written; or written but not valid
 * without `--fail-on-invalid`), 2 usage, I/O, a `--loinc` folder without a readable `LoincTable/Loinc.csv` or an output
 * name taken by a non-file (nothing written).
 */
export function register(program: Command): void {
  const command = program
    .command('report')
    .description('create the files a lab sends: CR-BIO level 3 + level 1 + PDF (+ signature), all or none')
    .argument('<model.json>', 'the report model (JSON, see docs/guide.md)')
    .requiredOption('--out <dir>', 'folder for <id>.n3.xml, <id>.n1.xml, <id>.pdf, <id>.sig.xml')
    .option('--sign', 'sign both documents (one submission-set XAdES signature)')
    .option('--key <file>', 'signing key: PEM private key or PKCS#12')
    .option('--cert <file>', 'signer certificate(s) (PEM/DER); optional with PKCS#12')
    .option('--password <p>', 'key password (better: env CISIS_BIO_KEY_PASSWORD)')
    .addOption(
      new Option('--profile <name>', 'signature profile: dsg or dmp-legacy')
        .choices(['dsg', 'dmp-legacy'])
        .default('dsg'),
    )
    .option('--submission-set <oid>', 'uniqueId of the XDS submission set named by the signature')
    .option('--kit <dir>', 'validate with the ANS kit (XSD + ANS profiles); else the embedded rules')
    .option('--no-validate', 'do not validate the documents')
    .option('--fail-on-invalid', 'write nothing and exit 1 when a document is not valid');
  loincChecks
    .addCheckOptions(
      command,
      '0 written; 1 a step failed or an error-level LOINC finding (nothing written), or written\n' +
        'but not valid (without --fail-on-invalid); 2 usage or I/O (a --loinc folder without a readable\n' +
        'LoincTable/Loinc.csv).',
    )
    .action(async (file: string, flags: ReportFlags) => {
      await runReport(file, flags);
    });
}

async function runReport(file: string, flags: ReportFlags): Promise<void> {
  if (flags.sign && !flags.key) throw new CliExit(EXIT.USAGE, '--sign needs --key');
  if (!flags.sign && (flags.key || flags.cert)) throw new CliExit(EXIT.USAGE, '--key/--cert need --sign');
  const model = await readJson(file);
  const options: CreateReportOptions = {};
  if (flags.validate !== false || flags.failOnInvalid)
    options.validate = flags.kit ? { kit: flags.kit } : true;
  if (flags.failOnInvalid) options.failOnInvalid = true;
  if (flags.sign && flags.key) {
    const password = flags.password ?? process.env.CISIS_BIO_KEY_PASSWORD;
    options.sign = {
      key: await readInput(flags.key),
      ...(flags.cert ? { cert: await readInput(flags.cert) } : {}),
      ...(password !== undefined ? { password } : {}),
      profile: flags.profile,
      ...(flags.submissionSet ? { submissionSetId: flags.submissionSet } : {}),
    };
  }
  // failOn 'error' whatever --fail-on-invalid says (as build does): on a LOINC error nothing is rendered.
  Object.assign(options, await loincChecks.checkOptions(flags));
  const { createReport, publishFiles, ReportCreationError } = await import('../../compose/index.js');
  const { CisisBioError } = await import('../../common/errors.js');
  let created: Awaited<ReturnType<typeof createReport>>;
  try {
    created = await createReport(model, options);
  } catch (e) {
    if (e instanceof ReportCreationError) {
      const exit = await loincChecks.loincTableExit(e);
      if (exit) throw exit;
      // What the checks did before the failure (rewrites, findings); a LOINC error throws: exit 1, nothing written.
      loincChecks.printChecks(e);
    }
    if (e instanceof CisisBioError) throw new CliExit(EXIT.INVALID, describeError(e));
    throw e;
  }
  loincChecks.printChecks(created); // rewrites and LOINC warnings: errors threw above
  const id = created.ids.n3;
  const files = [
    { kind: 'n3', name: `${id}.n3.xml`, data: created.n3 },
    { kind: 'n1', name: `${id}.n1.xml`, data: created.n1 },
    { kind: 'pdf', name: `${id}.pdf`, data: created.pdf },
    ...(created.signature ? [{ kind: 'signature', name: `${id}.sig.xml`, data: created.signature }] : []),
  ].map((f) => ({ ...f, path: join(flags.out, f.name) }));
  try {
    await publishFiles(flags.out, files); // the N3 first: the key file, renamed into place last
  } catch (e) {
    throw new CliExit(EXIT.USAGE, describeError(e));
  }
  const v = created.validation;
  const summary = {
    ids: created.ids,
    files: Object.fromEntries(files.map((f) => [f.kind, { path: f.path, bytes: f.data.byteLength }])),
    ...(v
      ? {
          validation: {
            valid: v.valid,
            rules: v.n3.rules,
            n3: v.n3.valid,
            n1: v.n1.valid,
          },
        }
      : {}),
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  // Written but not valid (without --fail-on-invalid): the files are kept for inspection, the exit code says it.
  if (v && !v.valid) process.exitCode = EXIT.INVALID;
}
