export * from './identity.js';
export * from './identifiers.js';
export * from './codes.js';
export * from './parties.js';
export * from './results.js';
export * from './report.js';
