#!/usr/bin/env node
// Throughput benchmark for dry-run.mjs: writes N synthetic objects (NetworkPolicy,
// CiliumNetworkPolicy, Istio ServiceEntry, Calico v3 NetworkPolicy, PrometheusRule; 10 per file,
// 50 namespaces) into a temp dir and dry-runs them against the running cluster.sh cluster.
// Usage: node bench-dry-run.mjs [N=5000] [extra dry-run.mjs options, e.g. --concurrency 8]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const N = parseInt(process.argv[2] ?? '5000', 10);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-egress-bench-'));
const gens = [
  (i, ns) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: np-${i}
  namespace: ${ns}
  labels: {app.kubernetes.io/managed-by: cdk8s-egress}
spec:
  podSelector:
    matchLabels: {app: web-${i % 17}}
  policyTypes: [Egress]
  egress:
    - to:
        - ipBlock: {cidr: 203.0.${i % 250}.0/24, except: [203.0.${i % 250}.128/25]}
      ports:
        - {protocol: TCP, port: 443}
        - {protocol: TCP, port: 32000, endPort: 32768}
    - to:
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
          podSelector: {matchLabels: {k8s-app: kube-dns}}
      ports: [{protocol: UDP, port: 53}]
`,
  (i, ns) => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: cnp-${i}
  namespace: ${ns}
spec:
  endpointSelector:
    matchLabels: {app: web-${i % 17}}
  egress:
    - toFQDNs:
        - matchName: api-${i}.external.com
        - matchPattern: "*.svc-${i}.example.com"
      toPorts:
        - ports: [{port: "443", protocol: TCP}]
    - toEndpoints:
        - matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, "k8s:k8s-app": kube-dns}
      toPorts:
        - ports: [{port: "53", protocol: ANY}]
          rules:
            dns: [{matchPattern: "*"}]
`,
  (i, ns) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: se-${i}
  namespace: ${ns}
spec:
  hosts: [api-${i}.external.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
  location: MESH_EXTERNAL
`,
  (i, ns) => `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: calico-${i}
  namespace: ${ns}
spec:
  selector: app == 'web-${i % 17}'
  types: [Egress]
  egress:
    - action: Allow
      protocol: TCP
      destination: {nets: [198.51.100.0/24], ports: [443]}
`,
  (i, ns) => `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: rule-${i}
  namespace: ${ns}
spec:
  groups:
    - name: egress-${i}
      rules:
        - alert: EgressDrops${i}
          expr: rate(hubble_drop_total{reason="POLICY_DENIED"}[5m]) > ${i}
          for: 5m
`,
];
let docs = [];
for (let i = 0; i < N; i++) {
  docs.push(gens[i % gens.length](i, `bench-${i % 50}`));
  if (docs.length === 10 || i === N - 1) {
    fs.writeFileSync(path.join(dir, `chart-${String(i).padStart(6, '0')}.k8s.yaml`), docs.join('---\n'));
    docs = [];
  }
}
const t = Date.now();
const r = spawnSync('node', [path.join(HERE, 'dry-run.mjs'), ...process.argv.slice(3), dir], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 28 });
const s = (Date.now() - t) / 1000;
const lines = r.stdout.trim().split('\n');
console.log(lines.slice(-6).join('\n'));
console.log(`bench: ${N} objects, dry-run.mjs wall time ${s.toFixed(1)} s (${(N / s).toFixed(0)} objects/s end to end), exit ${r.status}`);
fs.rmSync(dir, { recursive: true, force: true });
process.exit(r.status ?? 1);
