// Public exports of the sign module (re-exported by src/index.ts).
export {};
