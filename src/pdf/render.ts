import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { type PDFContext, PDFDocument, type PDFFont, type PDFRef } from 'pdf-lib';
import { CisisBioError } from '../common/errors.js';
import { encodeInsDatamatrix } from '../ins/index.js';
import type {
  Battery,
  BatteryComponent,
  ChapterSection,
  Code,
  Comment,
  CrBioReport,
  Guardian,
  HeaderParticipant,
  HealthProfessional,
  Isolate,
  Media,
  Observation,
  PatientIdentity,
  PerformingLab,
  ResultItem,
  ResultsEntry,
  ResultValidator,
  Section,
  Specimen,
} from '../model/index.js';
import { INS_OID, interpretationsAsWritten, isCriticalResult, validateReport } from '../model/index.js';
import { VERSION } from '../version.js';
import { type DatamatrixSymbol, drawDatamatrix, encodeDatamatrix } from './datamatrix.js';
import { PdfRenderError } from './errors.js';
import { cachingFontkit, defaultFonts, type FontFace, type FontSet } from './fonts.js';
import {
  codeLabel,
  displayRange,
  displayValue,
  frAddressLines,
  frDateTime,
  frId,
  frInterpretation,
  frIsoDate,
  frOrganizationIds,
  frPersonIds,
  frPersonName,
  frTelecoms,
  narrativeToText,
  timePoint,
} from './format.js';
import { type PreparedImage, prepareImages } from './images.js';
import { Layout, type LayoutRecord, type Rgb, type TextStyle } from './layout.js';
import { saveAsPdfA } from './pdfa.js';

/** Options of {@link renderReportPdf}. */
export interface RenderReportPdfOptions {
  /** Clock for the PDF creation date (Info/XMP); default: now. A fixed clock gives byte-identical output. */
  clock?: () => Date;
  /** Document title (Info `Title`, `dc:title`); default: the report title and its id. */
  title?: string;
  /** Info `Author`; default: the performing lab's name. */
  author?: string;
  /** Info `Creator` (the application that produced the report); default `cisis-bio`. */
  creator?: string;
  /** TrueType fonts to embed instead of DejaVu Sans (regular, bold, oblique). */
  fonts?: FontSet;
}

/** Where the INS Datamatrix was drawn (page 1), in points, and what it encodes. */
export interface DatamatrixPlacement {
  payload: string;
  /** Symbol size in modules (e.g. 40 for 40×40). */
  modules: number;
  /** Bottom-left corner and side of the white square (quiet zone included). */
  x: number;
  y: number;
  side: number;
  moduleSize: number;
}

/** A rendered report: the PDF/A-1b bytes and what the layout engine drew (for checks). */
export interface RenderedReport {
  pdf: Uint8Array;
  layout: LayoutRecord;
  datamatrix?: DatamatrixPlacement;
  /**
   * What the reader of the PDF would miss: characters the embedded fonts have no glyph for (CJK, Arabic, emoji…),
   * listed once each — they print as empty boxes. Empty when nothing is missing.
   */
  warnings: string[];
}

/** Caption printed under the INS Datamatrix (ANS example stylesheet, INS guide). */
export const INS_DATAMATRIX_CAPTION = 'INS à scanner';

// ------------------------------------------------------------------------------------------ styles

const INK: Rgb = [0.1, 0.1, 0.12];
const MUTED: Rgb = [0.38, 0.4, 0.44];
const ACCENT: Rgb = [0.09, 0.27, 0.47];
const ABNORMAL: Rgb = [0.66, 0.05, 0.05];
const CRITICAL_BAND: Rgb = [0.99, 0.88, 0.88];
const RULE: Rgb = [0.72, 0.75, 0.8];
const BAND: Rgb = [0.9, 0.93, 0.965];
const HEAD_BAND: Rgb = [0.955, 0.96, 0.97];

const S = {
  labName: { face: 'bold', size: 13, color: ACCENT },
  small: { face: 'regular', size: 8, color: MUTED },
  smallBold: { face: 'bold', size: 8, color: MUTED },
  title: { face: 'bold', size: 12, color: INK },
  body: { face: 'regular', size: 8.5, color: INK },
  bodyBold: { face: 'bold', size: 8.5, color: INK },
  label: { face: 'regular', size: 8, color: MUTED },
  patientName: { face: 'bold', size: 12, color: INK },
  caption: { face: 'bold', size: 7.5, color: INK },
  chapter: { face: 'bold', size: 10.5, color: ACCENT },
  subChapter: { face: 'bold', size: 9.5, color: ACCENT },
  battery: { face: 'bold', size: 8.8, color: INK },
  colHead: { face: 'bold', size: 7.5, color: MUTED },
  cell: { face: 'regular', size: 8.5, color: INK },
  cellAbnormal: { face: 'bold', size: 8.5, color: ABNORMAL },
  note: { face: 'oblique', size: 7.5, color: MUTED },
  critical: { face: 'bold', size: 8, color: ABNORMAL },
  pending: { face: 'oblique', size: 8.5, color: MUTED },
  footer: { face: 'regular', size: 7, color: MUTED },
} satisfies Record<string, TextStyle>;

