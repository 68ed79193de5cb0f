/**
 * Value sets the CR-BIO volet and the structuration minimale bind coded elements to, and their check.
 * With an ANS kit folder the kit's own JDV files (`jeuxDeValeurs/*.xml`, IHE SVS) are read (once per file);
 * without it, the small code lists below (carried by the project, same codes as the JDV of TestContenuCDA 3.0)
 * are used. Value sets too large to carry (author specialty J01, facility type J02) are checked only with a kit.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CisisBioError } from '../common/errors.js';
import { parseXml } from '../common/xml.js';

/** A value set binding: its JDV file in the kit and, when the project carries it, its codes (`system|code`). */
export interface ValueSetDef {
  /** JDV name, e.g. `JDV_HL7_ObservationInterpretation_CISIS`. */
  name: string;
  /** Value set OID. */
  oid: string;
  /** Codes carried by the project, as `codeSystem|code`; absent: checked only with a kit. */
  embedded?: ReadonlySet<string>;
}

function set(system: string, codes: string): ReadonlySet<string> {
  return new Set(
    codes
      .split(/\s+/)
      .filter(Boolean)
      .map((c) => `${system}|${c}`),
  );
}
function union(...sets: ReadonlySet<string>[]): ReadonlySet<string> {
  return new Set(sets.flatMap((s) => [...s]));
}

const HL7_INTERPRETATION = '2.16.840.1.113883.5.83';
const SPECIMEN_TYPE_CODES =
  'ABS ACNE ACNFLD AIRS ALL AMN AMP ANGI ARTC ASERU ASP AUTOA AUTOC AUTP BBL BCYST BDY BIFL BITE BLD ' +
  'BLDA BLDC BLDCO BLDV BLEB BLIST BOIL BON BOWL BPH BPU BRN BRO BRSH BRUS BUB BULLA BX CALC CARBU CAT ' +
  'CBITE CDM CLIPP CNJT CNL COL CONE CRN CSCR CSERU CSF CSITE CSMY CST CSVR CTP CUR CVM CVPS CVPT CVX ' +
  'CYN CYST DBITE DCS DEC DEION DIA DIAF DISCHG DIV DRN DRNG DRNGP DUFL EAR EARW EBRUSH EEYE EFF EFFUS ' +
  'EFOD EISO ELT ENVIR EOS EOTH ESOI ESOS ETA ETTP ETTUB EWHI EXG EXS EXUDTE EYE FAW FBLOOD FGA FIB ' +
  'FIST FLD FLT FLU FLUID FOLEY FRS FSCLP FUR GAS GASA GASAN GASBR GASD GAST GEN GENC GENF GENL GENV ' +
  'GRAFT GRAFTS GRANU GROSH GSOL GSPEC GT GTUBE HAR HBITE HBLUD HEMAQ HEMO HERNI HEV HIC HYDC IBITE ' +
  'ICYST IDC IHG ILEO ILLEG IMP INCI INFIL INS INTRD ISLT IT IUD IVCAT IVFLD IVTIP JEJU JNTFLD JP ' +
  'KELOI KIDFLD LAM LAVG LAVGG LAVGP LAVPG LENS1 LENS2 LESN LIQ LIQO LNA LNV LSAC LYM MAC MAHUR MAR ' +
  'MASS MBLD MEC MILK MLK MUCOS MUCUS NAIL NASDR NEDL NEPH NGASP NGAST NGS NODUL NOS NSECR ORH ORL OTH ' +
  'PACEM PAFL PAT PCFL PDSIT PDTS PELVA PENIL PERIA PILOC PINS PIS PLAN PLAS PLB PLC PLEVS PLR PMN PND ' +
  'POL POPGS POPLG POPLV PORTA PPP PROST PRP PRT PSC PUNCT PUS PUSFR QC3 RANDU RBC RBITE RECT RECTA ' +
  'RENALC RENC RES SAL SCAR SCLV SCROA SECRE SER SHU SHUNF SHUNT SITE SKBP SKM SKN SMM SMN SMPLS SNV ' +
  'SPRM SPRP SPRPB SPS SPT SPTC SPTT SPUT1 SPUTIN SPUTSP STER STL STONE SUBMA SUBMX SUMP SUP SUTUR ' +
  'SWGZ SWT TASP TEAR THRB THRT TISG TISPL TISS TISU TLC TLGI TLNG TRAC TRANS TSERU TSMI TSTES TTRA ' +
  'TUBES TUMOR TZANC UDENT ULC UMB UMED UR URC URINB URINC URINM URINN URINP URNS URT URTH USCOP USPEC ' +
  'USUB VASTIP VENT VITF VOM WASH WASI WAT WB WBC WEN WICK WND WNDA WNDD WNDE WORM WRT WWA WWO WWT ';

