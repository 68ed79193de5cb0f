import type { Command } from 'commander';
import type { LocalAnalysis, LoincMapping, LoincTable } from '../../loinc/index.js';
import type { CrBioReport } from '../../model/index.js';
import { CliExit, EXIT, readInput } from '../util.js';

/**
 * `cisis-bio loinc check|export|import|apply|fhir-export|fhir-import`: LOINC checks and the transcoding workflow
 * (local catalogue → worksheet → mapping → LOINC-coded models; FHIR R4 exchange). `--loinc DIR` (or
 * `CISIS_BIO_LOINC`) is the folder of the LOINC release (`LoincTable/Loinc.csv`).
 * Exit codes: 0 ok/valid, 1 invalid codes or a worksheet with errors, 2 usage or I/O.
 */
export function register(program: Command): void {
  const loinc = program
    .command('loinc')
    .description('LOINC code checks and the transcoding workflow (CSV, FHIR)');
  registerCheck(loinc);
  registerExport(loinc);
  registerImport(loinc);
  registerApply(loinc);
  registerFhirExport(loinc);
  registerFhirImport(loinc);
}

const LOINC_OPTION = [
  '--loinc <dir>',
  'LOINC release folder with LoincTable/Loinc.csv (default: $CISIS_BIO_LOINC)',
] as const;

async function table(dir: string | undefined): Promise<LoincTable | undefined> {
  const { LoincTableError, loadLoincTable, resolveLoincDir } = await import('../../loinc/index.js');
  const d = resolveLoincDir(dir);
  if (d === undefined) return undefined;
  try {
    return loadLoincTable(d);
  } catch (e) {
    if (e instanceof LoincTableError) throw new CliExit(EXIT.USAGE, `${e.code}: ${e.message}`);
    throw e;
  }
}

/** A model (JSON), a CDA document (XML, parsed) or a catalogue/worksheet CSV (text). */
async function readSource(path: string): Promise<CrBioReport | string> {
  const bytes = await readInput(path);
  if (/\.csv$/i.test(path)) return bytes.toString('utf8');
  if (/\.xml$/i.test(path)) {
    const { parseCrBio } = await import('../../cda/index.js');
    try {
      return parseCrBio(bytes, { fileName: path }).report;
    } catch (e) {
      throw new CliExit(EXIT.USAGE, `${path}: ${(e as Error).message}`);
    }
  }
  const { validateReport } = await import('../../model/index.js');
  try {
    return validateReport(JSON.parse(bytes.toString('utf8')));
  } catch (e) {
    throw new CliExit(EXIT.USAGE, `${path} is not a report model: ${(e as Error).message}`);
  }
}

async function write(path: string, data: string): Promise<void> {
  const { writeFileAtomic } = await import('../../common/fs.js');
  await writeFileAtomic(path, data);
}

function registerCheck(loinc: Command): void {
  loinc
    .command('check')
    .description(
      'check LOINC codes (form, mod-10 check digit; existence and status with --loinc), or every LOINC code of models/documents',
    )
    .argument('<code-or-file...>', 'LOINC codes, MODEL.json or DOC.xml files')
    .option(...LOINC_OPTION)
    .action(async (args: string[], opts: { loinc?: string }) => {
      const { checkLoincCode, checkReportLoinc } = await import('../../loinc/index.js');
      const t = await table(opts.loinc);
      let bad = 0;
      for (const a of args) {
        if (/\.(json|xml)$/i.test(a)) {
          const model = (await readSource(a)) as CrBioReport;
          for (const f of checkReportLoinc(model, t ? { table: t } : {})) {
            if (f.severity === 'error') bad++;
            process.stdout.write(`${a}: ${f.severity} ${f.rule} ${f.path}: ${f.message}\n`);
          }
          continue;
        }
        const v = checkLoincCode(a);
        const e = v.valid && t ? t.get(a) : undefined;
        if (!v.valid) process.stdout.write(`${a}: invalid: ${v.message}\n`);
        else if (t && v.kind === 'term' && !e)
          process.stdout.write(`${a}: unknown: not in the LOINC table\n`);
        else if (e && e.status !== 'ACTIVE') {
          process.stdout.write(
            `${a}: ${e.status}${e.mapTo.length ? ` (MAP_TO ${e.mapTo.join(', ')})` : ''}: ${e.longName}\n`,
          );
        } else process.stdout.write(`${a}: ok${e ? `: ${e.longName}` : ` (${v.kind})`}\n`);
        if (!v.valid || (t && v.kind === 'term' && !e)) bad++;
      }
      if (bad > 0) process.exitCode = EXIT.INVALID;
    });
}