/** Images: natural size at 96 dpi (0.75 pt a pixel), scaled down to the column width and half the body height. */
const IMAGE_PT_PER_PX = 0.75;
const IMAGE_MAX_HEIGHT_SHARE = 0.5;

/** Results table columns (x offsets from the left margin, widths), 510 pt in all. */
const COLS = {
  label: { x: 0, w: 190 },
  value: { x: 194, w: 70 },
  unit: { x: 268, w: 56 },
  range: { x: 328, w: 118 },
  flag: { x: 450, w: 60 },
};

// ------------------------------------------------------------------------------------------ helpers

const IDENTITY_STATUS: Record<PatientIdentity['status'], string> = {
  PROV: 'Identité provisoire',
  RECUP: 'Identité récupérée',
  VALI: 'Identité validée',
  QUAL: 'Identité qualifiée',
};

const INS_KIND: Record<string, string> = {
  [INS_OID.NIR]: 'NIR',
  [INS_OID.NIA]: 'NIA',
  [INS_OID.TEST]: 'NIR de test',
  [INS_OID.DEMO]: 'NIR de démonstration',
};

const SEX: Record<string, string> = { F: 'Féminin', M: 'Masculin', UN: 'Indéterminé' };

function labOf(r: CrBioReport): { name: string; org: HealthProfessional['organization'] } {
  const perf = r.serviceEvents[0]?.performer;
  const org = perf?.organization ?? r.custodian ?? r.authors[0]?.organization;
  return { name: org?.name ?? r.custodian.name ?? 'Laboratoire de biologie médicale', org };
}

function professional(p: HealthProfessional | HeaderParticipant | undefined): string {
  if (!p) return '';
  const name = frPersonName(p.name);
  const org = p.organization?.name;
  const ids = frPersonIds(p.ids);
  return [[name, ids ? `(${ids})` : ''].filter((x) => x).join(' '), org && org !== name ? org : '']
    .filter((x) => x)
    .join(' — ');
}

const RELATIONSHIP: Record<string, string> = {
  TUTEUR: 'tuteur',
  CURATEUR: 'curateur',
  MSVG: 'mandataire de sauvegarde',
  MTH: 'mère',
  FTH: 'père',
  GRMTH: 'grand-mère',
  GRFTH: 'grand-père',
};

/** "Jeanne NESSI (tuteur), 12 rue …, tél. 01 47 15 00 00": the guardian as cda_CRBIO.xsl lists it. */
function guardianText(g: Guardian): string {
  const who = frPersonName(g.name) || g.organization?.name || '';
  const rel = g.code ? (g.code.displayName ?? RELATIONSHIP[g.code.code ?? ''] ?? g.code.code ?? '') : '';
  const addr = g.addresses?.[0] ? frAddressLines(g.addresses[0]).join(', ') : '';
  return [[who, rel ? `(${rel})` : ''].filter((x) => x).join(' '), addr, frTelecoms(g.telecoms)]
    .filter((x) => x)
    .join(', ');
}

function siteLabel(c: Code | undefined): string {
  return c ? codeLabel(c) : '';
}

function performingLab(p: PerformingLab): string {
  const org = p.organization;
  const name = org?.name ?? frPersonName(p.name);
  const city = org?.addresses?.map((a) => a.city).find((c) => c);
  const id = frOrganizationIds(org);
  return [name, city, id].filter((s) => s).join(', ');
}

function validatorText(v: ResultValidator): string {
  const ids = frPersonIds(v.ids);
  const name = frPersonName(v.name);
  const who = (name && ids ? `${name} (${ids})` : name || ids) || 'biologiste';
  const when = frDateTime(timePoint(v.time));
  return when ? `${who}, le ${when}` : who;
}

function patientDisplayName(id: PatientIdentity): string {
  return `${id.traits.birthFamilyName} ${id.traits.birthGivenNames}`;
}

/** Identity traits, label → value, in the order a receiving professional checks them. */
function identityRows(r: CrBioReport): Array<[string, string]> {
  const id = r.patient.identity;
  const t = id.traits;
  const rows: Array<[string, string]> = [
    ['Nom de naissance', t.birthFamilyName],
    ['Prénom(s) de naissance', t.birthGivenNames],
    ['Premier prénom de naissance', t.firstBirthGivenName],
  ];
  if (id.usedFamilyName) rows.push(['Nom utilisé', id.usedFamilyName]);
  if (id.usedGivenName) rows.push(['Prénom utilisé', id.usedGivenName]);
  rows.push(['Sexe', SEX[t.sex] ?? t.sex]);
  rows.push(['Date de naissance', frIsoDate(t.birthDate)]);
  if (t.birthPlaceCog || t.birthPlaceName) {
    const place = [t.birthPlaceName, t.birthPlaceCog ? `code INSEE ${t.birthPlaceCog}` : ''].filter((s) => s);
    rows.push([
      'Lieu de naissance',
      t.birthPlaceName && t.birthPlaceCog ? `${place[0]} (${place[1]})` : place.join(''),
    ]);
  }
  if (id.ins) rows.push([`Matricule INS (${INS_KIND[id.ins.oid] ?? id.ins.oid})`, id.ins.matricule]);
  rows.push(["Statut de l'identité", IDENTITY_STATUS[id.status]]);
  const ipp = r.patient.localIds?.find((i) => i.extension);
  if (ipp?.extension) rows.push(['Identifiant local (IPP)', ipp.extension]);
  for (const g of r.patient.guardians ?? []) rows.push(['Représentant légal', guardianText(g)]);
  return rows;
}

