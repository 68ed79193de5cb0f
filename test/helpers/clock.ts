/**
 * The one clock of the test suite. Every time a test needs — certificate validity, signing and time-stamp times,
 * "now" for a verifier, message dates — derives from {@link TEST_NOW}, never from the wall clock, so the suite passes
 * under `faketime` at any date and in any time zone (`TZ=Pacific/Kiritimati`, `TZ=America/Los_Angeles`).
 */
export const TEST_NOW = new Date('2026-11-25T10:00:00Z');

/** A clock function for options that take `clock: () => Date`. */
export const testClock = (): Date => new Date(TEST_NOW.getTime());

/** TEST_NOW shifted by a number of days (negative: before). */
export function daysFromTestNow(days: number): Date {
  return new Date(TEST_NOW.getTime() + days * 86_400_000);
}
