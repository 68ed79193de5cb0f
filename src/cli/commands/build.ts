import { type Command, Option } from 'commander';
import type { CrBioReport } from '../../model/index.js';
import * as loincChecks from '../loinc-checks.js';
import { CliExit, describeError, EXIT, exitCodeFor, readInput, readJson } from '../util.js';

interface BuildFlags {
  level?: string;
  pdf?: string;
  out: string;
  kit?: string;
  upgrade?: boolean;
  organismCodes?: string;
  practiceSetting?: string;
  loinc?: string | false;
  normaliseUnits?: boolean;
}

/**
 * `cisis-bio build MODEL.json [--level 3|1] [--pdf FILE] --out DOC.xml`: write the CR-BIO CDA of a JSON report
 * model. The PDF copy comes from `--pdf` (checked: `%PDF-` and parseable), else the model (`pdf.data`), else it is
 * rendered from the model. `cisis-bio build OLD.xml --upgrade --out NEW.xml` rebuilds a received 2021.01–2023.01
 * document (or a model parsed from one) as 2024.01: NCBI organisms recoded in SNOMED CT (`--organism-codes FILE`
 * overrides the shipped mapping), the producer's bad identifier keys reported as warnings.
 * `--normalise-units` rewrites French units to UCUM (`G/L` → `10*9/L`, each rewrite on stderr); `--loinc DIR` (default
 * `$CISIS_BIO_LOINC`; `--no-loinc` or `--loinc ''` for none) checks the LOINC codes against the release (findings on
 * stderr). With `--upgrade` the LOINC findings are the producer's: printed as warnings, the document written.
 * Exit 0 written, 1 invalid model or an error-level LOINC finding (every problem listed on stderr), 2 usage or I/O
 * (a LOINC folder without a readable `LoincTable/Loinc.csv`). The output is written atomically: on any failure no
 * file appears.
 */
export function register(program: Command): void {
  const command = program
    .command('build')
    .description('build a CR-BIO CDA R2 (level 3 with its PDF copy, or level 1) from a JSON report model')
    .argument(
      '<input>',
      'the report model (JSON, see docs/build.md); with --upgrade, a CR-BIO CDA (XML) or a model',
    )
    .requiredOption('--out <doc.xml>', 'where to write the CDA document (atomically)')
    .addOption(
      new Option(
        '--level <level>',
        'CDA level: 3 (structured) or 1 (PDF in nonXMLBody); default: the model level',
      ).choices(['3', '1']),
    )
    .option('--pdf <file>', 'PDF bytes to embed (default: the model pdf, else rendered from the model)')
    .option('--kit <dir>', 'ANS kit folder: check coded values against its value sets')
    .option(
      '--upgrade',
      'rebuild a received (older) document as 2024.01: identifier keys and LOINC findings warned, organisms mapped',
    )
    .option(
      '--organism-codes <file>',
      'with --upgrade: JSON NCBI id → { code, displayName } SNOMED CT mapping',
    )
    .addOption(
      new Option(
        '--practice-setting <code>',
        'with --upgrade: practice setting (JDV_J04) of performing labs that have none (2024.01 requires it)',
      ).choices(['AMBULATOIRE', 'ETABLISSEMENT', 'DEPISTAGE', 'HAD', 'ESSMS']),
    );
  loincChecks
    .addCheckOptions(
      command,
      '0 written; 1 invalid model or an error-level LOINC finding (nothing written; with --upgrade,\n' +
        "LOINC findings are the producer's: warnings, the document written); 2 usage or I/O (unreadable\n" +
        'input, a --loinc folder without a readable LoincTable/Loinc.csv).',
    )
    .action(async (file: string, flags: BuildFlags) => {
      await runBuild(file, flags);
    });
}

