export * from './codes.js';
export * from './identifiers.js';
export * from './identity.js';
export * from './parties.js';
export * from './report.js';
export * from './results.js';
