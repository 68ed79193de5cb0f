/** Output formats of `cisis-bio validate` (a module without dependencies, so the CLI can list them cheaply). */
export const OUTPUT_FORMATS = ['text', 'json', 'svrl', 'junit', 'sarif', 'github'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
