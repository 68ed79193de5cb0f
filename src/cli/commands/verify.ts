import type { Command } from 'commander';
import type { VerificationResult } from '../../sign/index.js';
import { CliExit, EXIT, readInput } from '../util.js';

interface VerifyCliOptions {
  doc: string[];
  trust: string[];
  submissionSet?: string;
  at?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** The verdict as JSON: an enveloped document is shown by size and digest, never as a byte array. */
export function verdictJson(r: VerificationResult, sha256: (b: Uint8Array) => string): string {
  const { envelopedDocument, ...rest } = r;
  const shown = envelopedDocument
    ? {
        ...rest,
        envelopedDocument: { bytes: envelopedDocument.byteLength, sha256: sha256(envelopedDocument) },
      }
    : rest;
  return `${JSON.stringify(shown, null, 2)}\n`;
}

function verdictText(r: VerificationResult, sigFile: string): string {
  const lines = [
    `${r.valid ? 'valid' : 'INVALID'}: ${sigFile}${r.profile ? ` (profile ${r.profile}, ${r.packaging}, XAdES ${r.level})` : ''}`,
  ];
  if (r.signer) lines.push(`  signer: ${r.signer.subject}`);
  if (r.signingTime) lines.push(`  signing time: ${r.signingTime.toISOString()}`);
  if (r.validationTime) lines.push(`  certificates checked at: ${r.validationTime.toISOString()}`);
  for (const m of r.manifest) lines.push(`  reference ${m.uri}: ${m.status}`);
  for (const i of r.issues) lines.push(`  ✗ ${i.code}: ${i.message}${i.where ? ` (at ${i.where})` : ''}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `cisis-bio verify SIG.xml --doc DOC.xml --trust CA.pem [--at TIME]`.
 * Exit codes: 0 valid, 1 invalid (each reason printed; also a `--doc` the signature does not cover), 2 usage,
 * I/O error, or a signature that is not well-formed XML (or carries a DTD).
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
    .option(
      '--at <datetime>',
      'verification time (default: now); certificates must be valid then, unless a verified time-stamp proves an earlier time',
    )
    .option('--json', 'print the whole verdict as JSON (an enveloped document as its size and SHA-256)')
    .action(async (sigFile: string, opts: VerifyCliOptions) => {
      if (opts.trust.length === 0)
        throw new CliExit(EXIT.USAGE, 'verify: give at least one --trust certificate');
      const { KeyLoadError, cdaDocumentId, verifySignature } = await import('../../sign/index.js');
      const { sha256Hex } = await import('../../common/cache.js');
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
      let r: VerificationResult;
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
      process.stdout.write(opts.json ? verdictJson(r, sha256Hex) : verdictText(r, sigFile));
      if (r.issues.some((i) => i.code === 'MALFORMED_XML')) throw new CliExit(EXIT.USAGE);
      if (!r.valid) throw new CliExit(EXIT.INVALID);
    });
}
