import type {
  BatteryComponent,
  CrBioReport,
  Observation,
  ResultItem,
  ResultsEntry,
} from '../../src/model/index.js';

/** Every observation of a report model, in document order (test helper). */
export function observationsOf(report: CrBioReport): Observation[] {
  const out: Observation[] = [];
  const visit = (c: BatteryComponent | ResultItem) => {
    if (c.kind === 'observation') out.push(c);
    else if (c.kind === 'battery' || c.kind === 'isolate') c.components.forEach(visit);
  };
  const entry = (e: ResultsEntry | undefined) => e?.items.forEach(visit);
  for (const s of report.sections) {
    if (s.kind !== 'chapter') continue;
    entry(s.entry);
    for (const sub of s.subSections ?? []) entry(sub.entry);
  }
  return out;
}

/** Every result item of a kind, anywhere in the report. */
export function itemsOf<K extends ResultItem['kind'] | BatteryComponent['kind']>(
  report: CrBioReport,
  kind: K,
): Array<Extract<ResultItem | BatteryComponent, { kind: K }>> {
  const out: Array<ResultItem | BatteryComponent> = [];
  const visit = (c: BatteryComponent | ResultItem) => {
    if (c.kind === kind) out.push(c);
    if (c.kind === 'battery' || c.kind === 'isolate') c.components.forEach(visit);
  };
  for (const s of report.sections) {
    if (s.kind !== 'chapter') continue;
    s.entry?.items.forEach(visit);
    for (const sub of s.subSections ?? []) sub.entry.items.forEach(visit);
  }
  return out as Array<Extract<ResultItem | BatteryComponent, { kind: K }>>;
}
