import { type Command, Option } from 'commander';
import type { SignatureProfileName } from '../../sign/index.js';
import { CliExit, EXIT, readInput } from '../util.js';

interface SignCliOptions {
  key: string;
  cert?: string;
  password?: string;
  profile: string;
  docId?: string;
  enveloping?: boolean;
  signatureId?: string;
  purpose?: string;
  allowInvalidCert?: boolean;
  out: string;
}

/**
 * `cisis-bio sign DOC.xml --key KEY [--cert CERT] --out SIG.xml`: detached (or enveloping) XAdES signature.
 * Exit codes: 0 signed, 1 refused certificate (expired, not yet valid, keyUsage without digitalSignature/
 * nonRepudiation; `--allow-invalid-cert` signs anyway), 2 usage, unreadable key/certificate or document without a
 * usable id.
 */
export function register(program: Command): void {
  program
    .command('sign')
    .description(
      'sign a document (CR-BIO CDA) with a XAdES signature in the IHE DSG shape (detached manifest)',
    )
    .argument('<document>', 'the document to sign (its bytes are signed exactly as stored)')
    .requiredOption('--key <file>', 'private key: PEM (PKCS#8/PKCS#1/SEC1) or PKCS#12 (.p12/.pfx)')
    .option('--cert <file>', 'signer certificate (PEM/DER, issuers may follow); optional with PKCS#12')
    .option(
      '--password <password>',
      'key or PKCS#12 password (prefer the CISIS_BIO_KEY_PASSWORD environment variable)',
    )
    .addOption(
      new Option(
        '--profile <profile>',
        'dsg (IHE DSG, SHA-256, C14N 1.1, XAdES 1.3.2) or dmp-legacy (DMP clients: SHA-1, C14N 1.0)',
      )
        .choices(['dsg', 'dmp-legacy'])
        .default('dsg'),
    )
    .option('--doc-id <oid>', 'document unique id (default: ClinicalDocument/id root, or root.extension)')
    .option('--enveloping', 'put the document inside the signature (dsg only) instead of a detached manifest')
    .option('--signature-id <id>', 'Id of ds:Signature (an XML NCName)')
    .option('--purpose <oid>', 'ASTM E1762 purpose OID (default Author for dsg, Source for dmp-legacy)')
    .option(
      '--allow-invalid-cert',
      'sign even with an expired / not yet valid certificate or one without digitalSignature/nonRepudiation',
    )
    .requiredOption('--out <file>', 'signature file to write (atomically)')
    .action(async (file: string, opts: SignCliOptions) => {
      const { KeyLoadError, SignatureError, loadSigningKey, signDocument } = await import(
        '../../sign/index.js'
      );
      const { writeFileAtomic } = await import('../../common/fs.js');
      const { XmlParseError } = await import('../../common/errors.js');
      const doc = await readInput(file);
      const keyBytes = await readInput(opts.key);
      const certBytes = opts.cert === undefined ? undefined : await readInput(opts.cert);
      const password = opts.password ?? process.env.CISIS_BIO_KEY_PASSWORD;
      try {
        const key = loadSigningKey({
          key: keyBytes,
          keyName: opts.key,
          ...(certBytes ? { cert: certBytes, certName: opts.cert } : {}),
          ...(password !== undefined ? { password } : {}),
        });
        const sig = await signDocument(doc, {
          key,
          profile: opts.profile as SignatureProfileName,
          packaging: opts.enveloping ? 'enveloping' : 'detached',
          ...(opts.docId ? { documentId: opts.docId } : {}),
          ...(opts.signatureId ? { signatureId: opts.signatureId } : {}),
          ...(opts.purpose ? { purpose: opts.purpose } : {}),
          ...(opts.allowInvalidCert ? { allowInvalidCertificate: true } : {}),
        });
        await writeFileAtomic(opts.out, sig.bytes);
        const what = sig.references.map((r) => r.uri).join(', ');
        process.stdout.write(
          `signed ${file} → ${opts.out} (profile ${sig.profile}, ${sig.packaging}, XAdES ${sig.level}; ${what})\n`,
        );
      } catch (e) {
        if (e instanceof SignatureError && e.code === 'SIGN_CERTIFICATE_INVALID')
          throw new CliExit(EXIT.INVALID, `sign: ${e.code}: ${e.message}`);
        if (e instanceof KeyLoadError || e instanceof SignatureError || e instanceof XmlParseError)
          throw new CliExit(EXIT.USAGE, `sign: ${e.code}: ${e.message}`);
        throw e;
      }
    });
}
