import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { EgressWarnings } from '../core/warnings';
import { EgressModel } from '../model/egress-model';
import { buildReport } from '../report/build';
import { ReportData } from '../report/data';
import { renderMarkdown } from '../report/markdown';

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
   * When synth fails nothing of the report is written.
   */
  public static synth(app: App, options: EgressReportOptions = {}): EgressReportFiles {
    app.synth();
    return EgressReport.write(app, options);
  }

  /**
   * Write `egress-report.md` and `egress-report.json` for an app. The app's validations run
   * first (as in `app.synth()`); if any fails, this throws and writes nothing. Call it after
   * `app.synth()`, or use `EgressReport.synth(app)`.
   */
  public static write(app: App, options: EgressReportOptions = {}): EgressReportFiles {
    const errors: string[] = [];
    for (const c of app.node.findAll()) {
      for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
    }
    if (errors.length > 0) {
      throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}\nThe egress report was not written.`);
    }
    const report = EgressReport.of(app);
    const dir = options.outdir ?? app.outdir;
    const base = options.fileName ?? 'egress-report';
    if (!/^[A-Za-z0-9._-]+$/.test(base)) {
      throw new Error(`EgressReport fileName "${base}" must be a plain file name (letters, digits, '.', '_', '-'), without a directory or extension`);
    }
    fs.mkdirSync(dir, { recursive: true });
    const markdownFile = path.join(dir, `${base}.md`);
    const jsonFile = path.join(dir, `${base}.json`);
    fs.writeFileSync(markdownFile, report.renderMarkdown());
    fs.writeFileSync(jsonFile, report.renderJson());
    return { markdownFile, jsonFile };
  }

  /** The report of the app that `scope` belongs to, in memory (nothing is validated or written). */
  public static of(scope: IConstruct): EgressReport {
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
