// What the ORU/MDM takes from the CDA header (read with parseCrBio): PID, the default sender and recipients.
import type { CrBioReport, InstanceId } from '../model/index.js';
import { OID } from './codes.js';
import type { FieldInput, SegmentInput } from './message.js';
import type { Hl7Person, Hl7Recipient, Hl7Sender } from './parties.js';

const INS_NAMESPACE: Readonly<Record<string, string>> = { '1.2.250.1.213.1.4.9': 'ASIP-SANTE-INS-NIA' };

function insNamespace(oid: string): string {
  return INS_NAMESPACE[oid] ?? 'ASIP-SANTE-INS-NIR';
}

/** EI of an instance identifier: `ext^^root^ISO`, or the bare OID when there is no extension (TXA-12/13 rule). */
export function entityId(id: InstanceId): FieldInput {
  return id.extension ? [id.extension, '', id.root, 'ISO'] : [id.root];
}

function hl7Date(isoDate: string): string {
  return isoDate.replace(/-/g, '');
}

function addresses(r: CrBioReport): FieldInput {
  const reps: Array<Array<string | undefined>> = [];
  for (const a of r.patient.addresses ?? []) {
    if (a.nullFlavor) continue;
    const street =
      a.streetAddressLines?.join(' ') ??
      ([a.houseNumber, a.streetName].filter(Boolean).join(' ') || undefined);
    reps.push([street, a.additionalLocator, a.city, a.state, a.postalCode, a.country, 'H']);
  }
  const cog = r.patient.identity.traits.birthPlaceCog;
  if (cog) reps.push(['', '', '', '', '', '', 'BDL', '', cog]);
  return reps.length ? { repetitions: reps } : undefined;
}

/**
 * PID per PAM-FR 2.11 and the CI-SIS INS annex: PID-3 the INS (qualified identity) then local ids, PID-5 the birth
 * name (L) and used name (D), PID-7 birth date, PID-8 sex, PID-11 address and birth place (BDL), PID-32 status.
 */
export function pidSegment(r: CrBioReport): SegmentInput {
  const { identity } = r.patient;
  const ids: Array<ReadonlyArray<string | undefined | ReadonlyArray<string | undefined>>> = [];
  if (identity.ins) {
    const { matricule, oid } = identity.ins;
    ids.push([matricule, '', '', [insNamespace(oid), oid, 'ISO'], 'INS']);
  }
  for (const l of r.patient.localIds ?? []) {
    if (l.extension) ids.push([l.extension, '', '', [l.assigningAuthorityName, l.root, 'ISO'], 'PI']);
  }
  const t = identity.traits;
  const names = [[t.birthFamilyName, t.firstBirthGivenName, t.birthGivenNames, '', '', '', 'L']];
  if (identity.usedFamilyName || identity.usedGivenName) {
    names.push([
      identity.usedFamilyName ?? t.birthFamilyName,
      identity.usedGivenName ?? '',
      '',
      '',
      '',
      '',
      'D',
    ]);
  }
  const fields: FieldInput[] = new Array(32).fill(undefined);
  fields[3] = { repetitions: ids };
  fields[5] = { repetitions: names };
  fields[7] = hl7Date(t.birthDate);
  fields[8] = t.sex === 'UN' ? 'U' : t.sex;
  fields[11] = addresses(r);
  fields[32] = identity.status;
  return ['PID', ...fields.slice(1)];
}

function professionalId(ids: InstanceId[] | undefined): string | undefined {
  return ids?.find((i) => i.root === OID.professional && i.extension)?.extension;
}

function person(
  ids: InstanceId[] | undefined,
  name: { family?: string; given?: string[] } | undefined,
): Hl7Person | undefined {
  const id = professionalId(ids);
  if (!id) return undefined;
  const p: Hl7Person = {
    id,
    idType: /^8\d{11}$/.test(id) ? 'IDNPS' : 'RPPS',
    authorityName: 'ASIP-SANTE-PS',
    authorityOid: OID.professional,
  };
  if (name?.family) p.family = name.family;
  if (name?.given?.[0]) p.given = name.given[0];
  return p;
}

/** Default sender: the first author (or its device) and the custodian organisation. */
export function defaultSender(r: CrBioReport): Hl7Sender {
  const author = r.authors[0];
  const s: Hl7Sender = {};
  const p = author ? person(author.ids, author.name) : undefined;
  if (p) s.person = p;
  else if (author?.device?.softwareName) s.device = author.device.softwareName;
  const org = r.custodian;
  const id = org.ids?.find((i) => i.root === OID.structure && i.extension)?.extension;
  s.organization = {
    ...(org.name ? { name: org.name } : {}),
    ...(id ? { id, idType: 'FINEG', authorityName: 'ASIP-SANTE-ST', authorityOid: OID.structure } : {}),
  };
  return s;
}

/** Default recipients: each informationRecipient with a `mailto:` telecom. */
export function defaultRecipients(r: CrBioReport): Hl7Recipient[] {
  const out: Hl7Recipient[] = [];
  for (const ir of r.informationRecipients ?? []) {
    const mail = ir.telecoms?.find((t) => t.value?.startsWith('mailto:'))?.value?.slice('mailto:'.length);
    if (!mail) continue;
    const p = person(ir.ids, ir.name);
    out.push({ kind: p ? 'professional' : 'mailbox', mail, ...(p ? { person: p } : {}) });
  }
  return out;
}

/** The patient as a PRT-5 person (INS), when the identity is qualified. */
export function patientPerson(r: CrBioReport): Hl7Person | undefined {
  const { ins, traits } = r.patient.identity;
  if (!ins) return undefined;
  return {
    id: ins.matricule,
    family: traits.birthFamilyName,
    given: traits.firstBirthGivenName,
    idType: 'INS',
    authorityName: insNamespace(ins.oid),
    authorityOid: ins.oid,
  };
}

/**
 * The patient's MSSanté mailbox (`<INS>@patient.mssante.fr`).
 *
 * @example
 * ```ts
 * patientMailbox('279035121518989'); // '279035121518989@patient.mssante.fr'
 * ```
 */
export function patientMailbox(matricule: string): string {
  return `${matricule}@patient.mssante.fr`;
}
