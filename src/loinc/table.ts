/**
 * The LOINC table of the user's release (`LoincTable/Loinc.csv`, which the SDK does not ship), loaded once into a
 * compact index: one packed string per term (the fields the checks and the transcoding use) and a Map from code
 * to row. The first load of a release parses the CSV (≈ 100 k lines) and writes the index to the cache folder;
 * later loads read the index (same cache folder rules as the validator: `$XDG_CACHE_HOME/cisis-bio`, else
 * `~/.cache/cisis-bio`; a corrupt or stale entry is rebuilt; a cache that cannot be written only costs speed).
 * @module
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { cacheRoot, pruneCacheFolder, readCheckedEntry, tempPathFor } from '../common/cache.js';
import { LoincTableError } from './errors.js';
import { readReleaseCsv } from './release-csv.js';

/** One LOINC term, with the attributes the checks and the transcoding read (release column names in comments). */
export interface LoincEntry {
  /** LOINC_NUM */
  code: string;
  /** COMPONENT */
  component: string;
  /** PROPERTY (MCnc, SCnc, NCnc, CCnc, ACnc, MFr…) */
  property: string;
  /** TIME_ASPCT */
  timeAspect: string;
  /** SYSTEM (Ser/Plas, Bld, Urine…) */
  system: string;
  /** SCALE_TYP (Qn, Ord, Nom, Nar, OrdQn, Doc, -) */
  scale: string;
  /** METHOD_TYP */
  method: string;
  /** CLASS */
  class: string;
  /** CLASSTYPE (1 laboratory, 2 clinical, 3 claims, 4 surveys) */
  classType: string;
  /** STATUS (ACTIVE, TRIAL, DISCOURAGED, DEPRECATED) */
  status: string;
  /** LONG_COMMON_NAME */
  longName: string;
  /** SHORTNAME */
  shortName: string;
  /** EXAMPLE_UCUM_UNITS */
  exampleUcumUnits: string;
  /** ORDER_OBS (Order, Observation, Both, Subset) */
  orderObs: string;
  /** Replacement codes of a deprecated term (MAP_TO column of older releases, `MapTo.csv` of newer ones). */
  mapTo: string[];
}

const COLUMNS = [
  'LOINC_NUM',
  'COMPONENT',
  'PROPERTY',
  'TIME_ASPCT',
  'SYSTEM',
  'SCALE_TYP',
  'METHOD_TYP',
  'CLASS',
  'CLASSTYPE',
  'STATUS',
  'LONG_COMMON_NAME',
  'SHORTNAME',
  'EXAMPLE_UCUM_UNITS',
  'ORDER_OBS',
  'MAP_TO',
] as const;
const REQUIRED = ['LOINC_NUM', 'COMPONENT', 'PROPERTY', 'SYSTEM', 'SCALE_TYP', 'STATUS'];
const FS = '\u001f';
const RS = '\u001e';
const MAP_TO = COLUMNS.indexOf('MAP_TO');
/** Version of the index layout: part of the cache key. */
const INDEX_VERSION = 1;
const HEADER = `cisis-bio-loinc-index ${INDEX_VERSION}`;
/** Indexes kept in the cache folder (one per release file seen; each is tens of MB): the most recent ones stay. */
export const MAX_LOINC_INDEXES = 4;

/** A loaded LOINC table: look-ups by code in well under a microsecond. */
export class LoincTable implements Iterable<LoincEntry> {
  private readonly rows = new Map<string, string>();

  /** @param records packed records (fields joined by U+001F, in {@link COLUMNS} order) */
  constructor(
    records: Iterable<string>,
    /** Where the table came from (the Loinc.csv path), for messages. */
    readonly source: string,
  ) {
    for (const r of records) {
      const cut = r.indexOf(FS);
      this.rows.set(cut < 0 ? r : r.slice(0, cut), r);
    }
  }

  /** Number of terms. */
  get size(): number {
    return this.rows.size;
  }

  /** True when the table holds `code`. */
  has(code: string): boolean {
    return this.rows.has(code);
  }