/** Every specimen of the report (FR-Prelevement), in document order. */
function specimens(r: CrBioReport): Specimen[] {
  const out: Specimen[] = [];
  for (const s of r.sections) {
    if (s.kind !== 'chapter') continue;
    for (const e of [s.entry, ...(s.subSections?.map((x) => x.entry) ?? [])])
      for (const i of e?.items ?? []) if (i.kind === 'specimen') out.push(i);
  }
  return out;
}

/**
 * The sampling and receipt times the header may print: those the CDA carries **for the specimens**, when every
 * specimen that states one states the same; otherwise nothing (each specimen line gives its own times).
 */
function specimenTimes(r: CrBioReport): { sampled?: string; received?: string } {
  const one = (values: Array<string | undefined>) => {
    const set = new Set(values.filter((v): v is string => !!v));
    return set.size === 1 ? [...set][0] : undefined;
  };
  const all = specimens(r);
  const sampled = one(all.map((s) => timePoint(s.samplingTime)));
  const received = one(all.map((s) => timePoint(s.receivedTime)));
  return { ...(sampled ? { sampled } : {}), ...(received ? { received } : {}) };
}

// ------------------------------------------------------------------------------------------ renderer

class ReportRenderer {
  private continuation: (() => void) | undefined;
  datamatrix: DatamatrixPlacement | undefined;
  /** Image XObjects registered so far (an image drawn twice is written once). */
  private readonly imageRefs = new Map<PreparedImage, PDFRef>();

  constructor(
    private readonly L: Layout,
    private readonly r: CrBioReport,
    private readonly dm: { payload: string; symbol: DatamatrixSymbol } | undefined,
    private readonly images: ReadonlyMap<Media, PreparedImage> = new Map(),
    private readonly ctx?: PDFContext,
  ) {
    L.onNewPage = () => {
      if (L.pageIndex > 0) this.runningHeader();
      this.continuation?.();
    };
  }

  render(): void {
    this.L.newPage();
    this.header();
    this.patientBlock();
    this.requestBlock();
    for (const s of this.r.sections) this.section(s);
    this.continuation = undefined;
    this.closing();
    this.footers();
  }

  // -------------------------------------------------------------------- page furniture

  private header(): void {
    const L = this.L;
    const top = L.y;
    const lab = labOf(this.r);
    const leftW = 290;
    let y = top;
    for (const line of L.wrap(lab.name, S.labName, leftW)) {
      L.text(line, L.left, y - S.labName.size, S.labName);
      y -= L.lineHeight(S.labName);
    }
    const details = [
      ...(lab.org?.addresses?.[0] ? frAddressLines(lab.org.addresses[0]) : []),
      frTelecoms(lab.org?.telecoms),
      frOrganizationIds(lab.org),
    ].filter((s) => s);
    for (const d of details) {
      for (const line of L.wrap(d, S.small, leftW)) {
        L.text(line, L.left, y - S.small.size, S.small);
        y -= L.lineHeight(S.small);
      }
    }
    // Right: document title and status.
    const rightW = L.contentWidth - leftW - 12;
    let ry = top;
    const title = this.r.title ?? "Compte rendu d'examens de biologie médicale";
    for (const line of L.wrap(title, S.title, rightW)) {
      L.textRight(line, L.right, ry - S.title.size, S.title);
      ry -= L.lineHeight(S.title);
    }
    const status = this.r.serviceEvents[0]?.status;
    const meta = [
      status === 'active' ? 'Compte rendu partiel' : status === 'completed' ? 'Compte rendu complet' : '',
      `Édité le ${frDateTime(this.r.effectiveTime)}`,
      `Version ${this.r.versionNumber}`,
    ].filter((s) => s);
    for (const m of meta) {
      L.textRight(m, L.right, ry - S.small.size, S.small);
      ry -= L.lineHeight(S.small);
    }
    L.y = Math.min(y, ry) - 6;
    L.hline(L.left, L.right, L.y, ACCENT, 1.2);
    L.y -= 10;
  }

  private runningHeader(): void {
    const L = this.L;
    const id = this.r.patient.identity;
    const lab = labOf(this.r).name;
    const right = `${patientDisplayName(id)} — né(e) le ${frIsoDate(id.traits.birthDate)}`;
    const rightW = Math.min(L.width(right, S.smallBold), L.contentWidth * 0.6);
    const leftLine = L.wrap(lab, S.smallBold, L.contentWidth - rightW - 12)[0] ?? '';
    L.text(leftLine, L.left, L.y - S.smallBold.size, S.smallBold);
    const rightLine = L.wrap(right, S.smallBold, rightW)[0] ?? '';
    L.textRight(rightLine, L.right, L.y - S.smallBold.size, S.smallBold);
    L.y -= L.lineHeight(S.smallBold) + 3;
    L.hline(L.left, L.right, L.y, RULE, 0.6);
    L.y -= 8;
  }

