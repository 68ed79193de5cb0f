import type { Command } from 'commander';
import { buildCrBio } from '../../cda/build/index.js';
import { CisisBioError } from '../../common/errors.js';
import { writeFileAtomic } from '../../common/fs.js';
import { type ConflictPolicy, type MergeInput, mergeSubcontracted } from '../../merge/index.js';
import { validateReport } from '../../model/report.js';
import { renderReportPdf } from '../../pdf/index.js';
import { validate } from '../../validate/index.js';
import { CliExit, describeError, EXIT, readInput } from '../util.js';

interface MergeFlags {
  out: string;
  onConflict: string;
  kit?: string;
}

const POLICIES: readonly ConflictPolicy[] = ['keep-both', 'keep-main', 'keep-sub'];

/**
 * `cisis-bio merge MAIN SUB --out OUT.xml [--on-conflict keep-both|keep-main|keep-sub] [--kit DIR]`: merge a
 * subcontractor's CR-BIO (CDA level 3 or 1, or a JSON model) into the main lab's report, render a new PDF copy and
 * write the level 3 document atomically. With `--kit`, coded values are checked against the kit's value sets and
 * the result must pass the XSD + the five ANS profiles before it is written.
 * Exit 0 written, 1 another patient / invalid input or result (nothing written), 2 usage or I/O.
 */
export function register(program: Command): void {
  program
    .command('merge')
    .description(
      "merge a subcontracting lab's CR-BIO into the main lab's report (level 3 CDA with a new PDF copy)",
    )
    .argument('<main>', "the main lab's report: CDA XML or JSON model")
    .argument('<sub>', "the subcontractor's report: CDA XML (level 3 or 1) or JSON model")
    .requiredOption('--out <doc.xml>', 'where to write the merged CDA (atomically)')
    .option('--on-conflict <policy>', 'same test in both: keep-both, keep-main or keep-sub', 'keep-both')
    .option('--kit <dir>', 'ANS kit folder: value sets for the build, and XSD + 5 profiles before writing')
    .action(async (main: string, sub: string, flags: MergeFlags) => {
      await runMerge(main, sub, flags);
    });
}

/** A file is a JSON model when its first non-blank character is `{`, else CDA XML. */
async function readReport(path: string): Promise<MergeInput> {
  const buf = await readInput(path);
  const text = buf.toString('utf8');
  if (text.trimStart().startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new CliExit(EXIT.USAGE, `${path} is not valid JSON: ${(e as Error).message}`);
    }
    try {
      return validateReport(json);
    } catch (e) {
      throw new CliExit(EXIT.INVALID, `${path}: ${describeError(e)}`);
    }
  }
  return new Uint8Array(buf);
}

async function runMerge(mainPath: string, subPath: string, flags: MergeFlags): Promise<void> {
  const policy = flags.onConflict as ConflictPolicy;
  if (!POLICIES.includes(policy)) {
    throw new CliExit(
      EXIT.USAGE,
      `--on-conflict must be one of ${POLICIES.join(', ')} (got ${flags.onConflict})`,
    );
  }
  const [main, sub] = await Promise.all([readReport(mainPath), readReport(subPath)]);
  try {
    const merged = mergeSubcontracted(main, sub, { onConflict: policy });
    const pdf = await renderReportPdf(merged.report);
    const built = buildCrBio(merged.report, { pdf, ...(flags.kit ? { kit: flags.kit } : {}) });
    if (flags.kit) {
      const v = await validate(built.bytes, { kit: flags.kit, fileName: flags.out });
      if (!v.valid) {
        const failed = Object.entries(v.profiles)
          .filter(([, p]) => 'error' in p || p.findings.some((f) => f.kind === 'failed-assert'))
          .map(([name]) => name);
        if (v.xsd && !v.xsd.valid) failed.unshift('XSD');
        throw new CliExit(
          EXIT.INVALID,
          `the merged document does not pass: ${failed.join(', ')} (nothing written)`,
        );
      }
    }
    await writeFileAtomic(flags.out, built.bytes);
    for (const c of merged.conflicts) {
      process.stderr.write(
        `cisis-bio: conflict ${c.test}${c.displayName ? ` (${c.displayName})` : ''}: ${c.resolution} (main ${c.main}, sub ${c.sub})\n`,
      );
    }
    for (const w of merged.warnings) process.stderr.write(`cisis-bio: warning: ${w}\n`);
    process.stderr.write(
      `cisis-bio: wrote ${flags.out} (${merged.mode === 'structured' ? 'results merged' : 'PDF attached in the second-intention section'}, ` +
        `${merged.conflicts.length} conflict(s), ${built.bytes.byteLength} bytes)\n`,
    );
  } catch (e) {
    if (e instanceof CisisBioError) throw new CliExit(EXIT.INVALID, describeError(e));
    throw e;
  }
}
