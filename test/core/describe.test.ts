import * as fs from 'fs';
import * as path from 'path';
import {
  describeCidr, describeCidrDestinations, describeDestination, describeDestinationClusterWide, describeDestinationForCilium,
  describeDestinationTarget, describeGatewayNode, describePort, describePortRange, describeProbe, describeProbeWithoutPort,
  describeSource, describeSourceBrief, describeSourceInSentence, describeWorkload, labelText, sortedLabelText, workloadId,
} from '../../src/core/describe';
import { Destination } from '../../src/core/destination';
import { DestinationConfig, DestinationKind } from '../../src/core/destination-config';
import { Port } from '../../src/core/port';
import { Protocol } from '../../src/core/port-config';
import { EgressSource } from '../../src/core/source';

const pods = (c: Omit<DestinationConfig, 'kind'>): DestinationConfig => ({ kind: DestinationKind.PODS, ...c });

describe('labels', () => {
  test('labelText keeps the given order; sortedLabelText sorts the keys as strings', () => {
    expect(labelText({ tier: 'api', app: 'web' })).toBe('tier=api,app=web');
    expect(labelText(undefined)).toBe('');
    expect(labelText({})).toBe('');
    expect(sortedLabelText({ tier: 'api', app: 'web' })).toBe('app=web,tier=api');
    // string order, not the integer-first order of object keys
    expect(sortedLabelText({ 9: 'a', 10: 'b' })).toBe('10=b,9=a');
  });
});

describe('sources', () => {
  const web = { namespace: 'shop', podLabels: { tier: 'api', app: 'web' } };
  const all = { namespace: 'shop' };

  test('each purpose has its form', () => {
    expect(describeSource(web)).toBe('Pods tier=api,app=web in namespace shop');
    expect(describeSource(all)).toBe('Every pod in namespace shop');
    expect(describeSourceInSentence(web)).toBe('pods tier=api,app=web in namespace shop');
    expect(describeSourceInSentence(web, sortedLabelText)).toBe('pods app=web,tier=api in namespace shop');
    expect(describeSourceInSentence(all)).toBe('every pod in namespace shop');
    expect(describeSourceBrief(web)).toBe('pods tier=api,app=web in shop');
    expect(describeSourceBrief(all)).toBe('every pod in shop');
  });

  test('the report sorts labels and treats empty labels as the whole namespace', () => {
    expect(describeWorkload(web)).toBe('pods app=web,tier=api in namespace shop');
    expect(describeWorkload({ namespace: 'shop', podLabels: {} })).toBe('every pod in namespace shop');
    expect(workloadId(web)).toBe('shop/app=web,tier=api');
    expect(workloadId({ namespace: 'shop', podLabels: {} })).toBe('shop');
    expect(workloadId(all)).toBe('shop');
  });

  test('EgressSource.describe() is the report form of its config', () => {
    const s = EgressSource.pods({ namespace: 'shop', labels: { tier: 'api', app: 'web' } });
    expect(s.describe()).toBe(describeWorkload(s.toConfig()));
    expect(EgressSource.namespace('shop').describe()).toBe('every pod in namespace shop');
  });
});

