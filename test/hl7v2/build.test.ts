import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hl7Message } from '@medplum/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCrBio } from '../../src/cda/index.js';
import {
  buildMdm,
  buildOru,
  type DocumentMessageInput,
  type Hl7Segment,
  Hl7v2Error,
  hl7Value,
  isFieldFilled,
  parseHl7v2,
  patientMailbox,
  readOru,
} from '../../src/hl7v2/index.js';
import { FIXED_CLOCK, HL7_EXAMPLES, LEVEL3_SCENARIOS, scenarioCda } from './helpers.js';

const PATIENT = patientMailbox('279035121518989');
const DOCTOR = 'adam.hoda@test-ci-sis.mssante.fr';
const both = [
  { kind: 'patient' as const, mail: PATIENT },
  {
    kind: 'professional' as const,
    mail: DOCTOR,
    person: {
      id: '801234567897',
      family: 'Hoda',
      given: 'Adam',
      idType: 'IDNPS',
      authorityName: 'ASIP-SANTE-PS',
      authorityOid: '1.2.250.1.71.4.2.1',
    },
  },
];

let biochemistry: Uint8Array;
let replacementN3: Uint8Array;
let replacementN1: Uint8Array;
beforeAll(async () => {
  [biochemistry, replacementN3, replacementN1] = await Promise.all([
    scenarioCda('biochemistry'),
    scenarioCda('replacement'),
    scenarioCda('replacement', 1),
  ]);
});

const base = (over: Partial<DocumentMessageInput> = {}): DocumentMessageInput => ({
  n3: biochemistry,
  event: 'initial',
  controlId: 'MSG1',
  clock: FIXED_CLOCK,
  recipients: both,
  ...over,
});

function refused(run: () => unknown): Hl7v2Error {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(Hl7v2Error);
    return e as Hl7v2Error;
  }
  throw new Error('not refused');
}

