import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectValidManifests, schemaErrors, schemaFiles, schemaFilesProblem } from './schema';

const repo = path.resolve(__dirname, '../..');

describe('schema tier', () => {
  const np = (spec: any) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x', namespace: 'y' }, spec });

  test('accepts a valid NetworkPolicy and a valid CiliumNetworkPolicy', () => {
    expect(schemaErrors(np({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 443 }] }] }))).toEqual([]);
    expect(schemaErrors({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'x' }, spec: { endpointSelector: {}, egress: [{ toFQDNs: [{ matchName: 'api.github.com' }] }] } })).toEqual([]);
  });

  test('negative controls: unknown fields, wrong types and unknown kinds are caught', () => {
    expect(schemaErrors(np({ podSelector: {}, policyType: ['Egress'] }))[0]).toMatch(/must NOT have additional properties \(policyType\)/);
    expect(schemaErrors(np({ podSelector: {}, egress: [{ ports: [{ port: true }] }] })).length).toBeGreaterThan(0);
    expect(schemaErrors({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'x' }, spec: { endpointSelector: {}, egress: [{ toFQDN: [] }] } })[0]).toMatch(/toFQDN/);
    expect(schemaErrors({ apiVersion: 'example.com/v1', kind: 'Nope', metadata: {} })[0]).toMatch(/no pinned schema for example.com\/v1\|Nope/);
    expect(() => expectValidManifests([np({ podSelector: 'all' })])).toThrow(/do not match the pinned upstream schemas/);
  });
});

