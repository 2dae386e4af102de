#!/usr/bin/env bash
# The dataplane tier (npm run test:dataplane): every example app and a corpus of >= 200 random
# NetworkPolicy apps on a real NetworkPolicy dataplane (kube-network-policies v0.8.0 + kube-apiserver,
# pods and external hosts as network namespaces), real TCP/UDP/DNS probes, each compared with the
# library model's verdict. See tools/dataplane/README.md.
#   EGRESS_DATAPLANE_APPS (200)   corpus apps        EGRESS_DATAPLANE_SEED (20261125)
#   EGRESS_DATAPLANE_BATCH (45)   apps per dataplane start
#   EGRESS_DATAPLANE_MIN_PROBES (5000)                EGRESS_DATAPLANE_OUT (.dataplane)
#   EGRESS_DATAPLANE_PARALLEL (64) probes in flight   EGRESS_DATAPLANE_TIMEOUT (1s) blocked = timeout
# Needs root (network namespaces, netfilter). Everything it creates is removed on exit, by recorded
# PID and recorded namespace name; traffic stays between the namespaces it creates.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export CDK8S_EGRESS_QUIET=1
APPS="${EGRESS_DATAPLANE_APPS:-200}"
SEED="${EGRESS_DATAPLANE_SEED:-20261125}"
BATCH="${EGRESS_DATAPLANE_BATCH:-45}"
MIN_PROBES="${EGRESS_DATAPLANE_MIN_PROBES:-5000}"
PARALLEL="${EGRESS_DATAPLANE_PARALLEL:-64}"
TIMEOUT="${EGRESS_DATAPLANE_TIMEOUT:-1s}"
OUT="$(mkdir -p "${EGRESS_DATAPLANE_OUT:-.dataplane}" && cd "${EGRESS_DATAPLANE_OUT:-.dataplane}" && pwd)"
PREFIX="dp$$"        # network namespace names: ${PREFIX}bNN-node, ${PREFIX}bNN-p3, ...
T0=$SECONDS
step() { printf '\n--- %s (%s, +%d s)\n' "$1" "$(date -u +%H:%M:%S)" "$((SECONDS - T0))"; }
fail() { printf 'dataplane: FAILED: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "needs root (network namespaces and netfilter)"
[[ -e /proc/self/ns/net ]] || fail "this kernel has no network namespaces"

step "system packages (Debian): nftables iptables iproute2 dnsutils"
missing=()
command -v nft >/dev/null || missing+=(nftables)
command -v iptables >/dev/null && command -v ip6tables >/dev/null || missing+=(iptables)
command -v ip >/dev/null || missing+=(iproute2)
command -v dig >/dev/null || missing+=(dnsutils)
command -v unshare >/dev/null && command -v setsid >/dev/null || missing+=(util-linux)
if [[ ${#missing[@]} -gt 0 ]]; then
  command -v apt-get >/dev/null || fail "missing ${missing[*]} and no apt-get to install them"
  echo "installing ${missing[*]}"
  apt-get update -qq || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]} failed"
else
  echo "present"
fi

step "build or reuse kube-apiserver, etcd, kube-network-policies, dpnet"
bash tools/validators/build-testbins.sh kube-apiserver etcd kube-network-policies dpnet
(cd tools/dataplane/dpnet && GOFLAGS=-mod=readonly go test ./... 2>&1 | tail -1)
# shellcheck source=/dev/null
source tools/validators/env.sh

# Every dataplane this run starts records itself under $OUT/state or $OUT/faults; on exit, each is
# taken down (processes by recorded PID, namespaces by recorded name). A previous run that was
# killed before its trap ran is taken down first, the same way.
down_all() {
  local s
  for s in "$OUT"/state/*/ "$OUT"/faults/*/; do
    if [[ -d "$s" ]]; then bash tools/dataplane/dataplane.sh down "${s%/}" || true; fi
  done
}
cleanup() {
  local rc=$?
  down_all
  exit "$rc"
}
down_all
trap cleanup EXIT
trap 'exit 130' INT TERM

step "faults: the tier must stop with the reason when the dataplane cannot work"
bash tools/dataplane/fault-check.sh "$OUT/faults" "${PREFIX}"

step "plan: the examples and $APPS corpus apps (seed $SEED), pods, hosts, probes and model verdicts"
rm -rf "$OUT/plan" "$OUT/results" "$OUT/state"
mkdir -p "$OUT/results" "$OUT/state"
npx ts-node --project test/tsconfig.json --transpile-only test/dataplane/plan.ts "$OUT/plan" "$PREFIX" "$APPS" "$SEED" "$BATCH"

mapfile -t batches < <(node -e 'for (const b of require(process.argv[1]).batches) console.log(b)' "$OUT/plan/plan-summary.json")
last=${batches[-1]}
for b in "${batches[@]}"; do
  dir="$OUT/plan/$b"
  id=$(node -e 'console.log(require(process.argv[1]).batch)' "$dir/plan.json")
  S="$OUT/state/$id"
  step "$b: start the dataplane ($id)"
  env_out=$(bash tools/dataplane/dataplane.sh up "$S" "$dir/universe.tsv" "$dir/serve.json") || fail "$b: the dataplane did not start (see [dataplane] lines above)"
  eval "$env_out"
  # A real resolver client against the kube-dns pod, through its ClusterIP, on UDP and TCP
  ctl=$(awk '$4 == "control" { print $1 }' "$dir/universe.tsv")
  for mode in +notcp +tcp; do
    ans=$(ip netns exec "$ctl" dig "$mode" +short +time=2 +tries=1 @10.0.0.10 probe.dataplane.test A 2>&1) || true
    [[ "$ans" == 192.0.2.53 ]] || fail "$b: dig $mode @10.0.0.10 from the control pod answered '$ans' (want 192.0.2.53)"
  done
  echo "dig (UDP and TCP) through the kube-dns ClusterIP: 192.0.2.53"
  step "$b: apply each app's NetworkPolicies and probe"
  extra=()
  [[ "$b" == "$last" ]] && extra=(-fail-closed-check)
  ip netns exec "$DP_NODE" "$DPNET" run -plan "$dir/plan.json" -api "$DP_API" -token "$DP_TOKEN" \
    -controller-pid "$DP_CONTROLLER_PID" -controller-exe "$(readlink -f "$KUBE_NETWORK_POLICIES")" \
    -controller-log "$S/controller.log" -out "$OUT/results/$b.jsonl" -parallel "$PARALLEL" -timeout "$TIMEOUT" "${extra[@]}" \
    || { echo "----- last 20 lines of $S/controller.log -----" >&2; tail -n 20 "$S/controller.log" >&2 || true; fail "$b: dpnet run failed (see above)"; }
  if grep -q 'could not open nfqueue socket\|panic:' "$S/controller.log"; then fail "$b: controller log reports a failure ($S/controller.log)"; fi
  bash tools/dataplane/dataplane.sh down "$S"
  rm -rf "$S/cluster/etcd"   # keep the logs
done

step "compare every probe with the model"
echo "wall time so far: $((SECONDS - T0)) s"
node test/dataplane/summarize.mjs "$OUT/plan" "$OUT/results" "$MIN_PROBES"
