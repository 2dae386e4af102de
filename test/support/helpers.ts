import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Lazy, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { expectValidManifests } from './schema';
import { IEgressPolicyDefinition, egressErrorCode, isEgressError } from '../../src';

/** A fresh chart in a fresh app. */
export function chart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', namespace ? { namespace } : {});
}

/** Synthesized manifests of a chart (plain objects), each checked against its pinned schema. */
export function synth(c: Chart): any[] {
  const manifests = Testing.synth(c);
  expectValidManifests(manifests);
  return manifests;
}

/** The objects of a given kind. */
export function ofKind(manifests: any[], kind: string): any[] {
  return manifests.filter((m) => m.kind === kind);
}

/** Run a full `app.synth()` into a temp dir (runs validations); returns the dir. */
export function synthApp(app: App): string {
  app.synth();
  return (app as any).outdir;
}

/** A new App writing into a fresh temp dir. */
export function tempApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-egress-test-')) });
}

/** The files an app wrote, relative to its outdir. */
export function writtenFiles(app: App): string[] {
  const dir = app.outdir;
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/**
 * Assert that `fn` throws an EgressError with `code`, located at construct `path`, whose message
 * matches `message` (the value and the fix).
 */
export function expectEgressError(fn: () => unknown, code: string, constructPath: string, message: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeDefined();
  expect((err as Error).message).toMatch(message);
  expect(isEgressError(err)).toBe(true);
  expect(egressErrorCode(err)).toBe(code);
  expect((err as Error).message.startsWith(`[${constructPath}] `)).toBe(true);
}

/**
 * A test backend's rendering: one ConfigMap holding the policy's rules, resolved at synth (for
 * backends of a third party that the tests build against the contract).
 */
export function renderAsConfigMap(scope: Construct, id: string, policy: IEgressPolicyDefinition): ApiObject[] {
  return [new ApiObject(scope, id, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: policy.metadata.namespace },
    data: Lazy.any({ produce: () => ({ rules: JSON.stringify(policy.resolve().rules) }) }),
  })];
}
