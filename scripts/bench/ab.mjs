#!/usr/bin/env node
// A/B of the N-intent build between two compiled checkouts (each with lib/ built):
//   node scripts/bench/ab.mjs <checkout A> <checkout B> [N=10000] [rounds=7]
// Runs each checkout's bench worker (`egress` variant: build the mix, synthesize YAML) in fresh
// processes, alternating A and B so that load on the machine hits both alike, and prints the
// median wall time and the median CPU time (user + system, the steadier figure on a busy
// machine) of each side, and B/A.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const [a, b, nArg, roundsArg] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node scripts/bench/ab.mjs <checkout A> <checkout B> [N] [rounds]');
  process.exit(2);
}
const n = Number(nArg ?? 10000);
const rounds = Number(roundsArg ?? 7);
const median = (xs) => { const s = [...xs].sort((x, y) => x - y); const m = Math.floor(s.length / 2); return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const round = (x) => Math.round(x * 1000) / 1000;

function measure(checkout) {
  const dir = path.resolve(checkout);
  const out = execFileSync(process.execPath, [path.join(dir, 'scripts', 'bench', 'worker.js'), 'egress', String(n)], {
    env: { ...process.env, CDK8S_EGRESS_QUIET: '1', BENCH_DIR: path.join(dir, '.bench') },
    stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28, timeout: 600_000,
  });
  return JSON.parse(out.toString().trim().split('\n').pop());
}

const res = { a: { ms: [], cpu: [] }, b: { ms: [], cpu: [] } };
for (let r = 0; r < rounds; r++) {
  for (const side of r % 2 === 0 ? ['a', 'b'] : ['b', 'a']) {
    const x = measure(side === 'a' ? a : b);
    if (x.cpuMs === undefined) throw new Error(`the worker of ${side === 'a' ? a : b} does not report cpuMs: copy scripts/bench/worker.js there`);
    res[side].ms.push(round(x.ms));
    res[side].cpu.push(round(x.cpuMs));
  }
}
const A = { wallMs: median(res.a.ms), cpuMs: median(res.a.cpu) };
const B = { wallMs: median(res.b.ms), cpuMs: median(res.b.cpu) };
console.log(JSON.stringify({
  n, rounds, a: { checkout: a, ...A, wall: res.a.ms, cpu: res.a.cpu }, b: { checkout: b, ...B, wall: res.b.ms, cpu: res.b.cpu },
  wallRatio: round(B.wallMs / A.wallMs), cpuRatio: round(B.cpuMs / A.cpuMs),
}));
