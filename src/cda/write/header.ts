/**
 * CR-BIO header (CI-SIS structuration minimale + BIO-CR-BIO 2024.01 Entete): document identification,
 * patient and INS, author, custodian, authenticators, participants, order, service events, replaced
 * version, encounter. Element order follows the CDA schema (`POCD_MT000040.ClinicalDocument`).
 * @module
 */
import type { Code, CrBioReport, HeaderParticipant, Patient, TimeSpec } from '../../model/index.js';
import { CODE_SYSTEM } from '../../model/index.js';
import { type BuildContext, sub } from './context.js';
import {
  writeAddr,
  writeAddrs,
  writeCode,
  writeCS,
  writeIds,
  writeII,
  writePersonName,
  writeTelecoms,
  writeTime,
  writeTs,
} from './datatypes.js';
import { TPL_AUTHEN_IHE, writeAssignedEntity, writeOrganization, writePerformingLab } from './parties.js';
import { el, NS_LAB, NS_SDTC, type XMLBuilder } from './xml.js';

/** templateIds of a level-3 CR-BIO (HL7 France, CI-SIS, IHE XD-LAB, CR-BIO volet). */
export const N3_TEMPLATE_IDS = [
  { root: '2.16.840.1.113883.2.8.2.1' },
  { root: '1.2.250.1.213.1.1.1.1' },
  { root: '1.3.6.1.4.1.19376.1.3.3' },
  { root: '1.2.250.1.213.1.1.1.55', extension: '2024.01' },
] as const;
/** The only templateIds the structuration minimale allows on a level-1 document (HL7 France, CI-SIS, IHE XDS-SD). */
export const N1_TEMPLATE_IDS = [
  { root: '2.16.840.1.113883.2.8.2.1' },
  { root: '1.2.250.1.213.1.1.1.1' },
  { root: '1.3.6.1.4.1.19376.1.2.20' },
] as const;

/** Document code and title the volet requires (exact strings). */
export const CR_BIO_CODE = {
  code: '11502-2',
  displayName: "CR d'examens biologiques",
  codeSystem: CODE_SYSTEM.LOINC,
  codeSystemName: 'LOINC',
} as const;
export const CR_BIO_TITLE = "Compte rendu d'examens biologiques";

const DEFAULT_CONFIDENTIALITY: Code = {
  code: 'N',
  displayName: 'Normal',
  codeSystem: CODE_SYSTEM.HL7_CONFIDENTIALITY,
};
const GENDER_DISPLAY: Record<string, string> = { F: 'Féminin', M: 'Masculin', UN: 'Inconnu' };
/** Healthcare facility type of a medical biology laboratory (JDV_J02, default of the encounter location). */
export const LAB_FACILITY_CODE: Code = {
  code: 'SA25',
  displayName: 'Laboratoire de biologie médicale',
  codeSystem: '1.2.250.1.71.4.2.4',
};
const TPL_PRESCRIBER = '1.3.6.1.4.1.19376.1.3.3.1.6';
const NOT_APPLICABLE: TimeSpec = { nullFlavor: 'NA' };

