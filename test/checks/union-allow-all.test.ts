// The union allow-all check (src/checks/union-allow-all.ts): address blocks that several
// constructs allow the same pods add up.
import { Chart, Testing } from 'cdk8s';
import { AllowedExternalService, Destination, EgressPolicy, EgressSource, Port } from '../../src';
import { chart } from '../support/helpers';

describe('allow-all by union across constructs', () => {
  test('blocks split over two constructs for the same pods on the same port need the opt-in, as in one policy', () => {
    const c = chart();
    const pods = EgressSource.pods({ namespace: 'production', labels: { app: 'backend' } });
    new EgressPolicy(c, 'low', { source: pods }).allow(Destination.ipv4('0.0.0.0/1'), Port.HTTPS);
    new AllowedExternalService(c, 'high', { source: EgressSource.namespace('production'), destinations: [Destination.ipv4('128.0.0.0/1')], ports: [Port.HTTPS] });
    expect(() => Testing.synth(c)).toThrow(/\[test\/high\/kubernetes\] Together, test\/high\/kubernetes, test\/low allow pods app=backend in namespace production 0\.0\.0\.0\/1, 128\.0\.0\.0\/1 on TCP\/443, which cover every IPv4 address \(0\.0\.0\.0\/0 once merged\).*\(EGRESS_ALLOW_ALL\)/);
  });

  test('other ports, other pods, or an explicit opt-in pass', () => {
    const ok = (build: (c: Chart) => void) => {
      const c = chart();
      build(c);
      expect(() => Testing.synth(c)).not.toThrow();
    };
    const a = EgressSource.pods({ namespace: 'production', labels: { app: 'a' } });
    const b = EgressSource.pods({ namespace: 'production', labels: { app: 'b' } });
    ok((c) => { new EgressPolicy(c, 'x', { source: a }).allow(Destination.ipv4('0.0.0.0/1'), Port.HTTPS); new EgressPolicy(c, 'y', { source: a }).allow(Destination.ipv4('128.0.0.0/1'), Port.HTTP); });
    ok((c) => { new EgressPolicy(c, 'x', { source: a }).allow(Destination.ipv4('0.0.0.0/1'), Port.HTTPS); new EgressPolicy(c, 'y', { source: b }).allow(Destination.ipv4('128.0.0.0/1'), Port.HTTPS); });
    ok((c) => {
      new EgressPolicy(c, 'x', { source: a }).allow(Destination.ipv4('0.0.0.0/1'), Port.HTTPS);
      new EgressPolicy(c, 'y', { source: a, allowAllAddresses: true }).allow(Destination.ipv4('128.0.0.0/1'), Port.HTTPS);
    });
  });

  test('an every-port allowance adds up with a one-port one', () => {
    const c = chart();
    const a = EgressSource.pods({ namespace: 'production', labels: { app: 'a' } });
    new EgressPolicy(c, 'x', { source: a }).allow(Destination.ipv4('0.0.0.0/1'));
    new EgressPolicy(c, 'y', { source: a }).allow(Destination.ipv4('128.0.0.0/1'), Port.HTTPS);
    expect(() => Testing.synth(c)).toThrow(/Together, test\/x, test\/y allow .* on TCP\/443.*EGRESS_ALLOW_ALL/);
  });
});
