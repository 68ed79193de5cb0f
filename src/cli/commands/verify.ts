import type { Command } from 'commander';
import { KeyLoadError } from '../../sign/errors.js';
import { cdaDocumentId } from '../../sign/sign.js';
import { verifySignature } from '../../sign/verify.js';
import { CliExit, EXIT, readInput } from '../util.js';

interface VerifyCliOptions {
  doc: string[];
  trust: string[];
  submissionSet?: string;
  at?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/**
 * `cisis-bio verify SIG.xml --doc DOC.xml --trust CA.pem`.
 * Exit codes: 0 valid, 1 invalid (each reason printed), 2 usage or I/O error.
 */
export function register(program: Command): void {
  program
    .command('verify')
    .description(
      'verify a XAdES signature: core validity, manifest digests, signing certificate, time, key usage, chain',
    )
    .argument('<signature>', 'the signature file')
    .option(
      '--doc <file>',
      'a signed document (its id is read from the CDA); or OID=FILE; repeatable',
      collect,
      [],
    )
    .requiredOption(
      '--trust <file>',
      'pinned trust anchor certificate (PEM/DER); repeatable; nothing is trusted by default',
      collect,
      [],
    )
    .option(
      '--submission-set <oid>',
      'uniqueId of the submission set (its manifest reference carries the placeholder digest)',
    )
    .option('--at <datetime>', 'time at which the chain must be valid (default: time-stamp or signing time)')
    .option('--json', 'print the whole verdict as JSON')
    .action(async (sigFile: string, opts: VerifyCliOptions) => {
      if (opts.trust.length === 0)
        throw new CliExit(EXIT.USAGE, 'verify: give at least one --trust certificate');
      const sig = await readInput(sigFile);
      const documents = new Map<string, Uint8Array>();
      for (const d of opts.doc) {
        const m = /^([0-2](?:\.\d+)+)=(.+)$/.exec(d);
        const bytes = await readInput(m ? m[2]! : d);
        let id = m?.[1];
        if (!id) {
          try {
            id = cdaDocumentId(bytes, d);
          } catch (e) {
            throw new CliExit(EXIT.USAGE, `verify: ${(e as Error).message}; pass --doc OID=${d}`);
          }
        }
        documents.set(`urn:oid:${id}`, bytes);
      }
      const trustAnchors = await Promise.all(opts.trust.map((t) => readInput(t)));
      let at: Date | undefined;
      if (opts.at !== undefined) {
        at = new Date(opts.at);
        if (Number.isNaN(at.getTime()))
          throw new CliExit(EXIT.USAGE, `verify: --at "${opts.at}" is not a date`);
      }
      let r: Awaited<ReturnType<typeof verifySignature>>;
      try {
        r = await verifySignature(sig, {
          documents,
          trustAnchors,
          ...(opts.submissionSet ? { submissionSetId: opts.submissionSet } : {}),
          ...(at ? { at } : {}),
        });
      } catch (e) {
        if (e instanceof KeyLoadError) throw new CliExit(EXIT.USAGE, `verify: ${e.message}`);
        throw e;
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else {
        const lines = [
          `${r.valid ? 'valid' : 'INVALID'}: ${sigFile}${r.profile ? ` (profile ${r.profile}, ${r.packaging}, XAdES ${r.level})` : ''}`,
        ];
        if (r.signer) lines.push(`  signer: ${r.signer.subject}`);
        if (r.signingTime) lines.push(`  signing time: ${r.signingTime.toISOString()}`);
        for (const m of r.manifest) lines.push(`  reference ${m.uri}: ${m.status}`);
        for (const i of r.issues)
          lines.push(`  ✗ ${i.code}: ${i.message}${i.where ? ` (at ${i.where})` : ''}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      if (!r.valid) throw new CliExit(EXIT.INVALID);
    });
}
