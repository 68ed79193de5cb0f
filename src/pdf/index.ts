// Public exports of the pdf module (re-exported by src/index.ts).
export {};
