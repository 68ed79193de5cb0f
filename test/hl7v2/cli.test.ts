import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOru, readOru, sendMllp, startMllpServer } from '../../src/hl7v2/index.js';
import { runCli } from '../helpers/cli.js';
import { FIXED_CLOCK, HL7_EXAMPLES, scenarioCda } from './helpers.js';

let dir: string;
let n3: string;
let rplc: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cisis-hl7-cli-'));
  n3 = join(dir, 'n3.xml');
  rplc = join(dir, 'rplc.xml');
  writeFileSync(n3, await scenarioCda('biochemistry'));
  writeFileSync(rplc, await scenarioCda('replacement'));
});

describe('cisis-bio hl7 oru', () => {
  it('writes an ORU with the recipients and masking asked for', async () => {
    const out = join(dir, 'oru.hl7');
    const r = await runCli([
      'hl7',
      'oru',
      n3,
      '--event',
      'initial',
      '--to',
      'adam.hoda@test-ci-sis.mssante.fr',
      '--hide-from',
      'patient',
      '--sender',
      '801234567866:DIAZ:Thierry',
      '--control-id',
      'CLI1',
      '--out',
      out,
    ]);
    expect(r.err).toContain('ORU CLI1 (initial)');
    expect(r.code).toBe(0);
    const m = readOru(readFileSync(out));
    expect(m.flags).toMatchObject({
      hiddenFromPatient: true,
      toDmp: true,
      toMssanteProfessionals: true,
      toMssantePatient: false,
    });
    expect(m.sender?.person).toMatchObject({ id: '801234567866', family: 'DIAZ', idType: 'IDNPS' });
    expect(m.sender?.organization?.name).toBeTruthy(); // the custodian, kept when only the person is given
    expect(Buffer.from(m.documents[0]!.bytes).equals(readFileSync(n3))).toBe(true);
  });

  it('refuses a replacement whose CDA replaces nothing, and an MSSanté combination outside the table (exit 1)', async () => {
    const a = await runCli(['hl7', 'oru', n3, '--event', 'replacement', '--out', join(dir, 'x.hl7')]);
    expect([a.code, a.err]).toEqual([1, expect.stringContaining('HL7_NOT_A_REPLACEMENT')]);
    const b = await runCli([
      'hl7',
      'oru',
      n3,
      '--event',
      'initial',
      '--to',
      'dr@x.mssante.fr',
      '--out',
      join(dir, 'x.hl7'),
    ]);
    expect([b.code, b.err]).toEqual([1, expect.stringContaining('HL7_FLAG_COMBINATION')]);
    expect(existsSync(join(dir, 'x.hl7'))).toBe(false);
    const c = await runCli([
      'hl7',
      'oru',
      rplc,
      '--event',
      'replacement',
      '--mdm',
      '--no-dmp',
      '--out',
      join(dir, 'mdm.hl7'),
    ]);
    expect(c.code).toBe(0);
    expect(readOru(readFileSync(join(dir, 'mdm.hl7')))).toMatchObject({
      kind: 'MDM',
      trigger: 'T10',
      flags: { toDmp: false },
    });
    const d = await runCli(['hl7', 'oru', n3, '--event', 'later', '--out', join(dir, 'x.hl7')]);
    expect(d.code).toBe(2);
  });
});

