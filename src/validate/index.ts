// Public exports of the validate module (re-exported by src/index.ts).
export {};
