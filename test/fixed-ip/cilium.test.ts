import { Testing } from 'cdk8s';
import { Destination, EgressModel, EgressSource, EgressWarnings } from '../../src';
import { FixedEgressIp } from '../../src/constructs/fixed-egress-ip';
import { CiliumEgressGatewayValues } from '../../src/fixed-ip/cilium-values';
import { FixedEgressIpProvider } from '../../src/fixed-ip/fixed-egress-ip-provider';
import { CiliumFixedEgressIpOptions } from '../../src/fixed-ip/options';
import { chart, deployment, expectError } from '../support/fixed-ip';

const apiClient = () => EgressSource.pods({ namespace: 'production', labels: { app: 'api-client' } });
const build = (options: CiliumFixedEgressIpOptions, destinations = [Destination.ipv4('203.0.113.0/24')]) => {
  const c = chart();
  new FixedEgressIp(c, 'ip', { source: apiClient(), destinations, provider: FixedEgressIpProvider.cilium(options) });
  return Testing.synth(c)[0];
};

describe('FixedEgressIpProvider.cilium() | rendering', () => {
  test('several gateways: egressGateways, with egressGateway repeating the first (the CRD requires it)', () => {
    const cegp = build({
      gateways: [
        { nodeSelector: { 'egress-gateway': 'a' }, egressIp: '10.0.0.100' },
        { nodeSelector: { 'egress-gateway': 'b' }, egressInterface: 'eth1' },
      ],
    });
    expect(cegp).toMatchSnapshot();
    expect(cegp.spec.egressGateways).toEqual([
      { nodeSelector: { matchLabels: { 'egress-gateway': 'a' } }, egressIP: '10.0.0.100' },
      { nodeSelector: { matchLabels: { 'egress-gateway': 'b' } }, interface: 'eth1' },
    ]);
    expect(cegp.spec.egressGateway).toEqual(cegp.spec.egressGateways[0]);
  });

  test('no egressIp and no interface: the gateway uses its default-route address', () => {
    const c = chart();
    const ip = new FixedEgressIp(c, 'ip', {
      source: apiClient(),
      destinations: [Destination.ipv4('203.0.113.0/24')],
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' } }),
    });
    expect(Testing.synth(c)[0].spec.egressGateway).toEqual({ nodeSelector: { matchLabels: { 'egress-gateway': 'true' } } });
    expect(ip.egressIdentity).toBe('Cilium gateway node egress-gateway=true with its default-route address');
  });

  test('except blocks and excludedCidrs become excludedCIDRs, sorted and de-duplicated', () => {
    const cegp = build({ nodeSelector: { gw: 'a' }, excludedCidrs: ['198.51.100.128/25', '203.0.113.64/26'] }, [
      Destination.ipv4('203.0.113.0/24', { except: ['203.0.113.64/26'] }),
      Destination.ipv4('198.51.100.0/24'),
    ]);
    expect(cegp.spec.destinationCIDRs).toEqual(['203.0.113.0/24', '198.51.100.0/24']);
    expect(cegp.spec.excludedCIDRs).toEqual(['198.51.100.128/25', '203.0.113.64/26']);
  });

  test('IPv6 destinations work with an interface', () => {
    const cegp = build({ nodeSelector: { gw: 'a' }, egressInterface: 'eth1' }, [Destination.ipv4('203.0.113.0/24'), Destination.ipv6('2001:db8::/32')]);
    expect(cegp.spec.destinationCIDRs).toEqual(['203.0.113.0/24', '2001:db8::/32']);
  });

  test('several sources: one selector each, across namespaces; workload labels are resolved at synth', () => {
    const c = chart();
    const api = deployment(c, 'api', 'api');
    new FixedEgressIp(c, 'ip', {
      source: EgressSource.anyOf(EgressSource.namespace('batch'), EgressSource.workload(api)),
      destinations: [Destination.ipv4('203.0.113.0/24')],
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { gw: 'a' } }),
    });
    const [cegp] = Testing.synth(c).filter((m) => m.kind === 'CiliumEgressGatewayPolicy');
    expect(cegp.spec.selectors).toEqual([
      { podSelector: { matchLabels: { 'io.kubernetes.pod.namespace': 'batch' } } },
      { podSelector: { matchLabels: { 'io.kubernetes.pod.namespace': 'production', 'cdk8s.io/metadata.addr': expect.stringMatching(/^test-api-/) } } },
    ]);
  });

  test('several gateways: the no-HA warning says pods are pinned, not failed over', () => {
    const c = chart();
    new FixedEgressIp(c, 'ip', {
      source: apiClient(),
      destinations: [Destination.ipv4('203.0.113.0/24')],
      provider: FixedEgressIpProvider.cilium({ gateways: [{ nodeSelector: { gw: 'a' } }, { nodeSelector: { gw: 'b' } }] }),
    });
    const w = EgressWarnings.list(c).find((x) => x.id === 'cdk8s-egress:ciliumEgressNoHa');
    expect(w?.message).toMatch(/no failover: each pod is pinned to one of 2 gateways/);
  });
});

