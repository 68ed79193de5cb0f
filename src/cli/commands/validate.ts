import { type Command, InvalidArgumentError, Option } from 'commander';
import { CisisBioError } from '../../common/errors.js';
import type { BatchInput } from '../../validate/batch.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../../validate/formats/names.js';
import type { ValidateOptions } from '../../validate/pipeline.js';
import { VERSION } from '../../version.js';
import { CliExit, describeError, EXIT } from '../util.js';

interface ValidateFlags {
  kit?: string;
  schematron?: string;
  phase?: string;
  volet: string;
  listVolets?: boolean;
  xsd: boolean;
  cache: boolean;
  jobs: number;
  timeoutMs?: number;
  format: OutputFormat;
}

/** commander parser of a positive integer option. */
function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

/** `cisis-bio validate`: the CDA XSD and the ANS schematrons (or the embedded rules) on CDA documents. */
export function register(program: Command): void {
  program
    .command('validate')
    .description(
      "validate CDA documents: XSD + the document's CI-SIS volet + the four common ANS profiles of a kit (--kit or CISIS_BIO_KIT), else the embedded cisis-bio rules.\n" +
        'FILE may be a folder (every *.xml below it) or - (standard input).\n' +
        'Exit 0 when every document conforms, 1 when one does not, 2 on usage, I/O or malformed XML.',
    )
    .argument('[files...]', 'CDA documents, folders of documents, or - for standard input')
    .option('--kit <dir>', 'ANS TestContenuCDA folder (default: env CISIS_BIO_KIT)')
    .option(
      '--volet <name>',
      'volet schematron judging every document (e.g. CI-SIS_BIO-CR-BIO_2023.01), or auto',
      'auto',
    )
    .option('--list-volets', "list the kit's volets and the templateIds that select each, then exit")
    .option('--schematron <file>', 'run this schematron instead of the kit profiles')
    .option('--phase <phase>', 'schematron phase to run (a phase id, #ALL or #DEFAULT)')
    .option('--no-xsd', 'skip the XSD step')
    .option(
      '--jobs <n>',
      'spread the documents over N threads (this one and N-1 workers; pays on long batches, see docs/validate.md)',
      positiveInt('--jobs'),
      1,
    )
    .option(
      '--timeout-ms <ms>',
      'time budget of each schematron on one document; past it, that profile is an engine error',
      positiveInt('--timeout-ms'),
    )
    .option('--no-cache', 'do not read or write the compiled-schematron disk cache')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .action(async (files: string[], flags: ValidateFlags) => {
      process.exitCode = flags.listVolets ? await listVolets(flags) : await runValidate(files, flags);
    });
}

async function listVolets(flags: ValidateFlags): Promise<number> {
  const kit = flags.kit ?? process.env.CISIS_BIO_KIT;
  if (!kit) throw new CliExit(EXIT.USAGE, '--list-volets needs a kit (--kit or CISIS_BIO_KIT)');
  const { resolveRules } = await import('../../validate/rules.js');
  let volets: NonNullable<ReturnType<typeof resolveRules>['volets']>;
  try {
    volets = resolveRules({ kit, xsd: false }).volets ?? [];
  } catch (e) {
    throw new CliExit(EXIT.USAGE, describeError(e));
  }
  if (flags.format === 'json') {
    process.stdout.write(
      `${JSON.stringify(
        volets.map(({ name, family, version, templateIds, codes }) => ({
          name,
          family,
          version,
          templateIds,
          codes,
        })),
        null,
        2,
      )}\n`,
    );
    return EXIT.OK;
  }
  const width = Math.max(...volets.map((v) => v.name.length), 10);
  for (const v of volets) {
    const sel = [...v.templateIds.map((t) => `templateId ${t}`), ...v.codes.map((c) => `code ${c}`)];
    process.stdout.write(`${v.name.padEnd(width)}  ${sel.join(', ') || '(selected only with --volet)'}\n`);
  }
  process.stdout.write(
    `${volets.length} volets. A document is judged by the volet of its templateId's extension version; without one (or one the kit lacks), by the newest of its family.\n`,
  );
  return EXIT.OK;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function runValidate(args: string[], flags: ValidateFlags): Promise<number> {
  if (args.length === 0) throw new CliExit(EXIT.USAGE, "missing argument 'files'");
  const options: ValidateOptions = {
    ...(flags.kit !== undefined ? { kit: flags.kit } : {}),
    ...(flags.schematron !== undefined ? { schematron: flags.schematron } : {}),
    ...(flags.phase !== undefined ? { phase: flags.phase } : {}),
    ...(flags.volet !== 'auto' ? { volet: flags.volet } : {}),
    ...(flags.timeoutMs !== undefined ? { timeoutMs: flags.timeoutMs } : {}),
    xsd: flags.xsd,
    cache: flags.cache,
    svrl: flags.format === 'svrl',
  };
  // Loaded on use: the other commands do not pay for the XPath engine and libxml2 at start-up.
  const { expandInputs, validateFiles } = await import('../../validate/batch.js');
  const { loadFormatter } = await import('../../validate/formats/load.js');
  const render = await loadFormatter(flags.format);
  const inputs: BatchInput[] = [];
  for (const a of args) {
    if (a === '-') inputs.push({ file: '<stdin>', bytes: await readStdin() });
    else inputs.push(...expandInputs([a]));
  }
  if (inputs.length === 0) throw new CliExit(EXIT.USAGE, `no *.xml document in ${args.join(', ')}`);
  // Progress only for a person watching: never on a pipe or a CI log, never on stdout.
  const progress =
    process.stderr.isTTY && inputs.length > 1
      ? (done: number, total: number) =>
          process.stderr.write(`\r${done}/${total} documents${done === total ? '\n' : ''}`)
      : undefined;
  let batch: Awaited<ReturnType<typeof validateFiles>>;
  try {
    batch = await validateFiles(inputs, options, flags.jobs, progress);
  } catch (e) {
    // Rules that cannot be found or loaded stop everything: a usage / I-O error.
    if (e instanceof CisisBioError) throw new CliExit(EXIT.USAGE, describeError(e));
    throw e;
  }
  const phaseError = unknownPhase(batch.documents);
  if (phaseError) throw new CliExit(EXIT.USAGE, phaseError);
  process.stdout.write(render({ tool: 'cisis-bio', version: VERSION, ...batch }));
  if (flags.format !== 'text') {
    for (const f of batch.failures) {
      const at = f.line ? `:${f.line}${f.column ? `:${f.column}` : ''}` : '';
      process.stderr.write(`cisis-bio: ${f.file}${at}: ${f.code}: ${f.message}\n`);
    }
    if (batch.documents.some((d) => d.rules === 'embedded')) {
      process.stderr.write(
        'cisis-bio: no ANS kit given (--kit or CISIS_BIO_KIT): embedded cisis-bio rules only, no XSD\n',
      );
    }
  }
  if (batch.failures.length) return EXIT.USAGE;
  return batch.documents.every((d) => d.valid) ? EXIT.OK : EXIT.INVALID;
}

/** `--phase` naming a phase that no schematron of the run defines is a usage error, not a verdict. */
function unknownPhase(
  documents: Awaited<ReturnType<typeof import('../../validate/batch.js').validateFiles>>['documents'],
): string | undefined {
  const first = documents[0];
  if (!first) return undefined;
  const results = Object.values(first.profiles);
  const unknown = results.filter((p) => 'error' in p && p.error.startsWith('SCH_PHASE_UNKNOWN'));
  return results.length > 0 && unknown.length === results.length && 'error' in unknown[0]!
    ? unknown[0].error
    : undefined;
}
