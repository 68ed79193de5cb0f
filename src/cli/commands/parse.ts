import type { Command } from 'commander';
import type { ParseCrBioResult } from '../../cda/index.js';
import { XmlParseError } from '../../common/errors.js';
import { writeFileAtomic } from '../../common/fs.js';
import { CliExit, EXIT, readInput } from '../util.js';

/**
 * `cisis-bio parse DOC.xml [--out MODEL.json]`: read a CR-BIO (level 3 or 1) into the JSON report model.
 * Exit codes: 0 parsed, 1 well-formed but not a usable CR-BIO (XPath on stderr), 2 malformed XML (line:column) or I/O.
 */
export function register(program: Command): void {
  program
    .command('parse')
    .description('parse a CR-BIO CDA (2021.01–2024.01, level 3 or 1) into the JSON report model')
    .argument('<doc.xml>', 'the CDA document')
    .option('--out <model.json>', 'write the model there (atomically) instead of stdout')
    .option('--warnings', 'list every parse warning on stderr (default: a count and the first five)')
    .option('--compact', 'write JSON without indentation')
    .action(async (file: string, opts: { out?: string; warnings?: boolean; compact?: boolean }) => {
      const { CdaParseError, parseCrBio } = await import('../../cda/index.js');
      const bytes = await readInput(file);
      let result: ParseCrBioResult;
      try {
        result = parseCrBio(bytes, { fileName: file });
      } catch (e) {
        if (e instanceof XmlParseError) throw new CliExit(EXIT.USAGE, `${e.code}: ${e.message}`);
        if (e instanceof CdaParseError) throw new CliExit(EXIT.INVALID, `${e.code}: ${e.message}`);
        throw e;
      }
      const json = `${JSON.stringify(result.report, null, opts.compact ? undefined : 2)}\n`;
      if (opts.out) await writeFileAtomic(opts.out, json);
      else process.stdout.write(json);
      const { warnings, level } = result;
      const shown = opts.warnings ? warnings : warnings.slice(0, 5);
      for (const w of shown) process.stderr.write(`warning ${w.code}: ${w.message} (at ${w.xpath})\n`);
      if (warnings.length > shown.length) {
        process.stderr.write(`… ${warnings.length - shown.length} more warnings (--warnings lists them)\n`);
      }
      if (opts.out) {
        process.stderr.write(`parsed ${file}: level ${level}, ${warnings.length} warning(s) → ${opts.out}\n`);
      }
    });
}
