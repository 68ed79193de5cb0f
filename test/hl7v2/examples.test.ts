// Every ANS example message of shared/hl7v2-examples read; the documents they carry compared with the example CDA
// files; flags and recipients checked against what each folder's README states.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCrBio } from '../../src/cda/index.js';
import {
  type DocumentMessage,
  hl7Value,
  type MetaFlags,
  parseHl7v2,
  readAck,
  readOru,
  readZam,
} from '../../src/hl7v2/index.js';
import { exampleMessages, HL7_EXAMPLES } from './helpers.js';

const read = (rel: string) => readFileSync(join(HL7_EXAMPLES, rel));
const oru = (rel: string) => readOru(read(rel));
const norm = (b: Uint8Array | string) =>
  Buffer.from(b)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .replace(/\s+/g, ' ')
    .trim();
const codes = (m: DocumentMessage) => m.warnings.map((w) => w.code);

const V20 = 'TRANS_DOC_CDA_HL7V2/V2.0';
const V21 = 'TRANS_DOC_CDA_HL7V2/V2.1';
const LPS = 'Trans_LPS_CDA_MSSanté/V1.0';
const HODA = 'adam.hoda@test-ci-sis.mssante.fr';

describe('every ANS example message is read', () => {
  const files = exampleMessages();
  it('finds the 38 messages of the three folders', () => expect(files).toHaveLength(38));

  for (const rel of files) {
    it(rel, () => {
      const bytes = read(rel);
      const type = hl7Value(parseHl7v2(bytes).segments[0], 9);
      if (type === 'ACK') {
        const ack = readAck(bytes);
        expect([ack.code, ack.ackedControlId, ack.errors]).toEqual(['AA', '015', []]);
      } else if (type === 'ZAM') {
        expect(readZam(bytes).originalControlId).toBe('015');
      } else {
        const m = readOru(bytes);
        expect(m.documents.length).toBe(m.kind === 'ORU' ? 2 : 1);
        for (const d of m.documents) {
          // Base64 examples carry a CDA; the others the ANS's placeholder phrase, reported as not a CDA.
          const b64 = /Base64|DocB64/.test(rel);
          expect(d.isCda, d.where).toBe(b64);
          if (!b64)
            expect(m.warnings).toContainEqual(
              expect.objectContaining({ code: 'HL7_NOT_CDA', where: `${d.where}-5` }),
            );
        }
      }
    });
  }
});

/** The example CDA file, with the differences the ANS left between it and the copy inside the message. */
function exampleCda(rel: string, fixes: Array<'mail' | 'rplc'>): string {
  let xml = read(rel).toString('utf8');
  if (fixes.includes('mail')) xml = xml.replace(`mailto:${HODA}`, 'mailto:adam.hoda@medecin.mssante.fr');
  if (fixes.includes('rplc'))
    xml = xml.replace(/<!--\s*document remplacé\s*-->\s*<relatedDocument[\s\S]*?<\/relatedDocument>/, '');
  return norm(xml);
}