describe('FixedEgressIpProvider.cilium() | the declared Cilium release: egressGateways from 1.18', () => {
  const two = [{ nodeSelector: { gw: 'a' } }, { nodeSelector: { gw: 'b' } }];
  test('1.17: several gateways are refused with the alternative; one gateway is fine', () => {
    expectError(() => build({ gateways: two, version: '1.17' }), 'EGRESS_UNSUPPORTED_BY_BACKEND',
      /was given 2 gateways, but Cilium 1\.17 \(declared by FixedEgressIpProvider\.cilium\(\{ version \}\)\) has no egressGateways list: it arrived in 1\.18.*Give one gateway/);
    const cegp = build({ gateways: [{ nodeSelector: { gw: 'a' } }], version: '1.17' });
    expect(cegp.spec.egressGateways).toBeUndefined();
    expect(cegp.spec.egressGateway).toEqual({ nodeSelector: { matchLabels: { gw: 'a' } } });
  });

  test('1.18: the egressGateways list; the fixed-IP fact names the release', () => {
    const c = chart();
    const ip = new FixedEgressIp(c, 'ip', {
      source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24')], provider: FixedEgressIpProvider.cilium({ gateways: two, version: '1.18' }),
    });
    expect(Testing.synth(c)[0].spec.egressGateways).toHaveLength(2);
    expect(EgressModel.of(ip).facts()[0].summary).toMatch(/\(CiliumEgressGatewayPolicy for Cilium 1\.18\)$/);
  });
});

