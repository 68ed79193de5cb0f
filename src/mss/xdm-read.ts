/**
 * Reading a received IHE XDM archive with limits: every entry name is checked (zip-slip, duplicates) and every
 * size is bounded (archive, entry, total, compression ratio) *before* anything is inflated; each document must
 * match the SHA-1 and size of its DocumentEntry. Nothing is written: the caller gets bytes.
 * @module
 */
import { type UnzipFileInfo, unzipSync } from 'fflate';
import { type DocumentEntry, parseSubmission, type Submission } from '../xds/index.js';
import { MssError } from './errors.js';
import { sha1Hex } from './xdm.js';

/** Bounds applied while reading an archive. */
export interface XdmLimits {
  /** Size of the archive itself (default 64 MiB). */
  maxArchiveBytes?: number;
  /** Number of entries (default 1000). */
  maxEntries?: number;
  /** Inflated size of one entry (default 64 MiB). */
  maxEntryBytes?: number;
  /** Inflated size of all entries read (default 256 MiB). */
  maxTotalBytes?: number;
  /** Inflated / compressed size of an entry above 1 MiB inflated (default 100). */
  maxRatio?: number;
}

const DEFAULTS: Required<XdmLimits> = {
  maxArchiveBytes: 64 * 1024 * 1024,
  maxEntries: 1000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  maxRatio: 100,
};
/** Entries smaller than this are not ratio-checked: tiny files compress very well and harm nothing. */
const RATIO_FLOOR = 1024 * 1024;

/** One document of a read archive: its metadata and its exact, checked bytes. */
export interface XdmDocument {
  entry: DocumentEntry;
  /** Archive path (`IHE_XDM/SUBSET01/DOC0001.XML`). */
  path: string;
  bytes: Uint8Array;
}

/** One submission set of the archive (`IHE_XDM/<SUBSET>/`). */
export interface XdmSubset {
  /** Folder, e.g. `IHE_XDM/SUBSET01`. */
  folder: string;
  submission: Submission;
  /** The documents in METADATA.XML order. */
  documents: XdmDocument[];
}

/** What {@link readXdm} returns. */
export interface ReadXdm {
  subsets: XdmSubset[];
  /** Every document of every subset. */
  documents: XdmDocument[];
  /** Every entry name of the archive (directories included), as stored. */
  entries: string[];
}

/** A name that cannot leave the extraction folder: relative, `/`-separated, no `.`/`..` segment, printable. */
function assertSafeName(name: string): void {
  const bad =
    name.length === 0 ||
    name.length > 255 ||
    name.startsWith('/') ||
    name.includes('\\') ||
    /^[A-Za-z]:/.test(name) ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    /[\u0000-\u001f\u007f]/.test(name) ||
    name.split('/').some((seg, i, all) => seg === '..' || seg === '.' || (seg === '' && i < all.length - 1));
  if (bad) {
    throw new MssError('XDM_UNSAFE_PATH', `unsafe entry name ${JSON.stringify(name)} (zip-slip)`, {
      where: name,
    });
  }
}

interface Scan {
  names: string[];
  seen: Set<string>;
  total: number;
}

function checkEntry(f: UnzipFileInfo, scan: Scan, lim: Required<XdmLimits>): boolean {
  assertSafeName(f.name);
  if (scan.names.length >= lim.maxEntries) {
    throw new MssError('XDM_TOO_LARGE', `more than ${lim.maxEntries} entries`, { where: f.name });
  }
  const key = f.name.toUpperCase();
  if (scan.seen.has(key)) {
    throw new MssError('XDM_DUPLICATE_ENTRY', `two entries named ${f.name}`, { where: f.name });
  }
  scan.seen.add(key);
  scan.names.push(f.name);
  if (f.name.endsWith('/')) return false;
  if (f.compression !== 0 && f.compression !== 8) {
    throw new MssError('XDM_MALFORMED', `unsupported compression method ${f.compression}`, { where: f.name });
  }
  if (f.originalSize > lim.maxEntryBytes) {
    throw new MssError(
      'XDM_TOO_LARGE',
      `entry inflates to ${f.originalSize} bytes (limit ${lim.maxEntryBytes})`,
      {
        where: f.name,
      },
    );
  }
  if (f.originalSize > RATIO_FLOOR && f.originalSize / Math.max(f.size, 1) > lim.maxRatio) {
    throw new MssError(
      'XDM_TOO_LARGE',
      `compression ratio ${Math.round(f.originalSize / Math.max(f.size, 1))}:1 above ${lim.maxRatio}:1 (zip bomb)`,
      { where: f.name },
    );
  }
  // Only the XDM folder is inflated; README.TXT / INDEX.HTM are for humans.
  if (!key.startsWith('IHE_XDM/')) return false;
  scan.total += f.originalSize;
  if (scan.total > lim.maxTotalBytes) {
    throw new MssError('XDM_TOO_LARGE', `entries inflate to more than ${lim.maxTotalBytes} bytes`, {
      where: f.name,
    });
  }
  return true;
}

