/**
 * cisis-bio — TypeScript SDK for French CI-SIS biology reports (CR-BIO, HL7 CDA R2).
 *
 * This file is the only public entry: everything a user may import is re-exported here.
 * @packageDocumentation
 */

export * from './cda/index.js';
export { CisisBioError, XmlParseError } from './common/errors.js';
export * from './compose/index.js';
export * from './hl7v2/index.js';
export * from './ins/index.js';
export * from './loinc/index.js';
export * from './merge/index.js';
export * from './model/index.js';
export * from './mss/index.js';
export * from './pdf/index.js';
export * from './seal/index.js';
export * from './sign/index.js';
export * from './validate/index.js';
export { VERSION } from './version.js';
export * from './xds/index.js';
