import { type Command, Option } from 'commander';
import { CisisBioError } from '../../common/errors.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../../validate/formats/names.js';
import type { ValidateOptions } from '../../validate/pipeline.js';
import { VERSION } from '../../version.js';
import { CliExit, describeError, EXIT } from '../util.js';

interface ValidateFlags {
  kit?: string;
  schematron?: string;
  phase?: string;
  xsd: boolean;
  cache: boolean;
  jobs: string;
  format: OutputFormat;
}

/** `cisis-bio validate`: the CDA XSD and the ANS schematrons (or the embedded rules) on CDA documents. */
export function register(program: Command): void {
  program
    .command('validate')
    .description(
      'validate CDA documents: XSD + the ANS CR-BIO schematrons of a kit (--kit or CISIS_BIO_KIT), else the embedded cisis-bio rules.\n' +
        'Exit 0 when every document conforms, 1 when one does not, 2 on usage, I/O or malformed XML.',
    )
    .argument('<files...>', 'CDA documents to validate')
    .option('--kit <dir>', 'ANS TestContenuCDA folder (default: env CISIS_BIO_KIT)')
    .option('--schematron <file>', 'run this schematron instead of the kit profiles')
    .option('--phase <phase>', 'schematron phase to run (a phase id, #ALL or #DEFAULT)')
    .option('--no-xsd', 'skip the XSD step')
    .option('--jobs <n>', 'spread the documents over N worker threads', '1')
    .option('--no-cache', 'do not read or write the compiled-schematron disk cache')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .action(async (files: string[], flags: ValidateFlags) => {
      process.exitCode = await runValidate(files, flags);
    });
}

async function runValidate(files: string[], flags: ValidateFlags): Promise<number> {
  const jobs = Number(flags.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new CliExit(EXIT.USAGE, `--jobs must be a positive integer (got ${flags.jobs})`);
  const options: ValidateOptions = {
    ...(flags.kit !== undefined ? { kit: flags.kit } : {}),
    ...(flags.schematron !== undefined ? { schematron: flags.schematron } : {}),
    ...(flags.phase !== undefined ? { phase: flags.phase } : {}),
    xsd: flags.xsd,
    cache: flags.cache,
    svrl: flags.format === 'svrl',
  };
  // Loaded on use: the other commands do not pay for the XPath engine and libxml2 at start-up.
  const { validateFiles } = await import('../../validate/batch.js');
  const { loadFormatter } = await import('../../validate/formats/load.js');
  const render = await loadFormatter(flags.format);
  let batch: Awaited<ReturnType<typeof validateFiles>>;
  try {
    batch = await validateFiles(files, options, jobs);
  } catch (e) {
    // Rules that cannot be found or loaded stop everything: a usage / I-O error.
    if (e instanceof CisisBioError) throw new CliExit(EXIT.USAGE, describeError(e));
    throw e;
  }
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