/** Write the header of a CR-BIO of the given level on `root` (the ClinicalDocument element). */
export function writeHeader(ctx: BuildContext, root: XMLBuilder, r: CrBioReport, level: 1 | 3): void {
  el(root, 'realmCode', { code: 'FR' });
  el(root, 'typeId', { root: '2.16.840.1.113883.1.3', extension: 'POCD_HD000040' });
  for (const t of level === 3 ? N3_TEMPLATE_IDS : N1_TEMPLATE_IDS) writeII(root, 'templateId', t);
  writeII(root, 'id', r.id);
  writeCode(root, 'code', CR_BIO_CODE);
  if (level === 3 && r.title !== undefined && r.title !== CR_BIO_TITLE) {
    ctx.problem('title', `the title of a CR-BIO must be "${CR_BIO_TITLE}"`);
  }
  el(root, 'title').txt(level === 3 ? CR_BIO_TITLE : (r.title ?? CR_BIO_TITLE));
  writeTs(root, 'effectiveTime', r.effectiveTime);
  writeCode(root, 'confidentialityCode', r.confidentiality ?? DEFAULT_CONFIDENTIALITY);
  el(root, 'languageCode', { code: r.languageCode ?? 'fr-FR' });
  writeII(root, 'setId', r.setId);
  el(root, 'versionNumber', { value: String(r.versionNumber) });
  writeRecordTarget(ctx, root, r.patient);
  r.authors.forEach((a, i) => {
    const author = el(root, 'author');
    if (a.functionCode) writeCode(author, 'functionCode', a.functionCode);
    writeTs(author, 'time', a.time);
    const aa = el(author, 'assignedAuthor');
    if (!a.ids?.length) ctx.problem(sub(sub('authors', i), 'ids'), 'an author needs an id');
    writeIds(aa, a.ids);
    if (a.profession) writeCode(aa, 'code', a.profession);
    writeAddrs(aa, a.addresses);
    writeTelecoms(aa, a.telecoms);
    if (a.device) {
      const d = el(aa, 'assignedAuthoringDevice');
      if (a.device.manufacturerModelName !== undefined)
        el(d, 'manufacturerModelName').txt(a.device.manufacturerModelName);
      if (a.device.softwareName !== undefined) el(d, 'softwareName').txt(a.device.softwareName);
    } else if (a.name) {
      writePersonName(el(aa, 'assignedPerson'), a.name);
    } else {
      ctx.problem(sub('authors', i), 'an author is a person (name) or a device');
    }
    if (a.organization) writeOrganization(aa, 'representedOrganization', a.organization);
  });
  for (const inf of r.informants ?? []) {
    const informant = el(root, 'informant');
    if (inf.kind === 'assigned') writeAssignedEntity(informant, 'assignedEntity', inf);
    else {
      const re = el(informant, 'relatedEntity', { classCode: inf.classCode ?? 'ECON' });
      if (inf.profession) writeCode(re, 'code', inf.profession);
      writeAddrs(re, inf.addresses);
      writeTelecoms(re, inf.telecoms);
      if (inf.name) writePersonName(el(re, 'relatedPerson'), inf.name);
    }
  }
  const custodian = el(el(root, 'custodian'), 'assignedCustodian');
  if (!r.custodian.ids?.length) ctx.problem('custodian.ids', 'the custodian organisation needs an id');
  writeOrganization(custodian, 'representedCustodianOrganization', r.custodian, true);
  for (const rec of r.informationRecipients ?? []) {
    const ir = el(root, 'informationRecipient', { typeCode: rec.typeCode });
    const ip = el(ir, 'intendedRecipient');
    writeIds(ip, rec.templateIds, 'templateId');
    writeIds(ip, rec.ids);
    writeAddrs(ip, rec.addresses);
    writeTelecoms(ip, rec.telecoms);
    if (rec.name) writePersonName(el(ip, 'informationRecipient'), rec.name);
    if (rec.organization) writeOrganization(ip, 'receivedOrganization', rec.organization);
  }
  const la = el(root, 'legalAuthenticator');
  writeTs(la, 'time', r.legalAuthenticator.time);
  writeCS(la, 'signatureCode', 'S');
  if (!r.legalAuthenticator.ids?.length)
    ctx.problem('legalAuthenticator.ids', 'the legal authenticator needs an id');
  if (!r.legalAuthenticator.name?.family)
    ctx.problem('legalAuthenticator.name.family', 'the legal authenticator needs a family name');
  writeAssignedEntity(la, 'assignedEntity', r.legalAuthenticator);
  (r.authenticators ?? []).forEach((a, i) => {
    const au = el(root, 'authenticator');
    if (level === 3) el(au, 'templateId', { root: TPL_AUTHEN_IHE });
    writeTs(au, 'time', a.time);
    writeCS(au, 'signatureCode', 'S');
    if (level === 3) {
      if (!a.addresses?.length)
        ctx.problem(sub(sub('authenticators', i), 'addresses'), 'a validating biologist needs an address');
      if (!a.telecoms?.length)
        ctx.problem(sub(sub('authenticators', i), 'telecoms'), 'a validating biologist needs a telecom');
    }
    writeAssignedEntity(au, 'assignedEntity', a);
  });
  if (r.prescriber)
    writeParticipant(root, r.prescriber, 'REF', level === 3 ? { templateId: TPL_PRESCRIBER } : {});
  if (r.sampler) {
    writeParticipant(root, r.sampler, 'PRF', {
      functionCode: { code: 'PRELV', displayName: 'Préleveur', codeSystem: '1.2.250.1.213.1.1.4.2.280' },
    });
  }
  if (r.generalPractitioner) {
    writeParticipant(root, r.generalPractitioner, 'INF', {
      functionCode: { code: 'PCP', displayName: 'Médecin traitant', codeSystem: '2.16.840.1.113883.5.88' },
    });
  }
  (r.otherParticipants ?? []).forEach((p, i) => {
    if (!p.typeCode)
      ctx.problem(
        sub(sub('otherParticipants', i), 'typeCode'),
        'a participant needs a typeCode (REF, PRF, INF, …)',
      );
    writeParticipant(root, p, p.typeCode ?? 'INF', {});
  });
  for (const id of r.orderIds ?? []) writeII(el(el(root, 'inFulfillmentOf'), 'order'), 'id', id);
  writeServiceEvents(ctx, root, r, level);
  if (r.relatedDocument) {
    const rd = el(el(root, 'relatedDocument', { typeCode: r.relatedDocument.typeCode }), 'parentDocument');
    writeII(rd, 'id', r.relatedDocument.parentId);
    // parentDocument/setId is not written: the structuration minimale's closed template allows only id and
    // versionNumber there (a setId gives a warning, which the ANS pipeline counts as a failure).
    if (r.relatedDocument.parentVersionNumber !== undefined) {
      el(rd, 'versionNumber', { value: String(r.relatedDocument.parentVersionNumber) });
    }
  }
  writeEncounter(ctx, root, r, level);
}

