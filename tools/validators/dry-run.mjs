#!/usr/bin/env node
// Server-side dry-run of synthesized manifests against a real kube-apiserver.
//
//   node tools/validators/dry-run.mjs [options] <file|dir>...
//
// Directories are searched recursively for *.yaml / *.yml. The cluster is the one started by
// tools/validators/cluster.sh (kubeconfig ${EGRESS_CLUSTER_DIR:-/tmp/cdk8s-egress-cluster}/kubeconfig)
// unless --kubeconfig is given: this tool installs CRDs and creates namespaces FOR REAL, so it never
// picks up $KUBECONFIG or ~/.kube/config by itself.
//
// Steps: (1) parse every YAML document with `kubectl annotate --local -o json` (kubectl's own YAML
// reader, no cluster needed); (2) server-side apply the pinned upstream CRDs (EGRESS_CRDS_DIR,
// default <git top>/../shared/crds; fallback: download per crd-sources.json) and wait for
// Established; (3) create every referenced namespace for real; (4) send every object through
// server-side apply with dryRun=All&fieldValidation=Strict (what `kubectl apply --server-side
// --dry-run=server --validate=strict` sends), many requests in parallel over keep-alive HTTPS with the
// kubeconfig credentials, and attribute each answer to its file/kind/name. The raw YAML text of each
// document is sent when it can be paired with its parsed object, so the server also sees duplicate
// keys (strict validation rejects them); otherwise the JSON kubectl parsed is sent.
// Extra checks done here (not by the server): a cluster-scoped kind carrying metadata.namespace
// (the server and kubectl silently drop it), a kind the server does not serve, and the same
// object (apiVersion group/kind/namespace/name) defined twice.
//
// Options:
//   --expect-reject     negative controls: every object must be rejected (exit 0 only then). An
//                       object annotation validators.cdk8s-egress.dev/expect-error: "<substring>"
//                       must also occur (case-insensitive) in the rejection message.
//   --kubeconfig PATH   cluster to use (default: the cluster.sh one).
//   --crds-dir DIR      CRD folder (default: $EGRESS_CRDS_DIR, else <git top>/../shared/crds).
//   --no-crds           do not install CRDs.
//   --concurrency N     parallel requests (default 16).
//   --timeout S         overall time bound in seconds (default 900).
//   --verbose           print every accepted object too.
// Final line, exactly: "apiserver: N manifests accepted, M rejected".
// Exit 1 if M > 0 or N == 0 (normal mode), or on any infrastructure error (printed).

import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIELD_MANAGER = 'cdk8s-egress-ci';
const EXPECT_ANNOTATION = 'validators.cdk8s-egress.dev/expect-error';

// ---------------------------------------------------------------- args
const opts = { expectReject: false, kubeconfig: null, crdsDir: null, crds: true, concurrency: 16, timeout: 900, verbose: false };
const inputs = [];
{
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    const next = () => { if (i + 1 >= a.length) fail(`${v} needs a value`); return a[++i]; };
    if (v === '--expect-reject') opts.expectReject = true;
    else if (v === '--kubeconfig') opts.kubeconfig = next();
    else if (v === '--crds-dir') opts.crdsDir = next();
    else if (v === '--no-crds') opts.crds = false;
    else if (v === '--concurrency') opts.concurrency = Math.max(1, parseInt(next(), 10) || 1);
    else if (v === '--timeout') opts.timeout = Math.max(1, parseInt(next(), 10) || 1);
    else if (v === '--verbose') opts.verbose = true;
    else if (v === '-h' || v === '--help') {
      console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else if (v.startsWith('--')) fail(`unknown option ${v}`);
    else inputs.push(v);
  }
}

function fail(msg) {
  console.error(`dry-run: ERROR: ${msg}`);
  process.exit(1);
}
const info = (msg) => console.error(`dry-run: ${msg}`);

const watchdog = setTimeout(() => fail(`overall timeout of ${opts.timeout}s exceeded`), opts.timeout * 1000);
const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);

// ---------------------------------------------------------------- helpers
function run(cmd, args, { timeout = 120, env } = {}) {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeout * 1000, maxBuffer: 1 << 30, env: env ?? process.env }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.killed ? 'TIMEOUT' : err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

