import type { Element } from '@xmldom/xmldom';
import {
  type Author,
  type Encounter,
  type Guardian,
  type HeaderParticipant,
  type IdentityStatus,
  INS_OID,
  type Informant,
  type InformationRecipient,
  type InstanceId,
  insSchema,
  type Patient,
  type PatientIdentity,
  type RelatedDocument,
  type ServiceEvent,
  type Sex,
} from '../../model/index.js';
import {
  type ParseContext,
  parseAddress,
  parseAddresses,
  parseCode,
  parseIds,
  parseName,
  parseOptCode,
  parseOrganization,
  parsePerformingLab,
  parseProfessional,
  parseTelecoms,
  parseTime,
  setIf as put,
  reader,
  readProfessional,
  requiredTs,
  tsValue,
  warn,
} from './common.js';
import { attr, CdaParseError, elementChildren, HL7_NS, LAB_NS, normText, SDTC_NS, xpathOf } from './dom.js';

const INS_ROOTS = new Set<string>(Object.values(INS_OID));

/** Options of the patient mapping. */
export interface PatientParseOptions {
  /** Identity status given to a patient without an INS root (CDA does not carry it). Default `PROV`. */
  statusWithoutIns?: Exclude<IdentityStatus, 'QUAL'>;
}

function isoDate(ts: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(ts ?? '');
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** `recordTarget/patientRole` → Patient (INS root .8–.11 → QUAL identity with that INS). */
export function parsePatient(ctx: ParseContext, role: Element, options: PatientParseOptions = {}): Patient {
  const r = reader(ctx, role);
  const localIds: InstanceId[] = [];
  let ins: PatientIdentity['ins'];
  for (const idEl of r.all('id')) {
    const root = attr(idEl, 'root');
    const ext = attr(idEl, 'extension');
    if (root && INS_ROOTS.has(root) && ins) {
      warn(ctx, 'FALLBACK', `a second INS id (root ${root}) is kept as a local id`, idEl);
    }
    if (root && INS_ROOTS.has(root) && !ins) {
      const candidate = insSchema.safeParse({ matricule: ext, oid: root });
      if (candidate.success) {
        ins = candidate.data;
        continue;
      }
      warn(
        ctx,
        'FALLBACK',
        `patient id with INS root ${root} has no valid matricule "${ext ?? ''}": kept as a local id`,
        idEl,
      );
    }
    if (root) localIds.push(ext ? { root, extension: ext } : { root });
  }
  const addresses = parseAddresses(ctx, r.all('addr'));
  const telecoms = parseTelecoms(r.all('telecom'));
  const patient = r.one('patient');
  r.skip('providerOrganization');
  r.finish('patientRole');
  if (!patient) throw new CdaParseError('recordTarget/patientRole has no <patient>', xpathOf(role));

  const p = reader(ctx, patient);
  const nameEl = p.one('name');
  const names = { BR: [] as string[], CL: [] as string[], none: [] as string[] };
  const given = { BR: [] as string[], CL: [] as string[], none: [] as string[] };
  if (nameEl) {
    const nr = reader(ctx, nameEl);
    for (const f of nr.all('family')) {
      const q = attr(f, 'qualifier');
      (q === 'BR' || q === 'CL' ? names[q] : names.none).push(normText(f));
      if (q && q !== 'BR' && q !== 'CL')
        warn(ctx, 'FALLBACK', `family qualifier ${q} read as unqualified`, f);
    }
    for (const g of nr.all('given')) {
      const q = attr(g, 'qualifier');
      (q === 'BR' || q === 'CL' ? given[q] : given.none).push(normText(g));
    }
    nr.finish('patient name');
  }
  const genderEl = p.one('administrativeGenderCode');
  const birthEl = p.one('birthTime');
  const birthTime = attr(birthEl, 'value');
  const birthDate = isoDate(birthTime);
  if (!birthDate) {
    throw new CdaParseError(
      'the patient has no usable birthTime@value (YYYYMMDD…)',
      xpathOf(birthEl ?? patient),
    );
  }
  const sexCode = attr(genderEl, 'code');
  const sex: Sex = sexCode === 'F' || sexCode === 'M' ? sexCode : 'UN';
  if (sexCode !== sex)
    warn(ctx, 'FALLBACK', `administrativeGenderCode "${sexCode ?? ''}" read as UN`, genderEl ?? patient);

  const birthFamilyName = names.BR[0] ?? names.none[0] ?? names.CL[0];
  if (!birthFamilyName)
    throw new CdaParseError('the patient name has no <family>', xpathOf(nameEl ?? patient));
  if (!names.BR[0])
    warn(ctx, 'FALLBACK', 'no birth family name (qualifier BR): the first family name is used', nameEl);
  const firstBirthGivenName = given.BR[0] ?? given.none[0]?.split(' ')[0] ?? given.CL[0] ?? '';
  const birthGivenNames =
    (given.none.length ? given.none.join(' ') : undefined) ?? given.BR[0] ?? given.CL[0] ?? '';
  if (!firstBirthGivenName || !birthGivenNames) {
    throw new CdaParseError('the patient name has no <given>', xpathOf(nameEl ?? patient));
  }
  const traits: PatientIdentity['traits'] = {
    birthFamilyName,
    birthGivenNames,
    firstBirthGivenName,
    sex,
    birthDate,
  };
  const bp = p.one('birthplace');
  if (bp) {
    const place = elementChildren(bp).find((e) => e.localName === 'place');
    const addr = place ? elementChildren(place).find((e) => e.localName === 'addr') : undefined;
    const a = addr ? parseAddress(ctx, addr) : {};
    if (a.county && /^(?:[0-9]{5}|2[AB][0-9]{3})$/.test(a.county)) traits.birthPlaceCog = a.county;
    else if (a.county)
      warn(ctx, 'FALLBACK', `birthplace county "${a.county}" is not a COG code: not kept`, addr);
    put(traits, 'birthPlaceName', a.city);
  }
  const identity: PatientIdentity = { status: ins ? 'QUAL' : (options.statusWithoutIns ?? 'PROV'), traits };
  if (ins) identity.ins = ins;
  const usedFamily = names.CL[0];
  const usedGiven = given.CL[0];
  put(identity, 'usedFamilyName', usedFamily);
  put(identity, 'usedGivenName', usedGiven);

  const out: Patient = { identity };
  put(out, 'localIds', localIds);
  put(out, 'addresses', addresses);
  put(out, 'telecoms', telecoms);
  if (birthTime && birthTime.length !== 8) out.birthTime = birthTime;
  put(out, 'genderDisplayName', attr(genderEl, 'displayName'));
  const guardians: Guardian[] = p.all('guardian').map((g) => {
    const gr = reader(ctx, g);
    const gd: Guardian = {};
    put(gd, 'ids', parseIds(gr.all('id')));
    put(gd, 'code', parseOptCode(ctx, gr.one('code')));
    put(gd, 'addresses', parseAddresses(ctx, gr.all('addr')));
    put(gd, 'telecoms', parseTelecoms(gr.all('telecom')));
    const person = gr.one('guardianPerson');
    if (person) {
      const pr = reader(ctx, person);
      put(gd, 'name', parseName(ctx, pr.one('name')));
      pr.finish('guardianPerson');
    }
    const org = gr.one('guardianOrganization');
    if (org) gd.organization = parseOrganization(ctx, org);
    gr.finish('guardian');
    return gd;
  });
  put(out, 'guardians', guardians);
  const dInd = p.one('deceasedInd', SDTC_NS);
  if (dInd) out.deceasedInd = attr(dInd, 'value') === 'true';
  put(out, 'deceasedTime', tsValue(ctx, p.one('deceasedTime', SDTC_NS)));
  p.finish('patient');
  return out;
}

/** `author` → Author (person or device; time required). */
export function parseAuthor(ctx: ParseContext, el: Element): Author {
  const r = reader(ctx, el);
  const a = { time: requiredTs(r.one('time'), el, 'time') } as Author;
  put(a, 'functionCode', parseOptCode(ctx, r.one('functionCode')));
  const aa = r.one('assignedAuthor');
  r.finish('author');
  if (aa) {
    const ar = reader(ctx, aa);
    Object.assign(a, readProfessional(ctx, ar));
    const dev = ar.one('assignedAuthoringDevice');
    if (dev) {
      const dr = reader(ctx, dev);
      a.device = {};
      const m = dr.one('manufacturerModelName');
      const s = dr.one('softwareName');
      put(a.device, 'manufacturerModelName', m ? normText(m) : undefined);
      put(a.device, 'softwareName', s ? normText(s) : undefined);
      dr.finish('assignedAuthoringDevice');
    }
    ar.finish('assignedAuthor');
  }
  return a;
}

/** `participant` of the header → role and HeaderParticipant. */
export function parseHeaderParticipant(ctx: ParseContext, el: Element): HeaderParticipant {
  const r = reader(ctx, el);
  const hp: HeaderParticipant = {};
  put(hp, 'typeCode', attr(el, 'typeCode'));
  put(hp, 'templateIds', parseIds(r.all('templateId')));
  put(hp, 'functionCode', parseOptCode(ctx, r.one('functionCode')));
  put(hp, 'time', parseTime(ctx, r.one('time')));
  const ae = r.one('associatedEntity');
  r.finish('participant');
  if (ae) {
    put(hp, 'classCode', attr(ae, 'classCode'));
    Object.assign(hp, parseProfessional(ctx, ae));
  }
  return hp;
}

/** `documentationOf` → ServiceEvent, or undefined (with a warning) when it holds no serviceEvent. */
export function parseServiceEvent(ctx: ParseContext, el: Element): ServiceEvent | undefined {
  const r = reader(ctx, el);
  const se = r.one('serviceEvent');
  r.finish('documentationOf');
  if (!se) {
    warn(ctx, 'UNMODELED_ELEMENT', 'documentationOf without serviceEvent is not kept', el);
    return undefined;
  }
  const s = reader(ctx, se);
  s.skip('templateId');
  const code = s.one('code');
  const ev: ServiceEvent = { code: code ? parseCode(ctx, code) : {} };
  if (!code) warn(ctx, 'FALLBACK', 'serviceEvent without code', se);
  put(ev, 'ids', parseIds(s.all('id')));
  const st = attr(s.one('statusCode', LAB_NS), 'code');
  if (st === 'active' || st === 'completed') ev.status = st;
  else if (st) warn(ctx, 'FALLBACK', `lab:statusCode "${st}" not kept`, se);
  put(ev, 'effectiveTime', parseTime(ctx, s.one('effectiveTime')));
  const perf = s.all('performer');
  if (perf[0]) ev.performer = parsePerformingLab(ctx, perf[0]);
  for (const extra of perf.slice(1))
    warn(ctx, 'EXTRA_ELEMENT', 'only the first serviceEvent performer is kept', extra);
  s.finish('serviceEvent');
  return ev;
}

/** `componentOf/encompassingEncounter` → Encounter. */
export function parseEncounter(ctx: ParseContext, componentOf: Element): Encounter {
  const r = reader(ctx, componentOf);
  const ee = r.one('encompassingEncounter');
  r.finish('componentOf');
  if (!ee) throw new CdaParseError('componentOf without encompassingEncounter', xpathOf(componentOf));
  const e = reader(ctx, ee);
  const enc: Encounter = { effectiveTime: parseTime(ctx, e.one('effectiveTime')) ?? {} };
  put(enc, 'ids', parseIds(e.all('id')));
  put(enc, 'code', parseOptCode(ctx, e.one('code')));
  const rp = e.one('responsibleParty');
  if (rp) {
    const rr = reader(ctx, rp);
    put(enc, 'responsibleParty', parseProfessional(ctx, rr.one('assignedEntity')));
    rr.finish('responsibleParty');
  }
  const loc = e.one('location');
  if (loc) {
    const lr = reader(ctx, loc);
    const hcf = lr.one('healthCareFacility');
    lr.finish('location');
    if (hcf) {
      const hr = reader(ctx, hcf);
      const facility: NonNullable<Encounter['facility']> = {};
      put(facility, 'ids', parseIds(hr.all('id')));
      put(facility, 'code', parseOptCode(ctx, hr.one('code')));
      const place = hr.one('location');
      if (place) {
        const pr = reader(ctx, place);
        const n = pr.one('name');
        put(facility, 'locationName', n ? normText(n) : undefined);
        const a = pr.one('addr');
        if (a) facility.locationAddress = parseAddress(ctx, a);
        pr.finish('location place');
      }
      const sp = hr.one('serviceProviderOrganization');
      if (sp) facility.serviceProvider = parseOrganization(ctx, sp);
      hr.finish('healthCareFacility');
      enc.facility = facility;
    }
  }
  e.finish('encompassingEncounter');
  return enc;
}

/** `informant` → Informant (assignedEntity or relatedEntity). */
export function parseInformant(ctx: ParseContext, el: Element): Informant | undefined {
  const r = reader(ctx, el);
  const assigned = r.one('assignedEntity');
  const related = r.one('relatedEntity');
  r.finish('informant');
  const role = assigned ?? related;
  if (!role) return undefined;
  const inf = { kind: assigned ? 'assigned' : 'related', ...parseProfessional(ctx, role) } as Informant;
  put(inf, 'classCode', attr(role, 'classCode'));
  return inf;
}

/** `informationRecipient/intendedRecipient` → InformationRecipient. */
export function parseInformationRecipient(ctx: ParseContext, el: Element): InformationRecipient {
  const r = reader(ctx, el);
  const ir: InformationRecipient = {};
  put(ir, 'typeCode', attr(el, 'typeCode'));
  const ent = r.one('intendedRecipient');
  r.finish('informationRecipient');
  if (ent) {
    const er = reader(ctx, ent);
    put(ir, 'templateIds', parseIds(er.all('templateId')));
    Object.assign(ir, readProfessional(ctx, er));
    er.finish('intendedRecipient');
  }
  return ir;
}

/** `relatedDocument/parentDocument` → RelatedDocument (RPLC, APND, XFRM). */
export function parseRelatedDocument(ctx: ParseContext, el: Element): RelatedDocument | undefined {
  const r = reader(ctx, el);
  const parent = r.one('parentDocument');
  r.finish('relatedDocument');
  const type = attr(el, 'typeCode');
  if (!parent || (type !== 'RPLC' && type !== 'APND' && type !== 'XFRM')) {
    warn(ctx, 'UNMODELED_ELEMENT', `relatedDocument ${type ?? ''} not kept`, el);
    return undefined;
  }
  const pr = reader(ctx, parent);
  const id = pr.one('id');
  const rd: RelatedDocument = {
    typeCode: type,
    parentId: id ? (parseIds([id])?.[0] ?? { root: '' }) : { root: '' },
  };
  const set = pr.one('setId');
  if (set) put(rd, 'parentSetId', parseIds([set])?.[0]);
  const v = Number(attr(pr.one('versionNumber'), 'value'));
  if (Number.isInteger(v) && v > 0) rd.parentVersionNumber = v;
  pr.skip('code', 'text');
  pr.finish('parentDocument');
  return rd;
}

export { HL7_NS };