describe('buildOru on the bundled scenarios', () => {
  it.each(LEVEL3_SCENARIOS)('%s: parses back to the same values, the CDA byte for byte', async (name) => {
    const n3 = await scenarioCda(name);
    const event = name === 'replacement' ? 'replacement' : 'initial';
    const built = buildOru(
      base({
        n3,
        event,
        replyTo: DOCTOR,
        mailBodies: { professional: 'Résultats | ^~\\& joints\r\nBien à vous' },
      }),
    );
    const m = readOru(built.bytes);
    expect(Buffer.from(m.documents[0]!.bytes).equals(Buffer.from(n3))).toBe(true);
    expect(m).toMatchObject({
      kind: 'ORU',
      trigger: 'R01',
      version: '2.5',
      event,
      controlId: 'MSG1',
      profileName: 'transmission',
    });
    expect(m.flags).toEqual(built.flags);
    expect(m.recipients).toEqual(built.recipients);
    expect(m.sender).toEqual(built.sender);
    expect(m.replyTo).toBe(DOCTOR);
    expect(m.mailBodies.professional).toBe('Résultats | ^~\\& joints\r\nBien à vous');
    expect(m.warnings).toEqual([]);
    const report = parseCrBio(n3).report;
    expect(m.patient.ins).toEqual(report.patient.identity.ins);
    expect(m.patient.birthFamilyName).toBe(report.patient.identity.traits.birthFamilyName);
    expect(m.sender?.person?.id).toBe(
      report.authors[0]?.ids?.find((i) => i.root === '1.2.250.1.71.4.2.1')?.extension,
    );
  });

  it('writes the flags the caller gives, defaults the rest (masking N, DESTDMP Y), DEST* from the recipients', () => {
    const m = readOru(
      buildOru(
        base({
          recipients: [{ kind: 'mailbox', mail: PATIENT }],
          toDmp: false,
          visibility: { hiddenFromProfessionals: true },
        }),
      ).bytes,
    );
    expect(m.flags).toEqual({
      hiddenFromProfessionals: true,
      hiddenFromPatient: false,
      hiddenFromLegalRepresentatives: false,
      secretConnection: false,
      confidentialityChanged: false,
      toDmp: false,
      toMssanteProfessionals: false,
      toMssantePatient: true,
      receptionAck: false,
      readingAck: false,
    });
    expect(m.recipients[0]).toMatchObject({
      kind: 'patient',
      person: { id: '279035121518989', idType: 'INS' },
    });
  });

  it('an independent parser (@medplum/core) finds every field where the guide puts it', () => {
    const text = buildOru(base({ acks: { reception: true } })).text;
    const msg = Hl7Message.parse(text);
    const msh = msg.getSegment('MSH')!;
    expect([9, 12, 17, 18, 21].map((f) => msh.getField(f)?.toString())).toEqual([
      'ORU^R01^ORU_R01',
      '2.5',
      'FRA',
      'UNICODE UTF-8',
      '2.1^CISIS_CDA_HL7_V2',
    ]);
    const obx = msg.getAllSegments('OBX');
    expect(obx.map((s) => s.getComponent(3, 1))).toEqual([
      '11502-2',
      'MASQUE_PS',
      'INVISIBLE_PATIENT',
      'INVISIBLE_REP_LEGAUX',
      'CONNEXION_SECRETE',
      'MODIF_CONF_CODE',
      'DESTDMP',
      'DESTMSSANTEPS',
      'DESTMSSANTEPAT',
      'ACK_RECEPTION',
      'ACK_LECTURE_MSS',
    ]);
    expect(obx.map((s) => s.getField(11)?.toString())).toEqual(new Array(11).fill('F'));
    expect(obx[9]!.getField(5)?.toString()).toBe('Y^^expandedYes-NoIndicator');
    expect(msg.getSegment('PRT')!.getField(4)?.toString()).toBe('SB^Send by^participation');
  });

  it('given the models the documents were built from, writes the same message without reading the CDA back', () => {
    const models = { n3: parseCrBio(replacementN3).report, n1: parseCrBio(replacementN1).report };
    const input = base({ n3: replacementN3, n1: replacementN1, event: 'replacement' });
    expect(buildOru({ ...input, models }).text).toBe(buildOru(input).text);
  });

  it('python3 decodes the OBX-5 base64 to the very CDA bytes', () => {
    const text = buildOru(base()).text;
    const script =
      'import sys,base64;l=[x for x in sys.stdin.read().split("\\r") if x.startswith("OBX|1|")][0];sys.stdout.buffer.write(base64.b64decode(l.split("|")[5].split("^")[4]))';
    const out = execFileSync('python3', ['-c', script], { input: text });
    expect(out.equals(Buffer.from(biochemistry))).toBe(true);
  });
});

describe('events: OBX-11, ORC-1 and the MDM trigger agree', () => {
  it.each([
    ['initial', 'F', 'NW', 'T02'],
    ['replacement', 'C', 'RO', 'T10'],
    ['deletion', 'D', 'CA', 'T04'],
  ] as const)('%s → OBX-11 %s, ORC-1 %s, MDM^%s', (event, obx11, orc1, trigger) => {
    const n3 = event === 'replacement' ? replacementN3 : biochemistry;
    const oru = parseHl7v2(buildOru(base({ n3, event })).bytes);
    expect(
      hl7Value(
        oru.segments.find((s) => s.name === 'ORC'),
        1,
      ),
    ).toBe(orc1);
    expect(
      hl7Value(
        oru.segments.find((s) => s.name === 'OBX'),
        11,
      ),
    ).toBe(obx11);
    const mdm = buildMdm(base({ n3, event }));
    const read = readOru(mdm.bytes);
    expect([read.kind, read.trigger, read.version, read.event]).toEqual(['MDM', trigger, '2.6', event]);
    expect(read.txa?.completionStatus).toBe('AU');
    const report = parseCrBio(n3).report;
    expect(read.txa?.documentId).toBe(report.id.extension ?? report.id.root);
    expect(read.txa?.parentDocumentId).toBe(
      event === 'replacement' ? report.relatedDocument?.parentId.root : undefined,
    );
    expect(
      parseHl7v2(mdm.bytes)
        .segments.filter((s) => s.name === 'OBX' && hl7Value(s, 3) !== '11502-2')
        .every((s) => hl7Value(s, 2) === 'CWE'),
    ).toBe(true);
  });

  it('a replacement needs a CDA that replaces another (RPLC): refused otherwise, for the N1 too', () => {
    expect(refused(() => buildOru(base({ event: 'replacement' }))).code).toBe('HL7_NOT_A_REPLACEMENT');
    expect(
      refused(() => buildOru(base({ n3: replacementN3, n1: biochemistry, event: 'replacement' }))).where,
    ).toMatch(/^n1/);
    expect(
      readOru(buildOru(base({ n3: replacementN3, n1: replacementN1, event: 'replacement' })).bytes).documents,
    ).toHaveLength(2);
  });

  it('an MDM carries one document', () => {
    expect(refused(() => buildMdm(base({ n1: replacementN1 }))).code).toBe('HL7_INPUT');
  });
});