describe('documents carried in base64 equal the example CDA files (white space normalised)', () => {
  for (const dir of [`${V20}/ORU/Remplacement ORU`, `${V20}/ORU/Suppression ORU`]) {
    it(`${dir}: N1 and N3 (defects: another mail address in the N1, no relatedDocument in the N3)`, () => {
      const file = /Rempl/.test(dir)
        ? 'message_ORU_CR_Bio_RPLC_N1_Base64_N3_Base64.er7'
        : 'message_ORU_CR_Bio_DEL_N1_Base64_N3_Base64.er7';
      const [n1, n3] = oru(`${dir}/${file}`).documents;
      expect(norm(n1!.bytes)).toBe(exampleCda(`${dir}/CR_Bio_CDA_Niv1_v2.XML`, ['mail']));
      expect(norm(n3!.bytes)).toBe(exampleCda(`${dir}/CR_Bio_CDA_Niv3_v2.XML`, ['rplc']));
      expect(norm(n1!.bytes)).not.toBe(norm(read(`${dir}/CR_Bio_CDA_Niv1_v2.XML`)));
      expect(parseCrBio(n3!.bytes).report.relatedDocument).toBeUndefined(); // a "replacement" without RPLC
    });
  }

  for (const dir of [`${V21}/ORU/Remplacement ORU`, `${V21}/ORU/Suppression ORU`]) {
    it(`${dir}: carries the V2.0 documents (patient NESSI), not the V2.1 files (patient PAT-TROIS)`, () => {
      const ours = oru(
        `${dir}/${/Rempl/.test(dir) ? 'message_ORU_CR_Bio_RPLC_N1_Base64_N3_Base64.er7' : 'message_ORU_CR_Bio_DEL_N1_Base64_N3_Base64.er7'}`,
      );
      const v20 = oru(`${V20}/ORU/Remplacement ORU/message_ORU_CR_Bio_RPLC_N1_Base64_N3_Base64.er7`);
      expect(ours.documents.map((d) => Buffer.from(d.bytes))).toEqual(
        v20.documents.map((d) => Buffer.from(d.bytes)),
      );
      expect(ours.patient.ins?.matricule).toBe('279035121518989');
      expect(parseCrBio(ours.documents[1]!.bytes).report.patient.identity.ins?.matricule).toBe(
        '277076322082910',
      );
      expect(parseCrBio(read(`${dir}/CR_Bio_CDA_Niv3_v2.XML`)).report.patient.identity.ins?.matricule).toBe(
        '279035121518989',
      );
    });
  }

  for (const rel of [
    `${V20}/MDM/Transmission initiale MDM/message_MDM_CR_Radio_INIT_N1_Base64.er7`,
    `${LPS}/Transmission initiale MDM/message_MDM__LPS_MSS_CR_Radio_INIT_N1_Base64.er7`,
  ]) {
    it(`${rel}: the imaging report (defect: another mail address)`, () => {
      const [doc] = oru(rel).documents;
      expect(norm(doc!.bytes)).toBe(exampleCda(rel.replace(/[^/]+$/, 'CR_Radio_CDAN1_v1.XML'), ['mail']));
    });
  }

  it(`${LPS}/MDM/messageDocB64.hl7: a well-formed CR-BIO of another patient than PID, INS traits not upper-case (defects)`, () => {
    const m = oru(`${LPS}/MDM/messageDocB64.hl7`);
    const doc = m.documents[0]!.bytes;
    expect(execFileSync('xmllint', ['--noout', '--nonet', '-'], { input: doc, encoding: 'utf8' })).toBe('');
    expect(() => parseCrBio(doc)).toThrow(/INSi traits use upper-case/);
    expect(Buffer.from(doc).toString()).toContain('<given qualifier="BR">Dominique</given>');
    expect(Buffer.from(doc).toString()).toContain('extension="279035121518989"');
    expect(m.patient.ins?.matricule).toBe('276037510669380'); // PID-3: DE VINCI Donatello
    expect(m.email).toMatchObject({ messageId: '1', subject: expect.stringContaining('DE VINCI') });
    expect(Buffer.from(m.email!.bytes).toString()).toBe('Corps du courriel');
  });
});

type Expect = {
  flags: Partial<MetaFlags>;
  event: DocumentMessage['event'];
  mails: string[];
  sender: string;
  replyTo?: string;
};
const ALL_VISIBLE = {
  hiddenFromProfessionals: false,
  hiddenFromPatient: false,
  hiddenFromLegalRepresentatives: false,
};
/** Visible to all, sent to the DMP, the professionals and the patient (the ORU examples' common case). */
const TO_ALL = { ...ALL_VISIBLE, toDmp: true, toMssanteProfessionals: true, toMssantePatient: true };

