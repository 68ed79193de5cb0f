import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { CliExit, describeError, EXIT, exitCodeFor } from './util.js';

/**
 * Commands by name, loaded on demand: a call imports only the module of the command it runs, so that
 * `cisis-bio validate` does not pay for loading pdf-lib, fonts, bwip-js or the signature stack.
 */
const COMMANDS: Record<string, () => Promise<{ register(program: Command): void }>> = {
  ins: () => import('./commands/ins.js'),
  validate: () => import('./commands/validate.js'),
  build: () => import('./commands/build.js'),
  parse: () => import('./commands/parse.js'),
  example: () => import('./commands/example.js'),
  pdf: () => import('./commands/pdf.js'),
  sign: () => import('./commands/sign.js'),
  verify: () => import('./commands/verify.js'),
  merge: () => import('./commands/merge.js'),
  report: () => import('./commands/report.js'),
  'verify-pdf': () => import('./commands/verify-pdf.js'),
  hl7: () => import('./commands/hl7.js'),
  mss: () => import('./commands/mss.js'),
  xds: () => import('./commands/xds.js'),
  loinc: () => import('./commands/loinc.js'),
};

/**
 * Build the `cisis-bio` program. Each command lives in `commands/<name>.ts` and registers itself; given the
 * arguments, only the command they name is loaded (all of them for the general help).
 */
export async function createProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('cisis-bio')
    .description(
      'CR-BIO (CI-SIS biology report, HL7 CDA R2): build, parse, validate, PDF with INS Datamatrix, sign',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  const first = argv.find((a) => !a.startsWith('-'));
  const versionOnly = first === undefined && argv.some((a) => a === '-V' || a === '--version');
  const names = first !== undefined && first in COMMANDS ? [first] : versionOnly ? [] : Object.keys(COMMANDS);
  const modules = await Promise.all(names.map((n) => COMMANDS[n]!()));
  for (const m of modules) m.register(program);
  return program;
}

/** Run the CLI and return the exit code (0 ok, 1 invalid, 2 usage or I/O error). */
export async function run(argv: string[]): Promise<number> {
  let program: Command;
  try {
    program = await createProgram(argv);
  } catch (e) {
    process.stderr.write(`cisis-bio: ${describeError(e)}\n`);
    return EXIT.USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? EXIT.OK : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (e instanceof CliExit) {
      if (e.message) process.stderr.write(`cisis-bio: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`cisis-bio: ${describeError(e)}\n`);
    return exitCodeFor(e);
  }
}

const isMain = (() => {
  const entry = process.argv[1] ?? '';
  return /(?:^|[\\/])(cli\.(?:js|cjs|mjs)|main\.ts|cisis-bio)$/.test(entry);
})();

/**
 * A reader that closes early (`cisis-bio validate … | head`) makes the next write fail with EPIPE: end quietly,
 * as Unix tools do, instead of printing a stack trace.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode === undefined ? EXIT.OK : Number(process.exitCode));
    throw e;
  });
}

if (isMain) {
  quietOnClosedPipe(process.stdout);
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`cisis-bio: ${describeError(e)}\n`);
      process.exitCode = EXIT.USAGE;
    },
  );
}
