import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { buildReport } from './build';
import { ReportData } from './data';
import { renderMarkdown } from './markdown';
import { EgressError } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { argProblem, isConstruct, optionalStruct, raiseUnscoped, str } from '../core/inputs';
import { EgressWarnings } from '../core/warnings';
import { EgressModel } from '../model/egress-model';

/**
 * Where `EgressReport.write` / `EgressReport.synth` put the report.
 */
export interface EgressReportOptions {
  /**
   * Directory to write into.
   * @default - the app's outdir, next to the manifests
   */
  readonly outdir?: string;
  /**
   * File name without extension; `.md` and `.json` are appended.
   * @default 'egress-report'
   */
  readonly fileName?: string;
}

/**
 * The files an `EgressReport` wrote.
 */
export interface EgressReportFiles {
  /** Path of the Markdown report. */
  readonly markdownFile: string;
  /** Path of the JSON report. */
  readonly jsonFile: string;
}

/**
 * The egress explain report: per source workload, what it may reach (destination, ports), by
 * which path (direct or which egress gateway), from which source IP, enforced by which objects on
 * which backend, logged where, alerted by which rules, and every opt-out and warning that applies;
 * a Mermaid picture of workloads → gateways → external destinations; and troubleshooting commands
 * with the real names filled in. Built from the app's `EgressModel` and `EgressWarnings`, not from
 * the YAML. Deterministic: the same app gives byte-identical files.
 *
 * Written next to the manifests, and only when synth succeeds:
 *
 * @example
 * const app = new App();
 * // ... charts ...
 * EgressReport.synth(app); // instead of app.synth(): manifests, then egress-report.md/.json
 */
export class EgressReport {
  /**
   * Synthesize the app (`app.synth()`: validation, then the manifests), then write the report.
   * The options and the app are checked first, and when anything fails nothing is written: no
   * manifest, no report. Errors are EgressErrors with a code (a validation error of the app
   * carries the code and path of the first one, and lists the others).
   */
  public static synth(app: App, options: EgressReportOptions = {}): EgressReportFiles {
    const target = reportTarget(app, options, 'synth');
    validateApp(app);
    const report = EgressReport.of(app);
    const texts = { markdown: report.renderMarkdown(), json: report.renderJson() };
    app.synth();
    return writeReport(target, texts);
  }

  /**
   * Write `egress-report.md` and `egress-report.json` for an app. The options are checked and
   * the app's validations run first (as in `app.synth()`); if any fails, this throws an
   * EgressError and writes nothing. Call it after `app.synth()`, or use `EgressReport.synth(app)`.
   */
  public static write(app: App, options: EgressReportOptions = {}): EgressReportFiles {
    const target = reportTarget(app, options, 'write');
    validateApp(app);
    const report = EgressReport.of(app);
    return writeReport(target, { markdown: report.renderMarkdown(), json: report.renderJson() });
  }

  /** The report of the app that `scope` belongs to, in memory (nothing is validated or written). */
  public static of(scope: IConstruct): EgressReport {
    if (!isConstruct(scope)) raiseUnscoped([argProblem('EgressReport.of() scope', scope, 'a construct of the app (the App, or a Chart)')]);
    const model = EgressModel.of(scope);
    return new EgressReport(buildReport(model.policies(), model.facts(), EgressWarnings.list(scope)));
  }

  private constructor(private readonly data: ReportData) {}

  /** The report as Markdown (egress-report.md). */
  public renderMarkdown(): string {
    return renderMarkdown(this.data);
  }

  /** The report as JSON (egress-report.json), with a trailing newline. */
  public renderJson(): string {
    return `${JSON.stringify(this.data, null, 2)}\n`;
  }

  /** The Mermaid flowchart alone. */
  public renderMermaid(): string {
    return this.data.mermaid;
  }
}

const REPORT_OPTIONS = optionalStruct({ outdir: str({ example: 'dist' }), fileName: str({ example: 'egress-report' }) });

interface ReportTarget {
  readonly markdownFile: string;
  readonly jsonFile: string;
}

/**
 * Where the report goes, checked before anything is written: the app is an App, `fileName` a
 * plain file name (no directory, no extension) and `outdir` a directory that exists or can be
 * created.
 */
function reportTarget(app: App, opts: EgressReportOptions | undefined, method: string): ReportTarget {
  const call = `EgressReport.${method}()`;
  if (!isConstruct(app) || app.node.root !== app || typeof (app as { synth?: unknown }).synth !== 'function' || typeof (app as { outdir?: unknown }).outdir !== 'string') {
    const root = isConstruct(app) ? app.node.root : undefined;
    raiseUnscoped([argProblem(`The app of ${call}`, app, 'the cdk8s App',
      root && typeof (root as { synth?: unknown }).synth === 'function' ? `Pass the App the chart belongs to (${isConstruct(app) ? 'scope.node.root' : 'the App'})` : undefined)]);
  }
  raiseUnscoped(REPORT_OPTIONS(opts, `${call} options`));
  const o = opts ?? {};
  const base = o.fileName ?? 'egress-report';
  const problem = fileNameProblem(base);
  if (problem) raiseUnscoped([{ code: EgressErrorCode.INVALID_NAME, message: `${call} options.fileName ${JSON.stringify(base)} ${problem}` }]);
  const dir = o.outdir ?? app.outdir;
  const dirProblem = outdirProblem(dir);
  if (dirProblem) raiseUnscoped([{ code: EgressErrorCode.INVALID_ARGUMENT, message: `${call} cannot write into ${JSON.stringify(dir)}${o.outdir === undefined ? ' (the app\'s outdir)' : ''}: ${dirProblem}` }]);
  return { markdownFile: path.join(dir, `${base}.md`), jsonFile: path.join(dir, `${base}.json`) };
}

