// fast-check arbitraries shared by the property tests that compare emitted objects with the
// library's model (each backend test adds the destinations and options specific to it).
import * as fc from 'fast-check';
import { Destination, Port, Protocol } from '../../src';

export const labelArb = fc.constantFrom<Record<string, string>>({ app: 'a' }, { app: 'b' }, { app: 'a', tier: 'x' }, { tier: 'x' });
export const nsArb = fc.constantFrom('ns-a', 'ns-b');
export const cidrArb = fc.constantFrom('203.0.113.0/24', '203.0.113.128/25', '198.51.100.0/24', '198.51.101.0/24', '192.0.2.0/28', '2001:db8::/32');

/** TCP/UDP/SCTP single ports, TCP ranges and "every UDP port". */
export const portArb = fc.oneof(
  fc.integer({ min: 1, max: 1000 }).map((p) => Port.tcp(p)),
  fc.integer({ min: 1, max: 1000 }).map((p) => Port.udp(p)),
  fc.integer({ min: 1, max: 1000 }).map((p) => Port.sctp(p)),
  fc.tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 })).map(([a, n]) => Port.tcpRange(a, a + n)),
  fc.constant(Port.allUdp()),
);

/** A destination with a key that identifies it (for uniqueness). */
export interface KeyedDestination { readonly d: Destination; readonly key: string }

/** Pods (own namespace, named namespace, labelled namespaces), whole namespaces, CIDRs. */
export const commonDestinationArbs: Array<fc.Arbitrary<KeyedDestination>> = [
  fc.tuple(labelArb, fc.option(nsArb, { nil: undefined }))
    .map(([labels, namespace]) => ({ d: Destination.pods({ labels, namespace }), key: `pods:${JSON.stringify(labels)}:${namespace}` })),
  fc.tuple(labelArb, labelArb)
    .map(([labels, namespaceLabels]) => ({ d: Destination.pods({ labels, namespaceLabels }), key: `podsl:${JSON.stringify(labels)}:${JSON.stringify(namespaceLabels)}` })),
  nsArb.map((n) => ({ d: Destination.namespace(n), key: `ns:${n}` })),
  cidrArb.map((c) => ({ d: c.includes(':') ? Destination.ipv6(c) : Destination.ipv4(c), key: `cidr:${c}` })),
];

/** Up to five rules with distinct destinations, each with up to three distinct ports. */
export function rulesArb(destArb: fc.Arbitrary<KeyedDestination>) {
  return fc.uniqueArray(
    fc.record({ dest: destArb, ports: fc.uniqueArray(portArb, { maxLength: 3, selector: (p) => `${p.protocol}/${p.startPort}` }) }),
    { maxLength: 5, selector: (r) => r.dest.key },
  );
}

export const podArb = fc.record({ namespace: nsArb, labels: labelArb, namespaceLabels: fc.option(labelArb, { nil: undefined }) });

/** A connection from a pod to a pod or to one of `ips`. */
export function probeArb(ips: readonly string[]) {
  return fc.record({
    from: podArb,
    to: fc.oneof(podArb.map((p) => ({ toPod: p })), fc.constantFrom(...ips).map((ip) => ({ toIp: ip }))),
    port: fc.integer({ min: 1, max: 1100 }),
    protocol: fc.constantFrom(Protocol.TCP, Protocol.UDP, Protocol.SCTP),
  });
}
