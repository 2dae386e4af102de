import { DestinationKind, GrantPurpose, ModelPolicy, ProbePod, Protocol } from '../../src';
import { checkProbe, destinationMatches, selectsProbe } from '../../src/model/matching';

const policy = (over: Partial<ModelPolicy> = {}): ModelPolicy => ({
  constructPath: 'test/p',
  backend: 'kubernetes',
  objectRef: 'NetworkPolicy/production/p',
  purpose: GrantPurpose.ALLOW,
  source: { namespace: 'production', podLabels: { app: 'api' } },
  rules: [{ destinations: [{ kind: DestinationKind.CIDR, cidr: '10.0.0.0/8', except: ['10.9.0.0/16'] }], ports: [{ protocol: Protocol.TCP, port: 443 }] }],
  providesDns: false,
  semantics: {},
  ...over,
});
const api: ProbePod = { namespace: 'production', labels: { app: 'api', tier: 'web' } };
const web: ProbePod = { namespace: 'production', labels: { app: 'web' } };

describe('matching: a policy selects the sending pod, a rule matches the connection', () => {
  test('a policy selects the pods its source selects, on every protocol, unless its semantics say otherwise', () => {
    const probe = (from: ProbePod, protocol = Protocol.TCP) => ({ from, toIp: '10.1.1.1', port: 443, protocol });
    expect([selectsProbe(policy(), probe(api)), selectsProbe(policy(), probe(web)), selectsProbe(policy(), probe(api, Protocol.SCTP))])
      .toEqual([true, false, true]);
    expect(selectsProbe(policy({ semantics: { wholeNamespace: true } }), probe(web))).toBe(true);
    expect(selectsProbe(policy({ semantics: { protocols: [Protocol.TCP] } }), probe(api, Protocol.UDP))).toBe(false);
    expect(selectsProbe(policy({ semantics: { isolates: false } }), probe(api))).toBe(false);
  });

  test('an address block matches an address in it and not in its except; a pod by its IP unless blocks never match pods', () => {
    const [d] = policy().rules[0].destinations;
    const probe = (to: object) => ({ from: api, ...to, port: 443, protocol: Protocol.TCP });
    expect([destinationMatches(d, 'production', probe({ toIp: '10.1.1.1' })), destinationMatches(d, 'production', probe({ toIp: '10.9.1.1' }))]).toEqual([true, false]);
    const toPod = { toPod: { namespace: 'data', labels: {}, ip: '10.1.2.3' } };
    expect([destinationMatches(d, 'production', probe(toPod)), destinationMatches(d, 'production', probe(toPod), false)]).toEqual([true, false]);
    // a hostname resolves to addresses the model does not know: only a whole family covers it
    expect(destinationMatches(d, 'production', probe({ toHostname: 'api.example.com' }))).toBe(false);
    expect(destinationMatches({ kind: DestinationKind.CIDR, cidr: '0.0.0.0/0' }, 'production', probe({ toHostname: 'api.example.com' }))).toBe(true);
  });

  test('a pod destination without namespace means the policy\'s own namespace', () => {
    const d = { kind: DestinationKind.PODS, podLabels: { app: 'db' } };
    const probe = (namespace: string) => ({ from: api, toPod: { namespace, labels: { app: 'db' } }, port: 5432, protocol: Protocol.TCP });
    expect([destinationMatches(d, 'production', probe('production')), destinationMatches(d, 'production', probe('data'))]).toEqual([true, false]);
  });

  test('checkProbe: NetworkPolicy union semantics over the selecting policies', () => {
    const other = policy({ objectRef: 'NetworkPolicy/production/q', rules: [] });
    const probe = (from: ProbePod, port: number) => ({ from, toIp: '10.1.1.1', port, protocol: Protocol.TCP });
    expect(checkProbe([policy(), other], probe(api, 443))).toEqual({ allowed: true, isolated: true, allowedBy: ['NetworkPolicy/production/p'] });
    expect(checkProbe([policy(), other], probe(api, 80))).toEqual({ allowed: false, isolated: true, allowedBy: [] });
    expect(checkProbe([policy(), other], probe(web, 80))).toEqual({ allowed: true, isolated: false, allowedBy: [] });
  });
});
