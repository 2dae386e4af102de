#!/usr/bin/env bash
# The cluster tier (npm run test:cluster): every manifest the library emits — the example apps and a
# generated corpus of >= 500 random apps — is sent to a real kube-apiserver (with the pinned upstream
# CRDs installed) through server-side apply dry-run with strict field validation; Istio output goes
# through istioctl analyze; the library's own model is compared with an independent NetworkPolicy
# engine on >= 10,000 probes. Negative controls prove each oracle can fail.
# Binaries are built from the Go module proxy on first use and cached outside the repo
# (tools/validators/build-testbins.sh). Every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export CDK8S_EGRESS_QUIET=1  # the corpus raises many (expected) warnings; unit tests assert them
APPS="${EGRESS_CORPUS_APPS:-500}"
SEED="${EGRESS_CORPUS_SEED:-20261125}"
OUT="${EGRESS_CLUSTER_OUT:-.cluster}"
step() { printf '\n--- %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

step "build or reuse the validator binaries"
bash tools/validators/build-testbins.sh all
# shellcheck source=/dev/null
source tools/validators/env.sh

step "synthesize the examples and a corpus of $APPS random apps (seed $SEED)"
# Only what this tier synthesizes itself: the TypeScript example, freshly. examples/{python,java,go}/dist
# are parity's output (npx projen parity) — the same objects again, possibly stale — so they are never
# read here, and the results do not depend on which tier ran before.
rm -rf examples/seed/dist "$OUT/corpus"
npm run example --silent
npx ts-node --project test/tsconfig.json --transpile-only test/cluster/corpus.ts "$OUT/corpus" "$APPS" "$SEED"
example_dirs=(examples/seed/dist)

step "NetworkPolicy semantics: library model vs independent engine (cyclonus)"
(cd tools/np-oracle && go test ./... 2>&1 | tail -3)
node test/cluster/np-oracle-compare.mjs "$OUT/corpus/np-probes.json" 10000
node test/cluster/np-oracle-compare.mjs "$OUT/corpus/np-probes.json" --negative-control

step "Cilium: every emitted policy through Cilium's own policy parser (agent-side rules; v1.19.4 and later releases of the matrix)"
node test/cluster/cilium-agent-check.mjs "${example_dirs[@]}" "$OUT/corpus/apps"

step "cluster-tier jest tests (*.cluster.test.ts: Cilium agent parser, promtool; they fail if a binary is missing)"
# npm test excludes them (testPathIgnorePatterns); here they are the only tests selected.
npx jest --ci --coverage=false --testPathIgnorePatterns /node_modules/ --testMatch '<rootDir>/test/**/*.cluster.test.ts' 2>&1 | tail -6

step "istioctl analyze on every Istio manifest"
mapfile -t istio_files < <(grep -rlE '^apiVersion: (networking|security|telemetry)\.istio\.io/' "${example_dirs[@]}" "$OUT/corpus/apps" 2>/dev/null | sort || true)
if [ "${#istio_files[@]}" -gt 0 ]; then
  bash tools/validators/istio-analyze.sh "${istio_files[@]}"
else
  echo "istioctl: no Istio manifests emitted yet"
fi
if bash tools/validators/istio-analyze.sh tools/validators/negative-istio >/dev/null 2>&1; then
  echo "istioctl negative control: a VirtualService with broken references passed analysis" >&2
  exit 1
fi
echo "istioctl negative control: broken references reported"

step "promtool: every generated alert rule checked, and unit-tested on synthetic series"
node scripts/promtool-test.mjs

step "real kube-apiserver: server-side dry-run, strict field validation"
eval "$(bash tools/validators/cluster.sh start)"
trap 'bash tools/validators/cluster.sh stop >/dev/null 2>&1 || true' EXIT
node tools/validators/dry-run.mjs --expect-reject tools/validators/negative
node tools/validators/dry-run.mjs "${example_dirs[@]}" "$OUT/corpus/apps"
