import { isAbsolute, relative, sep } from 'node:path';
import { findingsOf, severityOf, type ValidationReport } from './report.js';

/**
 * `--format github`: GitHub Actions workflow commands (`::error file=…,line=…::…`), which the runner turns into
 * annotations on the pull request. Failed asserts are errors (warnings/notices by `role`), reports notices.
 */
export function toGithub(report: ValidationReport): string {
  const out: string[] = [];
  for (const doc of report.documents) {
    const d = { ...doc, file: workspacePath(doc.file) };
    for (const e of d.xsd?.errors ?? []) {
      out.push(command('error', { file: d.file, line: e.line, col: e.column, title: 'XSD' }, e.message));
    }
    for (const [name, p] of Object.entries(d.profiles)) {
      if ('error' in p) {
        out.push(command('error', { file: d.file, title: `${name}: engine error` }, p.error));
        continue;
      }
      for (const f of findingsOf(p)) {
        const level = severityOf(f) === 'note' ? 'notice' : severityOf(f);
        out.push(
          command(
            level,
            { file: d.file, line: f.line, col: f.column, title: `${name} ${f.kind}` },
            `${f.text} (at ${f.location})`,
          ),
        );
      }
    }
  }
  for (const f of report.failures) {
    out.push(
      command(
        'error',
        { file: workspacePath(f.file), line: f.line, col: f.column, title: f.code },
        f.message,
      ),
    );
  }
  const ok = report.documents.filter((d) => d.valid).length;
  out.push(
    `cisis-bio validate: ${ok} of ${report.documents.length + report.failures.length} documents conform`,
  );
  return `${out.join('\n')}\n`;
}

function command(level: string, props: Record<string, string | number | undefined>, message: string): string {
  const p = Object.entries(props)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${level}${p ? ` ${p}` : ''}::${escapeData(message)}`;
}

// Escaping rules of the Actions toolkit (@actions/core): data escapes %, CR, LF; properties also : and ,.
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Annotations attach to paths relative to the workspace (the working directory of the step). */
function workspacePath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
}