describe('FixedEgressIpProvider.cilium() | bad input fails with path, value and fix', () => {
  test('throws when egressIp and interface are both set (Cilium ignores such a policy)', () => expectError(
    () => build({ nodeSelector: { gw: 'a' }, egressIp: '10.0.0.100', egressInterface: 'eth1' }),
    'EGRESS_CONFLICTING_OPTIONS', /sets both egressIp "10.0.0.100" and egressInterface "eth1": Cilium silently ignores such a policy/));

  test('throws when a gateways entry sets both', () => expectError(
    () => build({ gateways: [{ nodeSelector: { gw: 'a' } }, { nodeSelector: { gw: 'b' }, egressIp: '10.0.0.1', egressInterface: 'eth0' }] }),
    'EGRESS_CONFLICTING_OPTIONS', /gateways\[1\] sets both egressIp/));

  test('throws on gateways together with nodeSelector (Cilium would ignore the single gateway)', () => expectError(
    () => build({ nodeSelector: { gw: 'a' }, gateways: [{ nodeSelector: { gw: 'b' } }] }),
    'EGRESS_CONFLICTING_OPTIONS', /both gateways and nodeSelector\/egressIp\/egressInterface: with a gateways list Cilium ignores the single gateway/));

  test('throws without a gateway node', () => expectError(
    () => build({ egressIp: '10.0.0.100' }),
    'EGRESS_EMPTY_SELECTOR', /needs the gateway node: pass nodeSelector/));

  test('throws on an empty gateways list', () => expectError(
    () => build({ gateways: [] }), 'EGRESS_EMPTY_SELECTOR', /empty gateways list/));

  test('throws on an empty nodeSelector (the first node by name would become the gateway)', () => expectError(
    () => build({ nodeSelector: {} }), 'EGRESS_EMPTY_SELECTOR', /nodeSelector of FixedEgressIpProvider.cilium\(\) is empty, which matches every node/));

  test('throws on an invalid node label', () => expectError(
    () => build({ nodeSelector: { gw: 'a b' } }), 'EGRESS_INVALID_LABEL', /Invalid label value "a b" for key "gw" in the nodeSelector/));

  test('throws on an egressIp with a mask, suggesting the address', () => expectError(
    () => build({ nodeSelector: { gw: 'a' }, egressIp: '10.0.0.100/32' }),
    'EGRESS_INVALID_CIDR', /Invalid egressIp "10.0.0.100\/32".*without a prefix length. Did you mean "10.0.0.100"\?/));

  test('throws on a malformed egressIp', () => expectError(
    () => build({ nodeSelector: { gw: 'a' }, egressIp: '10.0.0.300' }), 'EGRESS_INVALID_CIDR', /Invalid egressIp "10.0.0.300".*expected an IPv4 address/));

  test('throws on an IPv6 egressIp (IPv4 only in Cilium 1.19)', () => expectError(
    () => build({ nodeSelector: { gw: 'a' }, egressIp: '2001:db8::1' }),
    'EGRESS_UNSUPPORTED_BY_BACKEND', /egressIp "2001:db8::1".*is IPv6, but Cilium 1.19 accepts only IPv4 egress IPs. Use egressInterface/));

  test('throws on an IPv4 egressIp with IPv6 destinations', () => expectError(
    () => build({ nodeSelector: { gw: 'a' }, egressIp: '10.0.0.100' }, [Destination.ipv6('2001:db8::/32')]),
    'EGRESS_UNSUPPORTED_BY_BACKEND', /egressIp 10.0.0.100 is IPv4, but destination 2001:db8::\/32 is IPv6.*Use egressInterface/));

  test('throws on an invalid interface name', () => expectError(
    () => build({ nodeSelector: { gw: 'a' }, egressInterface: 'a-very-long-interface-name' }),
    'EGRESS_INVALID_NAME', /Invalid interface "a-very-long-interface-name".*1-15 characters/));

  test('throws on a repeated gateway', () => expectError(
    () => build({ gateways: [{ nodeSelector: { gw: 'a' } }, { nodeSelector: { gw: 'a' } }] }),
    'EGRESS_CONFLICTING_OPTIONS', /gateways\[1\] repeats an earlier gateway \(node gw=a with its default-route address\)/));

  test('throws on an excluded CIDR outside every destination (Cilium would ignore it)', () => expectError(
    () => build({ nodeSelector: { gw: 'a' }, excludedCidrs: ['198.51.100.0/24'] }),
    'EGRESS_INVALID_EXCEPT', /Excluded CIDR 198.51.100.0\/24 is not inside any destination \(203.0.113.0\/24\), so Cilium would ignore it/));

  test('throws on a block that is both a destination and excluded (Cilium applies the exclusion)', () => expectError(
    () => build({ nodeSelector: { gw: 'a' } }, [Destination.ipv4('203.0.113.0/24', { except: ['203.0.113.0/28'] }), Destination.ipv4('203.0.113.0/28')]),
    'EGRESS_CONFLICTING_OPTIONS', /203.0.113.0\/28 is both a destination and an excluded block.*would not get the fixed address/));

  test('throws on an invalid excluded CIDR', () => expectError(
    () => build({ nodeSelector: { gw: 'a' }, excludedCidrs: ['203.0.113.5/24'] }),
    'EGRESS_INVALID_CIDR', /Invalid CIDR in excludedCidrs.*host bits set.*Did you mean "203.0.113.0\/24"\?/));

  test('throws when the pod selector uses the reserved namespace label', () => {
    const c = chart();
    new FixedEgressIp(c, 'ip', {
      source: EgressSource.pods({ namespace: 'production', labels: { 'io.kubernetes.pod.namespace': 'other' } }),
      destinations: [Destination.ipv4('203.0.113.0/24')],
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { gw: 'a' } }),
    });
    expect(() => Testing.synth(c)).toThrow(/\[test\/ip\] The source pods in namespace production are selected with label io.kubernetes.pod.namespace=other, which Cilium reserves.*EGRESS_INVALID_LABEL/);
  });

  test('throws when one provider is used twice', () => {
    const c = chart();
    const provider = FixedEgressIpProvider.cilium({ nodeSelector: { gw: 'a' } });
    new FixedEgressIp(c, 'first', { source: apiClient(), destinations: [Destination.ipv4('203.0.113.0/24')], provider });
    expectError(() => new FixedEgressIp(c, 'ip', { source: apiClient(), destinations: [Destination.ipv4('198.51.100.0/24')], provider }),
      'EGRESS_CONFLICTING_OPTIONS', /already configures another FixedEgressIp: create one provider per FixedEgressIp/);
  });
});