  /** "page n/N" and the patient/report reminder on every page, once the page count is known. */
  private footers(): void {
    const L = this.L;
    const id = this.r.patient.identity;
    const n = L.pages.length;
    const reminder = `${patientDisplayName(id)} · né(e) le ${frIsoDate(id.traits.birthDate)} · Compte rendu n° ${frId(this.r.id)}`;
    for (let i = 0; i < n; i++) {
      const pageLabel = `page ${i + 1}/${n}`;
      const y = 30;
      L.withPage(i, () => {
        L.hline(L.left, L.right, y + 11, RULE, 0.5);
        const maxW = L.contentWidth - L.width(pageLabel, S.footer) - 16;
        L.text(L.wrap(reminder, S.footer, maxW)[0] ?? '', L.left, y, S.footer);
        L.textRight(pageLabel, L.right, y, S.footer);
      });
    }
  }

  // -------------------------------------------------------------------- identity

  private patientBlock(): void {
    const L = this.L;
    const top = L.y;
    const dmArea = this.dm ? 112 : 0;
    const boxW = L.contentWidth - (dmArea ? dmArea + 10 : 0);
    const pad = 8;
    const labelW = 128;
    const valueW = boxW - 2 * pad - labelW;
    const id = this.r.patient.identity;
    const nameLines = L.wrap(patientDisplayName(id), S.patientName, boxW - 2 * pad);
    const rows = identityRows(this.r).map(([k, v]) => ({ k, lines: L.wrap(v, S.body, valueW) }));
    const rowLh = L.lineHeight(S.body);
    const height =
      pad +
      10 +
      nameLines.length * L.lineHeight(S.patientName) +
      4 +
      rows.reduce((h, r) => h + r.lines.length * rowLh, 0) +
      pad;

    L.rect(L.left, top - height, boxW, height, HEAD_BAND);
    L.strokeRect(L.left, top - height, boxW, height, RULE, 0.6);
    let y = top - pad;
    L.text('PATIENT', L.left + pad, y - 7, S.caption);
    y -= 10;
    for (const line of nameLines) {
      L.text(line, L.left + pad, y - S.patientName.size, S.patientName);
      y -= L.lineHeight(S.patientName);
    }
    y -= 4;
    for (const row of rows) {
      L.text(row.k, L.left + pad, y - S.body.size, S.label);
      for (const line of row.lines) {
        L.text(line, L.left + pad + labelW, y - S.body.size, S.bodyBold);
        y -= rowLh;
      }
    }

    let bottom = top - height;
    if (this.dm) {
      const { symbol, payload } = this.dm;
      const quiet = 2;
      const moduleSize = Math.min(1.8, 92 / (symbol.size + 2 * quiet));
      const side = (symbol.size + 2 * quiet) * moduleSize;
      const cx = L.right - dmArea / 2;
      const x = cx - side / 2;
      const y0 = top - side;
      drawDatamatrix(L.page, symbol, { x, y: y0, module: moduleSize, quietZone: quiet });
      L.textCenter(INS_DATAMATRIX_CAPTION, cx, y0 - 10, S.caption);
      this.datamatrix = { payload, modules: symbol.size, x, y: y0, side, moduleSize };
      bottom = Math.min(bottom, y0 - 14);
    }
    L.y = bottom - 10;
  }

  private requestBlock(): void {
    const L = this.L;
    const r = this.r;
    const se = r.serviceEvents[0];
    const spec = specimenTimes(r);
    const recipients = (r.informationRecipients ?? []).map((x) => professional(x)).filter((x) => x);
    const pairs: Array<[string, string]> = [
      ['Compte rendu n°', frId(r.id)],
      ['Demande n°', se?.ids?.map(frId).join(', ') ?? ''],
      ['Ordonnance n°', r.orderIds?.map(frId).join(', ') ?? ''],
      ['Date du compte rendu', frDateTime(r.effectiveTime)],
      ['Prescripteur', professional(r.prescriber)],
      ['Médecin traitant', professional(r.generalPractitioner)],
      ['Prélevé le', frDateTime(spec.sampled)],
      ['Préleveur', professional(r.sampler)],
      ['Reçu au laboratoire le', frDateTime(spec.received)],
      ['Copie à', recipients.join(' ; ')],
    ];
    const shown = pairs.filter(([, v]) => v);
    const colW = L.contentWidth / 2;
    const labelW = 100;
    for (let i = 0; i < shown.length; i += 2) {
      const cells = [shown[i], shown[i + 1]].filter((c): c is [string, string] => !!c);
      const wrapped = cells.map(([k, v]) => ({ k, lines: L.wrap(v, S.body, colW - labelW - 8) }));
      const h = Math.max(...wrapped.map((c) => c.lines.length)) * L.lineHeight(S.body);
      L.ensure(h);
      wrapped.forEach((c, j) => {
        const x = L.left + j * colW;
        L.text(c.k, x, L.y - S.body.size, S.label);
        c.lines.forEach((line, n) => {
          L.text(line, x + labelW, L.y - S.body.size - n * L.lineHeight(S.body), S.body);
        });
      });
      L.y -= h;
    }
    if (r.relatedDocument?.typeCode === 'RPLC') {
      L.y -= 2;
      L.paragraph(
        `Ce compte rendu remplace la version précédente (document ${frId(r.relatedDocument.parentId)}).`,
        L.left,
        L.contentWidth,
        S.note,
      );
    }
    L.y -= 8;
  }

