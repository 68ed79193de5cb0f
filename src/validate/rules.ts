import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CisisBioError } from '../common/errors.js';
import { findVolet, type KitVolet, listVolets } from './volets.js';

/** One schematron of a validation pipeline. */
export interface ProfileSpec {
  /** Name used in results, e.g. `IHE`. */
  name: string;
  /** Absolute path of the top-level `.sch`. */
  path: string;
  /** Targets level 3 (structured body) only: skipped on a level 1 document (`nonXMLBody`). */
  level3Only?: boolean;
}

/** Which rules a validation runs, resolved from the options. */
export interface RuleSet {
  /** `kit`: the ANS pipeline from a kit folder; `schematron`: one `.sch` given by the user; `embedded`: the project's own rules. */
  mode: 'kit' | 'schematron' | 'embedded';
  kitDir?: string;
  /** XSD to run, when a kit is known and XSD validation is on. */
  xsdPath?: string;
  /** Profiles every document gets (kit: the four common profiles; else the one schematron). */
  profiles: ProfileSpec[];
  /** Kit mode: the kit's volets, one of which is chosen per document (unless {@link forcedVolet}). */
  volets?: KitVolet[];
  /** Kit mode with `volet: NAME`: this volet for every document. */
  forcedVolet?: KitVolet;
}

/** The kit folder, a schematron or the embedded rules cannot be found. */
export class RulesNotFoundError extends CisisBioError {
  constructor(message: string, where?: string) {
    super('VALIDATE_RULES_NOT_FOUND', message, where ? { where } : undefined);
  }
}

/** The XSD of the ANS kit, relative to the kit folder. */
export const KIT_XSD = 'infrastructure/cda/CDA_extended.xsd';

/** The ANS validation of a CR-BIO document: the volet and the four transverse profiles, paths relative to the kit. */
export const CR_BIO_PROFILES: ReadonlyArray<{ name: string; file: string; level3Only?: boolean }> = [
  { name: 'CI-SIS_BIO-CR-BIO_2024.01', file: 'schematrons/CI-SIS_BIO-CR-BIO_2024.01.sch', level3Only: true },
  {
    name: 'ASIP-STRUCT-MIN-StrucMin',
    file: 'schematrons/profils/structurationMinimale/ASIP-STRUCT-MIN-StrucMin.sch',
  },
  { name: 'IHE', file: 'schematrons/profils/IHE.sch' },
  { name: 'CI-SIS_ModelesDeContenusCDA', file: 'schematrons/profils/CI-SIS_ModelesDeContenusCDA.sch' },
  { name: 'CI-SIS_Modeles_ANS', file: 'schematrons/profils/CI-SIS_Modeles_ANS.sch' },
];

/** The four transverse profiles of the ANS kit, run on every document beside its volet (paths relative to the kit). */
export const COMMON_PROFILES: ReadonlyArray<{ name: string; file: string }> = CR_BIO_PROFILES.filter(
  (p) => !p.level3Only,
);

/** Name of the project's own rules in results (used when no kit is given). */
export const EMBEDDED_PROFILE = 'cisis-bio-cr-bio';

/** Options that choose the rules (a subset of `ValidateOptions`). */
export interface RuleOptions {
  kit?: string;
  schematron?: string;
  xsd?: boolean;
  /** Kit mode: `auto` (default: chosen from each document) or a volet name (`CI-SIS_BIO-CR-BIO_2023.01`). */
  volet?: string;
}

/**
 * Resolve which rules run: `kit` (else env `CISIS_BIO_KIT`) gives the XSD, the four common ANS profiles and the
 * kit's volets (one per document, chosen from its header, or the one `volet` names);
 * `schematron` replaces the profiles by one file (the XSD still runs when a kit is known); with neither, the
 * project's embedded schematron runs alone (the XSD belongs to the kit, which the project does not ship).
 */
export function resolveRules(options: RuleOptions, env: NodeJS.ProcessEnv = process.env): RuleSet {
  const kitOption = options.kit ?? (env.CISIS_BIO_KIT || undefined);
  const kitDir = kitOption === undefined ? undefined : resolve(kitOption);
  if (kitDir !== undefined && !isDir(kitDir)) {
    throw new RulesNotFoundError(`the ANS kit folder does not exist`, kitDir);
  }
  const xsdPath = kitDir !== undefined && options.xsd !== false ? join(kitDir, KIT_XSD) : undefined;
  if (xsdPath && !existsSync(xsdPath)) {
    throw new RulesNotFoundError(
      `the kit has no CDA XSD (expected ${KIT_XSD}); is this the ANS TestContenuCDA folder?`,
      kitDir,
    );
  }
  if (options.schematron !== undefined) {
    const path = resolve(options.schematron);
    if (!existsSync(path)) throw new RulesNotFoundError('schematron file not found', path);
    return {
      mode: 'schematron',
      kitDir,
      xsdPath,
      profiles: [{ name: basename(path).replace(/\.sch$/i, ''), path }],
    };
  }
  if (kitDir !== undefined) {
    const profiles = COMMON_PROFILES.map((p) => ({ name: p.name, path: join(kitDir, p.file) }));
    const missing = profiles.find((p) => !existsSync(p.path));
    if (missing) {
      throw new RulesNotFoundError(
        `the kit has no ${missing.name} schematron; is this the ANS TestContenuCDA folder?`,
        missing.path,
      );
    }
    const volets = listVolets(kitDir);
    const wanted = options.volet;
    if (wanted !== undefined && wanted !== 'auto') {
      return { mode: 'kit', kitDir, xsdPath, profiles, volets, forcedVolet: findVolet(volets, wanted) };
    }
    return { mode: 'kit', kitDir, xsdPath, profiles, volets };
  }
  const embedded = embeddedSchematronPath();
  return { mode: 'embedded', profiles: [{ name: EMBEDDED_PROFILE, path: embedded }] };
}

/**
 * Path of `schematron/cisis-bio-cr-bio.sch` shipped in the package. Found by walking up from this module to the
 * folder holding cisis-bio's package.json, which works from the sources (`src/validate/`) and from the bundles
 * (`dist/`).
 */
export function embeddedSchematronPath(): string {
  const root = packageRoot();
  const path = join(root, 'schematron', 'cisis-bio-cr-bio.sch');
  if (!existsSync(path))
    throw new RulesNotFoundError('the embedded cisis-bio schematron is missing from the package', path);
  return path;
}

let root: string | undefined;
/** The folder holding cisis-bio's package.json. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isCisisBioPackage(join(dir, 'package.json'))) {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir)
      throw new RulesNotFoundError('cannot find the cisis-bio package root', fileURLToPath(import.meta.url));
    dir = up;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isCisisBioPackage(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === 'cisis-bio';
  } catch {
    return false;
  }
}