function registerExport(loinc: Command): void {
  loinc
    .command('export')
    .description(
      'export the local analyses of models, documents or a catalogue CSV as a transcoding worksheet (CSV, UTF-8 with BOM)',
    )
    .argument('<input...>', 'MODEL.json, DOC.xml or catalogue.csv files')
    .requiredOption('--out <worksheet.csv>', 'the worksheet to write')
    .option(...LOINC_OPTION)
    .option('--candidates <n>', 'LOINC candidates suggested per analysis (with --loinc)', '3')
    .action(async (inputs: string[], opts: { out: string; loinc?: string; candidates: string }) => {
      const { exportCatalogue } = await import('../../loinc/index.js');
      const sources = await Promise.all(inputs.map(readSource));
      const t = await table(opts.loinc);
      const n = Number(opts.candidates);
      if (!Number.isInteger(n) || n < 0)
        throw new CliExit(EXIT.USAGE, `--candidates ${opts.candidates} is not a count`);
      const { analyses, csv } = exportCatalogue(sources, t ? { table: t, maxCandidates: n } : {});
      await write(opts.out, csv);
      process.stderr.write(
        `${analyses.length} local analyses → ${opts.out}${t ? ` (candidates from ${t.size} LOINC terms)` : ''}\n`,
      );
    });
}

async function catalogueOf(files: string[] | undefined): Promise<LocalAnalysis[] | undefined> {
  if (!files?.length) return undefined;
  const { catalogueFromCsv, catalogueFromModels } = await import('../../loinc/index.js');
  const sources = await Promise.all(files.map(readSource));
  return [
    ...catalogueFromModels(sources.filter((s): s is CrBioReport => typeof s !== 'string')),
    ...sources.filter((s): s is string => typeof s === 'string').flatMap((s) => catalogueFromCsv(s)),
  ];
}

function registerImport(loinc: Command): void {
  loinc
    .command('import')
    .description(
      'read a filled worksheet into a validated mapping (exit 1 and no file when a row has an error)',
    )
    .argument('<worksheet.csv>', 'the worksheet, as saved by the spreadsheet (; or , separated)')
    .requiredOption('--out <mapping.json>', 'the mapping to write')
    .option(...LOINC_OPTION)
    .option(
      '--catalogue <file...>',
      'the local catalogue (MODEL.json, DOC.xml or catalogue.csv): unknown local codes are errors',
    )
    .action(async (file: string, opts: { out: string; loinc?: string; catalogue?: string[] }) => {
      const { CsvFormatError, importMapping } = await import('../../loinc/index.js');
      const text = (await readInput(file)).toString('utf8');
      const t = await table(opts.loinc);
      const catalogue = await catalogueOf(opts.catalogue);
      let r: ReturnType<typeof importMapping>;
      try {
        r = importMapping(text, {
          fileName: file,
          ...(t ? { table: t } : {}),
          ...(catalogue ? { catalogue } : {}),
        });
      } catch (e) {
        if (e instanceof CsvFormatError) throw new CliExit(EXIT.USAGE, `${e.code}: ${e.message}`);
        throw e;
      }
      for (const p of r.problems)
        process.stderr.write(`${file}:${p.line}: ${p.severity} ${p.localCode}: ${p.message}\n`);
      const c = r.counts;
      process.stderr.write(
        `${c.rows} rows: ${c.mapped} mapped, ${c.unmapped} unmapped, ${c.errors} errors, ${c.warnings} warnings\n`,
      );
      if (!r.valid) {
        process.exitCode = EXIT.INVALID;
        return;
      }
      await write(opts.out, `${JSON.stringify(r.mapping, null, 2)}\n`);
    });
}

async function readMapping(path: string): Promise<LoincMapping> {
  const { MappingError, parseMapping } = await import('../../loinc/index.js');
  try {
    return parseMapping((await readInput(path)).toString('utf8'));
  } catch (e) {
    if (e instanceof MappingError) throw new CliExit(EXIT.USAGE, `${path}: ${e.code}: ${e.message}`);
    throw e;
  }
}

function registerApply(loinc: Command): void {
  loinc
    .command('apply')
    .description('write LOINC as the result code of a model (local code kept as translation)')
    .argument('<model.json>', 'the report model')
    .requiredOption('--mapping <mapping.json>', 'the mapping (loinc import)')
    .requiredOption('--out <model.json>', 'the recoded model')
    .action(async (file: string, opts: { mapping: string; out: string }) => {
      const { applyMapping } = await import('../../loinc/index.js');
      const model = (await readSource(file)) as CrBioReport;
      const r = applyMapping(model, await readMapping(opts.mapping));
      await write(opts.out, `${JSON.stringify(r.report, null, 2)}\n`);
      for (const u of r.unmapped)
        process.stderr.write(`warning ${u.path}: local code ${u.localCode} has no mapping\n`);
      process.stderr.write(
        `${r.applied.length} results recoded, ${r.unmapped.length} left local → ${opts.out}\n`,
      );
    });
}