  // -------------------------------------------------------------------- results

  private section(s: Section): void {
    if (s.kind === 'chapter') this.chapter(s);
    else if (s.kind === 'comment') this.textSection(s.title, s.text);
    else if (s.kind === 'secondIntention') {
      const n = s.documents.length;
      const plural = n > 1 ? 's' : '';
      this.textSection(
        s.title,
        `${n} compte rendu${plural} d'un autre laboratoire joint${plural} au document électronique (PDF).`,
      );
    } else this.textSection(s.title ?? codeLabel(s.code), s.narrative ? narrativeToText(s.narrative) : '');
  }

  private chapterBand(title: string): void {
    const L = this.L;
    const h = L.lineHeight(S.chapter) + 5;
    const lines = L.wrap(title, S.chapter, L.contentWidth - 12);
    const total = h + (lines.length - 1) * L.lineHeight(S.chapter);
    L.rect(L.left, L.y - total, L.contentWidth, total, BAND);
    let y = L.y - 3;
    for (const line of lines) {
      L.text(line, L.left + 6, y - S.chapter.size, S.chapter);
      y -= L.lineHeight(S.chapter);
    }
    L.y -= total + 3;
  }

  private columnHeads(): void {
    const L = this.L;
    const y = L.y - S.colHead.size;
    L.text('Examen', L.left + COLS.label.x, y, S.colHead);
    L.text('Résultat', L.left + COLS.value.x, y, S.colHead);
    L.text('Unité', L.left + COLS.unit.x, y, S.colHead);
    L.text('Valeurs de référence', L.left + COLS.range.x, y, S.colHead);
    L.text('Interprétation', L.left + COLS.flag.x, y, S.colHead);
    L.y -= L.lineHeight(S.colHead) + 1;
    L.hline(L.left, L.right, L.y, RULE, 0.5);
    L.y -= 3;
  }

  private chapter(c: ChapterSection): void {
    const L = this.L;
    const title = c.title || codeLabel(c.code);
    L.y -= 4;
    L.ensure(L.lineHeight(S.chapter) + 5 + 3 * L.lineHeight(S.cell) + 12);
    this.chapterBand(title);
    this.continuation = () => {
      this.chapterBand(`${title} (suite)`);
      this.columnHeads();
    };
    this.columnHeads();
    if (c.entry) this.entry(c.entry, 0);
    for (const sub of c.subSections ?? []) {
      const subTitle = sub.title ?? codeLabel(sub.code);
      if (subTitle) {
        L.ensure(L.lineHeight(S.subChapter) + 2 * L.lineHeight(S.cell) + 4);
        L.y -= 2;
        L.paragraph(subTitle, L.left, L.contentWidth, S.subChapter);
      }
      this.entry(sub.entry, 0);
    }
    this.continuation = undefined;
    L.y -= 6;
  }

  private entry(e: ResultsEntry, depth: number): void {
    if (e.status === 'active') this.note('Résultats partiels : d’autres résultats suivront.', depth);
    for (const item of e.items) this.item(item, depth);
    for (const c of e.comments ?? []) this.comment(c, depth);
    if (e.performer)
      this.note(`Analyses réalisées par le laboratoire : ${performingLab(e.performer)}`, depth);
    for (const v of e.validators ?? []) this.note(`Validé par ${validatorText(v)}`, depth);
  }

  private item(i: ResultItem | BatteryComponent, depth: number): void {
    switch (i.kind) {
      case 'specimen': {
        const parts = [
          i.specimenType ? codeLabel(i.specimenType) : codeLabel(i.code),
          siteLabel(i.targetSite) ? `site : ${siteLabel(i.targetSite)}` : '',
          timePoint(i.samplingTime) ? `prélevé le ${frDateTime(timePoint(i.samplingTime))}` : '',
          i.sampler ? `par ${professional(i.sampler)}` : '',
          timePoint(i.receivedTime) ? `reçu le ${frDateTime(timePoint(i.receivedTime))}` : '',
        ].filter((s) => s);
        if (parts.length) this.note(`Échantillon : ${parts.join(', ')}`, depth);
        break;
      }
      case 'observation':
        this.observation(i, depth);
        break;
      case 'battery':
        this.battery(i, depth);
        break;
      case 'isolate':
        this.isolate(i, depth);
        break;
      case 'comment':
        this.comment(i, depth);
        break;
      case 'media':
        this.media(i, depth);
        break;
    }
  }

