import type { Command } from 'commander';
import type { CrBioReport } from '../../model/index.js';
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

interface SealCliOptions {
  seal?: boolean;
  key?: string;
  cert?: string;
  password?: string;
  tsa?: string;
  reason?: string;
  logo?: string;
}

/** `--seal`: render with the layout record, then seal in the header next to the lab name. */
async function renderAndSeal(
  report: CrBioReport,
  o: SealCliOptions,
  clock: (() => Date) | undefined,
): Promise<Uint8Array> {
  if (!o.key)
    throw new CliExit(EXIT.USAGE, '--seal needs --key (and --cert unless the key is a PKCS#12 bundle)');
  const key = await readInput(o.key);
  const cert = o.cert ? await readInput(o.cert) : undefined;
  const logo = o.logo ? await readInput(o.logo) : undefined;
  const { renderReportPdfDetailed } = await import('../../pdf/index.js');
  const { sealPdf } = await import('../../seal/index.js');
  const r = await renderReportPdfDetailed(report, clock ? { clock } : {});
  return sealPdf(r.pdf, {
    key,
    ...(cert ? { cert } : {}),
    ...(o.password !== undefined ? { password: o.password } : {}),
    ...(o.tsa ? { timestamp: o.tsa } : {}),
    ...(o.reason ? { reason: o.reason } : {}),
    ...(clock ? { clock } : {}),
    appearance: {
      layout: r.layout,
      ...(r.datamatrix ? { datamatrix: r.datamatrix } : {}),
      ...(logo ? { logo } : {}),
    },
  });
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
    .option('--seal', "seal the PDF with the organisation's certificate (PAdES, visible seal in the header)")
    .option('--key <file>', 'with --seal: PEM private key or PKCS#12 bundle')
    .option('--cert <file>', 'with --seal: PEM/DER certificate(s), signer first')
    .option('--password <password>', 'with --seal: password of the key or PKCS#12 bundle')
    .option('--tsa <url>', 'with --seal: RFC 3161 time-stamping authority URL (PAdES B-T)')
    .option('--reason <text>', 'with --seal: reason shown on the seal and in /Reason')
    .option('--logo <file>', 'with --seal: logo (JPEG, or PNG without alpha) drawn in the seal')
    .action(async (input: string, opts: { out: string; date?: string } & SealCliOptions) => {
      let clock: (() => Date) | undefined;
      if (opts.date !== undefined) {
        const d = new Date(opts.date);
        if (Number.isNaN(d.getTime()))
          throw new CliExit(EXIT.USAGE, `--date: not an ISO 8601 date: ${opts.date}`);
        clock = () => d;
      }
      const { parseCrBio } = await import('../../cda/index.js');
      const { renderReportPdfDetailed } = await import('../../pdf/index.js');
      const { writeFileAtomic } = await import('../../common/fs.js');
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
      let pdf: Uint8Array;
      if (opts.seal) pdf = await renderAndSeal(report, opts, clock);
      else {
        const rendered = await renderReportPdfDetailed(report, clock ? { clock } : {});
        for (const w of rendered.warnings) process.stderr.write(`cisis-bio: warning: ${w}\n`);
        pdf = rendered.pdf;
      }
      try {
        await writeFileAtomic(opts.out, pdf);
      } catch (e) {
        throw new CliExit(
          EXIT.USAGE,
          `cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
      process.stderr.write(
        `cisis-bio: wrote ${opts.out} (${pdf.length} bytes, PDF/A-1b${opts.seal ? ', sealed (PAdES)' : ''})\n`,
      );
    });
}
