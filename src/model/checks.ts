/**
 * Checks a report model must pass **before it is built** — beyond the shapes of the zod schemas, which stay
 * lenient so that received documents (whose ANS fictitious identifiers fail their own keys) still load:
 * identifier keys (RPPS, FINESS, SIREN, SIRET by {@link parseIdnps}/{@link parseIdnst}), addresses mixing
 * `streetAddressLines` with structured parts, a guardian relationship code (the structuration minimale has none), impossible time
 * stamps (calendar, zone beyond ±14:00, year 0000, a birth in the future, a legal authentication before the
 * results), and text XML cannot carry (lone surrogates, control characters). Every finding names the full
 * model path from the report root (`patient.guardians[0].code`).
 *
 * @example
 * ```ts
 * const { warnings } = checkReportForBuild(report, { now: new Date() }); // throws ModelValidationError
 * ```
 * @module
 */
import { IDNPS_OID, IDNST_OID, parseIdnps, parseIdnst } from './identifiers.js';
import { criticalFlagProblem, isCriticalInterpretation } from './interpretation.js';
import { type CrBioReport, formatPath, type ModelIssue, ModelValidationError } from './report.js';
import type { Observation } from './results.js';

/** Options of {@link reportFindings} and {@link checkReportForBuild}. */
export interface ReportCheckOptions {
  /** "Now", for the birth date check (inject a clock in tests). Default: the current time. */
  now?: Date;
  /**
   * The model comes from a received document (rebuilt, `--upgrade`, merged, carried by a transport): identifier
   * key/format findings and time findings (impossible, birth after now, legal authentication before the results)
   * written by its producers become warnings. Default `false`: a
   * model being built is refused.
   */
  received?: boolean;
}

/** One finding of {@link reportFindings}: a {@link ModelIssue} with its severity. */
export interface ReportFinding extends ModelIssue {
  severity: 'error' | 'warning';
}

const STRUCTURED_ADDRESS_PARTS = ['houseNumber', 'streetName', 'postalCode', 'city', 'county', 'postBox'];
const TS_STRING_KEYS = new Set(['effectiveTime', 'time', 'birthTime', 'deceasedTime']);
const TIMESPEC_KEYS = new Set(['effectiveTime', 'time', 'samplingTime', 'receivedTime']);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters XML 1.0 cannot carry.
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

type Path = ReadonlyArray<PropertyKey>;

/** A time stamp read as an interval of instants (ms), widened by ±14 h when it has no zone. */
export interface TsInterval {
  earliest: number;
  latest: number;
}

const TS_PARTS = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d{1,4})?(?:([+-])(\d{2})(\d{2}))?$/;

/**
 * Why an HL7 TS is impossible (month 13, 30 February, hour 25, zone +9999, year 0000), or `undefined` when it is
 * a real time.
 * @example tsProblem('20240230') // 'day 30 does not exist in 2024-02'
 */
export function tsProblem(ts: string): string | undefined {
  const m = TS_PARTS.exec(ts);
  if (!m) return 'not an HL7 TS (YYYYMMDDHHMMSS±ZZZZ)';
  const [, y, mo, d, h, mi, s, sign, zh, zm] = m;
  if (Number(y) === 0) return 'year 0000 does not exist';
  if (mo !== undefined && (Number(mo) < 1 || Number(mo) > 12)) return `month ${mo} does not exist`;
  if (d !== undefined) {
    const days = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
    if (Number(d) < 1 || Number(d) > days) return `day ${d} does not exist in ${y}-${mo}`;
  }
  if (h !== undefined && Number(h) > 23) return `hour ${h} does not exist`;
  if (mi !== undefined && Number(mi) > 59) return `minute ${mi} does not exist`;
  if (s !== undefined && Number(s) > 59) return `second ${s} does not exist`;
  if (sign !== undefined) {
    const minutes = Number(zh) * 60 + Number(zm);
    if (Number(zm) > 59 || minutes > 14 * 60) return `time zone ${sign}${zh}${zm} is beyond ±14:00`;
  }
  return undefined;
}

/**
 * The instants an HL7 TS may stand for: its precision (a day, a minute…) and, without a zone, ±14 h.
 * `undefined` for an impossible TS.
 * @example tsInterval('20240104') // { earliest: 2024-01-03T10:00Z, latest: 2024-01-05T14:00Z } in ms
 */
