import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { buildRepresentativeApp } from './representative-app';
import { Destination, EgressBackend, EgressGateway, EgressModel, EgressPolicy, EgressSource, FactKind, FixedEgressIp, FixedEgressIpProvider, Port } from '../../src';
import { describeDestination, describePort } from '../../src/core/describe';
import { commandsForWorkload } from '../../src/report/commands';
import { ReportData } from '../../src/report/data';
import { EgressReport } from '../../src/report/egress-report';
import { mermaidText, renderMermaid } from '../../src/report/mermaid';
import { NOT_FIXED_SOURCE, SourceAddress, TypedReach } from '../../src/report/typed-reach';

const GOLDEN = path.join(__dirname, 'golden');
process.env.CDK8S_EGRESS_QUIET = '1';

function report(): EgressReport {
  const app = Testing.app();
  buildRepresentativeApp(app);
  return EgressReport.of(app);
}

/**
 * Byte-for-byte comparison with a committed golden file. `UPDATE_GOLDEN=1 npx jest test/report`
 * rewrites them (review the diff); a missing golden file fails.
 */
function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, actual);
  expect(fs.existsSync(file)).toBe(true);
  const expected = fs.readFileSync(file, 'utf8');
  if (expected !== actual) {
    const a = actual.split('\n'); const e = expected.split('\n');
    const i = a.findIndex((l, n) => l !== e[n]);
    throw new Error(`${name} differs from the golden file at line ${i + 1}:\n  golden: ${e[i]}\n  actual: ${a[i]}\nRun UPDATE_GOLDEN=1 npx jest test/report and review the diff if the change is intended.`);
  }
}

