import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { Destination, EgressSource } from '../../src';
import { labelsCompatible } from '../../src/core/names';
import { destinationsOverlap, goDuration, makeClusterScoped, sourcesOverlap, workloadOf } from '../../src/fixed-ip/private';
import { chart, deployment } from '../support/fixed-ip';

const d = (cidr: string, except: string[] = []) => (cidr.includes(':') ? Destination.ipv6(cidr, { except }) : Destination.ipv4(cidr, { except })).toConfig();

describe('fixed-ip helpers', () => {
  test('destinationsOverlap: nesting, disjoint blocks, families, except, "all"', () => {
    expect(destinationsOverlap([d('10.0.0.0/8')], [d('10.1.0.0/16')])).toBe(true);
    expect(destinationsOverlap([d('10.1.0.0/16')], [d('10.0.0.0/8')])).toBe(true);
    expect(destinationsOverlap([d('10.0.0.0/16')], [d('10.1.0.0/16')])).toBe(false);
    expect(destinationsOverlap([d('0.0.0.0/0')], [d('2001:db8::/32')])).toBe(false);
    expect(destinationsOverlap([d('10.0.0.0/8', ['10.1.0.0/16'])], [d('10.1.2.0/24')])).toBe(false);
    expect(destinationsOverlap([d('10.0.0.0/8', ['10.1.0.0/16'])], [d('10.2.0.0/24')])).toBe(true);
    expect(destinationsOverlap(undefined, [d('10.0.0.0/8')])).toBe(true);
    expect(destinationsOverlap([], undefined)).toBe(true);
    expect(destinationsOverlap([], [d('10.0.0.0/8')])).toBe(false);
  });

  test('destinationsOverlap is symmetric', () => {
    // small octet ranges, so that blocks overlap often
    const octet = fc.integer({ min: 0, max: 3 });
    const block = fc.tuple(octet, octet, octet, fc.constantFrom(8, 16, 24))
      .map(([a, b, c, p]) => (p === 8 ? `${a}.0.0.0/8` : p === 16 ? `${a}.${b}.0.0/16` : `${a}.${b}.${c}.0/24`));
    fc.assert(fc.property(fc.array(block, { maxLength: 4 }), fc.array(block, { maxLength: 4 }), (a, b) => {
      const [x, y] = [a.map((c) => d(c)), b.map((c) => d(c))];
      return destinationsOverlap(x, y) === destinationsOverlap(y, x);
    }));
  });

  test('labelsCompatible', () => {
    expect(labelsCompatible({ app: 'a' }, { tier: 'b' })).toBe(true);
    expect(labelsCompatible({ app: 'a' }, { app: 'a', tier: 'b' })).toBe(true);
    expect(labelsCompatible({ app: 'a' }, { app: 'b' })).toBe(false);
  });

  test('sourcesOverlap uses the exact pod labels of workloads', () => {
    const c = chart();
    const api = deployment(c, 'api', 'api');
    const pods = (labels: Record<string, string>, namespace = 'production') => EgressSource.pods({ namespace, labels });
    expect(sourcesOverlap(EgressSource.namespace('production'), pods({ app: 'x' }))).toBe(true);
    expect(sourcesOverlap(EgressSource.namespace('batch'), pods({ app: 'x' }))).toBe(false);
    expect(sourcesOverlap(pods({ app: 'x' }), pods({ tier: 'y' }))).toBe(true);
    expect(sourcesOverlap(pods({ app: 'x' }), pods({ app: 'y' }))).toBe(false);
    expect(sourcesOverlap(EgressSource.workload(api), pods({ app: 'api' }))).toBe(true);
    expect(sourcesOverlap(pods({ app: 'api' }), EgressSource.workload(api))).toBe(true);
    expect(sourcesOverlap(EgressSource.workload(api), pods({ tier: 'web' }))).toBe(false);
    expect(sourcesOverlap(EgressSource.workload(api), EgressSource.workload(deployment(c, 'other', 'other')))).toBe(false);
    expect(sourcesOverlap(EgressSource.workload(api), EgressSource.workload(api))).toBe(true);
  });

  test('workloadOf: the workload behind EgressSource.workload(), undefined for label and namespace sources', () => {
    const c = chart();
    const api = deployment(c, 'api', 'api');
    const w = workloadOf(EgressSource.workload(api));
    expect(w?.construct).toBe(api);
    expect([w?.kind, w?.path]).toEqual(['Deployment', api.node.path]);
    expect(workloadOf(EgressSource.namespace('x'))).toBeUndefined();
    expect(workloadOf(EgressSource.pods({ namespace: 'x', labels: { app: 'x' } }))).toBeUndefined();
  });

  test('goDuration', () => {
    expect(goDuration(Duration.minutes(10))).toBe('10m');
    expect(goDuration(Duration.seconds(330))).toBe('5m30s');
    expect(goDuration(Duration.seconds(3601))).toBe('1h1s');
    expect(goDuration(Duration.days(1))).toBe('24h');
  });

  test('makeClusterScoped removes the chart namespace only when there is one', () => {
    const withNs = new Chart(Testing.app(), 'c', { namespace: 'production' });
    const withoutNs = new Chart(Testing.app(), 'c');
    for (const c of [withNs, withoutNs]) {
      const obj = makeClusterScoped(new ApiObject(c, 'o', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }));
      expect(obj.toJson().metadata).toEqual({ name: 'x' });
    }
  });
});