/** The value sets the builders check. */
export const VALUE_SETS = {
  interpretation: {
    name: 'JDV_HL7_ObservationInterpretation_CISIS',
    oid: '2.16.840.1.113883.1.11.78',
    embedded: set(
      HL7_INTERPRETATION,
      '< > A AA B CAR D DET E EX EXP H HH HU HX I IE IND L LL LU LX N NCL ND NEG NR NS POS R RR S SDD SYN-R SYN-S U UNE W WR',
    ),
  },
  confidentiality: {
    name: 'JDV_HL7_Confidentiality_CISIS',
    oid: '2.16.840.1.113883.1.11.10228',
    embedded: set('2.16.840.1.113883.5.25', 'L M N R U V'),
  },
  practiceSetting: {
    name: 'JDV_J04_XdsPracticeSettingCode_CISIS',
    oid: '1.2.250.1.213.1.1.5.467',
    embedded: union(
      set('1.2.250.1.213.1.1.4.6', 'EXP_PATIENT SNR'),
      set(
        '1.2.250.1.213.1.1.4.9',
        'AMBULATOIRE AMO DEPISTAGE ESSMS ETABLISSEMENT HAD MAD PALLIATIF SAD SAMU_SMUR',
      ),
    ),
  },
  encounterType: {
    name: 'JDV_J142_TypeRencontre_CISIS',
    oid: '1.2.250.1.213.1.1.5.589',
    embedded: union(
      set('2.16.840.1.113883.5.4', 'IMP EMER AMB FLD HH VR'),
      set('1.2.250.1.213.1.1.4.2.291', 'EXTERNE SEANCE'),
    ),
  },
  functionCode: {
    name: 'JDV_J47_FunctionCode_CISIS',
    oid: '1.2.250.1.213.1.1.5.124',
    embedded: union(
      set('1.2.250.1.213.1.1.4.2.280', 'CORRE PRELV ES-REF ES-PREF'),
      set('2.16.840.1.113883.5.88', 'ADMPHYS ATTPHYS DISPHYS PCP'),
      set('1.2.250.1.213.1.6.1.107', '330 353'),
    ),
  },
  specimenType: {
    name: 'JDV_HL7_SpecimenType_CISIS',
    oid: '2.16.840.1.113883.21.327',
    embedded: set('2.16.840.1.113883.18.311', SPECIMEN_TYPE_CODES),
  },
  authorSpecialty: { name: 'JDV_J01_XdsAuthorSpecialty_CISIS', oid: '1.2.250.1.213.1.1.5.461' },
  facilityType: { name: 'JDV_J02_XdsHealthcareFacilityTypeCode_CISIS', oid: '1.2.250.1.213.1.1.5.466' },
} as const satisfies Record<string, ValueSetDef>;
export type ValueSetName = keyof typeof VALUE_SETS;

/** Person name prefixes (JDV_J245) and suffixes (JDV_J246) the structuration minimale accepts. */
export const NAME_PREFIXES: ReadonlySet<string> = new Set(['M', 'MME']);
export const NAME_SUFFIXES: ReadonlySet<string> = new Set(['DR', 'MC', 'MG', 'PC', 'PG', 'PR']);

const kitCache = new Map<string, ReadonlySet<string>>();

/** The kit cannot answer for a value set: its JDV file is missing or unreadable. */
export class ValueSetUnavailableError extends CisisBioError {
  declare readonly code: 'VALUE_SET_UNAVAILABLE';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super('VALUE_SET_UNAVAILABLE', message, { where: file });
  }
}

/** Read the concepts of a kit JDV file (IHE SVS) as `codeSystem|code` (cached per path). */
export function loadKitValueSet(kit: string, name: string): ReadonlySet<string> {
  const file = join(kit, 'jeuxDeValeurs', `${name}.xml`);
  const cached = kitCache.get(file);
  if (cached) return cached;
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (e) {
    throw new ValueSetUnavailableError(
      file,
      `value set file ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const doc = parseXml(text, { fileName: file });
  const out = new Set<string>();
  const concepts = doc.getElementsByTagNameNS('urn:ihe:iti:svs:2008', 'Concept');
  for (let i = 0; i < concepts.length; i++) {
    const c = concepts.item(i);
    if (c) out.add(`${c.getAttribute('codeSystem') ?? ''}|${c.getAttribute('code') ?? ''}`);
  }
  kitCache.set(file, out);
  return out;
}

/**
 * Whether a code belongs to a value set: `true`/`false`, or `undefined` when it cannot be told (a value set
 * the project does not carry and no kit given).
 * @throws ValueSetUnavailableError when a kit is given but lacks the JDV file
 */
export function inValueSet(
  name: ValueSetName,
  code: { code?: string; codeSystem?: string },
  kit?: string,
): boolean | undefined {
  const def: ValueSetDef = VALUE_SETS[name];
  const concepts = kit ? loadKitValueSet(kit, def.name) : def.embedded;
  if (!concepts) return undefined;
  return concepts.has(`${code.codeSystem ?? ''}|${code.code ?? ''}`);
}
