import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CrBioReport, Observation } from '../../src/model/index.js';

/** The fixture release folder (LoincTable/Loinc.csv with the kit's LOINC terms). */
export const FIXTURE = join(import.meta.dirname, 'fixtures', 'loinc');

/** A fresh, empty cache folder. */
export function freshCacheDir(): string {
  return mkdtempSync(join(tmpdir(), 'loinc-cache-'));
}

/**
 * A copy of the fixture release with extra rows appended (test-only terms, e.g. a deprecated one) and an optional
 * MapTo.csv. Rows are arrays of [LOINC_NUM, COMPONENT, PROPERTY, SYSTEM, SCALE_TYP, STATUS, LONG_COMMON_NAME].
 */
export function releaseWith(rows: string[][], mapTo: Array<[string, string]> = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'loinc-release-'));
  mkdirSync(join(dir, 'LoincTable'));
  const csv = join(dir, 'LoincTable', 'Loinc.csv');
  copyFileSync(join(FIXTURE, 'LoincTable', 'Loinc.csv'), csv);
  const header =
    readFileSync(csv, 'utf8')
      .split('\r\n')[0]
      ?.split(',')
      .map((h) => h.replace(/"/g, '')) ?? [];
  const lines = rows.map(([code, comp, prop, sys, scale, status, name]) => {
    const r: Record<string, string> = {
      LOINC_NUM: code ?? '',
      COMPONENT: comp ?? '',
      PROPERTY: prop ?? '',
      TIME_ASPCT: 'Pt',
      SYSTEM: sys ?? '',
      SCALE_TYP: scale ?? '',
      STATUS: status ?? '',
      LONG_COMMON_NAME: name ?? '',
    };
    return header.map((h) => `"${(r[h] ?? '').replace(/"/g, '""')}"`).join(',');
  });
  writeFileSync(csv, `${readFileSync(csv, 'utf8')}${lines.join('\r\n')}\r\n`);
  if (mapTo.length) {
    writeFileSync(
      join(dir, 'LoincTable', 'MapTo.csv'),
      `"LOINC","MAP_TO","COMMENT"\r\n${mapTo.map(([a, b]) => `"${a}","${b}",""`).join('\r\n')}\r\n`,
    );
  }
  return dir;
}

/** The first observation of a report (first chapter, directly or in a battery). */
export function firstObservation(r: CrBioReport): Observation {
  for (const s of r.sections) {
    if (s.kind !== 'chapter') continue;
    const items = s.entry?.items ?? s.subSections?.[0]?.entry.items ?? [];
    for (const it of items) {
      if (it.kind === 'observation') return it;
      if (it.kind === 'battery') {
        const o = it.components.find((c) => c.kind === 'observation');
        if (o) return o as Observation;
      }
    }
  }
  throw new Error('no observation');
}
