import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { EgressSource } from '../../src';

describe('EgressSource', () => {
  test('pods and namespace', () => {
    expect(EgressSource.pods({ namespace: 'prod', labels: { z: '1', app: 'api' } }).toConfig()).toEqual({ namespace: 'prod', podLabels: { app: 'api', z: '1' } });
    expect(EgressSource.namespace('prod').toConfig()).toEqual({ namespace: 'prod' });
    expect(EgressSource.namespace('prod').describe()).toBe('every pod in namespace prod');
  });

  test('empty labels, bad namespace and bad labels are reported', () => {
    expect(EgressSource.pods({ namespace: 'prod', labels: {} })._problems()[0].message).toMatch(/empty labels, which would select every pod of namespace "prod".*EgressSource.namespace\('prod'\)/);
    expect(EgressSource.namespace('Prod')._problems()[0].message).toMatch(/Invalid namespace in EgressSource.namespace\(\) "Prod".*Did you mean "prod"/);
    expect(EgressSource.pods({ namespace: 'prod', labels: { app: 'x y' } })._problems()[0].message).toMatch(/Invalid label value "x y"/);
  });

  test('a cdk8s-plus-30 workload is selected by its match labels in its namespace', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    const dep = new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx' }] });
    const src = EgressSource.workload(dep);
    expect(src._problems()).toEqual([]);
    const config = src.toConfig();
    expect(config.namespace).toBe('shop');
    expect(config.podLabels).toEqual(dep.matchLabels);
    expect(Object.keys(config.podLabels!)).toContain('cdk8s.io/metadata.addr');
    const explicit = new kplus.Deployment(chart, 'api', { metadata: { namespace: 'other' }, select: false, containers: [{ image: 'x' }] });
    explicit.select(kplus.LabelSelector.of({ labels: { app: 'api' } }));
    expect(EgressSource.workload(explicit).toConfig()).toEqual({ namespace: 'other', podLabels: { app: 'api' } });
  });

  test('a workload without namespace, labels, or with expressions is refused', () => {
    const chart = new Chart(Testing.app(), 'c');
    const dep = new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx' }] });
    expect(EgressSource.workload(dep)._problems()[0].message).toMatch(/has no namespace: set metadata.namespace on the workload or namespace on its Chart/);
    const bare = new kplus.Deployment(chart, 'bare', { metadata: { namespace: 'n' }, select: false, containers: [{ image: 'x' }] });
    expect(EgressSource.workload(bare)._problems().map((p) => p.message).join()).toMatch(/has no match labels/);
    const expr = new kplus.Deployment(chart, 'expr', { metadata: { namespace: 'n' }, containers: [{ image: 'x' }] });
    expr.select(kplus.LabelSelector.of({ expressions: [kplus.LabelExpression.exists('tier')] }));
    expect(EgressSource.workload(expr)._problems().map((p) => p.message).join()).toMatch(/match expressions/);
  });
});
