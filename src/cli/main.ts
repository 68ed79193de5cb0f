import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { CisisBioError } from '../common/errors.js';
import { CliExit, EXIT, describeError } from './util.js';
import * as build from './commands/build.js';
import * as example from './commands/example.js';
import * as ins from './commands/ins.js';
import * as merge from './commands/merge.js';
import * as parse from './commands/parse.js';
import * as pdf from './commands/pdf.js';
import * as report from './commands/report.js';
import * as sign from './commands/sign.js';
import * as validate from './commands/validate.js';
import * as verify from './commands/verify.js';

/** Build the `cisis-bio` program. Each command lives in `commands/<name>.ts` and registers itself. */
export function createProgram(): Command {
  const program = new Command('cisis-bio')
    .description('CR-BIO (CI-SIS biology report, HL7 CDA R2): build, parse, validate, PDF with INS Datamatrix, sign')
    .version(VERSION, '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  for (const cmd of [ins, validate, build, parse, example, pdf, sign, verify, merge, report]) cmd.register(program);
  return program;
}

/** Run the CLI and return the exit code (0 ok, 1 invalid, 2 usage or I/O error). */
export async function run(argv: string[]): Promise<number> {
  const program = createProgram();
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
    return e instanceof CisisBioError ? EXIT.INVALID : EXIT.USAGE;
  }
}

const isMain = (() => {
  const entry = process.argv[1] ?? '';
  return /(?:^|[\\/])(cli\.(?:js|cjs|mjs)|main\.ts|cisis-bio)$/.test(entry);
})();

if (isMain) {
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