describe('cisis-bio hl7 read', () => {
  it('prints the summary and writes the documents of an ANS example', async () => {
    const out = join(dir, 'read');
    const file = join(
      HL7_EXAMPLES,
      'TRANS_DOC_CDA_HL7V2/V2.1/ORU/Remplacement ORU/message_ORU_CR_Bio_RPLC_N1_Base64_N3_Base64.er7',
    );
    const r = await runCli(['hl7', 'read', file, '--out', out]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ kind: 'ORU', event: 'replacement', profileName: 'transmission' });
    expect(json.documents.map((d: { size: number }) => d.size)).toEqual([456698, 156223]);
    expect(r.err).toContain('HL7_MAIL_BODY_UNDECODABLE');
    expect(readdirSync(out).sort()).toEqual(['document-1.xml', 'document-2.xml', 'message.json']);
    expect(readFileSync(join(out, 'document-2.xml'), 'utf8')).toMatch(/<ClinicalDocument/);
  });

  it('exit 2 for a malformed message, 1 for one the profile refuses', async () => {
    writeFileSync(join(dir, 'bad.hl7'), 'PID|||1\r');
    expect((await runCli(['hl7', 'read', join(dir, 'bad.hl7')])).code).toBe(2);
    writeFileSync(
      join(dir, 'v26.hl7'),
      readFileSync(
        join(HL7_EXAMPLES, 'TRANS_DOC_CDA_HL7V2/V2.1/ORU/Suppression ORU/message_ORU_CR_Bio_DEL_N1_N3.er7'),
        'utf8',
      ).replace('|P|2.5|', '|P|2.6|'),
    );
    const r = await runCli(['hl7', 'read', join(dir, 'v26.hl7')]);
    expect([r.code, r.err]).toEqual([1, expect.stringContaining('HL7_VERSION')]);
  });
});

describe('cisis-bio hl7 send / listen', () => {
  it('send: prints the ACK; exit 0 on AA, 1 on AE, 2 when nobody answers', async () => {
    let code: 'AA' | 'AE' = 'AA';
    const server = await startMllpServer({ port: 0, clock: FIXED_CLOCK, onMessage: () => ({ code }) });
    try {
      const msg = join(dir, 'send.hl7');
      writeFileSync(
        msg,
        buildOru({
          n3: readFileSync(n3),
          event: 'initial',
          controlId: 'SEND1',
          clock: FIXED_CLOCK,
          recipients: [],
        }).bytes,
      );
      const ok = await runCli(['hl7', 'send', msg, '--host', '127.0.0.1', '--port', String(server.port)]);
      expect([ok.code, ok.out]).toEqual([0, 'AA SEND1\n']);
      code = 'AE';
      expect(
        (await runCli(['hl7', 'send', msg, '--host', '127.0.0.1', '--port', String(server.port)])).code,
      ).toBe(1);
    } finally {
      await server.close();
    }
    const gone = await runCli([
      'hl7',
      'send',
      join(dir, 'send.hl7'),
      '--host',
      '127.0.0.1',
      '--port',
      String(server.port),
    ]);
    expect([gone.code, gone.err]).toEqual([2, expect.stringContaining('MLLP_CONNECT')]);
  });

  it('listen: writes what it receives atomically, answers AA (AE for a refused message), stops after --max-messages', async () => {
    const out = join(dir, 'inbox');
    const portFile = join(dir, 'port');
    const running = runCli([
      'hl7',
      'listen',
      '--port',
      '0',
      '--port-file',
      portFile,
      '--out',
      out,
      '--max-messages',
      '2',
    ]);
    for (let i = 0; i < 200 && !existsSync(portFile); i++) await sleep(25);
    const port = Number(readFileSync(portFile, 'utf8'));
    const good = buildOru({
      n3: readFileSync(n3),
      event: 'initial',
      controlId: 'L/1',
      clock: FIXED_CLOCK,
      recipients: [],
    });
    const a = await sendMllp(good.bytes, { host: '127.0.0.1', port });
    const bad = Buffer.from(good.text.replace('|P|2.5|', '|P|2.4|'), 'utf8');
    const b = await sendMllp(bad, { host: '127.0.0.1', port });
    const r = await running;
    expect(r.code).toBe(0);
    expect([a.ack.code, b.ack.code, b.ack.errors[0]?.code]).toEqual(['AA', 'AE', '203']);
    expect(readdirSync(out)).toEqual(['L_1']);
    expect(readdirSync(join(out, 'L_1')).sort()).toEqual(['document-1.xml', 'message.json']);
    expect(readFileSync(join(out, 'L_1', 'document-1.xml')).equals(readFileSync(n3))).toBe(true);
    expect(r.err).toContain('received ORU^R01 L/1 (initial)');
  });
});
