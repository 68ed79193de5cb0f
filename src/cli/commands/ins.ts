import type { Command } from 'commander';
import type { NirConsistencyFinding } from '../../ins/index.js';
import type { PatientIdentity } from '../../model/index.js';
import { CliExit, EXIT, readInput, readJson } from '../util.js';

/**
 * `cisis-bio ins …`: check a matricule INS, build or read an INS Datamatrix payload.
 * Exit codes: 0 valid, 1 invalid (reason on stderr), 2 usage or I/O error.
 */
export function register(program: Command): void {
  const ins = program
    .command('ins')
    .description('INS (Identité Nationale de Santé): matricule check, Datamatrix payload');

  ins
    .command('check')
    .description('check a matricule INS (15 characters: NIR/NIA + key) and optionally its OID')
    .argument('<matricule>', 'the matricule INS, e.g. 279035121518989')
    .option(
      '--oid <oid>',
      'assigning-authority OID (1.2.250.1.213.1.4.8 NIR, .9 NIA, .10 test, .11 demonstration)',
    )
    .option('--json', 'print the verdict as JSON on stdout')
    .option(
      '--identity <identity.json>',
      'also compare the number with the traits of this PatientIdentity (sex, birth date, place)',
    )
    .action(async (matricule: string, opts: { oid?: string; json?: boolean; identity?: string }) => {
      const { checkInsMatricule, checkNirConsistency } = await import('../../ins/index.js');
      const r = checkInsMatricule(matricule, opts.oid === undefined ? undefined : { oid: opts.oid });
      if (!r.valid) {
        if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        throw new CliExit(EXIT.INVALID, `invalid: ${r.code}: ${r.message}`);
      }
      let findings: NirConsistencyFinding[] = [];
      if (opts.identity !== undefined) {
        const { insTraitsSchema } = await import('../../model/index.js');
        const traits = insTraitsSchema.safeParse(
          ((await readJson(opts.identity)) as { traits?: unknown })?.traits,
        );
        if (!traits.success) {
          throw new CliExit(
            EXIT.USAGE,
            `${opts.identity}: no valid "traits": ${traits.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          );
        }
        findings = checkNirConsistency(r.matricule, traits.data);
      }
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify(opts.identity === undefined ? r : { ...r, findings }, null, 2)}\n`,
        );
      else {
        const kind = r.oidInfo ? `${r.oidInfo.authority} ${r.oidInfo.environment}` : 'NIR/NIA';
        process.stdout.write(
          `valid: ${r.matricule} (${kind}; sex ${r.sex}${r.temporary ? ', temporary number' : ''}; born ${r.birthMonth}/${r.birthYear}; place ${r.birthPlace})\n`,
        );
        for (const f of findings) process.stdout.write(`${f.severity}: ${f.code}: ${f.message}\n`);
      }
      // Error findings (the number contradicts the traits) make the verdict invalid; warnings and infos do not.
      const errors = findings.filter((f) => f.severity === 'error');
      if (errors.length > 0)
        throw new CliExit(
          EXIT.INVALID,
          `inconsistent with the traits: ${errors.map((f) => f.code).join(', ')}`,
        );
    });

  ins
    .command('datamatrix')
    .description('print the INS Datamatrix payload of a qualified identity (PatientIdentity JSON)')
    .argument('<identity.json>', 'JSON file holding a PatientIdentity (status QUAL, ins, traits)')
    .option('--raw', 'write the payload as is (0x1D separators, no final newline) instead of showing <GS>')
    .action(async (file: string, opts: { raw?: boolean }) => {
      const { encodeInsDatamatrix, showGs } = await import('../../ins/index.js');
      const identity = (await readJson(file)) as PatientIdentity;
      const payload = encodeInsDatamatrix(identity); // validates the identity; InsError → exit 1
      process.stdout.write(opts.raw ? payload : `${showGs(payload)}\n`);
    });

  ins
    .command('decode')
    .description(
      'read an INS Datamatrix payload (argument, or a file with --file) and print the identity as JSON',
    )
    .argument('[payload]', 'the payload text; <GS> may be written visibly')
    .option('--file <path>', 'read the payload from a file instead')
    .action(async (payload: string | undefined, opts: { file?: string }) => {
      let text = payload;
      if (opts.file !== undefined) text = (await readInput(opts.file)).toString('utf8').replace(/\r?\n$/, '');
      if (text === undefined) throw new CliExit(EXIT.USAGE, 'ins decode: give a payload or --file <path>');
      const { decodeInsDatamatrix } = await import('../../ins/index.js');
      process.stdout.write(`${JSON.stringify(decodeInsDatamatrix(text), null, 2)}\n`);
    });
}