  /**
   * An image at its natural size (96 dpi), scaled down to fit the column and half the body height (aspect
   * ratio kept), moved to the next page when it does not fit, its caption under it. Media that cannot be
   * drawn (see images.ts) get a line saying an image is attached.
   */
  private media(m: Media, depth: number): void {
    const img = this.images.get(m);
    if (!img || !this.ctx) {
      this.note(
        `Image jointe au document électronique${m.caption ? ` : ${m.caption}` : ''} (${m.mediaType}).`,
        depth,
      );
      return;
    }
    const L = this.L;
    const g = L.geometry;
    const indent = Math.min(depth, 4) * 10;
    const maxW = L.contentWidth - indent;
    const maxH = (g.height - g.marginTop - g.marginBottom) * IMAGE_MAX_HEIGHT_SHARE;
    const natW = img.width * IMAGE_PT_PER_PX;
    const natH = img.height * IMAGE_PT_PER_PX;
    const k = Math.min(1, maxW / natW, maxH / natH);
    const w = natW * k;
    const h = natH * k;
    const caption = m.caption?.trim() ? m.caption : '';
    const captionLh = caption ? L.lineHeight(S.note) + 2 : 0;
    // The image and the first line of its caption stay together; a long caption flows on.
    L.ensure(h + 4 + captionLh);
    L.y -= 3;
    let ref = this.imageRefs.get(img);
    if (!ref) {
      ref = img.register(this.ctx);
      this.imageRefs.set(img, ref);
    }
    L.image(ref, L.left + indent, L.y - h, w, h, img);
    L.y -= h + 2;
    if (caption) this.note(caption, depth);
    L.y -= 2;
  }

  private heading(text: string, depth: number, style: TextStyle): void {
    const L = this.L;
    const x = L.left + depth * 10;
    const lines = L.wrap(text, style, L.contentWidth - depth * 10);
    L.ensure(lines.length * L.lineHeight(style) + 2 * L.lineHeight(S.cell) + 3);
    L.y -= 3;
    for (const line of lines) {
      L.text(line, x, L.y - style.size, style);
      L.y -= L.lineHeight(style);
    }
  }

  private battery(b: Battery, depth: number): void {
    const label = b.code ? codeLabel(b.code) : '';
    if (label) this.heading(label, depth, S.battery);
    if (b.status === 'aborted') this.note('Examen non réalisé.', depth + 1);
    for (const c of b.components) this.item(c, label ? depth + 1 : depth);
    if (b.performer) this.note(`Réalisé par le laboratoire : ${performingLab(b.performer)}`, depth + 1);
    for (const v of b.validators ?? []) this.note(`Validé par ${validatorText(v)}`, depth + 1);
  }

  private isolate(i: Isolate, depth: number): void {
    this.heading(`Germe isolé : ${codeLabel(i.organism.code)}`, depth, S.battery);
    for (const c of i.components) this.item(c, depth + 1);
    if (i.performer) this.note(`Réalisé par le laboratoire : ${performingLab(i.performer)}`, depth + 1);
  }

  private observation(o: Observation, depth: number): void {
    const L = this.L;
    const indent = Math.min(depth, 4) * 10;
    const label = codeLabel(o.code);
    const shown = o.pending
      ? { value: 'En attente', unit: '' }
      : o.status === 'aborted'
        ? { value: 'Non réalisé', unit: '' }
        : displayValue(o.value);
    const range = displayRange(o.referenceRange, shown.unit);
    // The interpretations the CDA carries (HH/LL/AA for a `critical` result): the PDF says no more than the CDA. The
    // PDF may be rendered from a model only zod checked: a pending row gets none (the CDA has no entry for it), and
    // a flag that cannot apply (no value, not performed, N) marks nothing — the same function decides for both.
    const critical = isCriticalResult(o);
    const interp = frInterpretation(interpretationsAsWritten(o));
    const flag = critical ? { ...interp, text: `CRITIQUE ${interp.text}`.trim() } : interp;
    const valueStyle = o.pending ? S.pending : flag.abnormal || critical ? S.cellAbnormal : S.cell;
    const cells = [
      {
        x: COLS.label.x + indent,
        w: COLS.label.w - indent,
        lines: L.wrap(label, S.cell, COLS.label.w - indent),
        style: S.cell,
      },
      {
        x: COLS.value.x,
        w: COLS.value.w,
        lines: L.wrap(shown.value, valueStyle, COLS.value.w),
        style: valueStyle,
      },
      { x: COLS.unit.x, w: COLS.unit.w, lines: L.wrap(shown.unit, S.cell, COLS.unit.w), style: S.cell },
      { x: COLS.range.x, w: COLS.range.w, lines: L.wrap(range, S.cell, COLS.range.w), style: S.cell },
      {
        x: COLS.flag.x,
        w: COLS.flag.w,
        lines: L.wrap(flag.text, valueStyle, COLS.flag.w),
        style: valueStyle,
      },
    ];
    this.rows(cells, critical);

    const sub = depth + 1;
    for (const m of o.methods ?? []) {
      const t = codeLabel(m);
      if (t) this.note(`Méthode : ${t}`, sub);
    }
    for (const p of o.previousResults ?? []) {
      const d = displayValue(p.value);
      const when = frDateTime(timePoint(p.effectiveTime), false);
      this.note(
        `Antériorité${when ? ` du ${when}` : ''} : ${[d.value, d.unit].filter((s) => s).join(' ')}`,
        sub,
      );
    }
    for (const c of o.comments ?? [])
      if (critical) this.note(`Valeur critique : ${c.text}`, sub, S.critical);
      else this.comment(c, sub);
    if (o.performer) this.note(`Réalisé par le laboratoire : ${performingLab(o.performer)}`, sub);
    L.y -= 1;
  }

