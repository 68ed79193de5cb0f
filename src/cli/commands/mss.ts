import { type Command, Option } from 'commander';
import type { MssMessageInput, MssReportFiles } from '../../mss/index.js';
import type { Visibility } from '../../xds/index.js';

/** The message fields commander gives as they are, and the flags this command turns into the others. */
interface PackFlags
  extends Pick<MssMessageInput, 'audience' | 'from' | 'to' | 'cc' | 'replyTo' | 'readReceipt'> {
  reply: boolean;
  nil?: string;
  sourceId?: string;
  contentType: string;
  submissionSetId?: string;
  hideFrom?: string[];
  replaces?: string[];
  fileNumber?: string;
  body?: string;
  out: string;
}

interface SendFlags {
  smtp: string;
  cert: string;
  key: string;
  ca?: string;
  passphrase?: string;
  servername?: string;
}

const HIDE: Record<string, keyof Visibility> = {
  professionals: 'hiddenFromProfessionals',
  patient: 'hiddenFromPatient',
  'legal-representatives': 'hiddenFromLegalRepresentatives',
  'secret-connection': 'secretConnection',
};

/**
 * `cisis-bio mss pack|send|read`: the MSSanté e-mail of a CR-BIO (IHE_XDM.ZIP + bare PDF) for one audience,
 * sending it by SMTP with a client certificate, and reading a received one.
 * Exit 0 done, 1 refused (audience, archive, server), 2 usage, I/O or unreadable input.
 */
export function register(program: Command): void {
  const mss = program
    .command('mss')
    .description('MSSanté: pack a report as an e-mail (IHE XDM), send it, read one');

  mss
    .command('pack')
    .description('write the MSSanté e-mail of a report for one audience (IHE_XDM.ZIP + the PDF of the N3)')
    .argument(
      '<files...>',
      'N3.xml [N1.xml] [SIG.xml]: the level 3 first, then the level 1 and/or the signature',
    )
    .addOption(
      new Option('--audience <who>', 'professional or patient')
        .choices(['professional', 'patient'])
        .makeOptionMandatory(),
    )
    .requiredOption('--from <address>', "the lab's MSSanté mailbox")
    .option(
      '--to <address...>',
      'recipients (required for professionals; patient default <INS>@patient.mssante.fr)',
    )
    .option('--cc <address...>', 'copies')
    .option('--reply-to <address>', 'Reply-To')
    .option('--read-receipt [address]', 'ask for an MDN (Disposition-Notification-To; default --from)')
    .option('--no-reply', 'X-MSS-MES: FIN — the patient cannot answer')
    .option('--nil <reference>', 'X-MSS-NIL: the product reference')
    .option('--source-id <oid>', 'XDS sourceId of the sending system (default $CISIS_BIO_SOURCE_ID)')
    .option('--content-type <code>', 'SubmissionSet contentTypeCode (TRE_R209)', '07')
    .option('--submission-set-id <oid>', "SubmissionSet uniqueId (default: the signature's, else <N3 id>.2)")
    .addOption(new Option('--hide-from <who...>', 'visibility').choices(Object.keys(HIDE)))
    .option('--replaces <uuid...>', 'entryUUID(s) of the replaced version (urn:uuid:…)')
    .option('--file-number <n>', 'case number appended to the PDF name')
    .option('--body <file>', 'plain-text body (UTF-8 file)')
    .requiredOption('--out <mail.eml>', 'where to write the message (atomically)')
    .action(async (files: string[], flags: PackFlags) => {
      await pack(files, flags);
    });

  mss
    .command('send')
    .description(
      'send an .eml by SMTP (STARTTLS or smtps://) with the client certificate of the sending system',
    )
    .argument('<mail.eml>', 'the message (from `mss pack`)')
    .requiredOption('--smtp <url>', 'smtp://host:port (STARTTLS required) or smtps://host:port')
    .requiredOption('--cert <cert.pem>', 'client certificate (PEM)')
    .requiredOption('--key <key.pem>', 'its private key (PEM)')
    .option('--ca <ca.pem>', "CA of the server's certificate (default: Node's roots)")
    .option('--passphrase <p>', 'passphrase of the key')
    .option('--servername <name>', "name checked in the server's certificate (default: the URL's host)")
    .action(async (mail: string, flags: SendFlags) => {
      await send(mail, flags);
    });

  mss
    .command('read')
    .description('read a received MSSanté e-mail: check its archive and write the documents and PDFs')
    .argument('<mail.eml>', 'the message')
    .requiredOption('--out <dir>', 'folder for the documents, METADATA.XML and the PDFs (all or nothing)')
    .action(async (mail: string, flags: { out: string }) => {
      await read(mail, flags);
    });
}

async function lib() {
  const [mss, util, fs] = await Promise.all([
    import('../../mss/index.js'),
    import('../util.js'),
    import('../../common/fs.js'),
  ]);
  return { ...mss, ...util, ...fs };
}

/** A file given after the N3: a XAdES signature, else a CDA (the level 1). */
function isSignature(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096));
  return !head.includes('<ClinicalDocument') && /<(\w+:)?Signature[\s>]/.test(head);
}

