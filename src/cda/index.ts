// Public exports of the cda module (re-exported by src/index.ts).
export {};
