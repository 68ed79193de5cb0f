/**
 * Writers of the CDA roles a CR-BIO uses: organisations, assigned entities, the performing laboratory
 * (FR-Laboratoire-executant) and the validating biologist of an entry (participant AUTHEN).
 * @module
 */
import type {
  HealthProfessional,
  Organization,
  PerformingLab,
  ResultValidator,
  TimeSpec,
} from '../../model/index.js';
import { type BuildContext, sub } from './context.js';
import {
  writeAddr,
  writeAddrs,
  writeCode,
  writeIds,
  writePersonName,
  writeTelecom,
  writeTelecoms,
  writeTime,
} from './datatypes.js';
import { el, type XMLBuilder } from './xml.js';

/** Template ids of the FR-Laboratoire-executant performer. */
export const TPL_PERFORMER_IHE = '1.3.6.1.4.1.19376.1.3.3.1.7';
export const TPL_PERFORMER_FR = '1.2.250.1.213.1.1.3.23';
/** Template ids of the validating biologist (authenticator / participant AUTHEN). */
export const TPL_AUTHEN_IHE = '1.3.6.1.4.1.19376.1.3.3.1.5';
export const TPL_AUTHEN_FR = '1.2.250.1.213.1.1.3.109';

/** `Organization` content in XSD order: id*, name, telecom*, addr*, standardIndustryClassCode. */
export function writeOrganization(
  parent: XMLBuilder,
  name: string,
  o: Organization,
  single = false,
): XMLBuilder {
  const e = el(parent, name);
  writeIds(e, o.ids);
  if (o.name !== undefined) el(e, 'name').txt(o.name);
  if (single) {
    // CustodianOrganization: telecom and addr are 0..1.
    if (o.telecoms?.[0]) writeTelecom(e, o.telecoms[0]);
    if (o.addresses?.[0]) writeAddr(e, o.addresses[0]);
  } else {
    writeTelecoms(e, o.telecoms);
    writeAddrs(e, o.addresses);
  }
  if (o.standardIndustryClass && !single) writeCode(e, 'standardIndustryClassCode', o.standardIndustryClass);
  if (o.partOf && !single) writeCode(el(e, 'asOrganizationPartOf'), 'code', o.partOf);
  return e;
}

/**
 * `AssignedEntity` (and same-shaped roles): id+, code, addr*, telecom*, person name, organisation.
 * `personEl`/`orgEl` name the person and organisation children (assignedPerson/representedOrganization…).
 */
export function writeAssignedEntity(
  parent: XMLBuilder,
  name: string,
  p: HealthProfessional,
  names: { person?: string; org?: string } = {},
): XMLBuilder {
  const e = el(parent, name);
  writeIds(e, p.ids);
  if (p.profession) writeCode(e, 'code', p.profession);
  writeAddrs(e, p.addresses);
  writeTelecoms(e, p.telecoms);
  if (p.name) writePersonName(el(e, names.person ?? 'assignedPerson'), p.name);
  if (p.organization) writeOrganization(e, names.org ?? 'representedOrganization', p.organization);
  return e;
}

/** Check what the volet, IHE and the French content models require of a performing laboratory. */
export function checkPerformingLab(ctx: BuildContext, lab: PerformingLab, path: string): void {
  if (!lab.ids?.length)
    ctx.problem(
      sub(path, 'ids'),
      'the performing laboratory needs the id of its director (assignedEntity/id)',
    );
  if (!lab.addresses?.length)
    ctx.problem(sub(path, 'addresses'), 'the performing laboratory needs an address (or nullFlavor MSK)');
  if (!lab.telecoms?.length)
    ctx.problem(sub(path, 'telecoms'), 'the performing laboratory needs a telecom (or nullFlavor MSK)');
  if (!lab.name) ctx.problem(sub(path, 'name'), 'the performing laboratory needs the name of its director');
  const o = lab.organization;
  const op = sub(path, 'organization');
  if (!o) {
    ctx.problem(
      op,
      'the performing laboratory needs its organisation (id, name, telecom, addr, practice setting)',
    );
    return;
  }
  if (!o.ids?.length) ctx.problem(sub(op, 'ids'), 'the laboratory organisation needs an id');
  if (!o.name) ctx.problem(sub(op, 'name'), 'the laboratory organisation needs a name');
  if (!o.telecoms?.length) ctx.problem(sub(op, 'telecoms'), 'the laboratory organisation needs a telecom');
  if (!o.addresses?.length) ctx.problem(sub(op, 'addresses'), 'the laboratory organisation needs an address');
  if (!o.standardIndustryClass)
    ctx.problem(
      sub(op, 'standardIndustryClass'),
      'the laboratory organisation needs its practice setting (standardIndustryClassCode)',
    );
}

/**
 * FR-Laboratoire-executant: `performer typeCode="PRF"` with its templateId(s), time and assignedEntity.
 * Both templateIds (IHE and CI-SIS) are written, as in the ANS Electrophorese example.
 */
export function writePerformingLab(
  ctx: BuildContext,
  parent: XMLBuilder,
  lab: PerformingLab,
  path: string,
  where: 'header' | 'entry',
  defaultTime: TimeSpec,
): void {
  checkPerformingLab(ctx, lab, path);
  const p = el(parent, 'performer', { typeCode: 'PRF' });
  el(p, 'templateId', { root: TPL_PERFORMER_IHE });
  el(p, 'templateId', { root: TPL_PERFORMER_FR });
  // performer/functionCode exists on the header's serviceEvent performer only (Performer1).
  if (where === 'header' && lab.functionCode) writeCode(p, 'functionCode', lab.functionCode);
  writeTime(p, 'time', lab.time ?? defaultTime);
  writeAssignedEntity(p, 'assignedEntity', lab);
}

/** The validating biologist of an entry: `participant typeCode="AUTHEN"` with participantRole/playingEntity. */
export function writeValidator(parent: XMLBuilder, v: ResultValidator): void {
  const p = el(parent, 'participant', { typeCode: 'AUTHEN' });
  el(p, 'templateId', { root: TPL_AUTHEN_IHE });
  el(p, 'templateId', { root: TPL_AUTHEN_FR });
  writeTime(p, 'time', v.time);
  const role = el(p, 'participantRole');
  writeIds(role, v.ids);
  writeAddrs(role, v.addresses);
  writeTelecoms(role, v.telecoms);
  if (v.name) writePersonName(el(role, 'playingEntity'), v.name);
}
