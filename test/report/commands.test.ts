// The troubleshooting commands read the typed destination and port of each reach row (never the
// row's text): one app declares every destination shape, the report is built from it, and each
// shape gives exactly its command.
import { Chart, Testing } from 'cdk8s';
import { Destination, EgressBackend, EgressPolicy, EgressSource, Port } from '../../src';
import { describeDestination, describePort } from '../../src/core/describe';
import { objectRef, parseObjectRef } from '../../src/core/object-ref';
import { commandsForWorkload, getObject } from '../../src/report/commands';
import { ReportData } from '../../src/report/data';
import { EgressReport } from '../../src/report/egress-report';
import { NOT_FIXED_SOURCE, TypedReach } from '../../src/report/typed-reach';

process.env.CDK8S_EGRESS_QUIET = '1';

const EXEC = 'kubectl exec -n shop "$POD" --';

/** The commands the report writes for pods app=web in shop, allowed `destination` on `ports`. */
function commandsFor(destination: Destination, ...ports: Port[]): Array<{ purpose: string; command: string }> {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  new EgressPolicy(chart, 'web', {
    name: 'web',
    source: EgressSource.pods({ namespace: 'shop', labels: { app: 'web' } }),
    backends: [EgressBackend.cilium()],
    rules: [{ destination, ports }],
  });
  const data = JSON.parse(EgressReport.of(app).renderJson()) as ReportData;
  const w = data.workloads.find((x) => x.id === 'shop/app=web');
  expect(w).toBeDefined();
  // only the probes: what reads the destination and the port
  return w!.commands.filter((c) => c.command.startsWith(EXEC));
}