// What each folder's README says (French), as flags, recipients, sender.
const README: Record<string, Expect> = {
  [`${V20}/ORU/Transmission initiale ORU/message_ORU_CR_Bio_INIT_N1_N3.hl7`]: {
    flags: { ...TO_ALL, receptionAck: true, readingAck: true },
    event: 'initial',
    mails: [HODA, '2770763220829106@patient.mssante.fr'],
    sender: '801234567866',
    replyTo: HODA,
  },
  [`${V20}/ORU/Remplacement ORU/message_ORU_CR_Bio_RPLC_N1_N3.er7`]: {
    flags: { ...TO_ALL, receptionAck: false, readingAck: false },
    event: 'replacement',
    mails: [HODA, '2770763220829106@patient.mssante.fr'],
    sender: '801234567866',
    replyTo: HODA,
  },
  [`${V20}/ORU/Suppression ORU/message_ORU_CR_Bio_DEL_N1_N3.er7`]: {
    flags: { ...TO_ALL, receptionAck: false, readingAck: false },
    event: 'deletion',
    mails: [HODA, '2770763220829106@patient.mssante.fr'],
    sender: '801234567866',
  },
  [`${V21}/ORU/Transmission initiale ORU/message_ORU_CR_Bio_INIT_N1_N3.hl7`]: {
    flags: TO_ALL,
    event: 'initial',
    mails: [HODA, '279035121518989@patient.mssante.fr'],
    sender: '801234567866',
  },
  [`${V21}/ORU/Remplacement ORU/message_ORU_CR_Bio_RPLC_N1_N3.er7`]: {
    flags: { ...TO_ALL, receptionAck: false, readingAck: false },
    event: 'replacement',
    mails: [HODA, '279035121518989@patient.mssante.fr'],
    sender: '801234567866',
    replyTo: HODA,
  },
  [`${V21}/ORU/Suppression ORU/message_ORU_CR_Bio_DEL_N1_N3.er7`]: {
    flags: { ...TO_ALL, receptionAck: false, readingAck: false },
    event: 'deletion',
    mails: [HODA, '279035121518989@patient.mssante.fr'],
    sender: '801234567866',
  },
  [`${V20}/MDM/Transmission initiale MDM/message_MDM_CR_Radio_INIT_N1.er7`]: {
    flags: {
      hiddenFromPatient: true,
      hiddenFromLegalRepresentatives: true,
      toDmp: true,
      toMssanteProfessionals: true,
      toMssantePatient: false,
      receptionAck: false,
      readingAck: false,
    },
    event: 'initial',
    mails: [HODA],
    sender: '801234564895',
  },
  [`${V20}/MDM/Remplacement MDM/message_MDM_CR_Radio_RPLC_N1.er7`]: {
    flags: {
      hiddenFromPatient: false,
      hiddenFromLegalRepresentatives: false,
      confidentialityChanged: true,
      toDmp: true,
      toMssanteProfessionals: true,
    },
    event: 'replacement',
    mails: [HODA],
    sender: '801234564895',
  },
  [`${V20}/MDM/Suppression MDM/message_MDM_CR_Radio_DEL_N1.er7`]: {
    flags: { toDmp: true, toMssanteProfessionals: true },
    event: 'deletion',
    mails: [HODA],
    sender: '801234564895',
  },
  [`${LPS}/Transmission initiale MDM/message_MDM__LPS_MSS_CR_Radio_INIT_N1.er7`]: {
    flags: { hiddenFromPatient: true, hiddenFromLegalRepresentatives: true, readingAck: false },
    event: 'initial',
    mails: ['dpi@hopitalA.mssante.fr'],
    sender: '801234564895',
    replyTo: HODA,
  },
  [`${LPS}/Remplacement MDM/message_MDM__LPS_MSS_CR_Radio_RPLC_N1.er7`]: {
    flags: { hiddenFromPatient: false, hiddenFromLegalRepresentatives: false, confidentialityChanged: true },
    event: 'replacement',
    mails: ['dpi@hopitalA.mssante.fr'],
    sender: '801234564895',
  },
  [`${LPS}/Suppression MDM/message_MDM__LPS_MSS_CR_Radio_DEL_N1.er7`]: {
    flags: {},
    event: 'deletion',
    mails: ['dpi@hopitalA.mssante.fr'],
    sender: '801234564895',
  },
  [`${LPS}/MDM/message.hl7`]: {
    flags: {},
    event: 'initial',
    mails: ['dpi@hopitalA.mssante.fr'],
    sender: '801234567897',
  },
};

describe('flags, recipients, sender and event are what the READMEs state', () => {
  for (const [rel, e] of Object.entries(README)) {
    it(rel, () => {
      const m = oru(rel);
      expect(m.event).toBe(e.event);
      expect(m.flags).toMatchObject(e.flags);
      expect(m.recipients.map((r) => r.mail)).toEqual(e.mails);
      expect(m.sender?.person?.id).toBe(e.sender);
      if (e.replyTo) expect(m.replyTo).toBe(e.replyTo);
      expect(m.profileName).toBe(rel.startsWith(LPS) ? 'lps' : 'transmission');
      expect(m.profile).toEqual(
        rel.startsWith(LPS)
          ? { id: '1.0', namespace: 'CISIS_CDA_HL7_LPS' }
          : { id: rel.startsWith(V21) ? '2.1' : '2.0', namespace: 'CISIS_CDA_HL7_V2' },
      );
    });
  }

  it('recipients are typed: the professional with his IDNPS, the patient with the INS, the hospital as an organisation', () => {
    const v21 = oru(`${V21}/ORU/Transmission initiale ORU/message_ORU_CR_Bio_INIT_N1_N3.hl7`);
    expect(v21.recipients.map((r) => [r.kind, r.person?.id, r.person?.idType])).toEqual([
      ['professional', '801234567897', 'IDNPS'],
      ['patient', '279035121518989', 'INS'],
    ]);
    expect(v21.recipients[1]!.person?.authorityOid).toBe('1.2.250.1.213.1.4.10'); // written bare in PRT-5.9
    const lps = oru(`${LPS}/Transmission initiale MDM/message_MDM__LPS_MSS_CR_Radio_INIT_N1.er7`);
    expect(lps.recipients[0]).toMatchObject({
      kind: 'organization',
      organization: { name: 'Organisation-X', idType: 'UF', id: '3435' },
    });
    expect(v21.patient).toMatchObject({
      ins: { matricule: '279035121518989', oid: '1.2.250.1.213.1.4.10' },
      birthFamilyName: 'PAT-TROIS',
      sex: 'F',
      identityStatus: 'VALI',
    });
  });
});

