import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Visibility } from '../../xds/index.js';
import { CliExit, EXIT, readInput } from '../util.js';

interface XdsCliOptions {
  read?: string;
  sourceId?: string;
  submissionSetId?: string;
  contentTypeCode: string;
  hideFrom?: string[];
  secret?: boolean;
  replaces?: string[];
  submissionTime?: string;
  out?: string;
  format: 'soap' | 'ebrs';
  to: string;
}

const HIDE: Record<string, keyof Visibility> = {
  professionals: 'hiddenFromProfessionals',
  patient: 'hiddenFromPatient',
  'legal-representatives': 'hiddenFromLegalRepresentatives',
};

const collect = (v: string, prev: string[] = []) => [...prev, v];
/** Repeatable fixed-choice option (commander's `.choices()` keeps only the last value). */
const collectAudience = (v: string, prev: string[] = []) => {
  if (!(v in HIDE)) throw new InvalidArgumentError(`Allowed choices are ${Object.keys(HIDE).join(', ')}.`);
  return [...prev, v];
};

/** Option errors are usage (2); header problems (no INS, code outside its set…) are refusals (1). */
const USAGE_CODES = new Set([
  'XDS_OPTION',
  'XDS_REPLACES_MISSING',
  'XDS_REPLACES_UNUSED',
  'XDS_MALFORMED',
  'XDS_MTOM',
]);

async function read(file: string): Promise<void> {
  const { readSubmission, XdsError } = await import('../../xds/index.js');
  try {
    const { submission, documents } = readSubmission(await readInput(file));
    const sizes = Object.fromEntries([...documents].map(([id, b]) => [id, b.byteLength]));
    process.stdout.write(`${JSON.stringify({ ...submission, documentBytes: sizes }, null, 2)}\n`);
  } catch (e) {
    if (e instanceof XdsError || (e as { code?: string }).code?.startsWith('XML_')) {
      throw new CliExit(EXIT.USAGE, `xds: ${(e as { code: string }).code}: ${(e as Error).message}`);
    }
    throw e;
  }
}

async function submit(files: string[], o: XdsCliOptions): Promise<void> {
  if (!files.length || !o.sourceId || !o.out) {
    throw new CliExit(EXIT.USAGE, 'xds: give the documents, --source-id and --out (or --read FILE)');
  }
  const { buildSubmission, toMtomRequest, toSubmitObjectsRequest, XdsError } = await import(
    '../../xds/index.js'
  );
  const { writeFileAtomic } = await import('../../common/fs.js');
  const { join } = await import('node:path');
  const documents = await Promise.all(
    files.map(async (f) => ({ bytes: new Uint8Array(await readInput(f)) })),
  );
  const visibility: Visibility = { ...(o.secret ? { secretConnection: true } : {}) };
  for (const h of o.hideFrom ?? []) visibility[HIDE[h] as keyof Visibility] = true;
  const when = o.submissionTime ? new Date(o.submissionTime) : undefined;
  if (when && Number.isNaN(when.getTime()))
    throw new CliExit(EXIT.USAGE, `xds: --submission-time ${o.submissionTime} is not a date`);
  try {
    const s = buildSubmission({
      documents,
      submissionSet: {
        sourceId: o.sourceId,
        contentTypeCode: { code: o.contentTypeCode },
        ...(o.submissionSetId ? { uniqueId: o.submissionSetId } : {}),
        ...(when ? { submissionTime: when } : {}),
      },
      visibility,
      ...(o.replaces?.length ? { replaces: o.replaces.map((entryUUID) => ({ entryUUID })) } : {}),
      onWarning: (w) =>
        process.stderr.write(`warning: ${w.code}: ${w.message}${w.where ? ` (at ${w.where})` : ''}\n`),
    });
    const docs = new Map(
      s.documents.map((d, i) => [d.entryUUID, (documents[i] as { bytes: Uint8Array }).bytes]),
    );
    let path: string;
    if (o.format === 'ebrs') {
      path = join(o.out, 'submission.xml');
      await writeFileAtomic(path, toSubmitObjectsRequest(s));
    } else {
      const req = toMtomRequest(s, docs, { to: o.to });
      path = join(o.out, 'submission.mime');
      const head = Buffer.from(`MIME-Version: 1.0\r\nContent-Type: ${req.contentType}\r\n\r\n`, 'latin1');
      await writeFileAtomic(path, Buffer.concat([head, req.body]));
    }
    process.stdout.write(
      `wrote ${path} (submission set ${s.submissionSet.uniqueId}, ${s.submissionSet.entryUUID})\n`,
    );
    for (const [i, d] of s.documents.entries())
      process.stdout.write(`${d.entryUUID} ${d.uniqueId} ${files[i] ?? ''}\n`);
  } catch (e) {
    if (e instanceof XdsError)
      throw new CliExit(USAGE_CODES.has(e.code) ? EXIT.USAGE : EXIT.INVALID, `xds: ${e.code}: ${e.message}`);
    throw e;
  }
}

/**
 * `cisis-bio xds N3.xml [N1.xml] [SIG.xml] --source-id OID --out DIR [--format soap|ebrs]`: the DMP submission
 * (ITI-41 MTOM request, or the ebRS SubmitObjectsRequest = XDM METADATA.XML), written atomically; prints the
 * entryUUIDs to store. `cisis-bio xds --read FILE` prints a submission as JSON.
 * Exit codes: 0 written/read, 1 refused (no qualified INS, code outside its set…), 2 usage or unreadable input.
 */
export function register(program: Command): void {
  program
    .command('xds')
    .description(
      'DMP submission metadata (XDS.b) of CR-BIO documents: ITI-41 MTOM request or ebRS SubmitObjectsRequest',
    )
    .argument('[documents...]', 'CR-BIO level 3, level 1 and the submission-set signature (XAdES), as stored')
    .option(
      '--read <file>',
      'print the submission of a SubmitObjectsRequest / METADATA.XML / PnR / MTOM file as JSON',
    )
    .option('--source-id <oid>', 'OID of the sending system (XDS sourceId)')
    .option(
      '--submission-set-id <oid>',
      'uniqueId of the submission set (default: the one the signature names)',
    )
    .option('--content-type-code <code>', "contentTypeCode (TRE_R209 type d'activité: 03, 04, 07)", '07')
    .option(
      '--hide-from <audience>',
      `mask the documents from ${Object.keys(HIDE).join(' | ')} (repeatable)`,
      collectAudience,
    )
    .option('--secret', 'secret connection: hidden from the patient and the legal representatives')
    .option(
      '--replaces <urn:uuid>',
      'entryUUID replaced by a document carrying an RPLC (repeatable, in document order)',
      collect,
    )
    .option('--submission-time <iso>', 'submission time (default: now)')
    .option('--out <dir>', 'folder to write submission.mime (soap) or submission.xml (ebrs) into')
    .addOption(
      new Option('--format <format>', 'soap: MTOM/XOP ITI-41 request; ebrs: SubmitObjectsRequest')
        .choices(['soap', 'ebrs'])
        .default('soap'),
    )
    .option('--to <url>', 'WS-Addressing To of the SOAP request', 'urn:dmp:repository')
    .action(async (files: string[], opts: XdsCliOptions) => {
      if (opts.read) await read(opts.read);
      else await submit(files, opts);
    });
}