describe('CiliumEgressGatewayValues', () => {
  test('the seed cilium-egress ConfigMap, with the values the egress gateway needs', () => {
    const c = chart();
    const values = new CiliumEgressGatewayValues(c, 'values');
    const [cm] = Testing.synth(c);
    expect(cm).toMatchSnapshot();
    expect(cm.kind).toBe('ConfigMap');
    expect(cm.metadata).toEqual({ name: 'cilium-egress' });
    expect(cm.data).toEqual({
      'values.yaml': 'egressGateway:\n  enabled: true\nbpf:\n  masquerade: true\nkubeProxyReplacement: true\n',
    });
    expect(values.valuesYaml).toBe(cm.data['values.yaml']);
    // the emitted object is a plain ApiObject (no generated type in the public API)
    expect(values.apiObjects.map((o) => `${o.apiVersion}/${o.kind}/${o.name}`)).toEqual(['v1/ConfigMap/cilium-egress']);
  });

  test('namespace, key and API server endpoint', () => {
    const c = chart('flux-system');
    new CiliumEgressGatewayValues(c, 'values', { name: 'cilium-values', valuesKey: 'egress.yaml', k8sServiceHost: 'api.example.internal', k8sServicePort: 6443 });
    const [cm] = Testing.synth(c);
    expect(cm.metadata).toEqual({ name: 'cilium-values', namespace: 'flux-system' });
    expect(cm.data['egress.yaml']).toBe('egressGateway:\n  enabled: true\nbpf:\n  masquerade: true\nkubeProxyReplacement: true\nk8sServiceHost: api.example.internal\nk8sServicePort: 6443\n');
  });

  test('throws on bad input', () => {
    expectError(() => new CiliumEgressGatewayValues(chart(), 'v', { valuesKey: 'values yaml' }), 'EGRESS_INVALID_NAME', /Invalid valuesKey "values yaml"/, 'test/v');
    expectError(() => new CiliumEgressGatewayValues(chart(), 'v', { name: 'Cilium' }), 'EGRESS_INVALID_NAME', /Invalid object name "Cilium".*Did you mean "cilium"/, 'test/v');
    expectError(() => new CiliumEgressGatewayValues(chart(), 'v', { namespace: 'Kube System' }), 'EGRESS_INVALID_NAME', /Invalid namespace "Kube System"/, 'test/v');
    expectError(() => new CiliumEgressGatewayValues(chart(), 'v', { k8sServicePort: 0 }), 'EGRESS_INVALID_PORT', /Invalid k8sServicePort 0/, 'test/v');
  });
});
