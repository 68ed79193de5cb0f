import { type Command, Option } from 'commander';
import type { CrBioReport } from '../../model/index.js';
import { CliExit, describeError, EXIT, readInput } from '../util.js';

interface MergeFlags {
  out: string;
  onConflict: 'keep-both' | 'keep-main' | 'keep-sub';
  kit?: string;
}

/**
 * `cisis-bio merge MAIN SUB --out OUT.xml [--on-conflict keep-both|keep-main|keep-sub] [--kit DIR]`: merge a
 * subcontractor's CR-BIO (CDA level 3 or 1, or a JSON model) into the main lab's report, render a new PDF copy and
 * write the level 3 document atomically (`composeMerged`). With `--kit`, coded values are checked against the kit's
 * value sets and the result must pass the XSD + the five ANS profiles before it is written.
 * Exit 0 written; 1 another patient, not a CR-BIO, the same report twice, invalid input or result (nothing
 * written); 2 usage, I/O, malformed XML or a DTD.
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
    .addOption(
      new Option('--on-conflict <policy>', 'same test in both: keep-both, keep-main or keep-sub')
        .choices(['keep-both', 'keep-main', 'keep-sub'])
        .default('keep-both'),
    )
    .option('--kit <dir>', 'ANS kit folder: value sets for the build, and XSD + 5 profiles before writing')
    .action(async (main: string, sub: string, flags: MergeFlags) => {
      await runMerge(main, sub, flags);
    });
}

/** A file is a JSON model when its first non-blank character is `{`, else CDA XML (checked by the merge). */
async function readReport(path: string): Promise<CrBioReport | Uint8Array> {
  const buf = await readInput(path);
  const text = buf.toString('utf8');
  if (!text.trimStart().startsWith('{')) return new Uint8Array(buf);
  try {
    return JSON.parse(text) as CrBioReport; // validated by the merge (typed error, exit 1)
  } catch (e) {
    throw new CliExit(EXIT.USAGE, `${path} is not valid JSON: ${(e as Error).message}`);
  }
}

async function runMerge(mainPath: string, subPath: string, flags: MergeFlags): Promise<void> {
  const [main, sub] = await Promise.all([readReport(mainPath), readReport(subPath)]);
  const { composeMerged } = await import('../../compose/index.js');
  const { CisisBioError, XmlParseError } = await import('../../common/errors.js');
  const { writeFileAtomic } = await import('../../common/fs.js');
  let done: Awaited<ReturnType<typeof composeMerged>>;
  try {
    done = await composeMerged(main, sub, {
      onConflict: flags.onConflict,
      fileName: flags.out,
      ...(flags.kit ? { kit: flags.kit } : {}),
    });
  } catch (e) {
    if (e instanceof XmlParseError) throw new CliExit(EXIT.USAGE, describeError(e));
    if (e instanceof CisisBioError) throw new CliExit(EXIT.INVALID, `${describeError(e)} (nothing written)`);
    throw e;
  }
  await writeFileAtomic(flags.out, done.n3);
  const { merge } = done;
  for (const c of merge.conflicts) {
    process.stderr.write(
      `cisis-bio: conflict ${c.test}${c.displayName ? ` (${c.displayName})` : ''}: ${c.resolution} (main ${c.main}, sub ${c.sub})\n`,
    );
  }
  for (const w of merge.warnings) process.stderr.write(`cisis-bio: warning: ${w}\n`);
  for (const w of done.buildWarnings) process.stderr.write(`cisis-bio: warning: ${w.where}: ${w.message}\n`);
  process.stderr.write(
    `cisis-bio: wrote ${flags.out} (${merge.mode === 'structured' ? 'results merged' : 'PDF attached in the second-intention section'}, ` +
      `${merge.conflicts.length} conflict(s), ${done.n3.byteLength} bytes)\n`,
  );
}
