import * as fc from 'fast-check';
import { Destination, DestinationKind } from '../../src';

const messages = (d: Destination) => d._problems().map((p) => p.message);

describe('Destination', () => {
  test('pods in the source namespace, a named namespace or namespaces by labels', () => {
    expect(Destination.pods({ labels: { b: '2', a: '1' } }).toConfig()).toEqual({ kind: DestinationKind.PODS, podLabels: { a: '1', b: '2' } });
    expect(Destination.pods({ labels: { app: 'db' }, namespace: 'data' }).toConfig()).toEqual({ kind: 'Pods', podLabels: { app: 'db' }, namespace: 'data' });
    expect(Destination.namespace('data').toConfig()).toEqual({ kind: 'Pods', namespace: 'data' });
    expect(Destination.namespacesWithLabels({ team: 'x' }).toConfig()).toEqual({ kind: 'Pods', namespaceLabels: { team: 'x' } });
    expect(Destination.pods({ labels: { app: 'db' } }).toString()).toBe('pods app=db in the source namespace');
  });

  test('a destination is a value: its config is computed once and cannot be changed', () => {
    for (const d of [Destination.ipv4('203.0.113.0/24', { except: ['203.0.113.0/28'] }), Destination.pods({ labels: { app: 'db' }, namespaceLabels: { team: 'a' } }), Destination.fqdn('api.example.com')]) {
      const config = d.toConfig();
      expect(d.toConfig()).toBe(config);
      expect(Object.isFrozen(config)).toBe(true);
      expect(() => { (config as { kind: string }).kind = 'Other'; }).toThrow(TypeError);
      for (const v of Object.values(config)) if (typeof v === 'object') expect(Object.isFrozen(v)).toBe(true);
    }
  });

  test('CIDRs are canonicalized with sorted, de-duplicated exceptions', () => {
    expect(Destination.ipv4('10.0.0.0/8', { except: ['10.2.0.0/16', '10.1.0.0/16', '10.2.0.0/16'] }).toConfig())
      .toEqual({ kind: 'Cidr', cidr: '10.0.0.0/8', ipFamily: 4, except: ['10.1.0.0/16', '10.2.0.0/16'] });
    expect(Destination.ipv6('2001:DB8::/32').toConfig()).toMatchObject({ cidr: '2001:db8::/32', ipFamily: 6 });
    expect(Destination.anyIpv4().toConfig().cidr).toBe('0.0.0.0/0');
    expect(Destination.anyIpv6().toConfig().cidr).toBe('::/0');
  });

  test('invalid CIDRs name the value and the fix', () => {
    expect(messages(Destination.ipv4('203.0.113.7'))).toEqual(['Invalid CIDR in Destination.ipv4(): "203.0.113.7" has no prefix length (mask). Did you mean "203.0.113.7/32"?']);
    expect(messages(Destination.ipv6('2001:db8::1'))[0]).toMatch(/Did you mean "2001:db8::1\/128"\?/);
    expect(messages(Destination.ipv4('2001:db8::/32'))[0]).toMatch(/IPv6 block where an IPv4 block was expected/);
    expect(messages(Destination.ipv4('10.0.0.0/40'))[0]).toMatch(/invalid prefix length "\/40"/);
    expect(messages(Destination.ipv4('10.0.0.5/24'))[0]).toMatch(/host bits set.*Did you mean "10.0.0.0\/24"/);
  });

  test('a destination keeps its own copy of the exceptions it was given', () => {
    const except = ['10.1.0.0/16'];
    const d = Destination.ipv4('10.0.0.0/8', { except });
    except.push('10.2.0.0/16');
    expect(d.toConfig().except).toEqual(['10.1.0.0/16']);
    expect(d.toString()).toBe('10.0.0.0/8 except 10.1.0.0/16');
    expect(Destination.ipv4('10.0.0.0/8', { except: [] }).toConfig()).toEqual({ kind: 'Cidr', cidr: '10.0.0.0/8', ipFamily: 4 });
  });

  test('except must be a strict subset of the CIDR', () => {
    expect(messages(Destination.ipv4('10.0.0.0/8', { except: ['192.168.0.0/16'] }))[0]).toMatch(/Invalid except "192.168.0.0\/16" for 10.0.0.0\/8: each exception must be a strict subset/);
    expect(messages(Destination.ipv4('10.0.0.0/8', { except: ['10.0.0.0/8'] }))).toHaveLength(1);
    expect(messages(Destination.ipv4('10.0.0.0/8', { except: ['10.0.0.1'] }))[0]).toMatch(/Did you mean "10.0.0.1\/32"/);
    expect(messages(Destination.ipv4('10.0.0.0/8', { except: ['10.1.0.0/16'] }))).toEqual([]);
  });

  test('empty selectors that would widen the policy are refused', () => {
    expect(messages(Destination.pods({ labels: {} }))[0]).toMatch(/empty labels, which would select every pod/);
    expect(messages(Destination.namespacesWithLabels({}))[0]).toMatch(/select every namespace of the cluster \(namespaceSelector: \{\}\)/);
    expect(messages(Destination.pods({ labels: { a: 'b' }, namespace: 'x', namespaceLabels: { c: 'd' } }))[0]).toMatch(/both namespace and namespaceLabels/);
  });

  test('invalid labels and namespaces', () => {
    expect(messages(Destination.pods({ labels: { 'bad key!': 'x' } }))[0]).toMatch(/Invalid label key "bad key!"/);
    expect(messages(Destination.pods({ labels: { app: 'has space' } }))[0]).toMatch(/Invalid label value "has space" for key "app"/);
    expect(messages(Destination.pods({ labels: { 'Example.com/app': 'x' } }))[0]).toMatch(/prefix "Example.com" must be a DNS-1123 subdomain/);
    expect(messages(Destination.namespace('Prod_NS'))[0]).toMatch(/Invalid destination namespace "Prod_NS".*Did you mean "prod-ns"\?/);
    expect(messages(Destination.pods({ labels: { 'example.com/app': 'x', 'app': '' } }))).toEqual([]);
  });

  test('hostnames and patterns', () => {
    expect(Destination.fqdn('api.github.com').toConfig()).toEqual({ kind: 'Fqdn', hostname: 'api.github.com' });
    expect(Destination.fqdnPattern('*.googleapis.com').toConfig()).toEqual({ kind: 'FqdnPattern', hostname: '*.googleapis.com' });
    expect(messages(Destination.fqdn('API.GitHub.com.'))[0]).toMatch(/Did you mean "api.github.com"\?/);
    expect(messages(Destination.fqdn('*.github.com'))[0]).toMatch(/Use Destination.fqdnPattern\("\*.github.com"\)/);
    expect(messages(Destination.fqdnPattern('api.*.com'))[0]).toMatch(/only one leading wildcard label/);
    expect(messages(Destination.fqdnPattern('github.com'))[0]).toMatch(/Did you mean Destination.fqdn\("github.com"\)/);
    expect(messages(Destination.fqdn('localhost'))[0]).toMatch(/expected a fully qualified name/);
    expect(messages(Destination.fqdn('10.0.0.1'))[0]).toMatch(/For an IP address use Destination.ipv4/);
    expect(messages(Destination.fqdn('-bad.example.com'))).toHaveLength(1);
  });

  test('a wildcard alone gets no broken suggestion', () => {
    const [pattern] = messages(Destination.fqdnPattern('*'));
    expect(pattern).toMatch(/A wildcard alone would match every hostname: list the services' hostnames or their domains/);
    expect(pattern).not.toMatch(/"\*\."/);
    const [exact] = messages(Destination.fqdn('*'));
    expect(exact).toMatch(/A wildcard alone would match every hostname/);
    expect(exact).not.toMatch(/fqdnPattern\("\*\."\)/);
  });

  test('every subdomain at any depth', () => {
    // GIVEN a domain
    const d = Destination.anySubdomainOf('googleapis.com');
    // THEN it is its own kind, written as the *. host that Istio, Envoy and Calico read as a suffix
    expect(d.toConfig()).toEqual({ kind: 'FqdnSuffix', hostname: '*.googleapis.com' });
    expect(d.toString()).toBe('*.googleapis.com (any depth)');
    expect(messages(d)).toEqual([]);
    // AND bad input names the factory and the fix
    expect(messages(Destination.anySubdomainOf('*.googleapis.com'))[0]).toMatch(/Destination.anySubdomainOf\(\): no wildcard is needed. Pass the domain alone: Destination.anySubdomainOf\("googleapis.com"\)/);
    expect(messages(Destination.anySubdomainOf('com'))[0]).toMatch(/at least two labels.*top-level domain/);
    expect(messages(Destination.anySubdomainOf('GoogleAPIs.com.'))[0]).toMatch(/Did you mean "googleapis.com"\?/);
  });

  test('API server with and without endpoints', () => {
    expect(Destination.kubeApiServer().toConfig()).toEqual({ kind: 'KubeApiServer' });
    expect(Destination.kubeApiServer({ endpoints: ['10.0.0.2/32', '10.0.0.1/32'] }).toConfig()).toEqual({ kind: 'KubeApiServer', apiServerCidrs: ['10.0.0.1/32', '10.0.0.2/32'] });
    expect(messages(Destination.kubeApiServer({ endpoints: ['10.0.0.1'] }))[0]).toMatch(/Did you mean "10.0.0.1\/32"/);
    expect(messages(Destination.kubeApiServer({ endpoints: ['0.0.0.0/0'] }))[0]).toMatch(/covers every address/);
    expect(messages(Destination.kubeApiServer({ endpoints: [] }))[0]).toMatch(/empty endpoints list/);
  });

  test('property: valid label values round-trip, invalid ones are reported', () => {
    const valid = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/);
    fc.assert(fc.property(valid, (v) => {
      expect(messages(Destination.pods({ labels: { app: v } }))).toEqual([]);
      expect(Destination.pods({ labels: { app: v } }).toConfig().podLabels).toEqual({ app: v });
    }));
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 80 }).filter((s) => !/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(s) || s.length > 63), (v) => {
      expect(messages(Destination.pods({ labels: { app: v } })).length).toBeGreaterThan(0);
    }));
  });
});