async function readModel(file: string, flags: BuildFlags): Promise<CrBioReport> {
  const { validateReport } = await import('../../model/index.js');
  if (!flags.upgrade) {
    if (flags.organismCodes || flags.practiceSetting)
      throw new CliExit(EXIT.USAGE, '--organism-codes and --practice-setting go with --upgrade');
    return validateReport(await readJson(file));
  }
  const { parseCrBio, upgradeReport, parseOrganismCodes, PRACTICE_SETTINGS } = await import(
    '../../cda/index.js'
  );
  const bytes = await readInput(file);
  const text = bytes
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  let report: CrBioReport;
  if (text.startsWith('<')) {
    const parsed = parseCrBio(bytes, { fileName: file });
    for (const w of parsed.warnings.filter(
      (x) => x.code.startsWith('IDENTIFIER_') || x.code === 'TS_IMPOSSIBLE',
    ))
      process.stderr.write(`cisis-bio: warning: ${w.code} ${w.message}\n`);
    report = parsed.report;
  } else report = validateReport(await readJson(file));
  const map = flags.organismCodes
    ? parseOrganismCodes((await readInput(flags.organismCodes)).toString('utf8'), flags.organismCodes)
    : undefined;
  const setting = flags.practiceSetting;
  return upgradeReport(report, {
    ...(map ? { organismCodes: map } : {}),
    ...(setting
      ? {
          practiceSetting: {
            code: setting,
            displayName: PRACTICE_SETTINGS[setting] ?? setting,
            codeSystem: '1.2.250.1.213.1.1.4.9',
          },
        }
      : {}),
  });
}

/**
 * `--normalise-units` and `--loinc`: the model to build; each rewrite and finding on stderr; exit 1 on a LOINC error
 * (a warning with `--upgrade`).
 */
async function checkedModel(report: CrBioReport, flags: BuildFlags): Promise<CrBioReport> {
  const options = await loincChecks.checkOptions(flags, flags.upgrade === true);
  if (!options.normaliseUnits && options.loinc === undefined) return report;
  // The compose module's inner file: its index would load the signing, sealing and validation code too.
  const { prepareReport } = await import('../../compose/checks.js');
  let prepared: ReturnType<typeof prepareReport>;
  try {
    prepared = prepareReport(report, options);
  } catch (e) {
    throw (await loincChecks.loincTableExit(e)) ?? e;
  }
  loincChecks.printChecks(prepared, options.loinc?.failOn);
  return prepared.report;
}

async function readPdf(path: string): Promise<Uint8Array> {
  const { checkPdfBytes } = await import('../../pdf/index.js');
  const pdf = new Uint8Array(await readInput(path));
  try {
    await checkPdfBytes(pdf, path); // %PDF- and parseable: /etc/passwd or an empty file is refused
  } catch (e) {
    throw new CliExit(EXIT.USAGE, describeError(e)); // an unusable input file, like an unreadable one
  }
  return pdf;
}

async function runBuild(file: string, flags: BuildFlags): Promise<void> {
  const { CisisBioError } = await import('../../common/errors.js');
  const { writeFileAtomic } = await import('../../common/fs.js');
  const { buildCrBio, buildCrBioN1 } = await import('../../cda/index.js');
  const { renderReportPdf } = await import('../../pdf/index.js');
  try {
    const report = await checkedModel(await readModel(file, flags), flags);
    const level = flags.level ? (Number(flags.level) as 1 | 3) : report.level;
    let pdf: Uint8Array | undefined = flags.pdf ? await readPdf(flags.pdf) : undefined;
    if (!pdf && report.pdf) pdf = new Uint8Array(Buffer.from(report.pdf.data, 'base64'));
    if (!pdf) pdf = await renderReportPdf({ ...report, level });
    const opts = {
      pdf,
      ...(flags.kit ? { kit: flags.kit } : {}),
      ...(flags.upgrade ? { received: true } : {}),
    };
    const built =
      level === 1
        ? buildCrBioN1({ ...report, level: 1 }, pdf, opts)
        : buildCrBio({ ...report, level: 3 }, opts);
    for (const w of built.warnings ?? [])
      process.stderr.write(`cisis-bio: warning: ${w.where}: ${w.message}\n`);
    await writeFileAtomic(flags.out, built.bytes);
    process.stderr.write(
      `cisis-bio: wrote ${flags.out} (CR-BIO level ${level}${flags.upgrade ? ', 2024.01' : ''}, ${built.bytes.byteLength} bytes)\n`,
    );
  } catch (e) {
    if (e instanceof CliExit) throw e;
    if (e instanceof CisisBioError) throw new CliExit(exitCodeFor(e), describeError(e));
    throw e;
  }
}