/** Inflate the archive's XDM entries within the limits; fflate caps each output at its declared size. */
function unzipBounded(
  bytes: Uint8Array,
  lim: Required<XdmLimits>,
): { files: Map<string, Uint8Array>; names: string[] } {
  if (bytes.byteLength > lim.maxArchiveBytes) {
    throw new MssError(
      'XDM_TOO_LARGE',
      `archive of ${bytes.byteLength} bytes (limit ${lim.maxArchiveBytes})`,
    );
  }
  if (bytes.byteLength < 22) throw new MssError('XDM_MALFORMED', 'not a zip archive (too short)');
  const scan: Scan = { names: [], seen: new Set(), total: 0 };
  const declared = new Map<string, number>();
  let raw: Record<string, Uint8Array>;
  try {
    raw = unzipSync(bytes, {
      filter: (f) => {
        const keep = checkEntry(f, scan, lim);
        if (keep) declared.set(f.name, f.originalSize);
        return keep;
      },
    });
  } catch (e) {
    if (e instanceof MssError) throw e;
    throw new MssError('XDM_MALFORMED', `not a readable zip archive: ${(e as Error).message}`, { cause: e });
  }
  const files = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(raw)) {
    if (data.byteLength !== declared.get(name)) {
      throw new MssError(
        'XDM_MALFORMED',
        `entry inflates to ${data.byteLength} bytes, not the ${declared.get(name)} declared`,
        {
          where: name,
        },
      );
    }
    files.set(name.toUpperCase(), data);
  }
  return { files, names: scan.names };
}

function readSubset(folder: string, files: Map<string, Uint8Array>): XdmSubset {
  const metaPath = `${folder}/METADATA.XML`;
  let submission: Submission;
  try {
    submission = parseSubmission(files.get(metaPath.toUpperCase())!);
  } catch (e) {
    throw new MssError(
      'XDM_MALFORMED',
      `${metaPath} is not an XDS SubmitObjectsRequest: ${(e as Error).message}`,
      {
        where: metaPath,
        cause: e,
      },
    );
  }
  const documents = submission.documents.map((entry): XdmDocument => {
    if (!entry.uri) {
      throw new MssError('XDM_MISSING_ENTRY', `DocumentEntry ${entry.uniqueId} has no URI slot`, {
        where: entry.entryUUID,
      });
    }
    const path = `${folder}/${entry.uri}`;
    assertSafeName(path);
    const bytes = files.get(path.toUpperCase());
    if (!bytes) {
      throw new MssError('XDM_MISSING_ENTRY', `${path} (document ${entry.uniqueId}) is not in the archive`, {
        where: path,
      });
    }
    if (bytes.byteLength !== entry.size) {
      throw new MssError(
        'XDM_HASH_MISMATCH',
        `${path} has ${bytes.byteLength} bytes, METADATA.XML says ${entry.size}`,
        {
          where: path,
        },
      );
    }
    const hash = sha1Hex(bytes);
    if (hash !== entry.hash.toLowerCase()) {
      throw new MssError('XDM_HASH_MISMATCH', `${path} has SHA-1 ${hash}, METADATA.XML says ${entry.hash}`, {
        where: path,
      });
    }
    return { entry, path, bytes };
  });
  return { folder, submission, documents };
}

/**
 * Read an `IHE_XDM.ZIP`: check every entry name and size, parse each `IHE_XDM/<SUBSET>/METADATA.XML` (xds
 * module) and return each document's bytes after checking them against their DocumentEntry. Typed errors:
 * `XDM_UNSAFE_PATH`, `XDM_DUPLICATE_ENTRY`, `XDM_TOO_LARGE`, `XDM_MISSING_ENTRY`, `XDM_HASH_MISMATCH`,
 * `XDM_MALFORMED` ({@link MssError}).
 *
 * @example
 * ```ts
 * const { documents } = readXdm(readFileSync('IHE_XDM.ZIP'));
 * const { report } = parseCrBio(documents[0].bytes);
 * ```
 */
export function readXdm(bytes: Uint8Array, limits: XdmLimits = {}): ReadXdm {
  const lim = { ...DEFAULTS, ...limits };
  const { files, names } = unzipBounded(bytes, lim);
  const folders = [...files.keys()]
    .filter((n) => /^IHE_XDM\/[^/]+\/METADATA\.XML$/.test(n))
    .map((n) => n.slice(0, -'/METADATA.XML'.length))
    .sort();
  if (folders.length === 0) {
    throw new MssError('XDM_MISSING_ENTRY', 'no IHE_XDM/<SUBSET>/METADATA.XML in the archive', {
      where: 'IHE_XDM/SUBSET01/METADATA.XML',
    });
  }
  const subsets = folders.map((f) => readSubset(f, files));
  return { subsets, documents: subsets.flatMap((s) => s.documents), entries: names };
}
