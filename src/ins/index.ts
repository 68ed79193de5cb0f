// Public exports of the ins module (re-exported by src/index.ts).
export {};
