// The barrage of wrong inputs: each case builds an app in its own empty output directory and gets
// something wrong. The case passes when an EgressError is thrown — while building, or by
// EgressReport.synth() afterwards — with the expected code, located at the expected construct path
// (or, for a value object or a static method used without a construct, at none), printing the
// value as given, with the same code read back from the message as other jsii languages read it,
// and when not a single file was written.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { EgressErrors, EgressReport, EgressSource, egressErrorCode, isEgressError } from '../../src';

process.env.CDK8S_EGRESS_QUIET = '1';

/** What a case gets: an app writing into its own empty directory, and a chart in it. */
export interface Ctx {
  readonly app: App;
  /** Chart `c` (namespace `prod`). */
  readonly chart: Chart;
}

export interface Case {
  /** What is wrong, in words. */
  readonly name: string;
  /** Build the app; throw, or leave an app whose EgressReport.synth() throws. */
  readonly run: (ctx: Ctx) => unknown;
  /** The expected stable code. */
  readonly code: string;
  /** The construct path the error is located at; undefined: no construct (a value object or a static method on its own). */
  readonly path: string | undefined;
  /** Text the message must contain: the value as given (and, where given, more of the message). */
  readonly value: string | RegExp;
}

const BASE = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-egress-barrage-'));
let counter = 0;

/** A new App writing into a fresh, empty directory under the barrage's temp folder. */
export function freshApp(): App {
  counter++;
  return new App({ outdir: path.join(BASE, `app-${counter}`) });
}

/** Every file below `dir` (relative paths); none when it does not exist. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p).map((f) => path.join(e.name, f)));
    else out.push(e.name);
  }
  return out;
}

/** Run one case and return the error, asserting everything the barrage promises about it. */
export function expectRefused(c: Case): Error {
  const app = freshApp();
  const chart = new Chart(app, 'c', { namespace: 'prod' });
  const extraDirs: string[] = [];
  let err: unknown;
  try {
    c.run({ app, chart });
  } catch (e) {
    err = e;
  }
  if (err === undefined) {
    try {
      EgressReport.synth(app);
    } catch (e) {
      err = e;
    }
  }
  if (err === undefined) throw new Error(`${c.name}: nothing was refused (the app synthesized)`);
  const e = err as Error;
  if (!isEgressError(err)) throw new Error(`${c.name}: expected an EgressError, got ${e?.name}: ${e?.message}`);
  expect({ name: c.name, code: egressErrorCode(err) }).toEqual({ name: c.name, code: c.code });
  if (c.path === undefined) {
    expect(e.message.startsWith('[')).toBe(false);
  } else {
    expect({ name: c.name, located: e.message.slice(0, c.path.length + 3) }).toEqual({ name: c.name, located: `[${c.path}] ` });
  }
  if (typeof c.value === 'string') expect(e.message).toContain(c.value);
  else expect(e.message).toMatch(c.value);
  expect(e.message).not.toContain('[object Object]');
  expect(e.message).not.toMatch(/\bundefined is not|is not a function|Cannot read propert/);
  // the code crosses jsii: other languages get String(error) and read it back from the message
  expect(EgressErrors.codeOfMessage(String(err))).toBe(c.code);
  // nothing written, anywhere
  expect({ name: c.name, files: filesUnder(app.outdir) }).toEqual({ name: c.name, files: [] });
  for (const d of extraDirs) expect(filesUnder(d)).toEqual([]);
  return e;
}

/** One jest test per case. */
export function barrage(title: string, cases: readonly Case[]): void {
  describe(title, () => {
    test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      expectRefused(c);
    });
  });
}

afterAll(() => {
  fs.rmSync(BASE, { recursive: true, force: true });
});

/**
 * The text a value is expected to appear as in a message: strings in double quotes, numbers and
 * booleans bare, lists and plain objects with their contents. (An independent reading of "as
 * given", not the library's printer.)
 */
export function asGiven(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(asGiven).join(', ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, x]) => `${k}: ${asGiven(x)}`).join(', ')} }`;
  }
  throw new Error(`asGiven: give the expected text of ${String(v)} explicitly`);
}

/** Pods `app=backend` in namespace `prod`. */
export const pods = () => EgressSource.pods({ namespace: 'prod', labels: { app: 'backend' } });

/** Count of every case registered through `count()`, checked by the floor test. */
export const COUNTS: Record<string, number> = {};

/** Register the cases of a file, for the total count. */
export function count(file: string, cases: readonly Case[]): readonly Case[] {
  COUNTS[file] = cases.length;
  return cases;
}
