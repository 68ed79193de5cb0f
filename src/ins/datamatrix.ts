/**
 * Payload of the INS Datamatrix (ANS "INS — Format datamatrix" v2.2): the text a Data Matrix symbol on a
 * printed document carries so that a reader can retrieve the patient's qualified INS and traits.
 *
 * Layout: header `IS01` + 22 reserved `0`, then the blocks `S1`…`S7` in this order, each an id and a value:
 *
 * | block | value | length |
 * |---|---|---|
 * | S1 | matricule INS | 15 |
 * | S2 | OID of the matricule | ≤ 20 |
 * | S3 | every birth given name, space-separated | ≤ 100 |
 * | S4 | birth family name | ≤ 100 |
 * | S5 | sex `M`/`F` | 1 |
 * | S6 | birth date `JJ-MM-AAAA` | 10 |
 * | S7 | COG of the birthplace (optional) | 5 |
 *
 * A variable-length value shorter than its maximum is closed by `<GS>` (byte 0x1D) unless it is the last
 * block; fixed-length values never are.
 * @module
 */
import { isoDateSchema, type PatientIdentity, patientIdentitySchema } from '../model/index.js';
import { InsError } from './errors.js';
import { checkInsMatricule } from './matricule.js';
import { assertQualifiedIdentity, checkInsTraits } from './traits.js';

/** The 26-character header: `IS` marker, version `01`, 22 reserved zeros. */
export const INS_DATAMATRIX_HEADER = `IS01${'0'.repeat(22)}`;
/** The ASCII group separator (0x1D) that closes a short variable-length value. */
export const INS_DATAMATRIX_GS = '\x1D';
/** How {@link showGs} writes a group separator for display. */
export const INS_DATAMATRIX_VISIBLE_GS = '<GS>';
/** Maximum lengths of the variable-length blocks. */
export const INS_DATAMATRIX_MAX = { S2: 20, S3: 100, S4: 100 } as const;

/** The identity read back from a payload: always qualified, with the traits the payload holds. */
export type DecodedInsDatamatrix = PatientIdentity & {
  status: 'QUAL';
  ins: NonNullable<PatientIdentity['ins']>;
};

/**
 * Build the INS Datamatrix payload of a qualified identity (the text to encode in the symbol; the header
 * should be C40-encoded by the symbol writer, e.g. bwip-js `c40headerlength=26`).
 *
 * Refused with an {@link InsError}: an identity failing the model schema (`INS_IDENTITY_INVALID`), not
 * qualified (`INS_NOT_QUALIFIED`), a matricule failing its key (`INS_KEY`…), names outside the INSi
 * alphabet (`INS_TRAIT_ALPHABET`), names over 100 characters (`DATAMATRIX_TOO_LONG`), sex other than
 * `F`/`M` (`DATAMATRIX_SEX`).
 *
 * @example
 * ```ts
 * encodeInsDatamatrix(identity);
 * // 'IS010000000000000000000000S1279035121518989S21.2.250.1.213.1.4.10S3DOMINIQUE MARIE-LOUISE\x1DS4PAT-TROIS\x1DS5FS628-03-1979S751215'
 * ```
 */