describe('defects of the ANS examples are read through, each reported', () => {
  it('CORPSMAIL_PS base64 cut in the ORU examples: a warning, the documents still come out', () => {
    const m = oru(`${V21}/ORU/Remplacement ORU/message_ORU_CR_Bio_RPLC_N1_Base64_N3_Base64.er7`);
    expect(m.warnings).toContainEqual(
      expect.objectContaining({ code: 'HL7_MAIL_BODY_UNDECODABLE', where: 'OBX[13]-5.5' }),
    );
    expect(m.mailBodies.professional).toBeUndefined();
    expect(m.documents.every((d) => d.isCda)).toBe(true);
  });

  it('the MDM examples carry a whole CORPSMAIL_PS', () => {
    expect(
      oru(`${V20}/MDM/Transmission initiale MDM/message_MDM_CR_Radio_INIT_N1.er7`).mailBodies.professional,
    ).toBe('Cher confrère, vous trouverez ci-joint le CR d’imagerie de M.Dupont');
  });

  it('a document base64 without its "=" padding (LPS message.hl7): padding restored, reported', () => {
    const m = oru(`${LPS}/MDM/message.hl7`);
    expect(codes(m)).toContain('HL7_BASE64_PADDING');
    expect(Buffer.from(m.documents[0]!.bytes).toString()).toBe('<?xml version="1.0" encodi');
  });

  it('V2.0 ORU: MSH-2 with U+02DC "˜" as repetition separator; ORC-1 SC instead of NW/RO/CA', () => {
    const m = parseHl7v2(read(`${V20}/ORU/Remplacement ORU/message_ORU_CR_Bio_RPLC_N1_N3.er7`));
    expect(m.encoding.repetition).toBe('˜');
    expect(m.segments[1]!.fields[11]).toHaveLength(2); // PID-11: address ˜ birth place
    expect(codes(oru(`${V20}/ORU/Remplacement ORU/message_ORU_CR_Bio_RPLC_N1_N3.er7`))).toContain(
      'HL7_ORDER_CONTROL',
    );
  });

  it('LPS: flags without coding system and ACK_LECTURE for ACK_LECTURE_MSS', () => {
    const m = oru(`${LPS}/MDM/message.hl7`);
    expect(codes(m)).toEqual(expect.arrayContaining(['HL7_CODING_SYSTEM', 'HL7_FLAG_ALIAS']));
    expect(m.flags.readingAck).toBe(false);
  });

  it('V2.0 MDM: flag combinations outside the MSSanté table (mailed to a professional only, yet visible to the patient)', () => {
    for (const dir of [
      'Transmission initiale MDM/message_MDM_CR_Radio_INIT_N1.er7',
      'Remplacement MDM/message_MDM_CR_Radio_RPLC_N1.er7',
    ]) {
      expect(codes(oru(`${V20}/MDM/${dir}`))).toContain('HL7_FLAG_COMBINATION');
    }
    expect(codes(oru(`${V21}/ORU/Remplacement ORU/message_ORU_CR_Bio_RPLC_N1_N3.er7`))).not.toContain(
      'HL7_FLAG_COMBINATION',
    );
  });

  it('business acknowledgements: DMP refused (DMPClosed), MSSanté received, MSSanté read', () => {
    const dir = `${V21}/ORU/Transmission initiale ORU`;
    expect(readZam(read(`${dir}/Message metier reception DMP`))).toEqual({
      kind: 'dmp-reception',
      originalControlId: '015',
      ok: false,
      controlId: '017',
      error: { hl7Code: '207', code: 'DMPClosed', text: 'DMP fermé', system: 'DMPERRORCODE' },
    });
    expect(readZam(read(`${dir}/Message metier reception MSS`))).toMatchObject({
      kind: 'mss-reception',
      ok: true,
      party: { id: '801234567897', mail: HODA },
    });
    expect(readZam(read(`${dir}/Message metier lecture MSS`))).toMatchObject({
      kind: 'mss-reading',
      ok: true,
      party: { mail: HODA },
    });
  });
});
