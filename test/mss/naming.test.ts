import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/cda/index.js';
import {
  assertAudienceAllowed,
  audienceViolations,
  MssError,
  mssSubject,
  namingOf,
  patientAddress,
  pdfFileName,
  xdmDocumentName,
} from '../../src/mss/index.js';

const report = () => SCENARIOS.find((s) => s.name === 'biochemistry')!.model();

describe('MSSanté names', () => {
  it('subject XDM/1.0/DDM+<title> <NOM> <Prénom> <JJ/MM/AAAA> from the INS traits', () => {
    const r = report();
    r.title = 'Compte rendu de biologie médicale';
    expect(mssSubject(namingOf(r))).toBe(
      'XDM/1.0/DDM+Compte rendu de biologie médicale PAT-TROIS DOMINIQUE 28/03/1979',
    );
  });

  it('PDF name <AAAAMMJJ acte>_<type ≤ 40>_<NOM>_<prénom>[_<dossier>].pdf, ASCII', () => {
    const r = report();
    r.title = "Compte rendu d'examens de biologie médicale très détaillé";
    const n = namingOf(r);
    const name = pdfFileName(n, 'D 2024/001');
    expect(name).toMatch(/^\d{8}_[A-Za-z0-9_-]+_PAT-TROIS_DOMINIQUE_D_2024_001\.pdf$/);
    expect(name.split('_PAT-TROIS')[0]!.slice(9).length).toBeLessThanOrEqual(40);
    expect(name.startsWith(n.actDate)).toBe(true);
    expect(name).toMatch(/^[\x20-\x7e]+$/);
    expect(pdfFileName(n)).not.toContain('D_2024');
  });

  it('patient mailbox <matricule INS>@patient.mssante.fr, only for a qualified identity', () => {
    const r = report();
    expect(patientAddress(r)).toBe(`${r.patient.identity.ins!.matricule}@patient.mssante.fr`);
    r.patient.identity.status = 'VALI';
    delete r.patient.identity.ins;
    expect(() => patientAddress(r)).toThrow(MssError);
    try {
      patientAddress(r);
    } catch (e) {
      expect((e as MssError).code).toBe('MSS_PATIENT_NOT_QUALIFIED');
    }
  });

  it('8.3 upper-case document names', () => {
    expect(xdmDocumentName(1, 'text/xml')).toBe('DOC0001.XML');
    expect(xdmDocumentName(12, 'application/pdf')).toBe('DOC0012.PDF');
    expect(() => xdmDocumentName(10_000, 'text/xml')).toThrow(MssError);
  });
});

describe('audiences (CI-SIS MSSanté matrix)', () => {
  it('never to the patient a patient-invisible or secret-connection document', () => {
    expect(audienceViolations('patient', { hiddenFromPatient: true }).map((v) => v.flag)).toEqual([
      'hiddenFromPatient',
    ]);
    expect(audienceViolations('patient', { secretConnection: true }).map((v) => v.flag)).toEqual([
      'secretConnection',
    ]);
    expect(() => assertAudienceAllowed('patient', { hiddenFromPatient: true })).toThrow(/INVISIBLE_PATIENT/);
  });

  it('to the patient: masked to professionals or hidden from legal representatives is allowed', () => {
    expect(
      audienceViolations('patient', { hiddenFromProfessionals: true, hiddenFromLegalRepresentatives: true }),
    ).toEqual([]);
  });

  it('never to professionals a PS-masked document, nor one hidden from legal representatives', () => {
    expect(audienceViolations('professional', { hiddenFromProfessionals: true }).map((v) => v.flag)).toEqual([
      'hiddenFromProfessionals',
    ]);
    expect(
      audienceViolations('professional', { hiddenFromLegalRepresentatives: true }).map((v) => v.flag),
    ).toEqual(['hiddenFromLegalRepresentatives']);
    expect(audienceViolations('professional', { hiddenFromPatient: true })).toEqual([]);
    expect(audienceViolations('professional', {})).toEqual([]);
  });
});