function writeRecordTarget(ctx: BuildContext, root: XMLBuilder, p: Patient): void {
  const role = el(el(root, 'recordTarget'), 'patientRole');
  const id = p.identity;
  // The INS is written for a qualified identity only (RNIV); otherwise local ids only.
  const withIns = id.status === 'QUAL' && id.ins !== undefined;
  if (withIns && id.ins) writeII(role, 'id', { root: id.ins.oid, extension: id.ins.matricule });
  writeIds(role, p.localIds);
  if (!withIns && !p.localIds?.length) {
    ctx.problem('patient.localIds', 'a patient without a qualified INS needs at least one local id (IPP)');
  }
  writeAddrs(role, p.addresses);
  writeTelecoms(role, p.telecoms);
  const patient = el(role, 'patient', { classCode: 'PSN' });
  const name = el(patient, 'name');
  const t = id.traits;
  el(name, 'family', { qualifier: 'BR' }).txt(t.birthFamilyName);
  el(name, 'given').txt(t.birthGivenNames);
  el(name, 'given', { qualifier: 'BR' }).txt(t.firstBirthGivenName);
  if (id.usedFamilyName !== undefined) el(name, 'family', { qualifier: 'CL' }).txt(id.usedFamilyName);
  if (id.usedGivenName !== undefined) el(name, 'given', { qualifier: 'CL' }).txt(id.usedGivenName);
  el(patient, 'administrativeGenderCode', {
    code: t.sex,
    displayName: p.genderDisplayName ?? GENDER_DISPLAY[t.sex],
    codeSystem: CODE_SYSTEM.HL7_ADMINISTRATIVE_GENDER,
  });
  el(patient, 'birthTime', { value: p.birthTime ?? t.birthDate.replaceAll('-', '') });
  if (p.deceasedInd !== undefined) patient.ele('sdtc:deceasedInd', { value: String(p.deceasedInd) }, NS_SDTC);
  if (p.deceasedTime !== undefined) patient.ele('sdtc:deceasedTime', { value: p.deceasedTime }, NS_SDTC);
  for (const g of p.guardians ?? []) {
    const ge = el(patient, 'guardian');
    writeIds(ge, g.ids);
    if (g.code) writeCode(ge, 'code', g.code);
    writeAddrs(ge, g.addresses);
    writeTelecoms(ge, g.telecoms);
    if (g.name) writePersonName(el(ge, 'guardianPerson'), g.name);
    else if (g.organization) {
      const o = el(ge, 'guardianOrganization');
      writeIds(o, g.organization.ids);
      if (g.organization.name !== undefined) el(o, 'name').txt(g.organization.name);
    }
  }
  if (t.birthPlaceCog !== undefined || t.birthPlaceName !== undefined) {
    writeAddr(el(el(patient, 'birthplace'), 'place'), { county: t.birthPlaceCog, city: t.birthPlaceName });
  }
}

function writeParticipant(
  root: XMLBuilder,
  p: HeaderParticipant,
  typeCode: string,
  defaults: { templateId?: string; functionCode?: Code },
): void {
  const part = el(root, 'participant', { typeCode: p.typeCode ?? typeCode });
  if (p.templateIds) writeIds(part, p.templateIds, 'templateId');
  else if (defaults.templateId) el(part, 'templateId', { root: defaults.templateId });
  const fc = p.functionCode ?? defaults.functionCode;
  if (fc) writeCode(part, 'functionCode', fc);
  const time = p.time ?? NOT_APPLICABLE;
  writeTime(
    part,
    'time',
    time,
    time.nullFlavor === undefined && time.value === undefined ? 'IVL_TS' : undefined,
  );
  const ae = el(part, 'associatedEntity', { classCode: p.classCode ?? 'PROV' });
  writeIds(ae, p.ids);
  if (p.profession) writeCode(ae, 'code', p.profession);
  writeAddrs(ae, p.addresses);
  writeTelecoms(ae, p.telecoms);
  if (p.name) writePersonName(el(ae, 'associatedPerson'), p.name);
  if (p.organization) writeOrganization(ae, 'scopingOrganization', p.organization);
}