export function tsInterval(ts: string): TsInterval | undefined {
  if (tsProblem(ts)) return undefined;
  const m = TS_PARTS.exec(ts) as RegExpExecArray;
  const [, y, mo, d, h, mi, s, sign, zh, zm] = m;
  const parts = [
    Number(y),
    Number(mo ?? 1) - 1,
    Number(d ?? 1),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
  ];
  const start = Date.UTC(parts[0] as number, parts[1] as number, parts[2], parts[3], parts[4], parts[5]);
  const next = [...parts];
  const unit = [y, mo, d, h, mi, s].filter((x) => x !== undefined).length - 1;
  (next[unit] as number) += 1;
  const end = Date.UTC(next[0] as number, next[1] as number, next[2], next[3], next[4], next[5]);
  const zone =
    sign === undefined ? undefined : (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000;
  const widen = zone === undefined ? 14 * 3_600_000 : 0;
  return { earliest: start - (zone ?? 0) - widen, latest: end - (zone ?? 0) + widen - 1 };
}

function pathOf(path: Path): string {
  return formatPath(path);
}

/** Codes that a received document only warns about (its producer wrote them; the kit does not check them). */
const RECEIVED_WARNINGS = new Set([
  'IDENTIFIER_KEY',
  'IDENTIFIER_FORMAT',
  'IDENTIFIER_PREFIX',
  'TS_IMPOSSIBLE',
  'TS_BIRTH_IN_FUTURE',
  'TS_LEGAL_AUTH_BEFORE_RESULTS',
  'CRITICAL_WITHOUT_VALUE',
]);

class Findings {
  readonly list: ReportFinding[] = [];
  constructor(private readonly received: boolean) {}
  add(path: Path, message: string, code: string): void {
    const severity = this.received && RECEIVED_WARNINGS.has(code) ? 'warning' : 'error';
    this.list.push({ path, where: pathOf(path), message, code, severity });
  }
}

function checkIds(ids: unknown, path: Path, out: Findings): void {
  if (!Array.isArray(ids)) return;
  ids.forEach((id: { root?: unknown; extension?: unknown }, i) => {
    if (typeof id?.extension !== 'string') return;
    const parsed =
      id.root === IDNPS_OID
        ? parseIdnps(id.extension)
        : id.root === IDNST_OID
          ? parseIdnst(id.extension)
          : undefined;
    for (const f of parsed?.findings ?? []) {
      if (f.severity === 'error') out.add([...path, i, 'extension'], f.message, f.code);
    }
  });
}

function checkAddress(addr: Record<string, unknown>, path: Path, out: Findings): void {
  const lines = addr.streetAddressLines;
  if (!Array.isArray(lines) || lines.length === 0) return;
  const mixed = STRUCTURED_ADDRESS_PARTS.filter((k) => addr[k] !== undefined);
  if (mixed.length > 0) {
    out.add(
      [...path, 'streetAddressLines'],
      `an address is either streetAddressLines or structured parts, not both (here also ${mixed.join(', ')})`,
      'ADDRESS_MIXED',
    );
  }
  if (lines.length > 7)
    out.add([...path, 'streetAddressLines'], 'at most 7 streetAddressLines', 'ADDRESS_LINES');
}

function checkGuardianCode(
  code: { code?: string; codeSystem?: string } | undefined,
  path: Path,
  out: Findings,
) {
  if (!code) return;
  // The structuration minimale's closed CI-SISRecordTarget template allows guardian id, addr, telecom and
  // guardianPerson/guardianOrganization only: any guardian/code fails it.
  out.add(
    [...path, 'code'],
    `guardian relationship code ${code.code ?? ''} is not allowed: the structuration minimale's guardian has no code ` +
      '(id, addr, telecom, guardianPerson or guardianOrganization only)',
    'GUARDIAN_RELATIONSHIP',
  );
}

function checkTs(value: string, path: Path, out: Findings): void {
  const problem = tsProblem(value);
  if (problem) out.add(path, `impossible time stamp ${JSON.stringify(value)}: ${problem}`, 'TS_IMPOSSIBLE');
}

function checkText(value: string, path: Path, out: Findings): void {
  if (LONE_SURROGATE.test(value))
    out.add(
      path,
      'text holds a lone UTF-16 surrogate (not a character; cannot be written as UTF-8)',
      'TEXT_LONE_SURROGATE',
    );
  else if (XML_FORBIDDEN.test(value))
    out.add(path, 'text holds a control character XML 1.0 cannot carry', 'XML_INVALID_CHARACTER');
}

/**
 * A result's own checks. A pending result has no value and no interpretation (the CDA writes it in the narrative
 * only: an interpretation given would be dropped there and printed on the PDF). A `critical` flag must apply
 * ({@link criticalFlagProblem}), and a result without a value, or not performed, is not interpreted HH/LL/AA.
 */
function checkResult(o: Observation, path: Path, out: Findings): void {
  if (o.pending === true && o.value !== undefined)
    out.add(
      [...path, 'value'],
      'a pending result ("résultat en attente") has no value yet',
      'PENDING_WITH_VALUE',
    );
  if (o.pending === true && o.interpretations?.length)
    out.add(
      [...path, 'interpretations'],
      'a pending result has no value yet, hence no interpretation (the CDA would not carry it)',
      'PENDING_WITH_INTERPRETATION',
    );
  const flag = criticalFlagProblem(o);
  if (flag) out.add([...path, 'critical'], flag.message, flag.code);
  if (o.pending === true || (o.value !== undefined && o.status !== 'aborted')) return;
  for (const [i, c] of (o.interpretations ?? []).entries())
    if (isCriticalInterpretation(c))
      out.add(
        [...path, 'interpretations', i],
        `a result without a value, or not performed, cannot be critical (${c.code})`,
        'CRITICAL_WITHOUT_VALUE',
      );
}

/** Walk every value of the model once, dispatching on the key it sits under. */
function walk(value: unknown, path: Path, key: PropertyKey | undefined, out: Findings): void {
  if (typeof value === 'string') {
    checkText(value, path, out);
    if (typeof key === 'string' && TS_STRING_KEYS.has(key)) checkTs(value, path, out);
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walk(v, [...path, i], key, out);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  if ('ids' in obj) checkIds(obj.ids, [...path, 'ids'], out);
  if (key === 'addresses' || key === 'locationAddress') checkAddress(obj, path, out);
  if (key === 'guardians') checkGuardianCode(obj.code as { code?: string }, path, out);
  if (obj.kind === 'observation') checkResult(obj as unknown as Observation, path, out);
  const timeSpec = typeof key === 'string' && TIMESPEC_KEYS.has(key);
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'data' && typeof v === 'string') continue; // base64 bytes
    if (k === 'unmodeled' || k === 'entries' || k === 'narrative') continue; // raw XML kept as parsed
    if (typeof v === 'string' && timeSpec && (k === 'value' || k === 'low' || k === 'high')) {
      checkText(v, [...path, k], out);
      checkTs(v, [...path, k], out);
    } else if (typeof v === 'string' && obj.type === 'TS' && k === 'value') {
      checkTs(v, [...path, k], out);
    } else walk(v, [...path, k], k, out);
  }
}