describe('the MSSanté table of allowed flag combinations', () => {
  const professional = [both[1]!];
  const patient = [both[0]!];
  it.each([
    [
      'professionals + patient, document hidden from the patient',
      { recipients: both, visibility: { hiddenFromPatient: true } },
    ],
    ['professionals only, document visible to the patient', { recipients: professional }],
    [
      'professionals only, masked to professionals',
      { recipients: professional, visibility: { hiddenFromProfessionals: true, hiddenFromPatient: true } },
    ],
    ['patient only, DMP too', { recipients: patient }],
    [
      'patient only, secret connection',
      { recipients: patient, toDmp: false, visibility: { secretConnection: true } },
    ],
  ] as const)('refuses %s', (_, over) => {
    const e = refused(() => buildOru(base(over as Partial<DocumentMessageInput>)));
    expect(e.code).toBe('HL7_FLAG_COMBINATION');
  });

  it.each([
    ['professionals + patient, all visible', { recipients: both }],
    [
      'professionals only, hidden from the patient',
      { recipients: professional, visibility: { hiddenFromPatient: true } },
    ],
    [
      'patient only, no DMP, masked to professionals',
      { recipients: patient, toDmp: false, visibility: { hiddenFromProfessionals: true } },
    ],
    [
      'no MSSanté recipient, anything masked',
      { recipients: [], visibility: { hiddenFromPatient: true, secretConnection: true } },
    ],
  ] as const)('allows %s', (_, over) => {
    expect(buildOru(base(over as Partial<DocumentMessageInput>)).text).toMatch(/^MSH/);
  });

  it('refuses a recipient without a mailbox address', () => {
    expect(refused(() => buildOru(base({ recipients: [{ kind: 'mailbox', mail: 'nobody' }] }))).code).toBe(
      'HL7_RECIPIENT',
    );
  });
});

describe('structure: the same segments and the same fields filled as the ANS V2.1 replacement example', () => {
  // Fields the guide lists for each segment (the example fills a few more in PID/PV1/ORC/OBR, from PAM-FR).
  const GUIDE: Record<string, number[]> = { PID: [3, 5], PV1: [2], ORC: [1], OBR: [4] };
  const filledSet = (s: Hl7Segment) => s.fields.map((_, i) => i).filter((i) => i > 0 && isFieldFilled(s, i));

  it('segment by segment', () => {
    const example = parseHl7v2(
      readFileSync(
        join(HL7_EXAMPLES, 'TRANS_DOC_CDA_HL7V2/V2.1/ORU/Remplacement ORU/message_ORU_CR_Bio_RPLC_N1_N3.er7'),
      ),
    );
    const ours = parseHl7v2(
      buildOru(
        base({
          n3: replacementN3,
          n1: replacementN1,
          event: 'replacement',
          replyTo: DOCTOR,
          mailBodies: { professional: 'Cher confrère' },
        }),
      ).bytes,
    );
    expect(ours.segments.map((s) => s.name)).toEqual(example.segments.map((s) => s.name));
    for (const [i, seg] of ours.segments.entries()) {
      const ex = example.segments[i]!;
      const guide = GUIDE[seg.name];
      if (guide) {
        for (const f of guide)
          expect([seg.name, f, isFieldFilled(seg, f)]).toEqual([seg.name, f, isFieldFilled(ex, f)]);
      } else {
        expect([`${seg.name}[${i}]`, filledSet(seg)]).toEqual([`${seg.name}[${i}]`, filledSet(ex)]);
      }
    }
  });
});