  /**
   * Draws a results row. A row that fits stays on one page; a longer one (a long ST result) flows on line by
   * line onto as many pages as needed — never cut. A critical value's row gets a red band.
   */
  private rows(cells: Array<{ x: number; lines: string[]; style: TextStyle }>, critical: boolean): void {
    const L = this.L;
    const lh = L.lineHeight(S.cell);
    const rows = Math.max(...cells.map((c) => c.lines.length));
    const pageRows = Math.floor((L.geometry.height - L.geometry.marginTop - L.bottom - 120) / lh);
    L.ensure(Math.min(rows, pageRows) * lh + 2);
    if (rows <= pageRows) {
      // Cell by cell (a wrapped label stays one run of text for extractors), the row on one page.
      if (critical)
        L.rect(L.left - 2, L.y - rows * lh - 0.5, L.contentWidth + 4, rows * lh + 0.5, CRITICAL_BAND);
      for (const c of cells)
        for (const [n, line] of c.lines.entries())
          L.text(line, L.left + c.x, L.y - S.cell.size - n * lh, c.style);
      L.y -= rows * lh + 1;
      return;
    }
    for (let n = 0; n < rows; n++) {
      L.ensure(lh);
      if (critical) L.rect(L.left - 2, L.y - lh - 0.5, L.contentWidth + 4, lh + 0.5, CRITICAL_BAND);
      for (const c of cells) {
        const line = c.lines[n];
        if (line) L.text(line, L.left + c.x, L.y - S.cell.size, c.style);
      }
      L.y -= lh;
    }
    L.y -= 1;
  }

  private comment(c: Comment, depth: number): void {
    this.note(c.text, depth, S.note);
  }

  private note(text: string, depth: number, style: TextStyle = S.note): void {
    if (!text.trim()) return;
    const L = this.L;
    const indent = Math.min(depth, 4) * 10;
    L.paragraph(text, L.left + indent, L.contentWidth - indent, style, { spaceAfter: 1 });
  }

  private textSection(title: string | undefined, text: string): void {
    const L = this.L;
    L.y -= 4;
    L.ensure(L.lineHeight(S.chapter) + 5 + 2 * L.lineHeight(S.body));
    if (title) this.chapterBand(title);
    if (text) L.paragraph(text, L.left, L.contentWidth, S.body, { spaceAfter: 6 });
  }

  // -------------------------------------------------------------------- validation

  private closing(): void {
    const L = this.L;
    const r = this.r;
    const la = r.legalAuthenticator;
    const lines: string[] = [];
    const laIds = frPersonIds(la.ids);
    const laName = frPersonName(la.name);
    const who = (laName && laIds ? `${laName} (${laIds})` : laName || laIds) || 'le biologiste responsable';
    lines.push(`Compte rendu validé par ${who}${la.time ? `, le ${frDateTime(la.time)}` : ''}.`);
    const others = (r.authenticators ?? [])
      .map((a) =>
        [
          [frPersonName(a.name), frPersonIds(a.ids) ? `(${frPersonIds(a.ids)})` : '']
            .filter((s) => s)
            .join(' '),
          a.time ? `le ${frDateTime(a.time)}` : '',
        ]
          .filter((s) => s)
          .join(', '),
      )
      .filter((s) => s);
    if (others.length) lines.push(`Biologiste(s) ayant validé les résultats : ${others.join(' ; ')}.`);
    if (r.serviceEvents[0]?.status === 'active')
      lines.push("Compte rendu partiel : d'autres résultats suivront.");
    const h = lines.length * 2 * L.lineHeight(S.body) + 16;
    L.y -= 6;
    L.ensure(h);
    L.hline(L.left, L.right, L.y, RULE, 0.6);
    L.y -= 6;
    for (const l of lines) L.paragraph(l, L.left, L.contentWidth, S.bodyBold, { spaceAfter: 2 });
    L.paragraph(
      `Document produit par cisis-bio ${VERSION} à partir du compte rendu structuré (CDA R2 CR-BIO).`,
      L.left,
      L.contentWidth,
      S.note,
    );
  }
}

// ------------------------------------------------------------------------------------------ entry points

/**
 * Names a subset font `TAG+PostScriptName` (ISO 32000 §9.6.4, which PDF/A validators use to recognise subsets).
 * pdf-lib would write `Name-1234`; its embedder reads `customName` when the font is embedded, and the tag is
 * fixed so that the output is reproducible. Left untouched if pdf-lib's internals change.
 */
function tagSubset(font: PDFFont, tag: string): void {
  const embedder = (font as unknown as { embedder?: { customName?: string; fontName?: string } }).embedder;
  if (embedder?.fontName && embedder.customName === undefined)
    embedder.customName = `${tag}+${embedder.fontName}`;
}

const symbols = new Map<string, DatamatrixSymbol>();

