import type { Command } from 'commander';
import type { PdfSealVerification } from '../../seal/index.js';
import { CliExit, EXIT, readInput } from '../util.js';

interface VerifyPdfCliOptions {
  trust: string[];
  at?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function report(file: string, r: PdfSealVerification): string {
  const lines = [
    `${r.valid ? 'valid' : 'INVALID'}: ${file}${r.level ? ` (PAdES ${r.level}, ${r.subFilter})` : ''}`,
  ];
  if (r.signer) lines.push(`  signer: ${r.signer.subject}`);
  if (r.signingTime) lines.push(`  signing time (/M): ${r.signingTime.toISOString()}`);
  if (r.timestamp?.genTime)
    lines.push(`  time-stamp: ${r.timestamp.genTime.toISOString()} (${r.timestamp.tsaSubject})`);
  if (r.reason) lines.push(`  reason: ${r.reason}`);
  if (r.signatures > 1) lines.push(`  ${r.signatures} signatures; the last one was checked`);
  for (const i of r.issues) lines.push(`  ✗ ${i.code}: ${i.message}${i.where ? ` (at ${i.where})` : ''}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `cisis-bio verify-pdf FILE.pdf --trust CA.pem [--at T] [--json]`: verifies the PAdES seal of a PDF (ByteRange,
 * CMS, signing certificate, chain, time-stamp; nothing appended after it). Exit 0 valid, 1 invalid, 2 usage/I/O.
 */
export function register(program: Command): void {
  program
    .command('verify-pdf')
    .description('verify the PAdES seal of a PDF: ByteRange, CMS signature, certificate chain, time-stamp')
    .argument('<pdf>', 'the sealed PDF')
    .requiredOption(
      '--trust <file>',
      'pinned trust anchor certificate (PEM/DER); repeatable; nothing is trusted by default',
      collect,
      [],
    )
    .option(
      '--at <datetime>',
      'time at which the chain must be valid (default: a verified time-stamp, else now)',
    )
    .option('--json', 'print the whole verdict as JSON')
    .action(async (file: string, opts: VerifyPdfCliOptions) => {
      if (opts.trust.length === 0)
        throw new CliExit(EXIT.USAGE, 'verify-pdf: give at least one --trust certificate');
      let at: Date | undefined;
      if (opts.at !== undefined) {
        at = new Date(opts.at);
        if (Number.isNaN(at.getTime()))
          throw new CliExit(EXIT.USAGE, `verify-pdf: --at "${opts.at}" is not a date`);
      }
      const pdf = await readInput(file);
      const trustAnchors = await Promise.all(opts.trust.map((t) => readInput(t)));
      const { verifyPdfSeal } = await import('../../seal/index.js');
      let r: PdfSealVerification;
      try {
        r = await verifyPdfSeal(pdf, { trustAnchors, ...(at ? { at } : {}) });
      } catch (e) {
        throw new CliExit(EXIT.USAGE, `verify-pdf: ${(e as Error).message}`); // unreadable trust anchor
      }
      process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : report(file, r));
      if (!r.valid) throw new CliExit(EXIT.INVALID);
    });
}
