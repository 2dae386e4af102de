import { App, Chart } from 'cdk8s';
import { Construct, Node } from 'constructs';
import { DnsEgressRule, EgressErrors, EgressPolicy, EgressSource, egressErrorCode } from '../../src';

const dns = (c: Chart) => new DnsEgressRule(c, 'dns', { source: EgressSource.namespace('prod') });

describe('cdk8s-egress: context set too late', () => {
  test('refused with an EgressError also when called the way the jsii kernel calls it (through the constructor prototype)', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    dns(chart);
    const node = chart.node as unknown as { constructor: { prototype: { setContext: (k: string, v: unknown) => void } } };
    let err: unknown;
    try {
      node.constructor.prototype.setContext.call(chart.node, 'cdk8s-egress:nodeLocalDnsCache', true);
    } catch (e) {
      err = e;
    }
    expect(egressErrorCode(err)).toBe('EGRESS_INVALID_CONTEXT');
    expect((err as Error).message).toMatch(/^\[c\] The cdk8s-egress:nodeLocalDnsCache context is set too late: c already has children \(dns\)/);
  });

  test('other keys keep constructs\' own behaviour; the node stays a constructs Node with its jsii type', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    dns(chart);
    expect(() => chart.node.setContext('my-key', 1)).toThrow(/^Cannot set context after children have been added: dns$/);
    expect(chart.node).toBeInstanceOf(Node);
    const rtti = (chart.node.constructor as unknown as Record<symbol, { fqn: string }>)[Symbol.for('jsii.rtti')];
    expect(rtti.fqn).toBe('constructs.Node');
    // a node without children still takes context, library keys included
    const fresh = new Construct(chart, 'fresh');
    fresh.node.setContext('cdk8s-egress:nodeLocalDnsCache', true);
    expect(fresh.node.tryGetContext('cdk8s-egress:nodeLocalDnsCache')).toBe(true);
  });

  test('a value set early is read; the App\'s own error of app.synth() gives its code, as other languages read it', () => {
    const app = new App();
    app.node.setContext('cdk8s-egress:nodeLocalDnsCache', true);
    const chart = new Chart(app, 'c');
    new EgressPolicy(chart, 'p', { source: EgressSource.pods({ namespace: 'prod', labels: { app: 'x' } }), dns: [] });
    let err: unknown;
    try {
      app.synthYaml();
    } catch (e) {
      err = e;
    }
    // jsii hands a method's plain Error to Python, Java and Go as String(error): "Error: Validation failed ..."
    expect(String(err)).toMatch(/^Error: Validation failed with the following errors:\n/);
    expect(EgressErrors.codeOfMessage(String(err))).toBe('EGRESS_DNS_PATH_MISSING');
  });
});
