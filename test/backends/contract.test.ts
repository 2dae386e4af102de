import { ApiObject, Testing } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  BackendVersion, Capability, Destination, EgressBackendBase, EgressModel, EgressPolicy, EgressSource, EnforcementLayer, EnforcementSemantics,
  IEgressBackend, IEgressPolicyDefinition, Port, ProbePod, Protocol,
} from '../../src';
import { chart, expectEgressError, renderAsConfigMap } from '../support/helpers';

/** A backend of a third party that implements the contract without the base class (as another jsii language may). */
class ConfigMapBackend implements IEgressBackend {
  public readonly id = 'config-map';
  public readonly displayName = 'ConfigMap test backend';
  public readonly capabilities = [Capability.POD_SELECTOR, Capability.CIDR];
  public constructor(public readonly semantics: EnforcementSemantics) {}
  public supports(capability: Capability): boolean {
    return this.capabilities.includes(capability);
  }
  public meshVisibleNamespaces(_scope: IConstruct, _namespace: string): string[] {
    return [];
  }
  public targetVersion(_scope: IConstruct): BackendVersion | undefined {
    return { version: '2.1', declaredBy: 'the test' };
  }
  public renderPolicy(scope: Construct, id: string, policy: IEgressPolicyDefinition): ApiObject[] {
    return renderAsConfigMap(scope, id, policy);
  }
}

const source = () => EgressSource.pods({ namespace: 'production', labels: { app: 'api' } });
const api = { namespace: 'production', labels: { app: 'api' } };
const web = { namespace: 'production', labels: { app: 'web' } };

describe('the backend contract', () => {
  test('a backend that implements IEgressBackend without the base class renders, and its semantics are copied whole into the model', () => {
    const c = chart();
    // controlsDns: false — the pods need no DNS path from this backend's policies
    const semantics: EnforcementSemantics = { controlsDns: false, wholeNamespace: true, protocols: [Protocol.TCP], cidrMatchesPods: false };
    new EgressPolicy(c, 'p', { source: source(), dns: [], backends: [new ConfigMapBackend(semantics)] }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    const [policy] = EgressModel.of(c).policies();
    expect(policy).toMatchObject({ backend: 'config-map', semantics, backendVersion: { version: '2.1', declaredBy: 'the test' } });
    // a copy: the backend's own declaration is not shared with the model
    expect(policy.semantics).not.toBe(semantics);
    expect(policy.semantics.protocols).not.toBe(semantics.protocols);
    expect(Testing.synth(c).map((m) => m.kind)).toEqual(['ConfigMap']);
  });

  test('the model reads each field of the declared semantics', () => {
    const check = (semantics: EnforcementSemantics, from: ProbePod, to: object, protocol = Protocol.TCP) => {
      const c = chart();
      new EgressPolicy(c, 'p', { source: source(), dns: [], backends: [new ConfigMapBackend(semantics)] }).allow(Destination.ipv4('10.0.0.0/8'), Port.tcp(443));
      return EgressModel.of(c).check({ from, ...to, port: 443, protocol });
    };
    const toIp = { toIp: '10.1.1.1' };
    const toPod = { toPod: { namespace: 'data', labels: { app: 'db' }, ip: '10.1.2.3' } };
    // NetworkPolicy semantics: only the selected pods are isolated, on every protocol; a block matches a pod
    expect([check({}, api, toIp).allowed, check({}, web, toIp).isolated, check({}, api, toIp, Protocol.UDP).isolated, check({}, api, toPod).allowed])
      .toEqual([true, false, true, true]);
    // wholeNamespace: the other pods of the namespace are isolated too
    expect(check({ wholeNamespace: true }, web, toIp)).toMatchObject({ isolated: true, allowed: true });
    // protocols: UDP is not the policy's business
    expect(check({ protocols: [Protocol.TCP] }, api, toIp, Protocol.UDP).isolated).toBe(false);
    // isolates: false isolates nothing
    expect(check({ isolates: false }, api, { toIp: '192.0.2.1' })).toMatchObject({ isolated: false, allowed: true });
    // cidrMatchesPods: false: the block no longer matches the pod, still the address
    expect([check({ cidrMatchesPods: false }, api, toPod).allowed, check({ cidrMatchesPods: false }, api, toIp).allowed]).toEqual([false, true]);
    // layer: a mesh policy is judged by the mesh layer
    expect(check({ layer: EnforcementLayer.MESH }, api, { toIp: '192.0.2.1' }).decidingLayer?.layer).toBe(EnforcementLayer.MESH);
  });

  test('controlsDns: false means the backend\'s policies need no DNS path (and give none)', () => {
    const synthWith = (semantics: EnforcementSemantics) => {
      const c = chart();
      new EgressPolicy(c, 'p', { source: source(), dns: [], backends: [new ConfigMapBackend(semantics)] }).allow(Destination.ipv4('10.0.0.0/8'), Port.HTTPS);
      return () => Testing.synth(c);
    };
    expect(synthWith({})).toThrow(/has no DNS path.*EGRESS_DNS_PATH_MISSING/);
    expect(synthWith({ controlsDns: false })).not.toThrow();
  });

  test('a base-class backend gets NetworkPolicy semantics unless it declares otherwise', () => {
    class Plain extends EgressBackendBase {
      public readonly id = 'plain';
      public readonly displayName = 'Plain';
      public readonly capabilities = [Capability.CIDR];
      public renderPolicy(scope: Construct, id: string): ApiObject[] {
        return [new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap' })];
      }
    }
    const b = new Plain();
    expect([b.semantics, b.supports(Capability.CIDR), b.supports(Capability.FQDN), b.targetVersion(chart()), b.meshVisibleNamespaces(chart(), 'x')])
      .toEqual([{}, true, false, undefined, []]);
  });

  test('an object that does not implement the contract is refused, named as an EgressBackend', () => {
    expectEgressError(() => new EgressPolicy(chart(), 'p', { source: source(), backends: [{ id: 'x', capabilities: [] } as never] }),
      'EGRESS_INVALID_ARGUMENT', 'test/p', /backends\[0\] must be an EgressBackend, e\.g\. EgressBackend\.kubernetes\(\), got \{ id: "x", capabilities: \[\] \}/);
  });
});