describe('EgressReport | representative app', () => {
  const r = report();
  const data = JSON.parse(r.renderJson()) as ReportData;
  const w = (id: string) => data.workloads.find((x) => x.id === id)!;

  test('golden Markdown and JSON, byte for byte', () => {
    expectGolden('representative.md', r.renderMarkdown());
    expectGolden('representative.json', r.renderJson());
  });

  test('one entry per source workload, in a stable order', () => {
    expect(data.workloads.map((x) => x.id)).toEqual([
      'istio-system/istio=egressgateway', 'payments/app=billing', 'production', 'production/app=api-client', 'production/app=backend',
    ]);
    expect(data.counts).toEqual({ policies: 5, facts: 18, warnings: 1, workloads: 5 });
  });

  test('what a workload may reach, by which path, from which source IP, enforced by what', () => {
    expect(w('production/app=backend')).toMatchObject({
      isolated: true,
      isolatedBy: [
        'NetworkPolicy/production/default-deny-egress (kubernetes, deny baseline)',
        'NetworkPolicy/production/default-deny-egress-dns (kubernetes)',
        'NetworkPolicy/production/egress-control (kubernetes)',
      ],
      reach: [
        { destination: '203.0.113.0/24', kind: 'Cidr', ports: ['TCP/443 (HTTPS)'], path: 'direct', sourceIp: 'node IP (SNAT) — not fixed', enforcedBy: ['NetworkPolicy/production/egress-control (kubernetes)'] },
        { destination: 'pods app=database in namespace production', kind: 'Pods', ports: ['TCP/5432'], path: 'in-cluster', sourceIp: 'pod IP (in-cluster)', enforcedBy: ['NetworkPolicy/production/egress-control (kubernetes)'] },
      ],
      dns: ['pods k8s-app=kube-dns in namespace kube-system on UDP/53, TCP/53 — NetworkPolicy/production/default-deny-egress-dns (kubernetes), NetworkPolicy/production/egress-control (kubernetes)'],
    });
    // through the Istio egress gateway, whose pods leave from a fixed IP
    expect(w('production/app=api-client').reach[0]).toEqual({
      destination: 'api.external.com',
      kind: 'Fqdn',
      ports: ['as routed'],
      path: 'via gateway istio-system/istio-egressgateway',
      sourceIp: '10.0.0.100 (fixed: source IP 10.0.0.100 via Cilium egress gateway nodes egress-gateway=true) — the gateway\'s',
      enforcedBy: ['Gateway/istio-system/external-api (gateway route)', 'VirtualService/production/external-api (gateway route)'],
      // this hand-recorded route names no ports, so the model has nothing concrete to probe
      layers: [],
      verdict: 'not checked (no concrete address to probe)',
    });
    // every other row says what each layer does with it
    expect(w('production/app=backend').reach.map((x) => [x.destination, x.verdict, x.layers])).toEqual([
      ['203.0.113.0/24', 'allowed', ['network (pod → destination): allowed by NetworkPolicy/production/egress-control']],
      ['pods app=database in namespace production', 'allowed', ['network (pod → destination): allowed by NetworkPolicy/production/egress-control']],
    ]);
    // a fixed IP scoped to destinations applies to those only
    expect(w('payments/app=billing').reach.map((x) => [x.destination, x.sourceIp])).toEqual([
      ['100.0.0.0/7', 'node IP (SNAT) — not fixed'],
      ['198.51.100.7/32', '10.0.0.101 (fixed: source IP 10.0.0.101 via Cilium egress gateway nodes egress-gateway=true)'],
    ]);
    // a workload that only a fact mentions is listed, and said not to be isolated
    expect(w('istio-system/istio=egressgateway')).toMatchObject({ isolated: false, reach: [] });
  });

  test('logged where, alerted by which rules, opt-outs and warnings that apply', () => {
    const backend = w('production/app=backend');
    expect(backend.logging.map((l) => l.objects)).toEqual([['Telemetry/production/egress-access-log']]);
    expect(backend.alerts.map((a) => a.summary.split(':')[0])).toEqual(['EgressBlockedConnections', 'EgressBlockedRequests', 'EgressPassthroughConnections', 'EgressPassthroughRequests']);
    expect(w('production/app=api-client').alerts.map((a) => a.summary.split(':')[0])).toContain('EgressGatewayDown');
    const billing = w('payments/app=billing');
    expect(billing.logging).toEqual([]);
    expect(billing.optOuts.map((o) => o.summary)).toEqual(['broad destination 100.0.0.0/7 accepted (cdk8s-egress:broadCidr acknowledged)']);
    expect(billing.warnings).toEqual([{
      id: 'cdk8s-egress:broadCidr',
      constructPath: 'shop/partner',
      acknowledged: 'the partner announces the whole range',
      message: expect.stringMatching(/^Destination 100.0.0.0\/7 covers more than a \/8/),
    }]);
    expect(data.otherWarnings).toEqual([]);
    // nothing dropped: a fact about no declared workload is listed on its own
    expect(data.unattachedFacts).toEqual([{ kind: 'Alert', summary: 'LegacyEgressAlert: hand-written rule', declaredBy: 'shop/legacy-alert', objects: ['PrometheusRule/monitoring/legacy'], clusterWide: false }]);
  });

  test('troubleshooting commands with the real names filled in', () => {
    const cmds = (id: string) => w(id).commands.map((c) => c.command);
    expect(cmds('production/app=backend')).toEqual([
      'POD=$(kubectl get pod -n production -l app=backend -o jsonpath=\'{.items[0].metadata.name}\')',
      'kubectl exec -n production "$POD" -- curl -sv --max-time 10 \'https://<an address in 203.0.113.0/24>/\'',
      'kubectl get networkpolicy -n production default-deny-egress -o yaml',
      'kubectl get networkpolicy -n production default-deny-egress-dns -o yaml',
      'kubectl get networkpolicy -n production egress-control -o yaml',
      'kubectl get networkpolicy -n production',
    ]);
    expect(cmds('production/app=api-client')).toEqual(expect.arrayContaining([
      'kubectl exec -n production "$POD" -- nslookup api.external.com',
      'istioctl proxy-config clusters "$POD" -n production --fqdn api.external.com',
      'istioctl proxy-config routes deploy/istio-egressgateway -n istio-system',
    ]));
    expect(cmds('payments/app=billing')).toEqual(expect.arrayContaining([
      'kubectl exec -n payments "$POD" -- nc -vz -w 5 198.51.100.7 8443',
      'kubectl -n kube-system exec ds/cilium -- cilium-dbg bpf egress list',
      'kubectl get ciliumegressgatewaypolicy billing-ip -o yaml',
      'kubectl get ciliumegressgatewaypolicy billing-ip -o jsonpath=\'{.spec.egressGateway}\'',
    ]));
    expect(data.gateways.map((g) => [g.id, g.hosts, g.sourceIp])).toEqual([
      ['istio-system/istio-egressgateway', ['api.external.com'], '10.0.0.100 (fixed: source IP 10.0.0.100 via Cilium egress gateway nodes egress-gateway=true)'],
    ]);
    expect(data.gateways[0].commands.map((c) => c.command)).toEqual([
      'kubectl get pods -n istio-system -l app=istio-egressgateway,istio=egressgateway -o wide',
      'istioctl proxy-config routes deploy/istio-egressgateway -n istio-system',
      'istioctl proxy-config listeners deploy/istio-egressgateway -n istio-system',
      'istioctl proxy-config clusters deploy/istio-egressgateway -n istio-system --fqdn api.external.com',
      'kubectl logs -n istio-system deploy/istio-egressgateway --tail=100',
      'kubectl get gateway -n istio-system external-api -o yaml',
      'kubectl get virtualservice -n production external-api -o yaml',
    ]);
  });

  test('the Markdown has the picture, the table rows and the commands', () => {
    const md = r.renderMarkdown();
    expect(md).toContain('```mermaid\nflowchart LR\n');
    expect(md).toContain('| api.external.com | as routed | via gateway istio-system/istio-egressgateway | not checked (no concrete address to probe) '
      + '| 10.0.0.100 (fixed: source IP 10.0.0.100 via Cilium egress gateway nodes egress-gateway=true) — the gateway\'s '
      + '| Gateway/istio-system/external-api (gateway route), VirtualService/production/external-api (gateway route) |  |');
    expect(md).toContain('| 203.0.113.0/24 | TCP/443 (HTTPS) | direct | allowed | node IP (SNAT) — not fixed | NetworkPolicy/production/egress-control (kubernetes) '
      + '| network (pod → destination): allowed by NetworkPolicy/production/egress-control |');
    expect(md).toContain('### pods app=backend in namespace production');
    expect(md).toContain('# routes on the egress gateway istio-system/istio-egressgateway\nistioctl proxy-config routes deploy/istio-egressgateway -n istio-system');
  });

  test('deterministic: two builds of the app give identical files', () => {
    const again = report();
    expect(again.renderMarkdown()).toBe(r.renderMarkdown());
    expect(again.renderJson()).toBe(r.renderJson());
  });
});