describe('destinations', () => {
  const cidr: DestinationConfig = { kind: DestinationKind.CIDR, cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.0.0/16'] };
  const suffix: DestinationConfig = { kind: DestinationKind.FQDN_SUFFIX, hostname: '*.example.com' };
  const fqdn: DestinationConfig = { kind: DestinationKind.FQDN, hostname: 'api.example.com' };
  const api: DestinationConfig = { kind: DestinationKind.KUBE_API_SERVER, apiServerCidrs: ['192.0.2.10/32'] };

  test('describeCidr lists exceptions only when there are some', () => {
    expect(describeCidr('10.0.0.0/8', undefined)).toBe('10.0.0.0/8');
    expect(describeCidr('10.0.0.0/8', [])).toBe('10.0.0.0/8');
    expect(describeCidr('10.0.0.0/8', ['10.1.0.0/16'])).toBe('10.0.0.0/8 except 10.1.0.0/16');
  });

  test('the report form places pods in the policy namespace and spells out the API server', () => {
    expect(describeDestination(pods({ podLabels: { app: 'db' } }), 'prod')).toBe('pods app=db in namespace prod');
    expect(describeDestination(pods({ namespace: 'data' }), 'prod')).toBe('every pod in namespace data');
    expect(describeDestination(pods({ namespaceLabels: { team: 'a' } }), 'prod')).toBe('every pod in namespaces team=a');
    expect(describeDestination(cidr, 'prod')).toBe('10.0.0.0/8 except 10.1.0.0/16, 10.2.0.0/16');
    expect(describeDestination(fqdn, 'prod')).toBe('api.example.com');
    expect(describeDestination(suffix, 'prod')).toBe('*.example.com (any depth)');
    expect(describeDestination(api, 'prod')).toBe('Kubernetes API server (192.0.2.10/32)');
    expect(describeDestination({ kind: DestinationKind.KUBE_API_SERVER }, 'prod')).toBe('Kubernetes API server');
  });

  test('the cluster-wide form leaves unplaced pods unplaced', () => {
    expect(describeDestinationClusterWide(pods({ podLabels: { app: 'db' } }))).toBe('pods app=db');
    expect(describeDestinationClusterWide(pods({ podLabels: { app: 'db' }, namespace: 'data' }))).toBe('pods app=db in namespace data');
    expect(describeDestinationClusterWide(pods({ namespaceLabels: { team: 'a' } }))).toBe('every pod in namespaces team=a');
    expect(describeDestinationClusterWide(cidr)).toBe('10.0.0.0/8 except 10.1.0.0/16, 10.2.0.0/16');
    expect(describeDestinationClusterWide(api)).toBe('the Kubernetes API server');
    expect(describeDestinationClusterWide(suffix)).toBe('*.example.com');
  });

  test('the Cilium form spells suffixes as Cilium does and drops exceptions', () => {
    expect(describeDestinationForCilium(suffix)).toBe('**.example.com');
    expect(describeDestinationForCilium(cidr)).toBe('10.0.0.0/8');
    expect(describeDestinationForCilium(pods({ namespace: 'data' }))).toBe('pods in namespace data');
    expect(describeDestinationForCilium(pods({ podLabels: { app: 'db' } }))).toBe('pods');
    expect(describeDestinationForCilium(api)).toBe('the API server');
    expect(describeDestinationForCilium({ kind: DestinationKind.FQDN_PATTERN, hostname: '*.example.com' })).toBe('*.example.com');
  });

  test('the bare target is the hostname, else the block, else the kind', () => {
    expect(describeDestinationTarget(fqdn)).toBe('api.example.com');
    expect(describeDestinationTarget(cidr)).toBe('10.0.0.0/8');
    expect(describeDestinationTarget(api)).toBe('KubeApiServer');
  });

  test('a list of blocks is singular or plural', () => {
    expect(describeCidrDestinations([cidr])).toBe('destination 10.0.0.0/8');
    expect(describeCidrDestinations([cidr, { kind: DestinationKind.CIDR, cidr: '192.168.0.0/16' }])).toBe('destinations 10.0.0.0/8, 192.168.0.0/16');
  });

  test('Destination.toString() uses the same label and block text', () => {
    expect(Destination.pods({ labels: { b: '2', a: '1' }, namespace: 'data' }).toString()).toBe('pods a=1,b=2 in namespace data');
    expect(Destination.ipv4('10.0.0.0/8', { except: ['10.1.0.0/16'] }).toString()).toBe('10.0.0.0/8 except 10.1.0.0/16');
  });
});

describe('ports', () => {
  test('describePort shows the application protocol; describePortRange does not', () => {
    const https = Port.HTTPS.toConfig();
    expect(describePort(https)).toBe(`TCP/443 (${https.appProtocol})`);
    expect(describePortRange(https)).toBe('TCP/443');
    expect(describePort({ protocol: Protocol.TCP, port: 8000, endPort: 8080 })).toBe('TCP/8000-8080');
    expect(describePortRange({ protocol: Protocol.TCP, port: 8000, endPort: 8080 })).toBe('TCP/8000-8080');
    expect(describePort({ protocol: Protocol.UDP })).toBe('UDP/*');
    expect(describePortRange({ protocol: Protocol.SCTP })).toBe('SCTP/*');
    expect(describePort(undefined)).toBe('every port');
    expect(describePortRange(undefined)).toBe('every port');
  });

  test('a range that ends where it starts is one port in the port text', () => {
    expect(describePort({ protocol: Protocol.TCP, port: 53, endPort: 53 })).toBe('TCP/53');
  });

  test('Port.toString() is describePort of its config', () => {
    for (const p of [Port.tcp(443), Port.udp(53), Port.tcpRange(8000, 8080), Port.allTcp(), Port.HTTPS]) {
      expect(p.toString()).toBe(describePort(p.toConfig()));
    }
  });
});

describe('probes', () => {
  const probe = { from: { namespace: 'shop', labels: { app: 'web' } }, toHostname: 'api.example.com', protocol: 'TCP', port: 443 };

  test('a probe names both ends, the protocol and the port', () => {
    expect(describeProbe(probe)).toBe('pod app=web in shop → api.example.com TCP/443');
    expect(describeProbe({ ...probe, skipsMesh: true })).toBe('pod app=web in shop → api.example.com TCP/443 (not through the sidecar)');
    expect(describeProbe({ from: { namespace: 'a', labels: {} }, toPod: { namespace: 'b', labels: { app: 'db' } }, protocol: 'UDP', port: 53 }))
      .toBe('a pod in a → pod app=db in b UDP/53');
    expect(describeProbe({ from: { namespace: 'a', labels: {} }, toIp: '203.0.113.7', protocol: 'TCP', port: 1 })).toBe('a pod in a → 203.0.113.7 TCP/1');
    expect(describeProbe({ from: { namespace: 'a', labels: {} }, protocol: 'TCP', port: 1 })).toBe('a pod in a → ? TCP/1');
  });

  test('without the port, except where the probe skips the mesh', () => {
    expect(describeProbeWithoutPort(probe)).toBe('pod app=web in shop → api.example.com');
    expect(describeProbeWithoutPort({ ...probe, skipsMesh: true })).toBe(describeProbe({ ...probe, skipsMesh: true }));
  });
});

describe('fixed-IP gateway nodes', () => {
  test('the address, the interface or the default route', () => {
    expect(describeGatewayNode({ zone: 'a', role: 'egress' }, '203.0.113.7', undefined)).toBe('node role=egress,zone=a with 203.0.113.7');
    expect(describeGatewayNode({ role: 'egress' }, undefined, 'eth1')).toBe('node role=egress with the first address of eth1');
    expect(describeGatewayNode({ role: 'egress' }, undefined, undefined)).toBe('node role=egress with its default-route address');
  });
});

describe('one home', () => {
  // Files allowed to print labels themselves: none (the gateway split switched the last ones).
  const NOT_YET_SWITCHED = new Set<string>();

  test('labels are printed as k=v lists only by core/describe.ts', () => {
    const src = path.join(__dirname, '..', '..', 'src');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(path.relative(src, p).split(path.sep).join('/'));
      }
    };
    walk(src);
    // `(k) => `${k}=${…}`` or `([k, v]) => `${k}=${v}``: a label list being joined by hand
    const idiom = /=>\s*`\$\{\w+\}=\$\{/;
    const offenders = files.filter((f) => idiom.test(fs.readFileSync(path.join(src, f), 'utf8')));
    expect(offenders.filter((f) => f !== 'core/describe.ts' && !NOT_YET_SWITCHED.has(f))).toEqual([]);
    expect(offenders).toContain('core/describe.ts'); // the idiom is seen where it is
  });
});