/** Encoding a symbol costs ~8 ms; a lab prints many reports per patient, so the last few are kept. */
function cachedSymbol(payload: string): DatamatrixSymbol {
  let s = symbols.get(payload);
  if (!s) {
    s = encodeDatamatrix(payload);
    if (symbols.size >= 16) symbols.delete(symbols.keys().next().value!);
    symbols.set(payload, s);
  }
  return s;
}

function documentId(report: CrBioReport, date: Date): string {
  return createHash('sha256')
    .update(JSON.stringify(report))
    .update(date.toISOString())
    .digest('hex')
    .slice(0, 32);
}

/**
 * Renders a report and returns the PDF with the layout record (every text run drawn, with its box) and
 * the Datamatrix placement. Prefer {@link renderReportPdf} unless you check the layout.
 */
export async function renderReportPdfDetailed(
  report: CrBioReport,
  options: RenderReportPdfOptions = {},
): Promise<RenderedReport> {
  const r = validateReport(report);
  const date = new Date(Math.floor((options.clock?.() ?? new Date()).getTime() / 1000) * 1000);
  const fontBytes = options.fonts ?? defaultFonts();

  const doc = await PDFDocument.create({ updateMetadata: false });
  // Font programs, ICC profile and CIDSets are deflated with node:zlib (native) rather than pdf-lib's pako.
  const ctx = doc.context;
  ctx.flateStream = (contents, dict = {}) =>
    ctx.stream(deflateSync(typeof contents === 'string' ? Buffer.from(contents, 'latin1') : contents), {
      ...dict,
      Filter: 'FlateDecode',
    });
  doc.registerFontkit(cachingFontkit(fontkit) as Parameters<PDFDocument['registerFontkit']>[0]);
  const tags: Record<FontFace, string> = { regular: 'CBIOAA', bold: 'CBIOAB', oblique: 'CBIOAC' };
  const fonts = {} as Record<FontFace, PDFFont>;
  for (const face of ['regular', 'bold', 'oblique'] as const) {
    fonts[face] = await doc.embedFont(fontBytes[face], { subset: true });
    tagSubset(fonts[face], tags[face]);
  }

  const identity = r.patient.identity;
  let dm: { payload: string; symbol: DatamatrixSymbol } | undefined;
  if (identity.status === 'QUAL' && identity.ins) {
    let payload: string;
    try {
      payload = encodeInsDatamatrix(identity);
    } catch (e) {
      // The INS module names fields from the identity (`ins.matricule`): give the path from the report root.
      if (e instanceof CisisBioError && e.where && !e.where.startsWith('patient.'))
        throw new PdfRenderError('PDF_DATAMATRIX_FAILED', e.message.replace(/ \(at [^)]*\)$/, ''), {
          where: `patient.identity.${e.where}`,
          cause: e,
        });
      throw e;
    }
    dm = { payload, symbol: cachedSymbol(payload) };
  }

  const images = await prepareImages(r.sections);
  const layout = new Layout(doc, fonts);
  const renderer = new ReportRenderer(layout, r, dm, images, ctx);
  renderer.render();

  const lab = labOf(r).name;
  const pdf = await saveAsPdfA(doc, Object.values(fonts), {
    title: options.title ?? `${r.title ?? "Compte rendu d'examens de biologie médicale"} — ${frId(r.id)}`,
    author: options.author ?? lab,
    subject: "Compte rendu d'examens de biologie médicale (CR-BIO)",
    creator: options.creator ?? 'cisis-bio',
    producer: `cisis-bio ${VERSION} (pdf-lib)`,
    date,
    lang: r.languageCode ?? 'fr-FR',
    documentId: documentId(r, date),
  });
  const missing = [...layout.missingGlyphs];
  const warnings = missing.length
    ? [
        `PDF_GLYPHS_MISSING: the embedded fonts have no glyph for ${missing
          .map((c) => `${c} (U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')})`)
          .join(
            ', ',
          )}: printed as empty boxes in the PDF (the CDA keeps the text); pass fonts that cover them`,
      ]
    : [];
  return {
    pdf,
    warnings,
    layout: layout.record(),
    ...(renderer.datamatrix ? { datamatrix: renderer.datamatrix } : {}),
  };
}

/**
 * Renders the PDF copy of a CR-BIO report: an A4, PDF/A-1b document (embedded DejaVu fonts, XMP, sRGB
 * OutputIntent) with the lab header, the patient's identity and — for a qualified identity carrying an INS —
 * the INS Datamatrix captioned "INS à scanner" on page 1, the results by chapter and battery, comments,
 * subcontracting labs, validating biologists and "page n/N" on every page.
 *
 * @throws ModelValidationError when `report` does not match the model (every zod path listed).
 * @throws PdfRenderError when fonts are missing or the Datamatrix cannot be encoded.
 * @example
 * ```ts
 * import { renderReportPdf } from 'cisis-bio';
 * const pdf = await renderReportPdf(report, { clock: () => new Date('2024-01-04T08:00:00Z') });
 * await writeFile('report.pdf', pdf);
 * ```
 */
export async function renderReportPdf(
  report: CrBioReport,
  options?: RenderReportPdfOptions,
): Promise<Uint8Array> {
  return (await renderReportPdfDetailed(report, options)).pdf;
}
