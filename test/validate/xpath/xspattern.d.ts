// xspattern ships its types, but its package "exports" map has no "types" condition: TypeScript's node16 resolution
// does not find them. The one function the regex property test uses.
declare module 'xspattern' {
  export function compile(
    pattern: string,
    options?: { language: 'xsd' | 'xpath' },
  ): (value: string) => boolean;
}
