import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Hl7v2Error, parseHl7v2, readOru } from '../../src/hl7v2/index.js';
import { HL7_EXAMPLES } from './helpers.js';

const EXAMPLE = readFileSync(
  join(HL7_EXAMPLES, 'TRANS_DOC_CDA_HL7V2/V2.1/ORU/Remplacement ORU/message_ORU_CR_Bio_RPLC_N1_N3.er7'),
  'utf8',
);
const MDM = readFileSync(
  join(HL7_EXAMPLES, 'TRANS_DOC_CDA_HL7V2/V2.0/MDM/Remplacement MDM/message_MDM_CR_Radio_RPLC_N1.er7'),
  'utf8',
);

function error(input: string | Uint8Array): Hl7v2Error {
  try {
    readOru(input);
  } catch (e) {
    expect(e).toBeInstanceOf(Hl7v2Error);
    return e as Hl7v2Error;
  }
  throw new Error('read without error');
}

/** The example with one line changed. */
function edit(find: RegExp, replace: string, text = EXAMPLE): string {
  expect(text).toMatch(find);
  return text.replace(find, replace);
}

describe('malformed or refused messages give typed errors that say where', () => {
  it.each([
    ['empty input', '', 'HL7_EMPTY', undefined],
    ['no MSH', EXAMPLE.slice(EXAMPLE.indexOf('PID')), 'HL7_NO_MSH', 'segment 1'],
    ['unusable MSH-2', edit(/^MSH\|\^~\\&/, 'MSH|^^\\&'), 'HL7_ENCODING_CHARACTERS', 'MSH-2'],
    ['a segment name that is not one', edit(/\nPV1\|/, '\npv1|'), 'HL7_SEGMENT', 'segment 3'],
    ['ORU in HL7 2.6', edit(/\|P\|2\.5\|/, '|P|2.6|'), 'HL7_VERSION', 'MSH-12'],
    ['MDM in HL7 2.5', edit(/\|P\|2\.6\|/, '|P|2.5|', MDM), 'HL7_VERSION', 'MSH-12'],
    ['another message type', edit(/ORU\^R01\^ORU_R01/, 'ADT^A01^ADT_A01'), 'HL7_MESSAGE_TYPE', 'MSH-9'],
    [
      'a document that is not base64',
      edit(/Base64\^RG9jdW1lbnQgbWVkY2lhbCBhdSBmb3JtYXQgQ0RBIG5pdmVhdSAx/, 'Base64^<ClinicalDocument/>'),
      'HL7_DOCUMENT_UNDECODABLE',
      'OBX[1]-5.5',
    ],
    [
      'an unknown MetaDMPMSS code',
      edit(/CONNEXION_SECRETE\^Connexion Secrete/, 'CONNEXION_PUBLIQUE^Connexion'),
      'HL7_UNKNOWN_FLAG',
      'OBX[6]-3',
    ],
    [
      'a flag that is not Y/N',
      edit(/DESTDMP\^Destinataire DMP\^MetaDMPMSS\|\|Y/, 'DESTDMP^Destinataire DMP^MetaDMPMSS||O'),
      'HL7_FLAG_VALUE',
      'OBX[8]-5',
    ],
    ['ORC-1 against OBX-11', edit(/\nORC\|RO\|/, '\nORC|NW|'), 'HL7_EVENT_MISMATCH', 'ORC-1'],
    [
      'documents with different OBX-11',
      edit(/(\nOBX\|2\|ED\|[^\n]*\|\|\|\|\|\|)C\|/, '$1F|'),
      'HL7_EVENT_MISMATCH',
      'OBX-11',
    ],
    ['MDM^T10 with OBX-11 D', edit(/\|\|\|\|\|\|C\|/, '||||||D|', MDM), 'HL7_EVENT_MISMATCH', 'MSH-9'],
    [
      'no document at all',
      EXAMPLE.split('\n')
        .filter((l) => !l.startsWith('OBX|1|') && !l.startsWith('OBX|2|'))
        .join('\n'),
      'HL7_NO_DOCUMENT',
      'OBX',
    ],
  ])('%s', (_, input, code, where) => {
    const e = error(input);
    expect(e.code).toBe(code);
    expect(e.where).toBe(where);
  });

  it('bytes that are not UTF-8 when MSH-18 says UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from(EXAMPLE.split('\n')[0]!),
      Buffer.from('\rPID|||\xff\xfe', 'latin1'),
    ]);
    expect(error(bytes)).toMatchObject({ code: 'HL7_CHARSET', where: 'MSH-18' });
  });

  it('a message over the size limit', () => {
    expect(() => parseHl7v2(EXAMPLE, { maxBytes: 100 })).toThrow(
      expect.objectContaining({ code: 'HL7_TOO_LARGE' }),
    );
  });
});
