// PID read back: identifiers (INS first), names, birth date, sex, identity status.
import { type Hl7Segment, leaf } from './message.js';

/** A patient identifier (CX). */
export interface Hl7PatientId {
  id: string;
  /** CX-4.1, e.g. ASIP-SANTE-INS-NIR. */
  authorityName?: string;
  /** CX-4.2. */
  authorityOid?: string;
  /** CX-5: INS, PI… */
  type?: string;
}

/** The patient of a message. */
export interface Hl7Patient {
  ids: Hl7PatientId[];
  /** The INS when PID-3 carries one (type INS). */
  ins?: { matricule: string; oid: string };
  /** PID-5 name of type L: birth family name, first given name, birth given names. */
  birthFamilyName?: string;
  firstGivenName?: string;
  givenNames?: string;
  /** PID-7 (YYYYMMDD…). */
  birthDate?: string;
  /** PID-8. */
  sex?: string;
  /** PID-32: PROV, VALI, QUAL… */
  identityStatus?: string;
}

/** Read the PID segment (empty patient when absent). */
export function readPatient(pid: Hl7Segment | undefined): Hl7Patient {
  const p: Hl7Patient = { ids: [] };
  if (!pid) return p;
  for (const rep of pid.fields[3] ?? []) {
    const id: Hl7PatientId = { id: rep[0]?.[0] ?? '' };
    const auth = rep[3] ?? [];
    if (auth[0]) id.authorityName = auth[0];
    if (auth[1]) id.authorityOid = auth[1];
    if (rep[4]?.[0]) id.type = rep[4][0];
    p.ids.push(id);
    if (id.type === 'INS' && id.authorityOid && !p.ins) p.ins = { matricule: id.id, oid: id.authorityOid };
  }
  const names = pid.fields[5] ?? [];
  const legal = names.find((n) => n[6]?.[0] === 'L') ?? names[0];
  const set = <K extends keyof Hl7Patient>(k: K, v: string | undefined) => {
    if (v) (p as unknown as Record<string, unknown>)[k] = v;
  };
  set('birthFamilyName', legal?.[0]?.[0]);
  set('firstGivenName', legal?.[1]?.[0]);
  set('givenNames', legal?.[2]?.[0]);
  set('birthDate', leaf(pid, 7));
  set('sex', leaf(pid, 8));
  set('identityStatus', leaf(pid, 32));
  return p;
}