function collectFiles(p, out) {
  let st;
  try { st = fs.statSync(p); } catch (e) { fail(`cannot read ${p}: ${e.message}`); }
  if (st.isDirectory()) {
    for (const e of fs.readdirSync(p).sort()) {
      const q = path.join(p, e);
      const s = fs.statSync(q);
      if (s.isDirectory()) collectFiles(q, out);
      else if (/\.ya?ml$/i.test(e)) out.push(q);
    }
  } else out.push(p);
}

// Split like k8s.io/apimachinery's YAMLReader: a line starting with "---" followed only by
// whitespace or a comment ends a document.
function splitDocs(text) {
  const docs = [];
  let cur = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('---') && /^---\s*(#.*)?$/.test(line)) {
      docs.push(cur.join('\n'));
      cur = [];
    } else cur.push(line);
  }
  docs.push(cur.join('\n'));
  // kubectl skips documents that decode to null (blank / comment-only)
  return docs.filter((d) => d.split('\n').some((l) => !/^\s*(#.*)?$/.test(l) && !/^\.\.\.\s*$/.test(l)));
}

// kubectl -o json with several objects prints a stream of JSON values.
function parseJsonStream(s) {
  const out = [];
  let depth = 0, inStr = false, esc = false, start = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      if (esc) esc = false;
      else if (c === '\\') esc = true;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{' || c === '[') { if (depth++ === 0) start = i; }
    else if (c === '}' || c === ']') { if (--depth === 0) out.push(JSON.parse(s.slice(start, i + 1))); }
  }
  if (depth !== 0) throw new Error('truncated JSON stream from kubectl');
  return out;
}

async function kubectlParse(files) {
  const args = ['annotate', '--local', '-o', 'json'];
  for (const f of files) args.push('-f', f);
  args.push('cdk8s-egress-dry-run-noop-');
  const r = await run('kubectl', args, { timeout: 300, env: { ...process.env, KUBECONFIG: '/dev/null' } });
  if (r.code !== 0 || /^error:/m.test(r.stderr)) return { error: (r.stderr || `kubectl exited ${r.code}`).trim() };
  try { return { objects: parseJsonStream(r.stdout) }; } catch (e) { return { error: e.message }; }
}

// ---------------------------------------------------------------- 1. parse manifests
if (inputs.length === 0) fail('no manifest files or directories given');
const files = [];
for (const p of inputs) collectFiles(p, files);
if (files.length === 0) fail(`no *.yaml files under ${inputs.join(' ')}`);

const items = []; // {file, obj, raw|null}
const results = []; // {file, kind, ns, name, ok, msg}
{
  const raw = new Map(files.map((f) => [f, splitDocs(fs.readFileSync(f, 'utf8'))]));
  const addFile = (f, objs) => {
    const docs = raw.get(f);
    const pair = docs.length === objs.length;
    objs.forEach((o, i) => {
      if (o.metadata && o.metadata.annotations && Object.keys(o.metadata.annotations).length === 0) delete o.metadata.annotations;
      items.push({ file: f, obj: o, raw: pair ? docs[i] : null });
    });
  };
  const BATCH = 200;
  const batches = [];
  for (let i = 0; i < files.length; i += BATCH) batches.push(files.slice(i, i + BATCH));
  const parsed = await pool(batches, 2, async (batch) => {
    const r = await kubectlParse(batch);
    const expected = batch.reduce((n, f) => n + raw.get(f).length, 0);
    if (!r.error && r.objects.length === expected) return batch.map((f) => [f, r.objects.splice(0, raw.get(f).length)]);
    // some file has a parse error or a List: go file by file
    const per = [];
    for (const f of batch) {
      const q = await kubectlParse([f]);
      if (q.error) per.push([f, null, q.error]);
      else per.push([f, q.objects]);
    }
    return per;
  });
  for (const [f, objs, err] of parsed.flat()) {
    if (objs) addFile(f, objs);
    else results.push({ file: f, kind: '?', ns: '', name: '?', ok: false, msg: `kubectl could not parse the file: ${err}` });
  }
  info(`${items.length} objects in ${files.length} files parsed (${secs()} s)`);
}

// ---------------------------------------------------------------- 2. connect
const clusterDir = process.env.EGRESS_CLUSTER_DIR || '/tmp/cdk8s-egress-cluster';
const kubeconfig = opts.kubeconfig || path.join(clusterDir, 'kubeconfig');
if (!fs.existsSync(kubeconfig)) fail(`no kubeconfig at ${kubeconfig}: start the cluster with tools/validators/cluster.sh start (or pass --kubeconfig)`);
const kubectlEnv = { ...process.env, KUBECONFIG: kubeconfig };
let conn;
{
  const r = await run('kubectl', ['config', 'view', '--minify', '--raw', '-o', 'json'], { env: kubectlEnv, timeout: 30 });
  if (r.code !== 0) fail(`kubectl config view failed: ${r.stderr}`);
  const kc = JSON.parse(r.stdout);
  const cl = kc.clusters?.[0]?.cluster ?? {};
  const us = kc.users?.[0]?.user ?? {};
  const readMaybe = (data, file) => (data ? Buffer.from(data, 'base64') : file ? fs.readFileSync(file) : undefined);
  const u = new URL(cl.server);
  conn = {
    host: u.hostname, port: u.port || 443, prefix: u.pathname.replace(/\/$/, ''),
    headers: us.token ? { Authorization: `Bearer ${us.token}` } : {},
    agent: new https.Agent({
      keepAlive: true, maxSockets: opts.concurrency,
      rejectUnauthorized: !cl['insecure-skip-tls-verify'],
      ca: readMaybe(cl['certificate-authority-data'], cl['certificate-authority']),
      cert: readMaybe(us['client-certificate-data'], us['client-certificate']),
      key: readMaybe(us['client-key-data'], us['client-key']),
    }),
  };
  if (u.protocol !== 'https:') fail(`only https servers are supported (got ${cl.server})`);
}

function request(method, p, { body, contentType, timeout = 60 } = {}) {
  return new Promise((resolve) => {
    const headers = { ...conn.headers, Accept: 'application/json' };
    if (body !== undefined) { headers['Content-Type'] = contentType; headers['Content-Length'] = Buffer.byteLength(body); }
    const req = https.request({ host: conn.host, port: conn.port, path: conn.prefix + p, method, headers, agent: conn.agent, timeout: timeout * 1000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, json, text, warnings: [].concat(res.headers.warning ?? []) });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeout}s`)));
    req.on('error', (e) => resolve({ status: 0, error: e.message }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function pool(list, n, fn) {
  const out = new Array(list.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, list.length) }, async () => {
    while (next < list.length) { const i = next++; out[i] = await fn(list[i], i); }
  }));
  return out;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

{
  const r = await request('GET', '/readyz', { timeout: 10 });
  if (r.status !== 200) fail(`apiserver at ${conn.host}:${conn.port} not ready: ${r.error ?? `HTTP ${r.status} ${r.text?.slice(0, 300)}`}`);
}

// ---------------------------------------------------------------- 3. CRDs
const CRD_GLOBS = [
  ['cilium', /\.yaml$/],
  ['istio', /\.yaml$/],
  ['calico/projectcalico.org-v3', /\.yaml$/],
  ['prometheus-operator', /\.yaml$/],
  ['alibaba', /^network\.alibabacloud\.com_podnetworkings\.yaml$/],
  ['network-policy-api/v0.2.0-standard', /\.yaml$/],
];

function gitTop() {
  try { return execFileSync('git', ['-C', HERE, 'rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return path.resolve(HERE, '../..'); }
}

async function crdFilesFromUpstream() {
  const srcFile = path.join(HERE, 'crd-sources.json');
  const src = JSON.parse(fs.readFileSync(srcFile, 'utf8'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-egress-crds-'));
  process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  const urls = [...new Set(src.sources.filter((s) => s.installedByDryRun).map((s) => s.url))];
  const out = [];
  for (const [i, u] of urls.entries()) {
    try {
      const res = await fetch(u, { signal: AbortSignal.timeout(20000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const f = path.join(tmp, `${i}-${path.basename(new URL(u).pathname)}`);
      fs.writeFileSync(f, await res.text());
      out.push(f);
    } catch (e) {
      fail(`CRD fallback download failed for ${u}: ${e.message}${e.cause ? ` (${e.cause.code ?? e.cause.message})` : ''}; ` +
        'set EGRESS_CRDS_DIR to a copy of shared/crds instead');
    }
  }
  return out;
}

if (opts.crds) {
  const dir = opts.crdsDir || process.env.EGRESS_CRDS_DIR || path.join(gitTop(), '..', 'shared', 'crds');
  let crdFiles = [];
  if (fs.existsSync(dir)) {
    for (const [sub, re] of CRD_GLOBS) {
      const d = path.join(dir, sub);
      if (!fs.existsSync(d)) fail(`CRD folder ${d} is missing`);
      const fs_ = fs.readdirSync(d).filter((e) => re.test(e)).sort().map((e) => path.join(d, e));
      if (fs_.length === 0) fail(`no CRD files matching ${re} in ${d}`);
      crdFiles.push(...fs_);
    }
    info(`installing ${crdFiles.length} CRDs from ${dir}`);
  } else {
    info(`CRD folder ${dir} not found; falling back to the pinned upstream URLs in crd-sources.json`);
    crdFiles = await crdFilesFromUpstream();
  }
  const args = ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--force-conflicts', '-o', 'name'];
  for (const f of crdFiles) args.push('-f', f);
  const r = await run('kubectl', args, { env: kubectlEnv, timeout: 180 });
  if (r.code !== 0) fail(`installing CRDs failed (kubectl exit ${r.code}):\n${r.stderr}`);
  const names = r.stdout.split('\n').filter((l) => l.startsWith('customresourcedefinition'));
  const w = await run('kubectl', ['wait', '--for=condition=Established', '--timeout=90s', ...names], { env: kubectlEnv, timeout: 120 });
  if (w.code !== 0) fail(`CRDs not Established within 90 s:\n${w.stderr}${w.stdout}`);
  info(`${names.length} CRDs established (${secs()} s)`);
}

// ---------------------------------------------------------------- 4. discovery
const discovery = new Map(); // "group/version" -> Map(kind -> {name, namespaced}) | Error string
async function resources(apiVersion) {
  if (discovery.has(apiVersion)) return discovery.get(apiVersion);
  const p = promiseFor(apiVersion);
  discovery.set(apiVersion, p);
  return p;
}
async function promiseFor(apiVersion) {
  const p = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  for (let attempt = 0; ; attempt++) {
    const r = await request('GET', p, { timeout: 30 });
    if (r.status === 200 && r.json?.resources) {
      const m = new Map();
      for (const res of r.json.resources) if (!res.name.includes('/')) m.set(res.kind, { name: res.name, namespaced: res.namespaced });
      return m;
    }
    if (attempt >= 10 || (r.status !== 404 && r.status !== 503 && r.status !== 0)) {
      return `the server does not serve apiVersion ${apiVersion} (GET ${p}: ${r.error ?? `HTTP ${r.status}`}); is its CRD installed?`;
    }
    await sleep(500);
  }
}

// ---------------------------------------------------------------- 5. plan objects
const plan = [];
{
  const seen = new Map();
  for (const it of items) {
    const o = it.obj;
    const kind = o.kind ?? '?';
    const name = o.metadata?.name;
    const ns = o.metadata?.namespace;
    const rec = { file: it.file, kind, ns: ns ?? '', name: name ?? '?', ok: false, msg: '' };
    if (typeof o.apiVersion !== 'string' || !o.apiVersion) { rec.msg = 'apiVersion missing'; results.push(rec); continue; }
    if (typeof name !== 'string' || !name) { rec.msg = 'metadata.name missing (generateName cannot be applied)'; results.push(rec); continue; }
    const rs = await resources(o.apiVersion);
    if (typeof rs === 'string') { rec.msg = rs; results.push(rec); continue; }
    const r = rs.get(kind);
    if (!r) { rec.msg = `the server has no kind ${kind} in ${o.apiVersion} (served kinds: ${[...rs.keys()].join(', ')})`; results.push(rec); continue; }
    if (!r.namespaced && ns) { rec.msg = `${kind} is cluster-scoped but carries metadata.namespace "${ns}" (kubectl and the server silently drop it)`; results.push(rec); continue; }
    const effNs = r.namespaced ? ns || 'default' : '';
    rec.ns = effNs;
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    const key = `${group}/${kind}/${effNs}/${name}`;
    if (seen.has(key)) { rec.msg = `duplicate object: ${kind} ${effNs ? `${effNs}/` : ''}${name} is also defined in ${seen.get(key)}`; results.push(rec); continue; }
    seen.set(key, it.file);
    const base = o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
    const url = `${base}${r.namespaced ? `/namespaces/${encodeURIComponent(effNs)}` : ''}/${r.name}/${encodeURIComponent(name)}` +
      `?dryRun=All&fieldManager=${FIELD_MANAGER}&fieldValidation=Strict&force=true`;
    plan.push({ rec, url, body: it.raw ?? JSON.stringify(o), obj: o });
  }
}

// ---------------------------------------------------------------- 6. namespaces (for real)
{
  const nss = new Set(plan.filter((p) => p.rec.ns).map((p) => p.rec.ns));
  for (const p of plan) if (p.obj.kind === 'Namespace' && p.obj.apiVersion === 'v1') nss.add(p.obj.metadata.name);
  await pool([...nss], 8, async (ns) => {
    const r = await request('POST', `/api/v1/namespaces?fieldManager=${FIELD_MANAGER}`, { body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }), contentType: 'application/json' });
    if (r.status !== 201 && r.status !== 409) fail(`creating namespace ${ns} failed: ${r.error ?? `HTTP ${r.status} ${r.json?.message ?? r.text}`}`);
  });
  if (nss.size) info(`${nss.size} namespaces ensured (${secs()} s)`);
}

// ---------------------------------------------------------------- 7. dry-run
const tDry = Date.now();
await pool(plan, opts.concurrency, async (p) => {
  for (let attempt = 0; ; attempt++) {
    const r = await request('PATCH', p.url, { body: p.body, contentType: 'application/apply-patch+yaml' });
    const retriable = r.status === 0 || r.status === 429 || r.status === 503 || (r.status === 500 && /timeout|etcdserver/i.test(r.text ?? ''));
    if (retriable && attempt < 4) { await sleep(250 * 2 ** attempt); continue; }
    if (r.status === 200 || r.status === 201) {
      p.rec.ok = true;
      p.rec.warnings = r.warnings;
    } else {
      const causes = (r.json?.details?.causes ?? []).map((c) => `${c.field ? `${c.field}: ` : ''}${c.message}`);
      p.rec.msg = r.error ? `request failed: ${r.error}` : `HTTP ${r.status}: ${r.json?.message ?? r.text?.slice(0, 2000)}`;
      if (causes.length > 1 && !causes.every((c) => p.rec.msg.includes(c))) p.rec.msg += `\n      causes: ${causes.join('\n              ')}`;
    }
    break;
  }
  results.push(p.rec);
});
const dryS = (Date.now() - tDry) / 1000;
info(`${plan.length} objects dry-run in ${dryS.toFixed(1)} s (${(plan.length / Math.max(dryS, 0.001)).toFixed(0)} objects/s, concurrency ${opts.concurrency})`);
conn.agent.destroy();

// ---------------------------------------------------------------- 8. report
results.sort((a, b) => a.file.localeCompare(b.file) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
const id = (r) => `${r.file}: ${r.kind} ${r.ns ? `${r.ns}/` : ''}${r.name}`;
let accepted = 0, rejected = 0, wrongReason = 0;
for (const r of results) {
  if (r.ok) {
    accepted++;
    if (opts.expectReject) console.log(`UNEXPECTEDLY ACCEPTED ${id(r)}`);
    else if (opts.verbose) console.log(`accepted ${id(r)}`);
    for (const w of r.warnings ?? []) console.log(`WARNING ${id(r)}: ${w}`);
  } else {
    rejected++;
    if (opts.expectReject) {
      const item = items.find((it) => it.file === r.file && it.obj.metadata?.name === r.name && it.obj.kind === r.kind);
      const want = item?.obj.metadata?.annotations?.[EXPECT_ANNOTATION];
      if (r.kind === '?' || (want && !r.msg.toLowerCase().includes(want.toLowerCase()))) {
        wrongReason++;
        console.log(`REJECTED FOR THE WRONG REASON ${id(r)} (expected ${want ? `"${want}"` : 'a server-side rejection'}): ${r.msg}`);
      } else console.log(`rejected as expected ${id(r)}: ${r.msg}`);
    } else console.log(`REJECTED ${id(r)}: ${r.msg}`);
  }
}
clearTimeout(watchdog);
console.log(`apiserver: ${accepted} manifests accepted, ${rejected} rejected`);
if (opts.expectReject) process.exit(accepted === 0 && rejected > 0 && wrongReason === 0 ? 0 : 1);
process.exit(rejected > 0 || accepted === 0 ? 1 : 0);