  /**
   * The term `code`, or undefined.
   *
   * @example
   * table.get('2345-7')?.property // 'MCnc'
   */
  get(code: string): LoincEntry | undefined {
    const r = this.rows.get(code);
    return r === undefined ? undefined : decode(r);
  }

  *[Symbol.iterator](): Iterator<LoincEntry> {
    for (const r of this.rows.values()) yield decode(r);
  }

  /** The packed records (the cached form), in table order. */
  records(): IterableIterator<string> {
    return this.rows.values();
  }
}

function decode(r: string): LoincEntry {
  const f = r.split(FS);
  const g = (i: number) => f[i] ?? '';
  return {
    code: g(0),
    component: g(1),
    property: g(2),
    timeAspect: g(3),
    system: g(4),
    scale: g(5),
    method: g(6),
    class: g(7),
    classType: g(8),
    status: g(9),
    longName: g(10),
    shortName: g(11),
    exampleUcumUnits: g(12),
    orderObs: g(13),
    mapTo: g(14) === '' ? [] : g(14).split(' '),
  };
}

/** Options of {@link loadLoincTable}. */
export interface LoadLoincOptions {
  /** Read and write the cached index (default true). */
  cache?: boolean;
  /** Cache folder (default {@link loincCacheDir}). */
  cacheDir?: string;
}

/** Where a table came from: the index was read from the cache or built from the CSV. */
export const loincLoadStats = { csvParses: 0, cacheHits: 0, cacheWrites: 0, corruptEntries: 0 };

/**
 * Cache folder: `$XDG_CACHE_HOME/cisis-bio`, else `~/.cache/cisis-bio` (the validator's rule); the index lives
 * in its `loinc/` sub-folder.
 *
 * @example
 * loincCacheDir({ XDG_CACHE_HOME: '/tmp/c' }) // '/tmp/c/cisis-bio'
 */
export function loincCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return cacheRoot(env);
}

/**
 * The `Loinc.csv` of a release folder (`DIR/LoincTable/Loinc.csv`, or `DIR/Loinc.csv`, or the file itself).
 *
 * @throws LoincTableError LOINC_TABLE_NOT_FOUND
 * @example
 * loincCsvPath('/data/Loinc_2.78') // '/data/Loinc_2.78/LoincTable/Loinc.csv'
 */
export function loincCsvPath(dirOrFile: string): string {
  const candidates = [join(dirOrFile, 'LoincTable', 'Loinc.csv'), join(dirOrFile, 'Loinc.csv'), dirOrFile];
  for (const c of candidates) {
    try {
      if (statSync(c).isFile()) return resolve(c);
    } catch {
      // next candidate
    }
  }
  throw new LoincTableError(
    'LOINC_TABLE_NOT_FOUND',
    `no LoincTable/Loinc.csv in ${dirOrFile} (give the folder of the LOINC release you downloaded from loinc.org)`,
    dirOrFile,
  );
}

const memory = new Map<string, LoincTable>();

/**
 * Load the LOINC table of a release folder: from memory when already loaded, else from the cached index when it
 * matches the file (path, size, modification time, and `MapTo.csv`'s), else by parsing the CSV (and caching).
 *
 * @throws LoincTableError when the folder holds no Loinc.csv, the system refuses to read `Loinc.csv` or `MapTo.csv`
 *   (LOINC_TABLE_UNREADABLE, `where` = the file), or the file is not a LOINC release CSV
 * @example
 * const table = loadLoincTable(process.env.CISIS_BIO_LOINC ?? '/data/Loinc_2.78');
 * table.get('718-7')?.longName // 'Hemoglobin [Mass/volume] in Blood'
 */
export function loadLoincTable(dirOrFile: string, options: LoadLoincOptions = {}): LoincTable {
  const csv = loincCsvPath(dirOrFile);
  const mapTo = join(dirname(csv), 'MapTo.csv');
  const key = stampKey(csv, mapTo);
  const known = memory.get(key);
  if (known) return known;
  const useCache = options.cache !== false;
  const file = join(options.cacheDir ?? loincCacheDir(), 'loinc', `${key}.idx`);
  let table = useCache ? readIndex(file, csv) : undefined;
  if (!table) {
    table = parseRelease(csv, mapTo);
    if (useCache) {
      writeIndex(file, table);
      pruneCacheFolder(dirname(file), '.idx', MAX_LOINC_INDEXES);
    }
  }
  memory.set(key, table);
  return table;
}

