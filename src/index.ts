/**
 * cisis-bio — TypeScript SDK for French CI-SIS biology reports (CR-BIO, HL7 CDA R2).
 *
 * This file is the only public entry: everything a user may import is re-exported here.
 * @packageDocumentation
 */
export { VERSION } from './version.js';
export { CisisBioError, XmlParseError } from './common/errors.js';
