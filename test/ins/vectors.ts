/**
 * Independent calculators for test vectors: written differently from src/ (BigInt arithmetic, Corsica by
 * subtraction rather than by substitution) so that a bug in one does not hide in the other.
 */

/** NIR/NIA key: 97 − (N mod 97); Corsica: N with "20" in place of 2A/2B, minus 1 000 000 (2A) or 2 000 000 (2B). */
export function nirKey(body13: string): string {
  const dept = body13.slice(5, 7);
  let n = BigInt(body13.slice(0, 5) + (dept === '2A' || dept === '2B' ? '20' : dept) + body13.slice(7));
  if (dept === '2A') n -= 1_000_000n;
  if (dept === '2B') n -= 2_000_000n;
  return String(97n - (n % 97n)).padStart(2, '0');
}

/** Body + its key. */
export function withKey(body13: string): string {
  return body13 + nirKey(body13);
}

/** Luhn key digit for a body (table of doubled digits, right to left). */
export function luhnDigit(body: string): string {
  const doubled = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
  let sum = 0;
  const rev = [...body].reverse().map(Number);
  rev.forEach((d, i) => {
    sum += i % 2 === 0 ? doubled[d]! : d;
  });
  return String((10 - (sum % 10)) % 10);
}

/** Body + its Luhn key. */
export function withLuhn(body: string): string {
  return body + luhnDigit(body);
}

/** The same number with its last digit changed (so the key no longer matches). */
export function wrongLast(value: string): string {
  const last = Number(value.slice(-1));
  return value.slice(0, -1) + String((last + 1) % 10);
}
