/**
 * Names the MSSanté rules give to things: the subject, the bare PDF's file name, the patient's mailbox and the
 * ISO-9660 8.3 names of the XDM archive. Pure functions of the report header.
 * @module
 */
import type { CrBioReport } from '../model/index.js';
import { MssError } from './errors.js';

/** Domain of the patients' mailboxes (Mon espace santé). */
export const PATIENT_MAIL_DOMAIN = 'patient.mssante.fr';

/** What the names are made of, read from a CR-BIO header. */
export interface MessageNaming {
  /** Document title (`ClinicalDocument/title`). */
  title: string;
  /** Birth family name (INS trait), as in the CDA. */
  familyName: string;
  /** First birth given name (INS trait), as in the CDA. */
  givenName: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  /** `YYYYMMDD` of the act: first serviceEvent's start, else the document's creation. */
  actDate: string;
}

const DEFAULT_TITLE = "Compte rendu d'examens biologiques";

/**
 * The naming facts of a report.
 *
 * @example
 * ```ts
 * const n = namingOf(parseCrBio(n3).report); // { title, familyName: 'PAT-TROIS', … actDate: '20240104' }
 * ```
 */
export function namingOf(report: CrBioReport): MessageNaming {
  const t = report.patient.identity.traits;
  const ev = report.serviceEvents[0]?.effectiveTime;
  const act = ev?.low ?? ev?.value ?? report.effectiveTime;
  return {
    title: (report.title ?? DEFAULT_TITLE).trim(),
    familyName: t.birthFamilyName,
    givenName: t.firstBirthGivenName,
    birthDate: t.birthDate,
    actDate: act.slice(0, 8),
  };
}

/**
 * Subject of an MSSanté e-mail carrying an XDM archive (ECO.2.1.3; the MDN examples of the ANS):
 * `XDM/1.0/DDM+<title> <NOM> <Prénom> <JJ/MM/AAAA>`.
 *
 * @example
 * ```ts
 * mssSubject(namingOf(report)); // "XDM/1.0/DDM+Compte rendu d'examens biologiques PAT-TROIS DOMINIQUE 28/03/1979"
 * ```
 */
export function mssSubject(n: MessageNaming): string {
  const [y, m, d] = n.birthDate.split('-');
  return `XDM/1.0/DDM+${n.title} ${n.familyName} ${n.givenName} ${d}/${m}/${y}`;
}

/** Letters without diacritics, anything outside `A-Za-z0-9-` as one `_`. */
function fileWord(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^A-Za-z0-9-]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * File name of the bare PDF attached beside the archive (ECO.2.1.6):
 * `<AAAAMMJJ acte>_<type de document, ≤ 40>_<NOM>_<prénom>[_<n° dossier>].pdf`, ASCII only.
 *
 * @example
 * ```ts
 * pdfFileName(namingOf(report)); // "20240104_Compte_rendu_d_examens_biologiques_PAT-TROIS_DOMINIQUE.pdf"
 * ```
 */
export function pdfFileName(n: MessageNaming, fileNumber?: string): string {
  const type = fileWord(n.title).slice(0, 40).replace(/_+$/, '');
  const parts = [n.actDate, type, fileWord(n.familyName), fileWord(n.givenName)];
  if (fileNumber) parts.push(fileWord(fileNumber));
  return `${parts.filter(Boolean).join('_')}.pdf`;
}

/**
 * The patient's MSSanté mailbox, `<matricule INS>@patient.mssante.fr` — only for a qualified identity.
 *
 * @example
 * ```ts
 * patientAddress(report); // "279035121518989@patient.mssante.fr"
 * ```
 */
export function patientAddress(report: CrBioReport): string {
  const id = report.patient.identity;
  if (id.status !== 'QUAL' || !id.ins) {
    throw new MssError(
      'MSS_PATIENT_NOT_QUALIFIED',
      `the patient's identity is ${id.status}, not qualified: no INS, no patient mailbox`,
      { where: 'recordTarget/patientRole/id' },
    );
  }
  return `${id.ins.matricule}@${PATIENT_MAIL_DOMAIN}`;
}

/**
 * ISO-9660 8.3 name of the n-th document (1-based) of an XDM subset: `DOC0001.XML`, `DOC0002.PDF`…
 *
 * @example
 * ```ts
 * xdmDocumentName(1, 'text/xml'); // "DOC0001.XML"
 * ```
 */
export function xdmDocumentName(n: number, mimeType: string): string {
  if (!Number.isInteger(n) || n < 1 || n > 9999) {
    throw new MssError('MSS_BAD_INPUT', `an XDM subset holds at most 9999 documents (got #${n})`);
  }
  return `DOC${String(n).padStart(4, '0')}.${extensionOf(mimeType)}`;
}

const EXTENSIONS: Record<string, string> = {
  'text/xml': 'XML',
  'application/xml': 'XML',
  'application/pdf': 'PDF',
  'text/plain': 'TXT',
  'application/rtf': 'RTF',
  'image/jpeg': 'JPG',
  'image/tiff': 'TIF',
};

function extensionOf(mimeType: string): string {
  return EXTENSIONS[mimeType.split(';')[0]!.trim().toLowerCase()] ?? 'BIN';
}
