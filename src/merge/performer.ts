import type { CrBioReport, PerformingLab, ResultValidator } from '../model/index.js';
import { MergeError } from './errors.js';

/**
 * The subcontracting laboratory as an FR-Laboratoire-executant performer, read from the subcontractor's header:
 * the main `documentationOf/serviceEvent/performer` (director + lab), completed by the custodian (lab id, name,
 * telecom, addr) and the legal authenticator (director's id and name). The volet requires the lab's id, name,
 * address, telecom, time and `standardIndustryClassCode`: a missing address or telecom becomes `nullFlavor="MSK"`
 * (reported in `warnings`); a missing id, name, director id or practice setting is a {@link MergeError}.
 */
export function subcontractorLab(
  sub: CrBioReport,
  warnings: string[],
  override?: PerformingLab,
): PerformingLab {
  const se = sub.serviceEvents[0];
  const p = override ?? se?.performer;
  const cust = sub.custodian;
  const org = { ...(override ? {} : cust), ...p?.organization };
  const legal = sub.legalAuthenticator;
  const where = override ? 'options.performingLab' : 'documentationOf/serviceEvent/performer';
  const missing = (what: string): never => {
    throw new MergeError(
      'MERGE_SUBCONTRACTOR_INCOMPLETE',
      `the subcontracting laboratory has no ${what}: the FR-Laboratoire-executant performer requires it ` +
        '(pass options.performingLab to supply it)',
      where,
    );
  };
  const ids = p?.ids ?? (override ? undefined : legal?.ids);
  if (!ids?.length) missing('director id (assignedEntity/id)');
  if (!org.ids?.length) missing('laboratory id (representedOrganization/id)');
  if (!org.name) missing('laboratory name (representedOrganization/name)');
  if (!org.standardIndustryClass)
    missing('practice setting (representedOrganization/standardIndustryClassCode)');
  const masked = <T>(list: T[] | undefined, what: string, nf: T): T[] => {
    if (list?.length) return list;
    warnings.push(`subcontracting laboratory "${org.name}": no ${what}, written as nullFlavor MSK`);
    return [nf];
  };
  const lab: PerformingLab = {
    ids,
    ...(p?.profession ? { profession: p.profession } : {}),
    addresses: masked(p?.addresses ?? org.addresses, 'address', { nullFlavor: 'MSK' }),
    telecoms: masked(p?.telecoms ?? org.telecoms, 'telecom', { nullFlavor: 'MSK' }),
    ...((p?.name ?? legal?.name) ? { name: p?.name ?? legal?.name } : {}),
    organization: {
      ids: org.ids,
      name: org.name,
      addresses: masked(org.addresses, 'laboratory address', { nullFlavor: 'MSK' }),
      telecoms: masked(org.telecoms, 'laboratory telecom', { nullFlavor: 'MSK' }),
      standardIndustryClass: org.standardIndustryClass,
      ...(org.partOf ? { partOf: org.partOf } : {}),
    },
    time:
      p?.time ??
      (se?.effectiveTime && 'high' in se.effectiveTime && se.effectiveTime.high
        ? { high: se.effectiveTime.high }
        : { high: sub.effectiveTime }),
    ...(p?.functionCode ? { functionCode: p.functionCode } : {}),
  };
  return lab;
}

/**
 * The subcontractor's validating biologists as entry validators (participant AUTHEN), for acts that carry none:
 * the header `authenticator`s, else the legal authenticator.
 */
export function subcontractorValidators(sub: CrBioReport): ResultValidator[] {
  const people = sub.authenticators?.length
    ? sub.authenticators
    : sub.legalAuthenticator
      ? [sub.legalAuthenticator]
      : [];
  return people.map((a) => ({
    time: { high: a.time },
    ...(a.ids ? { ids: a.ids } : {}),
    ...(a.profession ? { profession: a.profession } : {}),
    ...(a.addresses ? { addresses: a.addresses } : {}),
    ...(a.telecoms ? { telecoms: a.telecoms } : {}),
    ...(a.name ? { name: a.name } : {}),
  }));
}
