import { join } from 'node:path';
import type { Command } from 'commander';
import { writeFilesAtomic } from '../../common/fs.js';
import type { CrBioReport } from '../../model/index.js';
import type { DocumentValidation } from '../../validate/index.js';
import { CliExit, describeError, EXIT } from '../util.js';

interface ExampleFlags {
  out: string;
  kit?: string;
  validate: boolean;
}

/** Fixed clock of the bundled examples, so `cisis-bio example` writes the same bytes every time. */
const EXAMPLE_CLOCK = () => new Date('2024-01-04T16:10:00Z');

/**
 * `cisis-bio example --out DIR`: write every bundled scenario as `DIR/<name>.json` (the model, PDF included) and
 * `DIR/<name>.xml` (the CDA), then validate each document (the ANS kit of `--kit`/`CISIS_BIO_KIT`, else the
 * embedded rules) and print a summary. Exit 1 when a document does not validate.
 */
export function register(program: Command): void {
  program
    .command('example')
    .description('write the bundled CR-BIO scenarios (JSON model + CDA) to a folder and validate them')
    .requiredOption('--out <dir>', 'folder to write <scenario>.json and <scenario>.xml into')
    .option(
      '--kit <dir>',
      'ANS kit folder for validation (default: env CISIS_BIO_KIT, else the embedded rules)',
    )
    .option('--no-validate', 'only write the files')
    .action(async (flags: ExampleFlags) => {
      process.exitCode = await runExample(flags);
    });
}

async function runExample(flags: ExampleFlags): Promise<number> {
  const { buildReport, SCENARIOS, seededIds } = await import('../../cda/index.js');
  const { renderReportPdf } = await import('../../pdf/index.js');
  const { validate } = await import('../../validate/index.js');
  const files: Array<{ path: string; data: string | Uint8Array }> = [];
  const written: Array<{ name: string; level: 1 | 3; xml: Uint8Array; path: string }> = [];
  for (const s of SCENARIOS) {
    const model: CrBioReport = s.model();
    try {
      const pdf = await renderReportPdf(model, { clock: EXAMPLE_CLOCK });
      // The PDF copy and its ids go into the model, so the JSON alone determines the document's bytes.
      const ids = seededIds(s.name);
      const withPdf: CrBioReport = {
        ...model,
        pdf: {
          ...(model.pdf ?? {}),
          sectionIds: [{ root: ids() }],
          ids: [{ root: ids() }],
          typeObservationIds: [{ root: ids() }],
          mediaType: 'application/pdf',
          data: Buffer.from(pdf).toString('base64'),
        },
      };
      const built = buildReport(withPdf, { clock: EXAMPLE_CLOCK, idGenerator: ids });
      const xmlPath = join(flags.out, `${s.name}.xml`);
      files.push({ path: join(flags.out, `${s.name}.json`), data: `${JSON.stringify(withPdf, null, 2)}\n` });
      files.push({ path: xmlPath, data: built.bytes });
      written.push({ name: s.name, level: s.level, xml: built.bytes, path: xmlPath });
    } catch (e) {
      throw new CliExit(EXIT.INVALID, `scenario ${s.name}: ${describeError(e)}`);
    }
  }
  await writeFilesAtomic(files);
  process.stdout.write(`wrote ${files.length} files (${SCENARIOS.length} scenarios) to ${flags.out}\n`);
  if (!flags.validate) return EXIT.OK;
  let failures = 0;
  for (const w of written) {
    let v: DocumentValidation;
    try {
      v = await validate(w.xml, { ...(flags.kit ? { kit: flags.kit } : {}), fileName: w.path });
    } catch (e) {
      throw new CliExit(EXIT.USAGE, `validation could not run: ${describeError(e)}`);
    }
    if (!v.valid) failures++;
    const profiles = Object.entries(v.profiles)
      .map(
        ([name, r]) =>
          `${name}:${'error' in r ? 'ERROR' : r.findings.length === 0 ? 'ok' : `${r.findings.length}`}`,
      )
      .join(' ');
    const xsd = v.xsd ? ` xsd:${v.xsd.valid ? 'ok' : 'FAIL'}` : '';
    process.stdout.write(
      `${v.valid ? 'ok  ' : 'FAIL'} ${w.name}.xml (level ${v.level}, rules: ${v.rules})${xsd} ${profiles}\n`,
    );
    if (!v.valid) {
      for (const [name, r] of Object.entries(v.profiles)) {
        if ('error' in r) process.stdout.write(`       ${name}: ${r.error}\n`);
        else
          for (const f of r.findings.slice(0, 5))
            process.stdout.write(`       ${name}: ${JSON.stringify(f).slice(0, 300)}\n`);
      }
    }
  }
  process.stdout.write(`${written.length - failures}/${written.length} documents valid\n`);
  return failures === 0 ? EXIT.OK : EXIT.INVALID;
}
