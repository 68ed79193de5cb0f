/**
 * Writers of the HL7 v3 data types a CR-BIO uses (II, CD/CE with originalText and translations, TS/IVL_TS,
 * PQ/IVL_PQ and the other result value types, AD, TEL, PN). Each takes the model value as the foundation
 * model defines it (values kept as written) and appends one element through xmlbuilder2.
 * @module
 */

import type {
  Address,
  Code,
  CodeBase,
  InstanceId,
  PersonName,
  PqTranslation,
  QuantityBound,
  RatioTerm,
  ResultValue,
  Telecom,
  TimeSpec,
} from '../../model/index.js';
import { ADDRESS_PARTS } from '../../model/index.js';
import { type Attrs, el, type XMLBuilder } from './xml.js';

/** `II`: root, extension, assigningAuthorityName. */
export function writeII(parent: XMLBuilder, name: string, id: InstanceId): XMLBuilder {
  return el(parent, name, {
    root: id.root,
    extension: id.extension,
    assigningAuthorityName: id.assigningAuthorityName,
  });
}

/** Write every id of a list (nothing when the list is absent). */
export function writeIds(parent: XMLBuilder, ids: readonly InstanceId[] | undefined, name = 'id'): void {
  if (ids) for (const id of ids) writeII(parent, name, id);
}

function codeAttrs(c: CodeBase, extra?: Attrs): Attrs {
  return {
    ...extra,
    code: c.code,
    displayName: c.displayName,
    codeSystem: c.codeSystem,
    codeSystemName: c.codeSystemName,
    codeSystemVersion: c.codeSystemVersion,
    nullFlavor: c.nullFlavor,
  };
}

/** Options of {@link writeCode}. */
export interface CodeWriteOptions {
  /** Narrative ID the `originalText/reference@value` points to (`#` is added). */
  ref?: string;
  /** `xsi:type` to write (for `value` elements: CD, CE…). */
  xsiType?: string;
  /** Write the coded attributes? `false` writes an empty `<code>` (translations/originalText only). */
  coded?: boolean;
  /** Extra translations written after the model's own. */
  extraTranslations?: readonly CodeBase[];
}

/**
 * `CD`/`CE`: attributes, then `originalText` (a reference into the narrative when `ref` is given), then
 * `translation`s.
 */
export function writeCode(
  parent: XMLBuilder,
  name: string,
  code: Code,
  options: CodeWriteOptions = {},
): XMLBuilder {
  const attrs: Attrs = options.coded === false ? {} : codeAttrs(code);
  if (options.xsiType) attrs['xsi:type'] = options.xsiType;
  const e = el(parent, name, attrs);
  if (options.ref) el(el(e, 'originalText'), 'reference', { value: `#${options.ref}` });
  // A code with no narrative of its own to point into (section, act and header codes) keeps its originalText inline
  // (ED text content), rather than losing it.
  else if (code.originalText !== undefined && options.coded !== false)
    el(e, 'originalText').txt(code.originalText);
  const translations = [...(code.translations ?? []), ...(options.extraTranslations ?? [])];
  for (const t of translations) el(e, 'translation', codeAttrs(t));
  return e;
}

/** A `CS` (code only: the structuration minimale forbids displayName/codeSystem on CS). */
export function writeCS(parent: XMLBuilder, name: string, code: string): XMLBuilder {
  return el(parent, name, { code });
}

/**
 * A time (`TS` or `IVL_TS`) as the model keeps it: `@value`, or `low`/`high` children, or a nullFlavor.
 * `xsiType` is written when given (e.g. `IVL_TS` on participant/time as in the ANS examples).
 */
export function writeTime(parent: XMLBuilder, name: string, t: TimeSpec, xsiType?: string): XMLBuilder {
  const e = el(parent, name, { 'xsi:type': xsiType, value: t.value, nullFlavor: t.nullFlavor });
  if (t.low !== undefined || t.lowNullFlavor !== undefined)
    el(e, 'low', { value: t.low, nullFlavor: t.lowNullFlavor });
  if (t.high !== undefined) el(e, 'high', { value: t.high });
  return e;
}

/** A point in time `<name value="…"/>`. */
export function writeTs(parent: XMLBuilder, name: string, ts: string): XMLBuilder {
  return el(parent, name, { value: ts });
}

/** `AD`: nullFlavor, or up to 7 street address lines, or structured parts in CDA order. */
export function writeAddr(parent: XMLBuilder, a: Address, name = 'addr'): XMLBuilder {
  const e = el(parent, name, { use: a.use, nullFlavor: a.nullFlavor });
  if (a.streetAddressLines) for (const l of a.streetAddressLines) el(e, 'streetAddressLine').txt(l);
  for (const part of ADDRESS_PARTS) {
    const v = a[part];
    if (v !== undefined) el(e, part).txt(v);
  }
  return e;
}

