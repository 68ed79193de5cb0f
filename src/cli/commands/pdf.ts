import type { Command } from 'commander';
import { parseCrBio } from '../../cda/index.js';
import { writeFileAtomic } from '../../common/fs.js';
import type { CrBioReport } from '../../model/index.js';
import { renderReportPdf } from '../../pdf/index.js';
import { CliExit, EXIT, readInput } from '../util.js';

/** A CDA document starts (after an optional BOM, XML declaration or comments) with `<`; a model is JSON. */
function looksLikeXml(buf: Buffer): boolean {
  const head = buf
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return head.startsWith('<');
}

/**
 * `cisis-bio pdf (MODEL.json|DOC.xml) --out REPORT.pdf`: renders the PDF/A-1b copy of a report, from a model
 * (JSON) or from a CR-BIO CDA document (parsed first). Exit 0 written, 1 invalid input, 2 usage or I/O error.
 */
export function register(program: Command): void {
  program
    .command('pdf')
    .description('render the PDF/A-1b copy of a report (with the INS Datamatrix for a qualified identity)')
    .argument('<input>', 'report model (JSON) or CR-BIO CDA document (XML)')
    .requiredOption('-o, --out <file>', 'PDF file to write (atomically: never half-written)')
    .option(
      '--date <iso>',
      'creation date written in the PDF metadata (ISO 8601; default now): reproducible output',
    )
    .action(async (input: string, opts: { out: string; date?: string }) => {
      let clock: (() => Date) | undefined;
      if (opts.date !== undefined) {
        const d = new Date(opts.date);
        if (Number.isNaN(d.getTime()))
          throw new CliExit(EXIT.USAGE, `--date: not an ISO 8601 date: ${opts.date}`);
        clock = () => d;
      }
      const buf = await readInput(input);
      let report: CrBioReport;
      if (looksLikeXml(buf)) {
        report = parseCrBio(buf, { fileName: input }).report; // CdaParseError → exit 1
      } else {
        try {
          report = JSON.parse(buf.toString('utf8')) as CrBioReport; // validated by renderReportPdf
        } catch (e) {
          throw new CliExit(EXIT.USAGE, `${input} is neither XML nor valid JSON: ${(e as Error).message}`);
        }
      }
      const pdf = await renderReportPdf(report, clock ? { clock } : {});
      try {
        await writeFileAtomic(opts.out, pdf);
      } catch (e) {
        throw new CliExit(
          EXIT.USAGE,
          `cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
      process.stderr.write(`cisis-bio: wrote ${opts.out} (${pdf.length} bytes, PDF/A-1b)\n`);
    });
}
