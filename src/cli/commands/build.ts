import { type Command, Option } from 'commander';
import { CisisBioError } from '../../common/errors.js';
import { writeFileAtomic } from '../../common/fs.js';
import type { CrBioReport } from '../../model/index.js';
import { CliExit, describeError, EXIT, readInput, readJson } from '../util.js';

interface BuildFlags {
  level?: string;
  pdf?: string;
  out: string;
  kit?: string;
}

/**
 * `cisis-bio build MODEL.json [--level 3|1] [--pdf FILE] --out DOC.xml`: write the CR-BIO CDA of a JSON report
 * model. The PDF copy comes from `--pdf`, else the model (`pdf.data`), else it is rendered from the model.
 * Exit 0 written, 1 invalid model (every problem listed on stderr), 2 usage or I/O. The output is written
 * atomically: on any failure no file appears.
 */
export function register(program: Command): void {
  program
    .command('build')
    .description('build a CR-BIO CDA R2 (level 3 with its PDF copy, or level 1) from a JSON report model')
    .argument('<model.json>', 'the report model (JSON, see docs/build.md)')
    .requiredOption('--out <doc.xml>', 'where to write the CDA document (atomically)')
    .addOption(
      new Option(
        '--level <level>',
        'CDA level: 3 (structured) or 1 (PDF in nonXMLBody); default: the model level',
      ).choices(['3', '1']),
    )
    .option('--pdf <file>', 'PDF bytes to embed (default: the model pdf, else rendered from the model)')
    .option('--kit <dir>', 'ANS kit folder: check coded values against its value sets')
    .action(async (file: string, flags: BuildFlags) => {
      await runBuild(file, flags);
    });
}

async function runBuild(file: string, flags: BuildFlags): Promise<void> {
  const { validateReport } = await import('../../model/index.js');
  const { buildCrBio, buildCrBioN1 } = await import('../../cda/index.js');
  const { renderReportPdf } = await import('../../pdf/index.js');
  const json = await readJson(file);
  let report: CrBioReport;
  try {
    report = validateReport(json);
  } catch (e) {
    throw new CliExit(EXIT.INVALID, describeError(e));
  }
  const level = flags.level ? (Number(flags.level) as 1 | 3) : report.level;
  let pdf: Uint8Array | undefined = flags.pdf ? new Uint8Array(await readInput(flags.pdf)) : undefined;
  if (!pdf && report.pdf) pdf = new Uint8Array(Buffer.from(report.pdf.data, 'base64'));
  try {
    if (!pdf) pdf = await renderReportPdf({ ...report, level });
    const opts = { pdf, ...(flags.kit ? { kit: flags.kit } : {}) };
    const built =
      level === 1
        ? buildCrBioN1({ ...report, level: 1 }, pdf, opts)
        : buildCrBio({ ...report, level: 3 }, opts);
    await writeFileAtomic(flags.out, built.bytes);
    process.stderr.write(
      `cisis-bio: wrote ${flags.out} (CR-BIO level ${level}, ${built.bytes.byteLength} bytes)\n`,
    );
  } catch (e) {
    if (e instanceof CisisBioError) throw new CliExit(EXIT.INVALID, describeError(e));
    throw e;
  }
}