/** A structural check of the flowchart: ids, shapes, quoted labels, edges between declared nodes. */
function checkFlowchart(text: string): string[] {
  const problems: string[] = [];
  const lines = text.trimEnd().split('\n');
  if (lines[0] !== 'flowchart LR') problems.push(`first line is "${lines[0]}"`);
  const ID = '[A-Za-z][A-Za-z0-9_]*';
  const LABEL = '"[^"]*"';
  const declared = new Set<string>();
  let depth = 0;
  for (const line of lines.slice(1)) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^\\s+subgraph (${ID})\\[${LABEL}\\]$`).exec(line))) { depth++; declared.add(m[1]); continue; }
    if (/^\s+end$/.test(line)) { depth--; continue; }
    if ((m = new RegExp(`^\\s+(${ID})(?:\\[${LABEL}\\]|\\{\\{${LABEL}\\}\\}|\\(\\[${LABEL}\\]\\))$`).exec(line))) {
      if (declared.has(m[1])) problems.push(`${m[1]} declared twice`);
      declared.add(m[1]);
      continue;
    }
    if ((m = new RegExp(`^\\s+(${ID}) -->(?:\\|${LABEL}\\|)? (${ID})$`).exec(line))) {
      for (const id of [m[1], m[2]]) if (!declared.has(id)) problems.push(`edge uses undeclared node ${id}`);
      continue;
    }
    problems.push(`unexpected line: ${line}`);
  }
  for (const id of declared) if (['end', 'graph', 'subgraph', 'flowchart', 'style', 'class'].includes(id)) problems.push(`reserved id ${id}`);
  if (depth !== 0) problems.push('unbalanced subgraph/end');
  return problems;
}

describe('EgressReport | fixed source IPs', () => {
  test('addresses a fixed IP excludes are not reported as leaving from it', () => {
    // GIVEN a Cilium fixed IP for 203.0.113.0/24 except its upper half, and a policy reaching both halves
    const app = Testing.app();
    const c = new Chart(app, 'c');
    const pods = EgressSource.pods({ namespace: 'payments', labels: { app: 'billing' } });
    new FixedEgressIp(c, 'ip', {
      source: pods,
      destinations: [Destination.ipv4('203.0.113.0/24', { except: ['203.0.113.128/25'] })],
      provider: FixedEgressIpProvider.cilium({ egressIp: '10.0.0.100', nodeSelector: { 'egress-gateway': 'true' } }),
    });
    const p = new EgressPolicy(c, 'p', { source: pods });
    p.allow(Destination.ipv4('203.0.113.0/26'), Port.HTTPS);
    p.allow(Destination.ipv4('203.0.113.200/32'), Port.HTTPS);
    // THEN the report gives the fixed IP for the included block only
    const data = JSON.parse(EgressReport.of(app).renderJson());
    const reach = data.workloads.find((w: any) => w.id === 'payments/app=billing').reach.map((r: any) => [r.destination, r.sourceIp.includes('10.0.0.100') ? 'fixed' : r.sourceIp]);
    expect(reach).toEqual([['203.0.113.0/26', 'fixed'], ['203.0.113.200/32', 'node IP (SNAT) — not fixed']]);
  });
});

describe('EgressReport | Istio allow-lists', () => {
  test('isolate the whole namespace on TCP only, and nothing without REGISTRY_ONLY', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    new EgressPolicy(c, 'p', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'a' } }), dns: [], backends: [EgressBackend.istio()] })
      .allow(Destination.fqdn('api.a.com'), Port.HTTPS);
    new EgressPolicy(c, 'other', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'b' } }) }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new EgressPolicy(c, 'open', { source: EgressSource.namespace('staging'), dns: [], backends: [EgressBackend.istio({ registryOnly: false })] })
      .allow(Destination.fqdn('api.a.com'), Port.HTTPS);
    const istioReport = EgressReport.of(app);
    const w = (id: string) => JSON.parse(istioReport.renderJson()).workloads.find((x: any) => x.id === id);
    // app=b is held by the namespace's Sidecar and sees its ServiceEntry too
    // (each object names the release its description holds for: the default Istio 1.30 here)
    expect(w('production/app=b').isolatedBy).toEqual(expect.arrayContaining([expect.stringMatching(/^ServiceEntry\/production\/.* \(istio 1\.30\)$/)]));
    expect(w('production/app=b').reach.map((r: any) => r.destination)).toEqual(expect.arrayContaining(['api.a.com', '203.0.113.0/24']));
    // app=a is isolated by Istio objects only: on TCP only, and the Markdown says so
    expect(w('production/app=a').isolatedProtocols).toEqual(['TCP']);
    expect(istioReport.renderMarkdown()).toMatch(/everything not listed below is denied \(TCP only: other protocols are not restricted by these objects\)\./);
    // without REGISTRY_ONLY nothing is isolated
    expect(w('staging')).toMatchObject({ isolated: false, isolatedBy: [] });
  });
});

/** A reach row drawn from typed values: HTTPS to `destination`, direct, from `source`. */
function typedRow(destination: Destination, source: SourceAddress = NOT_FIXED_SOURCE): TypedReach {
  const d = destination.toConfig();
  const p = Port.HTTPS.toConfig();
  return {
    row: { destination: describeDestination(d, 'ns'), kind: d.kind, ports: [describePort(p)], path: 'direct', sourceIp: '', enforcedBy: [], layers: [], verdict: 'allowed' },
    destination: d,
    ports: [p],
    source,
  };
}

describe('EgressReport | Mermaid', () => {
  test('the representative picture is well-formed', () => {
    expect(checkFlowchart(report().renderMermaid())).toEqual([]);
  });

  test('every hostname kind is drawn; a fixed source is labelled with its address, or as fixed when it has none', () => {
    const text = renderMermaid([{
      id: 'w',
      description: 'w',
      reach: [
        typedRow(Destination.anySubdomainOf('googleapis.com'), { fixed: true, address: '10.0.0.100' }),
        typedRow(Destination.fqdn('api.github.com'), { fixed: true }),
        typedRow(Destination.fqdnPattern('*.example.com')),
      ],
    }], []);
    expect(checkFlowchart(text)).toEqual([]);
    expect(text).toContain('w_w -->|"TCP/443 (HTTPS) · src 10.0.0.100"| d_googleapis_com_any_depth');
    expect(text).toContain('w_w -->|"TCP/443 (HTTPS) · fixed src"| d_api_github_com');
    expect(text).toContain('w_w -->|"TCP/443 (HTTPS)"| d_example_com');
  });

  test('a probe command for every subdomain names a placeholder host, not the "(any depth)" note', () => {
    const base = { id: 'w', description: 'w', namespace: 'ns', podLabels: { app: 'a' }, isolated: true, isolatedBy: [], dns: [], logging: [], alerts: [], optOuts: [], warnings: [] };
    const d = Destination.anySubdomainOf('googleapis.com').toConfig();
    const p = Port.HTTPS.toConfig();
    const commands = commandsForWorkload(base, [{
      row: { destination: describeDestination(d, 'ns'), kind: d.kind, ports: [describePort(p)], path: 'direct', sourceIp: 'node IP (SNAT) — not fixed', enforcedBy: [], layers: [], verdict: 'allowed' },
      destination: d,
      ports: [p],
      source: NOT_FIXED_SOURCE,
    }], [], [], []);
    expect(commands.map((c) => c.command)).toContain('kubectl exec -n ns "$POD" -- curl -sv --max-time 10 \'https://<name>.googleapis.com/\'');
  });

  test('a fixed source is labelled with the first address of the fact\'s egressIp detail, else of its summary, else as fixed', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    const fixed = (namespace: string, summary: string, egressIp?: string) => {
      new EgressPolicy(c, namespace, { source: EgressSource.namespace(namespace) }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
      EgressModel.of(c).recordFact({
        toFact: () => ({
          kind: FactKind.FIXED_EGRESS_IP,
          constructPath: `c/${namespace}-ip`,
          source: { namespace },
          summary,
          objectRefs: [],
          details: { provider: 'other', ...(egressIp === undefined ? {} : { egressIp }) },
        }),
      });
    };
    fixed('calico', 'source IP: Calico pool p (10.10.0.0/30)', 'Calico pool p (10.10.0.0/30)');
    fixed('summary', 'leaves from 192.0.2.9 via the NAT gateway');
    fixed('eip', 'an Alibaba Cloud EIP per pod', 'an Alibaba Cloud EIP per pod');
    new EgressPolicy(c, 'plain', { source: EgressSource.namespace('plain') }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    const edges = EgressReport.of(app).renderMermaid().split('\n').filter((l) => l.includes('-->')).sort();
    expect(edges).toEqual([
      '  w_calico -->|"TCP/443 (HTTPS) · src 10.10.0.0/30"| d_203_0_113_0_24',
      '  w_eip -->|"TCP/443 (HTTPS) · fixed src"| d_203_0_113_0_24',
      '  w_plain -->|"TCP/443 (HTTPS)"| d_203_0_113_0_24',
      '  w_summary -->|"TCP/443 (HTTPS) · src 192.0.2.9"| d_203_0_113_0_24',
    ]);
  });

  test('node ids are sanitized and unique; labels cannot break out of their quotes', () => {
    const text = renderMermaid([
      {
        id: 'end',
        description: 'a "quoted" #name',
        reach: [typedRow(Destination.fqdn('a.example.com')), typedRow(Destination.fqdn('a-example.com')), typedRow(Destination.ipv4('10.0.0.0/8')), typedRow(Destination.pods({ labels: { app: 'db' } }))],
      },
    ], []);
    expect(checkFlowchart(text)).toEqual([]);
    expect(text).toContain('w_end["a #quot;quoted#quot; #35;name"]');
    expect(text).toContain('d_a_example_com(["a.example.com"])');
    expect(text).toContain('d_a_example_com_2(["a-example.com"])');
    expect(text).not.toContain('db');
    expect(mermaidText('x"y#z')).toBe('x#quot;y#35;z');
    expect(renderMermaid([], [])).toBe('flowchart LR\n  none["no external egress declared"]\n');
  });

  // mermaid's own parser (headless with jsdom, both devDependencies, so `npm ci` installs them):
  // always runs; scripts/mermaid-check.mjs fails if either is missing.
  test('mermaid parses the representative picture', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mermaid-')), 'report.mmd');
    fs.writeFileSync(file, report().renderMermaid());
    const r = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'mermaid-check.mjs'), file], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toMatch(/mermaid: 1 diagrams parsed, 0 failed/);
  });
});

describe('EgressReport | wording', () => {
  test('destinations and ports', () => {
    expect(describeDestination({ kind: 'Pods' as any, podLabels: { app: 'db' } }, 'prod')).toBe('pods app=db in namespace prod');
    expect(describeDestination({ kind: 'Pods' as any, namespaceLabels: { team: 'a' } }, 'prod')).toBe('every pod in namespaces team=a');
    expect(describeDestination({ kind: 'Cidr' as any, cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }, 'prod')).toBe('10.0.0.0/8 except 10.1.0.0/16');
    expect(describeDestination({ kind: 'KubeApiServer' as any, apiServerCidrs: ['192.0.2.10/32'] }, 'prod')).toBe('Kubernetes API server (192.0.2.10/32)');
    expect(describePort({ protocol: 'TCP' as any, port: 8000, endPort: 8080 })).toBe('TCP/8000-8080');
    expect(describePort({ protocol: 'UDP' as any })).toBe('UDP/*');
  });
});

describe('EgressReport | facts recorded by the real constructs', () => {
  test('a Cilium FixedEgressIp brings the egress-gateway troubleshooting command (the fact records the provider id)', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    const pods = EgressSource.pods({ namespace: 'production', labels: { app: 'api-client' } });
    new EgressPolicy(c, 'allow', { source: pods }).allow(Destination.ipv4('203.0.113.0/24'), Port.HTTPS);
    new FixedEgressIp(c, 'ip', {
      source: pods,
      destinations: [Destination.ipv4('203.0.113.0/24')],
      provider: FixedEgressIpProvider.cilium({ nodeSelector: { 'egress-gateway': 'true' }, egressIp: '10.0.0.100' }),
    });
    const data = JSON.parse(EgressReport.of(app).renderJson());
    const w = data.workloads.find((x: any) => x.id === 'production/app=api-client');
    expect(w.commands.map((x: any) => x.command)).toContain('kubectl -n kube-system exec ds/cilium -- cilium-dbg bpf egress list');
  });

  test('an egress gateway option that widens is reported as turned on, one that narrows as turned off', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    new EgressGateway(c, 'gw', { gatewayBackends: [EgressBackend.kubernetes()], allowGatewayEgressToAnyAddress: true, mtls: false })
      .addRoute('r', { source: EgressSource.pods({ namespace: 'production', labels: { app: 'a' } }), destinations: [Destination.fqdn('api.example.com')], ports: [Port.HTTPS] });
    const summaries = EgressModel.of(c).facts().filter((f) => f.kind === FactKind.OPT_OUT).map((f) => f.summary);
    expect(summaries).toEqual(expect.arrayContaining([
      'allowGatewayEgressToAnyAddress turned on on egress gateway c/gw: the gateway pods may reach every address on the routed ports',
      'mtls turned off on egress gateway c/gw: the gateway cannot tell which workload sent a connection',
    ]));
    expect(summaries.join('\n')).not.toMatch(/allowGatewayEgressToAnyAddress turned off/);
  });
});
