// Public exports of the merge module (re-exported by src/index.ts).
export {};
