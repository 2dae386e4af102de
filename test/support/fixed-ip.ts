// Shared helpers of the FixedEgressIp tests.
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { expectEgressError } from './helpers';

// Warnings are asserted through EgressWarnings.list(); keep synth quiet.
process.env.CDK8S_EGRESS_QUIET = '1';

/** A chart in a fresh app, optionally with a namespace. */
export function chart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', namespace ? { namespace } : {});
}

/** Assert an EgressError with code, construct path and message. */
export function expectError(fn: () => unknown, code: string, message: RegExp, path = 'test/ip'): void {
  expectEgressError(fn, code, path, message);
}

/** Assert that `Testing.synth(c)` fails validation with every message matching. */
export function expectSynthError(c: Chart, ...messages: RegExp[]): void {
  let err: unknown;
  try {
    Testing.synth(c);
  } catch (e) {
    err = e;
  }
  expect(err).toBeDefined();
  for (const m of messages) expect((err as Error).message).toMatch(m);
}

/** A Deployment in `production` with an `app` label. */
export function deployment(c: Chart, id: string, app: string, props: Partial<kplus.DeploymentProps> = {}): kplus.Deployment {
  return new kplus.Deployment(c, id, {
    metadata: { namespace: 'production' },
    podMetadata: { labels: { app } },
    containers: [{ image: `example/${app}:1` }],
    ...props,
  });
}

/** A StatefulSet in `production` with an `app` label and its headless Service. */
export function statefulSet(c: Chart, id: string, app: string, replicas?: number): kplus.StatefulSet {
  const service = new kplus.Service(c, `${id}-svc`, { metadata: { namespace: 'production' }, ports: [{ port: 8080 }], clusterIP: 'None' });
  return new kplus.StatefulSet(c, id, {
    metadata: { namespace: 'production' },
    podMetadata: { labels: { app } },
    containers: [{ image: `example/${app}:1` }],
    service,
    ...(replicas !== undefined ? { replicas } : {}),
  });
}