/** Write every address of a list. */
export function writeAddrs(parent: XMLBuilder, list: readonly Address[] | undefined): void {
  if (list) for (const a of list) writeAddr(parent, a);
}

/** `TEL`: value (a URL) or nullFlavor, and use. */
export function writeTelecom(parent: XMLBuilder, t: Telecom): XMLBuilder {
  return el(parent, 'telecom', { value: t.value, use: t.use, nullFlavor: t.nullFlavor });
}

/** Write every telecom of a list. */
export function writeTelecoms(parent: XMLBuilder, list: readonly Telecom[] | undefined): void {
  if (list) for (const t of list) writeTelecom(parent, t);
}

/** `PN` of a professional: prefix, given names, family, suffix. */
export function writePersonName(parent: XMLBuilder, n: PersonName, name = 'name'): XMLBuilder {
  const e = el(parent, name, { nullFlavor: n.nullFlavor });
  if (n.prefix !== undefined) el(e, 'prefix').txt(n.prefix);
  if (n.given) for (const g of n.given) el(e, 'given').txt(g);
  if (n.family !== undefined) el(e, 'family').txt(n.family);
  if (n.suffix !== undefined) el(e, 'suffix').txt(n.suffix);
  return e;
}

/** `translation` (PQR) children of a PQ value or bound: the quantity in another unit, as written. */
function writePqTranslations(e: XMLBuilder, list: readonly PqTranslation[] | undefined): void {
  for (const t of list ?? []) {
    el(e, 'translation', {
      value: t.value,
      code: t.code,
      displayName: t.displayName,
      codeSystem: t.codeSystem,
      codeSystemName: t.codeSystemName,
    });
  }
}

function writeBound(parent: XMLBuilder, name: string, b: QuantityBound): void {
  const e = el(parent, name, {
    value: b.value,
    unit: b.unit,
    inclusive: b.inclusive === undefined ? undefined : String(b.inclusive),
    nullFlavor: b.nullFlavor,
  });
  writePqTranslations(e, b.translations);
}

function writeRatioTerm(parent: XMLBuilder, name: string, t: RatioTerm, typed: boolean): void {
  el(parent, name, { 'xsi:type': typed ? t.type : undefined, value: t.value, unit: t.unit });
}

/**
 * A result `value` element with its `xsi:type`. `ref` is the narrative ID a coded value's
 * `originalText/reference` points to (for CD values carried by text only).
 */
export function writeValue(parent: XMLBuilder, v: ResultValue, ref?: string, name = 'value'): XMLBuilder {
  switch (v.type) {
    case 'PQ': {
      const e = el(parent, name, {
        'xsi:type': 'PQ',
        value: v.value,
        unit: v.unit,
        nullFlavor: v.nullFlavor,
      });
      writePqTranslations(e, v.translations);
      return e;
    }
    case 'IVL_PQ': {
      const e = el(parent, name, { 'xsi:type': 'IVL_PQ', nullFlavor: v.nullFlavor });
      if (v.low) writeBound(e, 'low', v.low);
      if (v.center) writeBound(e, 'center', v.center);
      if (v.high) writeBound(e, 'high', v.high);
      return e;
    }
    case 'REAL':
    case 'INT':
      return el(parent, name, { 'xsi:type': v.type, value: v.value, nullFlavor: v.nullFlavor });
    case 'ST':
      return el(parent, name, { 'xsi:type': 'ST', nullFlavor: v.nullFlavor }).txt(v.text);
    case 'CD':
    case 'CE':
    case 'CV':
    case 'CO':
      return writeCode(parent, name, v, { xsiType: v.type, ...(ref ? { ref } : {}) });
    case 'BL':
      return el(parent, name, {
        'xsi:type': 'BL',
        value: v.value === undefined ? undefined : String(v.value),
        nullFlavor: v.nullFlavor,
      });
    case 'TS':
      return el(parent, name, { 'xsi:type': 'TS', value: v.value, nullFlavor: v.nullFlavor });
    case 'RTO':
    case 'RTO_PQ_PQ': {
      const e = el(parent, name, { 'xsi:type': v.type });
      const typed = v.type === 'RTO';
      writeRatioTerm(e, 'numerator', v.numerator, typed);
      writeRatioTerm(e, 'denominator', v.denominator, typed);
      return e;
    }
    case 'ED': {
      const e = el(parent, name, {
        'xsi:type': 'ED',
        mediaType: v.mediaType,
        representation: v.representation,
      });
      if (v.text !== undefined) e.txt(v.text);
      return e;
    }
  }
}