/** What is wrong with a report file name, or undefined. */
function fileNameProblem(base: string): string | undefined {
  if (base.trim() === '') return 'is empty: leave fileName out for "egress-report", or name the file';
  if (/[\\/]/.test(base) || path.isAbsolute(base)) {
    const name = base.split(/[\\/]/).filter((x) => x !== '').pop() ?? '';
    const dir = base.slice(0, base.length - name.length).replace(/[\\/]+$/, '') || '/';
    const fix = name !== '' && fileNameProblem(name) === undefined ? ` Did you mean { outdir: ${JSON.stringify(dir)}, fileName: ${JSON.stringify(name)} }?` : '';
    return `contains a directory: fileName is a plain file name, and the directory goes into outdir.${fix}`;
  }
  const ext = /^(.+)\.(md|json|markdown)$/i.exec(base);
  if (ext) return `has an extension: .md and .json are appended to fileName. Did you mean ${JSON.stringify(ext[1])}?`;
  if (base.startsWith('.') || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(base) || base.length > 200) {
    const fix = base.replace(/^[.]+/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-._]+|[-._]+$/g, '').slice(0, 200);
    return 'must be a plain file name (letters, digits, \'.\', \'_\', \'-\', starting with a letter or digit)'
      + `${fix !== '' && fileNameProblem(fix) === undefined ? `. Did you mean ${JSON.stringify(fix)}?` : ''}`;
  }
  return undefined;
}

/** What is wrong with an output directory (it exists as a file, or cannot be created), or undefined. */
function outdirProblem(dir: string): string | undefined {
  if (dir.trim() === '') return 'the directory is empty: leave outdir out to write next to the manifests';
  let current = path.resolve(dir);
  for (;;) {
    if (fs.existsSync(current)) {
      if (!fs.statSync(current).isDirectory()) return `${current} is a file, not a directory`;
      try {
        fs.accessSync(current, fs.constants.W_OK);
      } catch {
        return `${current} is not writable`;
      }
      return undefined;
    }
    const parent = path.dirname(current);
    if (parent === current) return 'no part of the path exists';
    current = parent;
  }
}

/**
 * Run every validation of the app, as `app.synth()` does. When one fails, throw an EgressError
 * with the code and construct path of the first error that carries a code, listing the others.
 */
function validateApp(app: App): void {
  const errors: Array<{ path: string; text: string }> = [];
  for (const c of app.node.findAll()) {
    for (const e of c.node.validate()) {
      // App-wide checks report an error about a construct as "[path] message".
      const nested = c.node.path === '' ? /^\[([^\]]*)\] ([\s\S]*)$/.exec(e) : null;
      errors.push(nested ? { path: nested[1], text: nested[2] } : { path: c.node.path, text: e });
    }
  }
  if (errors.length === 0) return;
  const lead = errors.find((e) => codeOf(e.text) !== undefined);
  if (lead === undefined) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.map((e) => `[${e.path}] ${e.text}`).join('\n  ')}\nNothing was written.`);
  }
  const code = codeOf(lead.text)!;
  const others = errors.filter((e) => e !== lead).map((e) => `[${e.path}] ${e.text}`);
  throw new EgressError(code as EgressErrorCode,
    `${lead.text.replace(/\s*\((EGRESS_[A-Z0-9_]+)\)\s*$/, '')}${others.length > 0 ? ` (and ${others.length} more: ${others.join('; ')})` : ''}. Nothing was written`,
    lead.path);
}

function codeOf(text: string): string | undefined {
  return /\((EGRESS_[A-Z0-9_]+)\)\s*$/.exec(text)?.[1] ?? /\((EGRESS_[A-Z0-9_]+)\)/.exec(text)?.[1];
}

/** Write both files, each through a temporary file renamed into place, so a failure leaves neither half-written. */
function writeReport(target: ReportTarget, texts: { readonly markdown: string; readonly json: string }): EgressReportFiles {
  fs.mkdirSync(path.dirname(target.markdownFile), { recursive: true });
  const tmp = (f: string) => `${f}.tmp-${process.pid}`;
  fs.writeFileSync(tmp(target.markdownFile), texts.markdown);
  try {
    fs.writeFileSync(tmp(target.jsonFile), texts.json);
  } catch (e) {
    fs.rmSync(tmp(target.markdownFile), { force: true });
    throw e;
  }
  fs.renameSync(tmp(target.markdownFile), target.markdownFile);
  fs.renameSync(tmp(target.jsonFile), target.jsonFile);
  return { markdownFile: target.markdownFile, jsonFile: target.jsonFile };
}
