import { z } from 'zod';
import { type NullFlavor, nullFlavorSchema } from './codes.js';
import type { Assert, Equals } from './type-equals.js';

/**
 * Coded values of the CR-BIO model (CDA `CD`/`CE`): a code with its system and display name, the text the narrative
 * shows, and translations. Apart from the model's other building blocks (codes.ts) because the result values extend
 * its zod object, which is internal.
 */

/** A code without translations (used inside `translations`). */
export interface CodeBase {
  /** CD@code. */
  code?: string;
  /** CD@codeSystem (OID). */
  codeSystem?: string;
  /** CD@codeSystemName. */
  codeSystemName?: string;
  /** CD@codeSystemVersion. */
  codeSystemVersion?: string;
  /** CD@displayName. */
  displayName?: string;
  nullFlavor?: NullFlavor;
}
const codeBaseShape = z.object({
  code: z.string().min(1).optional().describe('CD@code'),
  codeSystem: z.string().min(1).optional().describe('CD@codeSystem (OID)'),
  codeSystemName: z.string().optional().describe('CD@codeSystemName'),
  codeSystemVersion: z.string().optional(),
  displayName: z.string().optional().describe('CD@displayName'),
  nullFlavor: nullFlavorSchema.optional(),
});
/** zod schema of {@link CodeBase}. */
export const codeBaseSchema: z.ZodType<CodeBase, CodeBase> = codeBaseShape;

/**
 * A coded value (CDA `CD`/`CE`): code, code system, display name, plus `originalText` (the text the
 * narrative shows; the builder writes it in the section text and links it by `reference`), and
 * `translations` (e.g. a local lab code or an NCBI taxon beside SNOMED CT).
 * A local-code-only result is `{ originalText, translations: [{ code, codeSystem, displayName }] }`.
 */
export interface Code extends CodeBase {
  /** Human text of originalText (resolved from the narrative when parsed). */
  originalText?: string;
  /** originalText/reference@value as written in a parsed document (informative only). */
  originalTextRef?: string;
  /** CD/translation elements. */
  translations?: CodeBase[];
}
/**
 * The zod object behind {@link codeSchema}, for the result values that extend it (`CD`, `CE`…). Internal to the
 * model: model/index.ts re-exports this file's other names only.
 * @internal
 */
export const codeShape = codeBaseShape
  .extend({
    originalText: z
      .string()
      .optional()
      .describe('human text of originalText (resolved from the narrative when parsed)'),
    originalTextRef: z
      .string()
      .optional()
      .describe('originalText/reference@value as written in a parsed document (informative only)'),
    translations: z.array(codeBaseSchema).optional().describe('CD/translation elements'),
  })
  .describe('coded value (CD/CE)');
/** zod schema of {@link Code}. */
export const codeSchema: z.ZodType<Code, Code> = codeShape;

// Compile-time: each schema infers exactly its hand-written type (see type-equals.ts).
type _CodedValueChecks = [
  Assert<Equals<z.infer<typeof codeBaseShape>, CodeBase>>,
  Assert<Equals<z.infer<typeof codeShape>, Code>>,
];
