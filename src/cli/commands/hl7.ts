import { type Command, Option } from 'commander';
import type { DocumentMessage, Hl7Recipient, Hl7Sender } from '../../hl7v2/index.js';
import { CliExit, EXIT, readInput } from '../util.js';

const HIDE = {
  professionals: 'hiddenFromProfessionals',
  patient: 'hiddenFromPatient',
  'legal-representatives': 'hiddenFromLegalRepresentatives',
} as const;

interface OruOptions {
  event: 'initial' | 'replacement' | 'deletion';
  mdm?: boolean;
  sender?: string;
  to?: string[];
  hideFrom?: Array<keyof typeof HIDE>;
  dmp: boolean;
  replyTo?: string;
  controlId?: string;
  ackReception?: boolean;
  ackReading?: boolean;
  out: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

// Library errors → exit codes: malformed input 2, refused by the profile 1.
async function mapErrors<T>(run: () => Promise<T>): Promise<T> {
  const { Hl7v2Error, isMalformedInput } = await import('../../hl7v2/index.js');
  const { XmlParseError } = await import('../../common/errors.js');
  try {
    return await run();
  } catch (e) {
    if (e instanceof XmlParseError || isMalformedInput(e))
      throw new CliExit(EXIT.USAGE, `${(e as Error & { code: string }).code}: ${(e as Error).message}`);
    if (e instanceof Hl7v2Error && e.code.startsWith('MLLP_'))
      throw new CliExit(EXIT.USAGE, `${e.code}: ${e.message}`);
    throw e;
  }
}

function parseSender(spec: string | undefined): Hl7Sender | undefined {
  if (!spec) return undefined;
  const [id = '', family, given] = spec.split(':');
  if (!/^\d{11,12}$/.test(id))
    throw new CliExit(EXIT.USAGE, `--sender wants RPPS/IDNPS[:FAMILY[:Given]], not "${spec}"`);
  return {
    person: {
      id,
      idType: id.length === 12 ? 'IDNPS' : 'RPPS',
      authorityName: 'ASIP-SANTE-PS',
      authorityOid: '1.2.250.1.71.4.2.1',
      ...(family ? { family } : {}),
      ...(given ? { given } : {}),
    },
  };
}

async function oru(n3File: string, n1File: string | undefined, o: OruOptions): Promise<void> {
  const [n3, n1] = await Promise.all([readInput(n3File), n1File ? readInput(n1File) : undefined]);
  const { buildMdm, buildOru } = await import('../../hl7v2/index.js');
  const { writeFileAtomic } = await import('../../common/fs.js');
  const sender = parseSender(o.sender);
  const recipients: Hl7Recipient[] | undefined = o.to?.map((mail) => ({ kind: 'mailbox', mail }));
  const visibility = Object.fromEntries((o.hideFrom ?? []).map((h) => [HIDE[h], true]));
  const now = new Date();
  const built = await mapErrors(async () =>
    (o.mdm ? buildMdm : buildOru)({
      n3,
      ...(n1 ? { n1 } : {}),
      event: o.event,
      controlId: o.controlId ?? `CB${now.getTime().toString(36).toUpperCase()}`,
      clock: () => now,
      visibility,
      toDmp: o.dmp,
      acks: { reception: o.ackReception ?? false, reading: o.ackReading ?? false },
      ...(recipients ? { recipients } : {}),
      ...(sender ? { sender } : {}),
      ...(o.replyTo ? { replyTo: o.replyTo } : {}),
    }),
  );
  await writeFileAtomic(o.out, built.bytes);
  const to = built.recipients.map((r) => r.mail).join(', ') || 'no MSSanté recipient';
  process.stderr.write(
    `${o.mdm ? 'MDM' : 'ORU'} ${built.controlId} (${o.event}) → ${o.out}; DMP ${built.flags.toDmp ? 'yes' : 'no'}; ${to}\n`,
  );
}

/** The JSON summary of a read message (documents without their bytes). */
function summary(m: DocumentMessage, files: string[] = []): unknown {
  const { documents, email, warnings, ...rest } = m;
  return {
    ...rest,
    documents: documents.map(({ bytes, ...d }, i) => ({
      ...d,
      size: bytes.length,
      ...(files[i] ? { file: files[i] } : {}),
    })),
    ...(email
      ? {
          email: {
            where: email.where,
            messageId: email.messageId,
            subject: email.subject,
            size: email.bytes.length,
          },
        }
      : {}),
    warnings,
  };
}

/** Files of a read message for --out / listen: document-N.xml (or .txt when not a CDA), email.eml, message.json. */
export function messageFiles(
  dir: string,
  m: DocumentMessage,
  join: (...p: string[]) => string,
): Array<{ path: string; data: string | Uint8Array }> {
  const names = m.documents.map((d, i) => `document-${i + 1}.${d.isCda ? 'xml' : 'txt'}`);
  const files: Array<{ path: string; data: string | Uint8Array }> = m.documents.map((d, i) => ({
    path: join(dir, names[i]!),
    data: d.bytes,
  }));
  if (m.email) files.push({ path: join(dir, 'email.eml'), data: m.email.bytes });
  files.push({ path: join(dir, 'message.json'), data: `${JSON.stringify(summary(m, names), null, 2)}\n` });
  return files;
}

async function read(file: string, o: { out?: string }): Promise<void> {
  const bytes = await readInput(file);
  const { readOru } = await import('../../hl7v2/index.js');
  const m = await mapErrors(async () => readOru(bytes));
  if (o.out) {
    const { join } = await import('node:path');
    const { writeFilesAtomic } = await import('../../common/fs.js');
    await writeFilesAtomic(messageFiles(o.out, m, join));
  }
  process.stdout.write(`${JSON.stringify(summary(m), null, 2)}\n`);
  for (const w of m.warnings) process.stderr.write(`warning ${w.code}: ${w.message} (at ${w.where})\n`);
}

async function send(file: string, o: { host: string; port: string; timeout: string }): Promise<void> {
  const bytes = await readInput(file);
  const { sendMllp } = await import('../../hl7v2/index.js');
  const { ack } = await mapErrors(() =>
    sendMllp(bytes, { host: o.host, port: Number(o.port), ackTimeoutMs: Number(o.timeout) }),
  );
  process.stdout.write(`${ack.code} ${ack.ackedControlId}\n`);
  for (const e of ack.errors)
    process.stderr.write(`ERR ${e.code} ${e.text ?? ''} ${e.application?.code ?? ''}\n`);
  if (ack.code !== 'AA') throw new CliExit(EXIT.INVALID, `${ack.ackedControlId} not accepted (${ack.code})`);
}

export function register(program: Command): void {
  const hl7 = program
    .command('hl7')
    .description('HL7 v2 to the hospital EHR/PFI: ORU^R01 / MDM with the CR-BIO, ACK, MLLP');
  hl7
    .command('oru')
    .description('build an ORU^R01 (or --mdm an MDM) carrying the CR-BIO with its DMP/MSSanté metadata')
    .argument('<n3.xml>', 'the CR-BIO (level 3)')
    .argument('[n1.xml]', 'its level 1 rendering (ORU only)')
    .requiredOption(
      '--event <event>',
      'initial, replacement (the CDA must replace another: RPLC) or deletion',
    )
    .addOption(
      new Option('--hide-from <audience>', 'mask the document (repeatable)')
        .choices(Object.keys(HIDE))
        .argParser(collect),
    )
    .option(
      '--to <mail>',
      'MSSanté recipient (repeatable; …@patient.mssante.fr is the patient); default: the CDA informationRecipients',
      collect,
    )
    .option('--sender <id:FAMILY:Given>', "the sender's RPPS/IDNPS (default: the CDA author)")
    .option('--reply-to <mail>', 'reply-to address (PRT REPLY)')
    .option('--no-dmp', 'do not publish to the DMP (DESTDMP = N)')
    .option('--ack-reception', 'ask for DMP/MSSanté reception acknowledgements')
    .option('--ack-reading', 'ask for MSSanté reading acknowledgements')
    .option('--mdm', 'build an MDM (HL7 2.6: T02/T10/T04) instead of an ORU')
    .option('--control-id <id>', 'MSH-10 (default: from the time)')
    .requiredOption('--out <msg.hl7>', 'the message file (written atomically)')
    .action(async (n3: string, n1: string | undefined, o: OruOptions) => {
      if (!['initial', 'replacement', 'deletion'].includes(o.event))
        throw new CliExit(EXIT.USAGE, `--event must be initial, replacement or deletion`);
      await oru(n3, n1, o);
    });
  hl7
    .command('read')
    .description('read an ORU/MDM: documents, flags, recipients, event (JSON on stdout)')
    .argument('<msg.hl7>', 'the message (CR, LF or CRLF between segments)')
    .option('--out <dir>', 'write the documents, the e-mail and message.json there')
    .action(read);
  hl7
    .command('send')
    .description('send a message over MLLP and wait for its ACK (exit 0 AA, 1 AE/AR, 2 no answer)')
    .argument('<msg.hl7>', 'the message')
    .requiredOption('--host <host>', 'receiver host')
    .requiredOption('--port <port>', 'receiver port')
    .option('--timeout <ms>', 'ACK timeout', '30000')
    .action(send);
  hl7
    .command('listen')
    .description("receive messages over MLLP, write each one's documents to DIR/<control id>/, answer ACK")
    .requiredOption('--port <port>', 'port to listen on (0: any free port)')
    .requiredOption('--out <dir>', 'where to write what is received')
    .option('--host <host>', 'interface', '127.0.0.1')
    .option('--max-messages <n>', 'stop after this many messages')
    .option('--port-file <file>', 'write the bound port there once listening')
    .action(listen);
}

/** Options of `hl7 listen`. */
export interface ListenOptions {
  port: string;
  out: string;
  host: string;
  maxMessages?: string;
  portFile?: string;
}

async function listen(o: ListenOptions): Promise<void> {
  const { join } = await import('node:path');
  const { existsSync } = await import('node:fs');
  const { Hl7v2Error, readOru, startMllpServer } = await import('../../hl7v2/index.js');
  const { writeFileAtomic, writeFilesAtomic } = await import('../../common/fs.js');
  const max = o.maxMessages ? Number(o.maxMessages) : Number.POSITIVE_INFINITY;
  let received = 0;
  let stop: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const server = await startMllpServer({
    port: Number(o.port),
    host: o.host,
    clock: () => new Date(),
    onMessage: async ({ message }) => {
      try {
        const m = readOru(message);
        const base = m.controlId.replace(/[^A-Za-z0-9._-]/g, '_') || 'message';
        let dir = join(o.out, base);
        for (let i = 2; existsSync(dir); i++) dir = join(o.out, `${base}-${i}`);
        await writeFilesAtomic(messageFiles(dir, m, join));
        process.stderr.write(
          `received ${m.kind}^${m.trigger} ${m.controlId} (${m.event}): ${m.documents.length} document(s) → ${dir}\n`,
        );
        return { code: 'AA' as const };
      } catch (e) {
        if (!(e instanceof Hl7v2Error)) throw e;
        process.stderr.write(`refused: ${e.code}: ${e.message}\n`);
        const code = e.code === 'HL7_VERSION' ? '203' : e.code === 'HL7_MESSAGE_TYPE' ? '200' : '207';
        return { code: 'AE' as const, errors: [{ code, text: `${e.code}: ${e.message}` }] };
      } finally {
        if (++received >= max) setImmediate(stop);
      }
    },
  });
  if (o.portFile) await writeFileAtomic(o.portFile, `${server.port}\n`);
  process.stderr.write(`listening on ${server.host}:${server.port}\n`);
  const onSignal = () => stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await server.close();
  }
}
