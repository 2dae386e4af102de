import { Construct } from 'constructs';
import { Destination, EgressBackend, EgressGateway, EgressGatewayProps, EgressSource, HttpRule, Port } from '../../src';
import { chart, expectEgressError as expectError } from '../support/helpers';

// HttpRule values, checked where a route uses them (moved from test/constructs/egress-gateway.test.ts
// to mirror src/gateway/http-rule.ts).
const gateway = (c: Construct, props: EgressGatewayProps = {}) => new EgressGateway(c, 'gw', {
  name: 'egress-gateway',
  gatewayBackends: [EgressBackend.cilium()],
  ...props,
});
const src = () => EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });
const host = () => [Destination.fqdn('api.external.com')];

describe('HttpRule | bad rules fail with the route\'s path, the value and the fix', () => {
  test('toString shows methods and paths, * for every one', () => {
    expect(HttpRule.get('/a', '/b').toString()).toBe('GET /a|/b');
    expect(HttpRule.allow({ methods: ['POST'] }).toString()).toBe('POST *');
  });

  test('throws on empty methods or paths in an HttpRule', () => {
    expectError(() => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [Port.http(80)], httpRules: [HttpRule.allow({ methods: [] })] }),
      'EGRESS_EMPTY_POLICY', 'test/gw/r', /methods is an empty list/);
    expectError(() => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [Port.http(80)], httpRules: [HttpRule.allow({ paths: [] })] }),
      'EGRESS_EMPTY_POLICY', 'test/gw/r', /paths is an empty list/);
  });

  test('throws on an HttpRule without methods or paths', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [Port.http(80)], httpRules: [HttpRule.allow({})] }),
    'EGRESS_EMPTY_POLICY', 'test/gw/r', /neither methods nor paths/));

  test('throws on a lower-case method, suggesting the fix', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [Port.http(80)], httpRules: [HttpRule.allow({ methods: ['get'] })] }),
    'EGRESS_CONFLICTING_OPTIONS', 'test/gw/r', /Invalid HTTP method "get".*Did you mean "GET"\?/));

  test('throws on a path with an inner wildcard', () => expectError(
    () => gateway(chart()).addRoute('r', { source: src(), destinations: host(), ports: [Port.http(80)], httpRules: [HttpRule.get('/a/*/b')] }),
    'EGRESS_CONFLICTING_OPTIONS', 'test/gw/r', /Invalid path "\/a\/\*\/b"/));
});
