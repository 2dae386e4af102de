import * as fc from 'fast-check';
import { AppProtocol, Port, Protocol } from '../../src';

describe('Port', () => {
  test('factories resolve to protocol and range', () => {
    expect(Port.tcp(443).toConfig()).toEqual({ protocol: 'TCP', port: 443 });
    expect(Port.udp(53).toConfig()).toEqual({ protocol: 'UDP', port: 53 });
    expect(Port.sctp(9).toConfig()).toEqual({ protocol: 'SCTP', port: 9 });
    expect(Port.tcpRange(8000, 8080).toConfig()).toEqual({ protocol: 'TCP', port: 8000, endPort: 8080 });
    expect(Port.udpRange(5000, 5000).toConfig()).toEqual({ protocol: 'UDP', port: 5000 });
    expect(Port.allTcp().toConfig()).toEqual({ protocol: 'TCP' });
    expect(Port.allUdp().toString()).toBe('UDP/*');
    expect(Port.of({ protocol: Protocol.TCP, port: 1, endPort: 2 }).toString()).toBe('TCP/1-2');
  });

  test('well-known constants', () => {
    expect(Port.HTTPS.toString()).toBe('TCP/443 (HTTPS)');
    expect(Port.HTTPS.toConfig()).toEqual({ protocol: 'TCP', port: 443, appProtocol: 'HTTPS' });
    expect(Port.HTTP.toConfig()).toEqual({ protocol: 'TCP', port: 80, appProtocol: 'HTTP' });
    expect(Port.DNS_UDP.toString()).toBe('UDP/53');
    expect(Port.DNS_TCP.toString()).toBe('TCP/53');
    expect(Port.POSTGRES.startPort).toBe(5432);
  });

  test('application protocols ride on single TCP ports', () => {
    expect(Port.tls(8443).toConfig()).toEqual({ protocol: 'TCP', port: 8443, appProtocol: 'TLS' });
    expect(Port.grpc(9090).toConfig().appProtocol).toBe('GRPC');
    expect(Port.of({ protocol: Protocol.UDP, port: 443, appProtocol: AppProtocol.HTTPS })._problems()[0].message).toMatch(/application protocol HTTPS needs TCP/);
    expect(Port.of({ protocol: Protocol.TCP, port: 1, endPort: 9, appProtocol: AppProtocol.HTTP })._problems()[0].message).toMatch(/needs a single port/);
  });

  test('fails outside 1-65535, on fractions and reversed ranges, with a fix', () => {
    expect(Port.tcp(0)._problems()[0].message).toMatch(/Invalid port 0: ports must be whole numbers from 1 to 65535/);
    expect(Port.tcp(65536)._problems()).toHaveLength(1);
    expect(Port.tcp(1.5)._problems()).toHaveLength(1);
    expect(Port.tcpRange(10, 5000000)._problems()[0].message).toMatch(/Invalid end port 5000000/);
    expect(Port.tcpRange(9000, 8000)._problems()[0].message).toMatch(/range is reversed. Did you mean 8000-9000\?/);
    expect(Port.of({ protocol: Protocol.TCP, endPort: 5 })._problems()[0].message).toMatch(/without a start port/);
    expect(Port.of({ protocol: 'ICMP' as Protocol, port: 1 })._problems()[0].message).toMatch(/Invalid protocol "ICMP"/);
  });

  test('property: valid iff 1 <= from <= to <= 65535', () => {
    fc.assert(fc.property(fc.integer({ min: -10, max: 70000 }), fc.integer({ min: -10, max: 70000 }), (a, b) => {
      const ok = a >= 1 && b >= 1 && a <= 65535 && b <= 65535 && a <= b;
      expect(Port.tcpRange(a, b)._problems().length === 0).toBe(ok);
    }));
  });
});