async function pack(paths: string[], flags: PackFlags): Promise<void> {
  const L = await lib();
  if (paths.length > 3)
    throw new L.CliExit(L.EXIT.USAGE, 'give N3.xml [N1.xml] [SIG.xml]: at most three files');
  const sourceId = flags.sourceId ?? process.env.CISIS_BIO_SOURCE_ID;
  if (!sourceId) throw new L.CliExit(L.EXIT.USAGE, '--source-id OID is required (or CISIS_BIO_SOURCE_ID)');
  if (flags.audience === 'professional' && !flags.to?.length) {
    throw new L.CliExit(L.EXIT.USAGE, '--to is required for --audience professional');
  }
  const [n3, ...rest] = await Promise.all(paths.map(async (p) => new Uint8Array(await L.readInput(p))));
  const files: MssReportFiles = { n3: n3! };
  for (const b of rest) {
    if (isSignature(b)) files.signature = b;
    else files.n1 = b;
  }
  const visibility: Visibility = {};
  for (const h of flags.hideFrom ?? []) visibility[HIDE[h]!] = true;
  const body = flags.body ? (await L.readInput(flags.body)).toString('utf8') : undefined;
  try {
    const mail = await L.buildMssMessage({
      files,
      audience: flags.audience,
      from: flags.from,
      ...(flags.to ? { to: flags.to } : {}),
      ...(flags.cc ? { cc: flags.cc } : {}),
      ...(flags.replyTo ? { replyTo: flags.replyTo } : {}),
      ...(flags.readReceipt !== undefined ? { readReceipt: flags.readReceipt } : {}),
      ...(flags.reply === false ? { noReply: true } : {}),
      ...(flags.nil ? { productReference: flags.nil } : {}),
      ...(flags.fileNumber ? { fileNumber: flags.fileNumber } : {}),
      ...(body !== undefined ? { body } : {}),
      submissionSet: {
        sourceId,
        contentTypeCode: { code: flags.contentType },
        ...(flags.submissionSetId ? { uniqueId: flags.submissionSetId } : {}),
      },
      visibility,
      ...(flags.replaces ? { replaces: flags.replaces.map((entryUUID) => ({ entryUUID })) } : {}),
    });
    await L.writeFileAtomic(flags.out, mail.raw);
    process.stderr.write(
      `cisis-bio: wrote ${flags.out} (${flags.audience}, to ${mail.envelope.to.join(', ')}, ` +
        `${mail.submission.documents.length} document(s), ${mail.raw.byteLength} bytes)\n`,
    );
  } catch (e) {
    const { CisisBioError } = await import('../../common/errors.js');
    if (e instanceof CisisBioError) throw new L.CliExit(L.EXIT.INVALID, L.describeError(e));
    throw e;
  }
}

async function send(path: string, flags: SendFlags): Promise<void> {
  const L = await lib();
  const raw = new Uint8Array(await L.readInput(path));
  const [cert, key, ca] = await Promise.all([
    L.readInput(flags.cert),
    L.readInput(flags.key),
    flags.ca ? L.readInput(flags.ca) : undefined,
  ]);
  try {
    const envelope = await L.messageEnvelope(raw);
    const res = await L.sendMssMessage(
      { raw, envelope, ...(envelope.messageId ? { messageId: envelope.messageId } : {}) },
      {
        url: flags.smtp,
        cert,
        key,
        ...(ca ? { ca } : {}),
        ...(flags.passphrase !== undefined ? { passphrase: flags.passphrase } : {}),
        ...(flags.servername ? { servername: flags.servername } : {}),
      },
    );
    process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
  } catch (e) {
    if (e instanceof L.SmtpError) {
      const exit = e.code === 'SMTP_CONNECTION' ? L.EXIT.USAGE : L.EXIT.INVALID;
      throw new L.CliExit(exit, L.describeError(e));
    }
    if (e instanceof L.MssError) throw new L.CliExit(L.EXIT.USAGE, L.describeError(e));
    throw e;
  }
}

/** A PDF attachment's name reduced to a safe base name. */
function safeName(name: string, i: number): string {
  const base = name
    .split(/[\\/]/)
    .pop()!
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '');
  return base.length > 0 && base.length <= 200 ? base : `attachment-${i + 1}.pdf`;
}

async function read(path: string, flags: { out: string }): Promise<void> {
  const L = await lib();
  const { join } = await import('node:path');
  const raw = new Uint8Array(await L.readInput(path));
  let mail: Awaited<ReturnType<typeof L.readMssMessage>>;
  try {
    mail = await L.readMssMessage(raw);
  } catch (e) {
    if (e instanceof L.MssError) {
      const exit = e.code === 'MSS_MALFORMED_MESSAGE' ? L.EXIT.USAGE : L.EXIT.INVALID;
      throw new L.CliExit(exit, `${L.describeError(e)} (nothing written)`);
    }
    throw e;
  }
  const out: Array<{ path: string; data: Uint8Array | string }> = [];
  for (const s of mail.xdm.subsets) {
    const meta = mail.xdm.subsets.length > 1 ? s.folder.split('/').pop()! : '';
    const dir = join(flags.out, meta);
    for (const d of s.documents) out.push({ path: join(dir, d.entry.uri!), data: d.bytes });
  }
  mail.pdfs.forEach((p, i) => {
    out.push({ path: join(flags.out, safeName(p.fileName, i)), data: p.bytes });
  });
  await L.writeFilesAtomic(out);
  const summary = {
    messageId: mail.messageId,
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    mss: mail.mss,
    mdnRequest: mail.mdnRequest,
    documents: mail.documents.map((d) => ({
      file: d.entry.uri,
      role: L.documentRole(d.entry),
      uniqueId: d.entry.uniqueId,
      size: d.entry.size,
      sha1: d.entry.hash,
    })),
    pdfs: mail.pdfs.map((p, i) => safeName(p.fileName, i)),
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}
