#!/usr/bin/env bash
# Self-test of the real validators: proves each oracle accepts known-good input and rejects
# known-bad input. Starts its own throwaway cluster (own state dir, free ports) and stops it.
# Usage: selftest.sh            (run build-testbins.sh first; this script does not build)
# Closing line: "selftest: N passed, M failed"; exit 1 if M > 0.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"
export EGRESS_CLUSTER_DIR="${EGRESS_SELFTEST_CLUSTER_DIR:-/tmp/cdk8s-egress-selftest-cluster}"
LOG=$(mktemp -d /tmp/cdk8s-egress-selftest.XXXXXX)
pass=0; failed=0; T0=$SECONDS

check() { # check NAME EXPECTED_RC CMD... ; last output line shown
  local name=$1 want=$2; shift 2
  local t=$SECONDS out="$LOG/$(echo "$name" | tr -c 'a-zA-Z0-9' _).log" rc
  timeout 900 "$@" >"$out" 2>&1; rc=$?
  if [[ $rc -eq $want ]]; then
    pass=$((pass + 1)); echo "PASS $name ($((SECONDS - t)) s): $(tail -n 1 "$out")"
  else
    failed=$((failed + 1)); echo "FAIL $name (exit $rc, want $want, $((SECONDS - t)) s); output:"; tail -n 40 "$out" | sed 's/^/    /'
  fi
}
# check_out NAME NEEDLE EXPECTED_RC CMD...: like check, and the output must contain NEEDLE
check_out() { local name=$1 needle=$2; shift 2; check "$name" "$@"
  if ! grep -qF -- "$needle" "$LOG/$(echo "$name" | tr -c 'a-zA-Z0-9' _).log"; then
    pass=$((pass - 1)); failed=$((failed + 1)); echo "FAIL $name: output lacks '$needle'"; fi; }

for b in "$KUBE_APISERVER" "$ETCD" "$ISTIOCTL" "$NP_ORACLE" "$PROMTOOL"; do
  [[ -x "$b" ]] || { echo "selftest: missing $b; run tools/validators/build-testbins.sh first" >&2; exit 1; }
done

trap '"$HERE/cluster.sh" stop >/dev/null 2>&1' EXIT
check "cluster start" 0 "$HERE/cluster.sh" start
check "cluster start again (reuse)" 0 "$HERE/cluster.sh" start
check "cluster status" 0 "$HERE/cluster.sh" status

DR=(node "$HERE/dry-run.mjs")
check_out "dry-run: positives accepted" "apiserver: 9 manifests accepted, 0 rejected" 0 "${DR[@]}" "$HERE/positive"
check_out "dry-run: negatives rejected (--expect-reject)" "apiserver: 0 manifests accepted, 10 rejected" 0 "${DR[@]}" --expect-reject "$HERE/negative"
check "dry-run: negatives fail in normal mode" 1 "${DR[@]}" "$HERE/negative"
check "dry-run: positives fail in --expect-reject mode" 1 "${DR[@]}" --expect-reject "$HERE/positive/networkpolicy.yaml"
EMPTY=$(mktemp -d); echo '# nothing' >"$EMPTY/empty.yaml"
check "dry-run: zero manifests is a failure" 1 "${DR[@]}" "$EMPTY"
rm -rf "$EMPTY"

check_out "istioctl: egress-gateway set clean" "istioctl: 1 files analyzed, 0 errors, 0 warnings" 0 "$HERE/istio-analyze.sh" "$HERE/positive"
check "istioctl: broken references fail" 1 "$HERE/istio-analyze.sh" "$HERE/negative-istio"

check_out "promtool: PrometheusRule ok" "promtool: 1 rule files checked, 0 failed" 0 node "$HERE/promtool-check.mjs" "$HERE/positive"
BADRULE=$(mktemp -d); sed 's/> 0$/> /' "$HERE/positive/prometheusrule.yaml" >"$BADRULE/bad.yaml"
check "promtool: bad PromQL fails" 1 node "$HERE/promtool-check.mjs" "$BADRULE"
rm -rf "$BADRULE"

check_out "np-oracle: binary protocol" '{"verdicts":[false,true]}' 0 bash -c "echo '{\"namespaces\":{\"a\":{}},\"pods\":[{\"namespace\":\"a\",\"name\":\"p\",\"labels\":{\"x\":\"y\"},\"ip\":\"10.9.0.1\"}],\"policies\":[{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":\"d\",\"namespace\":\"a\"},\"spec\":{\"podSelector\":{},\"policyTypes\":[\"Egress\"],\"egress\":[{\"ports\":[{\"port\":53,\"protocol\":\"UDP\"}]}]}}],\"probes\":[{\"src\":{\"namespace\":\"a\",\"pod\":\"p\"},\"dst\":{\"ip\":\"192.0.2.1\"},\"port\":443,\"protocol\":\"TCP\"},{\"src\":{\"namespace\":\"a\",\"pod\":\"p\"},\"dst\":{\"ip\":\"192.0.2.1\"},\"port\":53,\"protocol\":\"UDP\"}]}' | '$NP_ORACLE'"
check "np-oracle: go test" 0 bash -c "cd '$HERE/../np-oracle' && go test ./..."

check "cluster stop" 0 "$HERE/cluster.sh" stop
check "cluster status after stop is non-zero" 1 "$HERE/cluster.sh" status
trap - EXIT
if (( failed == 0 )); then rm -rf "$LOG"; else echo "logs: $LOG"; fi
echo "($((SECONDS - T0)) s in all)"
echo "selftest: $pass passed, $failed failed"
(( failed == 0 ))