export function encodeInsDatamatrix(identity: PatientIdentity): string {
  // The two refusals a caller most needs to understand come first, with their own codes.
  const raw = identity as Partial<PatientIdentity> | null | undefined;
  if (raw?.status === 'PROV' || raw?.status === 'RECUP' || raw?.status === 'VALI')
    assertQualifiedIdentity(raw as PatientIdentity);
  const rt = raw?.traits;
  if (
    rt &&
    [rt.birthFamilyName, rt.birthGivenNames, rt.firstBirthGivenName].every((v) => typeof v === 'string')
  ) {
    const traitProblems = checkInsTraits(rt);
    if (traitProblems.length > 0) {
      throw new InsError('INS_TRAIT_ALPHABET', traitProblems.map((f) => f.message).join('; '), {
        where: traitProblems[0]!.path,
      });
    }
  }
  const parsed = patientIdentitySchema.safeParse(identity);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InsError(
      'INS_IDENTITY_INVALID',
      `identity refused: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      { where: issue.path.join('.'), cause: parsed.error },
    );
  }
  const id = parsed.data;
  const ins = assertQualifiedIdentity(id);
  const m = checkInsMatricule(ins.matricule, { oid: ins.oid });
  if (!m.valid) {
    throw new InsError(m.code, m.message, {
      where: m.code.startsWith('INS_OID') ? 'ins.oid' : 'ins.matricule',
    });
  }
  const t = id.traits;
  if (t.sex !== 'F' && t.sex !== 'M') {
    throw new InsError('DATAMATRIX_SEX', `sex ${t.sex}: the INS Datamatrix carries F or M only`, {
      where: 'traits.sex',
    });
  }
  const [y, mo, d] = t.birthDate.split('-');
  let out = `${INS_DATAMATRIX_HEADER}S1${ins.matricule}`;
  out += variable('S2', ins.oid, 'ins.oid');
  out += variable('S3', t.birthGivenNames, 'traits.birthGivenNames');
  out += variable('S4', t.birthFamilyName, 'traits.birthFamilyName');
  out += `S5${t.sex}S6${d}-${mo}-${y}`;
  if (t.birthPlaceCog !== undefined) out += `S7${t.birthPlaceCog}`;
  return out;
}

// S2–S4 are never the last block (S5 and S6 always follow), so a short value always takes <GS>.
function variable(id: keyof typeof INS_DATAMATRIX_MAX, value: string, where: string): string {
  const max = INS_DATAMATRIX_MAX[id];
  if (value.length > max) {
    throw new InsError('DATAMATRIX_TOO_LONG', `${id}: ${value.length} characters, at most ${max}`, { where });
  }
  return `${id}${value}${value.length < max ? INS_DATAMATRIX_GS : ''}`;
}

/**
 * Show a payload for people: every 0x1D becomes `<GS>`.
 * @example showGs('S3A\x1DS4B') // 'S3A<GS>S4B'
 */
export function showGs(payload: string): string {
  return payload.split(INS_DATAMATRIX_GS).join(INS_DATAMATRIX_VISIBLE_GS);
}

/**
 * Read an INS Datamatrix payload back into a qualified identity (the first birth given name is the first
 * space-separated word of S3). A visible `<GS>` (as {@link showGs} writes it) is read as 0x1D.
 *
 * Strict: every deviation is an {@link InsError} naming the block — header (`DATAMATRIX_HEADER`), a block
 * missing or out of order (`DATAMATRIX_FIELD`), `<GS>` missing after a short value or present after a
 * full-length one (`DATAMATRIX_GS`), bad sex/date/COG, text after the last block (`DATAMATRIX_TRAILING`),
 * and the matricule and OID checks (`INS_KEY`, `INS_OID_UNKNOWN`…).
 *
 * @example decodeInsDatamatrix(payload).ins.matricule // '279035121518989'
 */
export function decodeInsDatamatrix(payload: string): DecodedInsDatamatrix {
  const s = payload.split(INS_DATAMATRIX_VISIBLE_GS).join(INS_DATAMATRIX_GS);
  if (!s.startsWith(INS_DATAMATRIX_HEADER)) {
    throw new InsError(
      'DATAMATRIX_HEADER',
      `payload must start with ${INS_DATAMATRIX_HEADER} (got ${JSON.stringify(s.slice(0, 26))})`,
      {
        where: 'header',
      },
    );
  }
  let pos = INS_DATAMATRIX_HEADER.length;

  const tag = (id: string): void => {
    if (s.slice(pos, pos + 2) !== id) {
      throw new InsError(
        'DATAMATRIX_FIELD',
        `expected block ${id} at offset ${pos}, found ${JSON.stringify(s.slice(pos, pos + 2))}`,
        {
          where: id,
        },
      );
    }
    pos += 2;
  };
  const fixed = (id: string, len: number): string => {
    tag(id);
    const v = s.slice(pos, pos + len);
    if (v.length < len || v.includes(INS_DATAMATRIX_GS)) {
      throw new InsError(
        'DATAMATRIX_FIELD',
        `${id}: expected ${len} characters, found ${JSON.stringify(v)}`,
        { where: id },
      );
    }
    pos += len;
    return v;
  };
  // A variable value ends at <GS>, or (full length only) where the next block id starts: no value can
  // contain "S" + digit (OIDs are digits and dots, names have no digits).
  const variableField = (id: keyof typeof INS_DATAMATRIX_MAX): string => {
    tag(id);
    const max = INS_DATAMATRIX_MAX[id];
    const rest = s.slice(pos);
    const gs = rest.indexOf(INS_DATAMATRIX_GS);
    const tagAt = rest.search(/S[1-7]/);
    const end = gs < 0 ? tagAt : tagAt < 0 ? gs : Math.min(gs, tagAt);
    const v = end < 0 ? rest : rest.slice(0, end);
    if (v.length > max)
      throw new InsError('DATAMATRIX_TOO_LONG', `${id}: ${v.length} characters, at most ${max}`, {
        where: id,
      });
    if (rest[v.length] === INS_DATAMATRIX_GS) {
      if (v.length === max)
        throw new InsError('DATAMATRIX_GS', `${id}: a full-length value (${max}) takes no <GS>`, {
          where: id,
        });
      pos += v.length + 1;
      return v;
    }
    if (v.length < max) {
      throw new InsError(
        'DATAMATRIX_GS',
        `${id}: a ${v.length}-character value must be closed by <GS> (0x1D)`,
        { where: id },
      );
    }
    pos += max;
    return v;
  };

  const matricule = fixed('S1', 15);
  const oid = variableField('S2');
  const birthGivenNames = variableField('S3');
  const birthFamilyName = variableField('S4');
  const sex = fixed('S5', 1);
  const date = fixed('S6', 10);
  let cog: string | undefined;
  if (pos < s.length) cog = fixed('S7', 5);
  if (pos < s.length) {
    throw new InsError(
      'DATAMATRIX_TRAILING',
      `unexpected text after the last block: ${JSON.stringify(showGs(s.slice(pos)))}`,
      {
        where: cog === undefined ? 'S6' : 'S7',
      },
    );
  }

  const m = checkInsMatricule(matricule, { oid });
  if (!m.valid) throw new InsError(m.code, m.message, { where: m.code.startsWith('INS_OID') ? 'S2' : 'S1' });
  if (sex !== 'F' && sex !== 'M')
    throw new InsError('DATAMATRIX_SEX', `S5: sex ${JSON.stringify(sex)}, expected F or M`, { where: 'S5' });
  const dm = /^(\d{2})-(\d{2})-(\d{4})$/.exec(date);
  const birthDate = dm ? `${dm[3]}-${dm[2]}-${dm[1]}` : '';
  if (!dm || !isoDateSchema.safeParse(birthDate).success) {
    throw new InsError('DATAMATRIX_DATE', `S6: ${JSON.stringify(date)} is not a date JJ-MM-AAAA`, {
      where: 'S6',
    });
  }
  if (cog !== undefined && !/^(?:\d{5}|2[AB]\d{3})$/.test(cog)) {
    throw new InsError('DATAMATRIX_COG', `S7: ${JSON.stringify(cog)} is not a COG code`, { where: 'S7' });
  }
  const firstBirthGivenName = birthGivenNames.split(' ')[0] ?? '';
  const problems = checkInsTraits({ birthFamilyName, birthGivenNames, firstBirthGivenName });
  if (problems.length > 0) {
    const where = problems[0]!.path === 'traits.birthFamilyName' ? 'S4' : 'S3';
    throw new InsError('INS_TRAIT_ALPHABET', problems.map((p) => p.message).join('; '), { where });
  }
  const traits: DecodedInsDatamatrix['traits'] = {
    birthFamilyName,
    birthGivenNames,
    firstBirthGivenName,
    sex,
    birthDate,
  };
  if (cog !== undefined) traits.birthPlaceCog = cog;
  return { status: 'QUAL', ins: { matricule, oid: m.oidInfo!.oid }, traits };
}