describe('EgressReport | commands from typed values', () => {
  test('an IPv4 /32 is probed at its address', () => {
    expect(commandsFor(Destination.ipv4('198.51.100.7/32'), Port.tcp(8443))).toEqual([
      { purpose: 'open a connection to 198.51.100.7/32 on TCP/8443', command: `${EXEC} nc -vz -w 5 198.51.100.7 8443` },
    ]);
  });

  test('an IPv6 /128 is probed at its address; HTTPS to it puts the address in brackets', () => {
    expect(commandsFor(Destination.ipv6('2001:db8::7/128'), Port.tcp(5432), Port.HTTPS).map((c) => c.command)).toEqual([
      `${EXEC} nc -vz -w 5 2001:db8::7 5432`,
      `${EXEC} curl -sv --max-time 10 'https://[2001:db8::7]/'`,
    ]);
  });

  test('an IPv6 /32 is a block, not an address: the probe names a placeholder', () => {
    // the text parser this replaced took any "/32" for a single address
    expect(commandsFor(Destination.ipv6('2001:db8::/32'), Port.tcp(5432))).toEqual([{
      purpose: 'open a connection to 2001:db8::/32 on TCP/5432 (replace the placeholder)',
      command: `${EXEC} nc -vz -w 5 '<an address in 2001:db8::/32>' 5432`,
    }]);
  });

  test('a block with exceptions is probed in the block, not in the "except" text', () => {
    expect(commandsFor(Destination.ipv4('203.0.113.0/24', { except: ['203.0.113.0/28'] }), Port.tcp(22))).toEqual([{
      purpose: 'open a connection to 203.0.113.0/24 except 203.0.113.0/28 on TCP/22 (replace the placeholder)',
      command: `${EXEC} nc -vz -w 5 '<an address in 203.0.113.0/24>' 22`,
    }]);
  });

  test('a pattern and a suffix probe a placeholder name in the domain; HTTPS on another port keeps the port', () => {
    expect(commandsFor(Destination.fqdnPattern('*.example.com'), Port.https(8443))).toEqual([{
      purpose: 'reach *.example.com on TCP/8443 (HTTPS) (replace the placeholder)',
      command: `${EXEC} curl -sv --max-time 10 'https://<name>.example.com:8443/'`,
    }]);
    expect(commandsFor(Destination.anySubdomainOf('example.org'), Port.http(8080)).map((c) => c.command)).toEqual([
      `${EXEC} curl -sv --max-time 10 'http://<name>.example.org:8080/'`,
    ]);
  });

  test('an exact name: nslookup, curl on a bare 443, nc on a range (its first port), nc -u on UDP, nothing on SCTP or a whole protocol', () => {
    const cmds = commandsFor(Destination.fqdn('api.example.com'), Port.tcp(443), Port.tcpRange(9000, 9010), Port.udp(514), Port.sctp(3868), Port.allUdp());
    expect(cmds).toEqual([
      { purpose: 'resolve api.example.com from the pod', command: `${EXEC} nslookup api.example.com` },
      { purpose: 'reach api.example.com on TCP/443', command: `${EXEC} curl -sv --max-time 10 https://api.example.com/` },
      { purpose: 'open a connection to api.example.com on TCP/9000-9010', command: `${EXEC} nc -vz -w 5 api.example.com 9000` },
      { purpose: 'open a connection to api.example.com on UDP/514', command: `${EXEC} nc -vzu -w 5 api.example.com 514` },
    ]);
  });

  test('a bare TCP/443 to an address block is not assumed to be HTTPS; TLS and gRPC are opaque to the probe', () => {
    expect(commandsFor(Destination.ipv4('198.51.100.7/32'), Port.tcp(443), Port.tls(8443), Port.grpc(9090)).map((c) => c.command)).toEqual([
      `${EXEC} nc -vz -w 5 198.51.100.7 443`,
      `${EXEC} nc -vz -w 5 198.51.100.7 8443`,
      `${EXEC} nc -vz -w 5 198.51.100.7 9090`,
    ]);
  });

  test('the commands ignore the row text: a row whose text disagrees with its values is probed by its values', () => {
    const d = Destination.fqdn('real.example.com').toConfig();
    const p = Port.udp(53).toConfig();
    const reach: TypedReach = {
      row: { destination: 'shown.example.com', kind: 'Cidr', ports: ['TCP/80 (HTTP)'], path: 'direct', sourceIp: '', enforcedBy: [], layers: [], verdict: 'allowed' },
      destination: d,
      ports: [p],
      source: NOT_FIXED_SOURCE,
    };
    const base = { id: 'w', description: 'w', namespace: 'ns', podLabels: {}, isolated: true, isolatedBy: [], dns: [], logging: [], alerts: [], optOuts: [], warnings: [] };
    expect(commandsForWorkload(base, [reach], [], [], []).map((c) => c.command)).toEqual([
      'POD=$(kubectl get pod -n ns -o jsonpath=\'{.items[0].metadata.name}\')',
      'kubectl exec -n ns "$POD" -- nslookup real.example.com',
      'kubectl exec -n ns "$POD" -- nc -vzu -w 5 real.example.com 53',
    ]);
    expect(describeDestination(d, 'ns')).toBe('real.example.com');
    expect(describePort(p)).toBe('UDP/53');
  });
});

describe('object references', () => {
  test('written and read by one helper pair', () => {
    const ref = objectRef({ kind: 'NetworkPolicy', name: 'web', metadata: { namespace: 'shop' } });
    expect(ref).toBe('NetworkPolicy/shop/web');
    expect(parseObjectRef(ref)).toEqual({ kind: 'NetworkPolicy', namespace: 'shop', name: 'web' });
    const cluster = objectRef({ kind: 'CiliumEgressGatewayPolicy', name: 'ip', metadata: {} });
    expect(cluster).toBe('CiliumEgressGatewayPolicy//ip');
    expect(getObject(cluster)).toBe('kubectl get ciliumegressgatewaypolicy ip -o yaml');
    expect(getObject(ref)).toBe('kubectl get networkpolicy -n shop web -o yaml');
  });

  test('anything else is not an object reference: no command', () => {
    for (const text of ['c/web', 'a/b/c/d', '/shop/web', 'NetworkPolicy/shop/', '']) {
      expect(parseObjectRef(text)).toBeUndefined();
      expect(getObject(text)).toBeUndefined();
    }
  });
});