/** Forget the tables loaded in this process (tests). */
export function clearLoincMemory(): void {
  memory.clear();
}

function stampKey(csv: string, mapTo: string): string {
  const h = createHash('sha256').update(`${HEADER}\u0000${csv}`);
  for (const f of [csv, mapTo]) {
    try {
      const s = statSync(f);
      h.update(`\u0000${s.size}\u0000${s.mtimeMs}`);
    } catch {
      h.update('\u0000-');
    }
  }
  return h.digest('hex').slice(0, 40);
}

function parseRelease(csv: string, mapToCsv: string): LoincTable {
  loincLoadStats.csvParses++;
  const mapTo = readMapTo(mapToCsv);
  const records: string[] = [];
  readReleaseCsv(csv, COLUMNS, REQUIRED, (f, line) => {
    const code = f[0] as string;
    if (!/^\d{1,7}-\d$/.test(code)) {
      throw new LoincTableError(
        'LOINC_TABLE_MALFORMED',
        `LOINC_NUM ${JSON.stringify(code)}`,
        `${csv}:${line}`,
      );
    }
    const extra = mapTo.get(code);
    if (extra) f[MAP_TO] = [f[MAP_TO], ...extra].filter((x) => x).join(' ');
    for (let i = 0; i < f.length; i++) {
      const v = f[i] as string;
      if (v.includes(FS) || v.includes(RS)) f[i] = v.split(FS).join(' ').split(RS).join(' ');
    }
    records.push(f.join(FS));
  });
  return new LoincTable(records, csv);
}

function readMapTo(path: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  try {
    statSync(path);
  } catch {
    return map;
  }
  readReleaseCsv(path, ['LOINC', 'MAP_TO'], ['LOINC', 'MAP_TO'], ([from, to]) => {
    if (!from || !to) return;
    const list = map.get(from) ?? [];
    list.push(to);
    map.set(from, list);
  });
  return map;
}

function readIndex(file: string, source: string): LoincTable | undefined {
  const payload = readCheckedEntry(file, HEADER);
  if (payload === undefined) return undefined;
  if (payload === 'corrupt') {
    loincLoadStats.corruptEntries++;
    return undefined;
  }
  loincLoadStats.cacheHits++;
  return new LoincTable(payload === '' ? [] : payload.split(RS), source);
}

/**
 * Write the index streaming, record by record (no second copy of the whole table in memory): the header's
 * checksum is written as a placeholder of the same length, then filled in once the payload is hashed.
 */
function writeIndex(file: string, table: LoincTable): void {
  const tmp = tempPathFor(file);
  let fd: number | undefined;
  try {
    mkdirSync(dirname(file), { recursive: true });
    fd = openSync(tmp, 'w');
    const head = `${HEADER} `;
    writeSync(fd, `${head}${'0'.repeat(64)}\n`);
    const h = createHash('sha256');
    let batch: string[] = [];
    let first = true;
    const flush = () => {
      const chunk = batch.join('');
      h.update(chunk);
      writeSync(fd as number, chunk);
      batch = [];
    };
    for (const r of table.records()) {
      batch.push(first ? r : RS + r);
      first = false;
      if (batch.length === 4096) flush();
    }
    flush();
    writeSync(fd, h.digest('hex'), Buffer.byteLength(head));
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
    loincLoadStats.cacheWrites++;
  } catch {
    // A cache that cannot be written (read-only home, full disk) only costs speed.
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
  }
}

/**
 * The LOINC folder to use: the option, else `CISIS_BIO_LOINC`; undefined when neither is set.
 *
 * @example
 * resolveLoincDir(undefined, { CISIS_BIO_LOINC: '/data/Loinc_2.78' }) // '/data/Loinc_2.78'
 */
export function resolveLoincDir(option?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return option ?? (env.CISIS_BIO_LOINC || undefined);
}
