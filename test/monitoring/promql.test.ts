import { DestinationKind, FactKind } from '../../src';
import { anyOf, hostsRegex, num, promDuration, quote, regexEscape, selector, eq, re } from '../../src/monitoring/promql';
import { parseLabelList, parseList, routeHosts } from '../../src/monitoring/route-facts';

describe('promql | values cannot change the structure of a query', () => {
  test('string literals and regex escaping', () => {
    expect(quote('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(regexEscape('api.example.com')).toBe('api\\.example\\.com');
    expect(regexEscape('*.x|y(z)[a]{1}+?^$')).toBe('\\*\\.x\\|y\\(z\\)\\[a\\]\\{1\\}\\+\\?\\^\\$');
    expect(selector('up', [eq('namespace', 'a"b'), re('pod', 'x.*')])).toBe('up{namespace="a\\"b", pod=~"x.*"}');
  });

  test('alternatives are sorted and de-duplicated; patterns match their concrete names', () => {
    expect(anyOf(['b', 'a', 'b'])).toBe('a|b');
    expect(hostsRegex(['b.example.com', '*.googleapis.com', 'b.example.com'])).toBe('\\*\\.googleapis\\.com|[^.]+\\.googleapis\\.com|b\\.example\\.com');
    const rx = new RegExp(`^(?:${hostsRegex(['*.googleapis.com'])})$`);
    expect(['storage.googleapis.com', '*.googleapis.com'].every((h) => rx.test(h))).toBe(true);
    expect(['googleapis.com', 'a.b.googleapis.com', 'storagexgoogleapis.com'].some((h) => rx.test(h))).toBe(false);
  });

  test('durations use the largest whole unit; numbers print plainly', () => {
    expect([90, 300, 3600, 5400, 86400, 604800].map(promDuration)).toEqual(['90s', '5m', '1h', '90m', '1d', '7d']);
    expect([0.05, 0.1 + 0.2, 3, 102400].map(num)).toEqual(['0.05', '0.3', '3', '102400']);
  });
});

describe('fact details | parsing', () => {
  test('label lists and host lists', () => {
    expect(parseLabelList('istio=egressgateway, app=istio-egressgateway')).toEqual({ app: 'istio-egressgateway', istio: 'egressgateway' });
    expect(parseLabelList('istio')).toBeUndefined();
    expect(parseLabelList('')).toBeUndefined();
    expect(parseList(' a, ,b ')).toEqual(['a', 'b']);
    const fact = { kind: FactKind.GATEWAY_ROUTE, constructPath: 'x', summary: 's', objectRefs: [] };
    expect(routeHosts({ ...fact, details: { hosts: 'b.example.com,a.example.com' } })).toEqual(['a.example.com', 'b.example.com']);
    expect(routeHosts({ ...fact, destinations: [{ kind: DestinationKind.FQDN, hostname: 'c.example.com' }, { kind: DestinationKind.CIDR, cidr: '10.0.0.0/8' }] })).toEqual(['c.example.com']);
  });
});
