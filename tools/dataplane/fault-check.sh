#!/usr/bin/env bash
# Proves the dataplane tier fails, with its reason, when the dataplane cannot work, and never passes
# without enforcement: each fault is injected into a small dataplane (3 pods) and the run must stop
# with the expected message. Run by scripts/test-dataplane.sh; ~40 s.
#   no-shim          the kernel lacks nft queue and nothing steers packets to the controller:
#                    the settling barrier sees policies unenforced and the run fails
#   controller-exit  kube-network-policies exits at startup: `up` fails with its log
#   port-taken       the apiserver port is held: `up` fails naming the port
# Usage: fault-check.sh WORK_DIR NETNS_PREFIX
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../validators/env.sh
source "$HERE/../validators/env.sh"
W=$1 P=$2
mkdir -p "$W"
fails=0

run_fault() { # run_fault FAULT EXPECTED_MESSAGE
  local fault=$1 want=$2 S="$W/${P}f${3}" out rc=0
  rm -rf "$S" "$W/$fault.log"
  printf '%s-p0\t10.244.0.2\tfd00:10:244::2\tdns\n%s-p1\t10.244.0.3\tfd00:10:244::3\tsentinel\n%s-p2\t10.244.0.4\tfd00:10:244::4\tcontrol\n' \
    "$(basename "$S")" "$(basename "$S")" "$(basename "$S")" >"$W/u.tsv"
  echo "{\"netns\":[\"$(basename "$S")-p0\",\"$(basename "$S")-p1\",\"$(basename "$S")-p2\"],\"ports\":[53]}" >"$W/serve.json"
  cat >"$W/plan.json" <<EOF
{"batch":"fault-$fault","node":"dataplane-node",
 "namespaces":[{"name":"kube-system","labels":{}},{"name":"dataplane-sentinel","labels":{}},{"name":"dataplane-control","labels":{}}],
 "pods":[{"namespace":"kube-system","name":"coredns","labels":{"k8s-app":"kube-dns"},"netns":"$(basename "$S")-p0","ipv4":"10.244.0.2","ipv6":"fd00:10:244::2"},
   {"namespace":"dataplane-sentinel","name":"sentinel","labels":{},"netns":"$(basename "$S")-p1","ipv4":"10.244.0.3","ipv6":"fd00:10:244::3"},
   {"namespace":"dataplane-control","name":"control","labels":{},"netns":"$(basename "$S")-p2","ipv4":"10.244.0.4","ipv6":"fd00:10:244::4"}],
 "controls":{"sentinelNamespace":"dataplane-sentinel","sentinelNetns":"$(basename "$S")-p1","controlNetns":"$(basename "$S")-p2","dnsPodIp":"10.244.0.2","clusterIp":"10.0.0.10","closedPort":9},
 "apps":[{"name":"empty","policies":[],"probes":[{"id":"0","kind":"dns","desc":"","expected":true,"netns":"$(basename "$S")-p2","dst":"10.244.0.2","port":53,"proto":"UDP"}]}],
 "ports":[53]}
EOF
  {
    if env_out=$(EGRESS_DATAPLANE_FAULT=$fault bash "$HERE/dataplane.sh" up "$S" "$W/u.tsv" "$W/serve.json"); then
      eval "$env_out"
      ip netns exec "$DP_NODE" "$DPNET" run -plan "$W/plan.json" -api "$DP_API" -token "$DP_TOKEN" \
        -controller-pid "$DP_CONTROLLER_PID" -controller-exe "$(readlink -f "$KUBE_NETWORK_POLICIES")" -out "$W/$fault.jsonl"
    else
      false
    fi
  } >"$W/$fault.log" 2>&1 || rc=$?
  bash "$HERE/dataplane.sh" down "$S" >/dev/null 2>&1 || true
  if [[ $rc -eq 0 ]]; then
    echo "fault-check: $fault: the run PASSED although the dataplane was broken" >&2; fails=$((fails + 1))
  elif ! grep -q -- "$want" "$W/$fault.log"; then
    echo "fault-check: $fault: failed, but without the expected reason '$want' (log: $W/$fault.log)" >&2; fails=$((fails + 1))
  else
    echo "fault-check: $fault: fails with: $(grep -m1 -- "$want" "$W/$fault.log" | sed 's/^.*ERROR: //; s/^dpnet: //')"
  fi
}

path=$(bash "$HERE/dataplane.sh" check-kernel)
if [[ "$path" == iptables-shim ]]; then
  run_fault no-shim "policies are not being enforced" 1
else
  echo "fault-check: no-shim: not applicable (this kernel's nft has queue; kube-network-policies loads its own table)"
fi
run_fault controller-exit "kube-network-policies did not start\|kube-network-policies exited" 2
run_fault port-taken "26443 requested via EGRESS_APISERVER_PORT is in use" 3
[[ $fails -eq 0 ]] || { echo "fault-check: $fails fault(s) not reported as they must be" >&2; exit 1; }
echo "fault-check: every injected fault stopped the run with its reason"