function writeServiceEvents(ctx: BuildContext, root: XMLBuilder, r: CrBioReport, level: 1 | 3): void {
  r.serviceEvents.forEach((se, i) => {
    const path = sub('serviceEvents', i);
    const ev = el(el(root, 'documentationOf'), 'serviceEvent');
    writeIds(ev, se.ids);
    writeCode(ev, 'code', se.code);
    if (se.status && level === 3) ev.ele('lab:statusCode', { code: se.status }, NS_LAB);
    if (i === 0) {
      if (!se.effectiveTime)
        ctx.problem(
          sub(path, 'effectiveTime'),
          'the main serviceEvent needs its effectiveTime (low = receipt)',
        );
      if (!se.performer)
        ctx.problem(sub(path, 'performer'), 'the main serviceEvent needs the performing laboratory');
    }
    if (se.effectiveTime) writeTime(ev, 'effectiveTime', se.effectiveTime);
    if (se.performer) {
      const fallback: TimeSpec = { high: se.effectiveTime?.high ?? r.effectiveTime };
      if (level === 3) writePerformingLab(ctx, ev, se.performer, sub(path, 'performer'), 'header', fallback);
      else {
        // Structuration minimale only: the performer's id and its organisation.
        if (!se.performer.ids?.length)
          ctx.problem(sub(path, 'performer.ids'), 'the main performer needs an id (assignedEntity/id)');
        if (!se.performer.organization)
          ctx.problem(sub(path, 'performer.organization'), 'the main performer needs its organisation');
        const p = el(ev, 'performer', { typeCode: 'PRF' });
        if (se.performer.functionCode) writeCode(p, 'functionCode', se.performer.functionCode);
        writeTime(p, 'time', se.performer.time ?? fallback);
        writeAssignedEntity(p, 'assignedEntity', se.performer);
      }
    }
  });
}

// The responsible biologist and the performing lab's contact details are CR-BIO volet (ENT) rules: a level 1
// document is judged by the XSD and the cross-cutting profiles only, so it is built without them when absent.
function writeEncounter(ctx: BuildContext, root: XMLBuilder, r: CrBioReport, level: 1 | 3): void {
  const enc = r.encounter;
  const ee = el(el(root, 'componentOf'), 'encompassingEncounter');
  writeIds(ee, enc.ids);
  if (enc.code) writeCode(ee, 'code', enc.code);
  writeTime(ee, 'effectiveTime', enc.effectiveTime);
  const rp = enc.responsibleParty;
  if (!rp) {
    if (level === 3)
      ctx.problem(
        'encounter.responsibleParty',
        'the encounter needs the responsible biologist and laboratory',
      );
  } else if (level === 1) {
    writeAssignedEntity(el(ee, 'responsibleParty'), 'assignedEntity', rp);
  } else {
    if (!rp.ids?.length)
      ctx.problem('encounter.responsibleParty.ids', 'the responsible biologist needs an id');
    if (!rp.profession)
      ctx.problem(
        'encounter.responsibleParty.profession',
        'the responsible biologist needs a profession code',
      );
    if (!rp.name?.family)
      ctx.problem('encounter.responsibleParty.name.family', 'the responsible biologist needs a family name');
    writeAssignedEntity(el(ee, 'responsibleParty'), 'assignedEntity', rp);
  }
  const f = enc.facility;
  const hcf = el(el(ee, 'location'), 'healthCareFacility');
  writeIds(hcf, f?.ids);
  if (f?.code?.originalText !== undefined)
    ctx.problem(
      'encounter.facility.code.originalText',
      'the structuration minimale allows no originalText on healthCareFacility/code',
    );
  writeCode(hcf, 'code', f?.code ?? LAB_FACILITY_CODE);
  if (f?.locationName !== undefined || f?.locationAddress) {
    const loc = el(hcf, 'location');
    if (f.locationName !== undefined) el(loc, 'name').txt(f.locationName);
    if (f.locationAddress) writeAddr(loc, f.locationAddress);
  }
  if (f?.serviceProvider) writeOrganization(hcf, 'serviceProviderOrganization', f.serviceProvider);
}