function registerFhirExport(loinc: Command): void {
  loinc
    .command('fhir-export')
    .description(
      'export the catalogue (CodeSystem), the mapping (ConceptMap) and the LOINC codes used (ValueSet) as FHIR R4 JSON',
    )
    .requiredOption(
      '--url <base>',
      'canonical base URL (…/CodeSystem/…, …/ConceptMap/…, …/ValueSet/… are appended)',
    )
    .requiredOption('--out <dir>', 'folder for CodeSystem.json, ConceptMap.json, ValueSet.json')
    .option('--catalogue <file...>', 'MODEL.json, DOC.xml or catalogue.csv files (CodeSystem)')
    .option('--mapping <mapping.json>', 'the mapping (ConceptMap and ValueSet)')
    .option('--name <name>', 'resource name stem', 'LocalAnalyses')
    .action(
      async (opts: { url: string; out: string; catalogue?: string[]; mapping?: string; name: string }) => {
        const fhir = await import('../../loinc/index.js');
        const { writeFilesAtomic } = await import('../../common/fs.js');
        const { join } = await import('node:path');
        if (!opts.catalogue && !opts.mapping)
          throw new CliExit(EXIT.USAGE, 'give --catalogue and/or --mapping');
        const base = opts.url.replace(/\/$/, '');
        const files: Array<{ path: string; data: string }> = [];
        const add = (name: string, r: object) =>
          files.push({ path: join(opts.out, `${name}.json`), data: `${JSON.stringify(r, null, 2)}\n` });
        const catalogue = await catalogueOf(opts.catalogue);
        if (catalogue)
          add(
            'CodeSystem',
            fhir.catalogueToCodeSystem(catalogue, {
              url: `${base}/CodeSystem/${opts.name}`,
              name: opts.name,
            }),
          );
        if (opts.mapping) {
          const m = await readMapping(opts.mapping);
          add(
            'ConceptMap',
            fhir.mappingToConceptMap(m, {
              url: `${base}/ConceptMap/${opts.name}ToLoinc`,
              name: `${opts.name}ToLoinc`,
            }),
          );
          add(
            'ValueSet',
            fhir.loincValueSet(m, { url: `${base}/ValueSet/${opts.name}Loinc`, name: `${opts.name}Loinc` }),
          );
        }
        await writeFilesAtomic(files);
        process.stderr.write(`${files.map((f) => f.path).join(', ')}\n`);
      },
    );
}

function registerFhirImport(loinc: Command): void {
  loinc
    .command('fhir-import')
    .description(
      'read a FHIR R4 CodeSystem (→ catalogue CSV), ConceptMap (→ mapping JSON) or ValueSet (→ CSV of LOINC codes)',
    )
    .argument('<resource.json>', 'the FHIR resource')
    .requiredOption('--out <file>', 'the file to write')
    .action(async (file: string, opts: { out: string }) => {
      const fhir = await import('../../loinc/index.js');
      let resource: { resourceType?: unknown };
      try {
        resource = JSON.parse((await readInput(file)).toString('utf8'));
      } catch (e) {
        throw new CliExit(EXIT.USAGE, `${file} is not JSON: ${(e as Error).message}`);
      }
      try {
        const out = fhirToFile(fhir, resource);
        await write(opts.out, out.data);
        process.stderr.write(`${resource.resourceType}: ${out.count} ${out.what} → ${opts.out}\n`);
      } catch (e) {
        if (e instanceof fhir.MappingError) throw new CliExit(EXIT.INVALID, `${e.code}: ${e.message}`);
        throw e;
      }
    });
}

function fhirToFile(
  fhir: typeof import('../../loinc/index.js'),
  resource: { resourceType?: unknown },
): { data: string; count: number; what: string } {
  switch (resource.resourceType) {
    case 'CodeSystem': {
      const a = fhir.codeSystemToCatalogue(resource);
      const rows = a.map((x) => [
        x.localCode,
        x.localSystem ?? '',
        x.label,
        x.specimen ?? '',
        x.unit ?? '',
        x.method ?? '',
        x.resultType ?? '',
        String(x.occurrences),
        x.loincCode ?? '',
        x.loincLabel ?? '',
        x.loincCode ? 'existing' : 'todo',
        '',
        '',
      ]);
      return { data: fhir.writeCsv(fhir.WORKSHEET_COLUMNS, rows), count: a.length, what: 'local analyses' };
    }
    case 'ConceptMap': {
      const m = fhir.conceptMapToMapping(resource);
      return { data: `${JSON.stringify(m, null, 2)}\n`, count: m.entries.length, what: 'mappings' };
    }
    case 'ValueSet': {
      const c = fhir.valueSetToLoinc(resource);
      return {
        data: fhir.writeCsv(
          ['loinc_code', 'loinc_label'],
          c.map((x) => [x.code, x.display]),
        ),
        count: c.length,
        what: 'LOINC codes',
      };
    }
    default:
      throw new fhir.MappingError(
        'FHIR_RESOURCE_INVALID',
        `resourceType ${String(resource.resourceType)}: expected CodeSystem, ConceptMap or ValueSet`,
      );
  }
}