describe('schema tier | generated schemas (imports/schemas/, from `npx projen import`)', () => {
  const cnp = (spec: any) => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'x', namespace: 'y' }, spec });
  const cnpPorts = (port: any) => cnp({ endpointSelector: {}, egress: [{ toCIDR: ['10.0.0.0/8'], toPorts: [{ ports: [port] }] }] });
  const np = (spec: any) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x', namespace: 'y' }, spec });

  test('a CRD kind (CiliumNetworkPolicy): an unknown field and a bad enum are rejected', () => {
    expect(schemaErrors(cnpPorts({ port: '443', protocol: 'TCP' }))).toEqual([]);
    expect(schemaErrors(cnpPorts({ port: '443', protocol: 'TCP', portNumber: 443 }))).toEqual([
      'CiliumNetworkPolicy/x: /spec/egress/0/toPorts/0/ports/0 must NOT have additional properties (portNumber)',
    ]);
    expect(schemaErrors(cnpPorts({ port: '443', protocol: 'QUIC' }))).toEqual([
      'CiliumNetworkPolicy/x: /spec/egress/0/toPorts/0/ports/0/protocol must be equal to one of the allowed values',
    ]);
  });

  test('a core kind (NetworkPolicy): an unknown field and a bad enum are rejected', () => {
    const egress = [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }];
    expect(schemaErrors(np({ podSelector: {}, egress }))).toEqual([]);
    expect(schemaErrors(np({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', excepts: [] } }] }] }))).toEqual([
      'NetworkPolicy/x: /spec/egress/0/to/0/ipBlock must NOT have additional properties (excepts)',
    ]);
    // The Kubernetes 1.30 definitions pin `kind` of every object: a list of NetworkPolicies holds only NetworkPolicies.
    const list = (kind: string) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicyList', metadata: {}, items: [{ ...np({ podSelector: {}, egress }), kind }] });
    expect(schemaErrors(list('NetworkPolicy'))).toEqual([]);
    expect(schemaErrors(list('NetworkPolicies'))).toEqual(['NetworkPolicyList/undefined: /items/0/kind must be equal to one of the allowed values']);
  });

  test('only description prose is removed: a field named "description" is still a field', () => {
    expect(schemaErrors(cnp({ endpointSelector: {}, description: 'egress of x', egress: [{ toCIDR: ['10.0.0.0/8'] }] }))).toEqual([]);
    expect(schemaErrors(cnp({ endpointSelector: {}, descriptions: 'egress of x', egress: [{ toCIDR: ['10.0.0.0/8'] }] }))).toEqual(['CiliumNetworkPolicy/x: /spec must NOT have additional properties (descriptions)']);
    // …and no schema node keeps upstream prose, nor is any committed file a CRD object.
    const prose: string[] = [];
    const walk = (s: any, where: string): void => {
      if (Array.isArray(s)) { s.forEach((x, i) => walk(x, `${where}[${i}]`)); return; }
      if (!s || typeof s !== 'object') return;
      if (typeof s.description === 'string') prose.push(where);
      for (const [k, v] of Object.entries(s)) {
        if (['properties', 'patternProperties', 'definitions'].includes(k)) for (const [n, x] of Object.entries<any>(v as Record<string, any>)) walk(x, `${where}.${n}`);
        else if (['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf'].includes(k)) walk(v, `${where}.${k}`);
      }
    };
    let schemas = 0;
    for (const { file, core } of schemaFiles()) {
      const text = fs.readFileSync(path.join(repo, file), 'utf-8');
      expect(text).not.toMatch(/CustomResourceDefinition/);
      const parsed = JSON.parse(text);
      const map = core ? parsed.definitions : parsed.schemas;
      if (!core) for (const key of Object.keys(map)) expect(key).toMatch(/^[a-z0-9.-]+\/v[0-9a-z]+\|[A-Z][A-Za-z]+$/);
      for (const [key, s] of Object.entries(map)) { walk(s, `${file}:${key}`); schemas++; }
    }
    expect(prose).toEqual([]);
    expect(schemas).toBeGreaterThan(600);
  });

  test('missing or stale generated schemas give one line naming `npx projen import`', () => {
    expect(schemaFilesProblem()).toBeUndefined();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-schemas-'));
    fs.mkdirSync(path.join(root, 'imports'));
    fs.copyFileSync(path.join(repo, 'imports', 'SOURCES.json'), path.join(root, 'imports', 'SOURCES.json'));
    const oneLine = (s: string | undefined) => { expect(s).toBeDefined(); expect(s).not.toContain('\n'); return s!; };
    expect(oneLine(schemaFilesProblem(root))).toMatch(/^The schemas the unit tests validate against are missing: imports\/schemas\/ \(all 9 files\); run `npx projen import` to regenerate them/);
    fs.cpSync(path.join(repo, 'imports', 'schemas'), path.join(root, 'imports', 'schemas'), { recursive: true });
    expect(schemaFilesProblem(root)).toBeUndefined();
    fs.rmSync(path.join(root, 'imports', 'schemas', 'cilium.io.json'));
    expect(oneLine(schemaFilesProblem(root))).toMatch(/missing: imports\/schemas\/cilium\.io\.json; run `npx projen import`/);
    // a CRD bumped in SOURCES.json without regenerating
    fs.cpSync(path.join(repo, 'imports', 'schemas'), path.join(root, 'imports', 'schemas'), { recursive: true });
    const sources = JSON.parse(fs.readFileSync(path.join(root, 'imports', 'SOURCES.json'), 'utf-8'));
    sources.modules.find((m: any) => m.group === 'monitoring.coreos.com').crds[0].sha256 = '0'.repeat(64);
    fs.writeFileSync(path.join(root, 'imports', 'SOURCES.json'), JSON.stringify(sources));
    expect(oneLine(schemaFilesProblem(root))).toMatch(/generated from other files than imports\/SOURCES\.json pins: imports\/schemas\/monitoring\.coreos\.com\.json; run `npx projen import`/);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('npx projen import | the upstream files are checked before use', () => {
  const script = path.join(repo, 'scripts', 'import-crds.mjs');
  const sources = JSON.parse(fs.readFileSync(path.join(repo, 'imports', 'SOURCES.json'), 'utf-8'));
  // --check never writes into imports/; both runs stop before generating anything.
  const run = (crdsDir: string) => spawnSync(process.execPath, [script, '--check'], { encoding: 'utf-8', env: { ...process.env, EGRESS_CRDS_DIR: crdsDir } });

  test('every source file has a pinned sha256', () => {
    const entries = [sources.kubernetes, ...sources.modules.flatMap((m: any) => m.crds)];
    expect(entries.length).toBeGreaterThan(20);
    for (const e of entries) expect({ file: e.file, sha256: e.sha256 }).toEqual({ file: e.file, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  test('no CRD folder: one line saying where the files go', () => {
    const r = run(path.join(os.tmpdir(), 'no-such-crds-folder'));
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^import --check: no CRD source: .*no-such-crds-folder does not exist\. Set EGRESS_CRDS_DIR/);
  });

  test('a corrupted file fails its checksum, named with the expected and actual sha256 and its URL', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-crds-'));
    const file = path.join(dir, sources.kubernetes.file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"definitions": {}}\n');
    const got = crypto.createHash('sha256').update('{"definitions": {}}\n').digest('hex');
    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`import --check: checksum mismatch for ${file}: expected ${sources.kubernetes.sha256}, got ${got}; re-fetch it from ${sources.kubernetes.url}`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