/** Latest clinically relevant time of the results (observation effectiveTime), with the path it comes from. */
function latestResult(report: CrBioReport): { at: number; ts: string; path: Path } | undefined {
  let best: { at: number; ts: string; path: Path } | undefined;
  const visit = (v: unknown, path: Path) => {
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) visit(x, [...path, i]);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.kind === 'observation' && o.effectiveTime && typeof o.effectiveTime === 'object') {
      const t = o.effectiveTime as { value?: string; low?: string };
      const ts = t.value ?? t.low;
      const iv = ts ? tsInterval(ts) : undefined;
      if (ts && iv && (!best || iv.earliest > best.at))
        best = { at: iv.earliest, ts, path: [...path, 'effectiveTime'] };
    }
    for (const [k, x] of Object.entries(o)) if (k !== 'previousResults') visit(x, [...path, k]);
  };
  visit(report.sections, ['sections']);
  return best;
}

function checkChronology(report: CrBioReport, now: Date, out: Findings): void {
  const births: Array<[string, Path]> = [];
  const birthDate = report.patient?.identity?.traits?.birthDate;
  if (typeof birthDate === 'string')
    births.push([birthDate.replaceAll('-', ''), ['patient', 'identity', 'traits', 'birthDate']]);
  if (report.patient?.birthTime) births.push([report.patient.birthTime, ['patient', 'birthTime']]);
  for (const [ts, path] of births) {
    const iv = tsInterval(ts);
    if (!tsProblem(ts) && iv && iv.earliest > now.getTime())
      out.add(path, `birth date ${ts} is in the future (now ${now.toISOString()})`, 'TS_BIRTH_IN_FUTURE');
    else if (/^\d{8}$/.test(ts) && tsProblem(ts)) checkTs(ts, path, out);
  }
  const la = report.legalAuthenticator?.time;
  const signed = la ? tsInterval(la) : undefined;
  const last = latestResult(report);
  if (signed && last && signed.latest < last.at)
    out.add(
      ['legalAuthenticator', 'time'],
      `legal authentication ${la} is before the result at ${pathOf(last.path)} (${last.ts})`,
      'TS_LEGAL_AUTH_BEFORE_RESULTS',
    );
}

/**
 * Every finding of the pre-build checks on a (zod-valid) report model, each with its full model path.
 * @example reportFindings(report, { now: new Date() }).filter((f) => f.severity === 'error')
 */
export function reportFindings(report: CrBioReport, options: ReportCheckOptions = {}): ReportFinding[] {
  const out = new Findings(options.received ?? false);
  walk(report, [], undefined, out);
  checkChronology(report, options.now ?? new Date(), out);
  return out.list;
}

/**
 * Run {@link reportFindings}: throw a {@link ModelValidationError} listing every error (full model paths), return
 * the warnings (identifier keys of a received document when `received: true`).
 * @example
 * const { warnings } = checkReportForBuild(parsed.report, { received: true, now: clock() });
 */
export function checkReportForBuild(
  report: CrBioReport,
  options: ReportCheckOptions = {},
): { warnings: ModelIssue[] } {
  const findings = reportFindings(report, options);
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) throw new ModelValidationError(errors.map(({ severity: _s, ...i }) => i));
  return { warnings: findings.map(({ severity: _s, ...i }) => i) };
}
