#!/usr/bin/env bash
# One real NetworkPolicy dataplane, entirely inside network namespaces this script creates
# (tools/dataplane/README.md, recipe: ../shared/guides/real-dataplane.md).
#
#   dataplane.sh up   STATE_DIR UNIVERSE_TSV SERVE_JSON   start it; prints the shell variables to eval
#   dataplane.sh down STATE_DIR                           stop it: recorded PIDs, recorded namespaces
#   dataplane.sh check-kernel                             which queue path this kernel needs
#
# EGRESS_DATAPLANE_FAULT injects one fault, for tools/dataplane/fault-check.sh only: `no-shim` (do
# not steer packets to the queue although the kernel needs it), `controller-exit` (start the
# controller with a flag it refuses), `port-taken` (something already listens on the apiserver port).
#
# up: a "node" namespace (forwarding on) runs etcd + kube-apiserver (tools/validators/cluster.sh),
# kube-network-policies and dpnet's listeners; every line of UNIVERSE_TSV (`netns-name ipv4 [ipv6]`)
# becomes a namespace joined to the node by a veth pair (ptp: /32 and /128 routes). Everything it
# creates is recorded in STATE_DIR *before* it is created, so `down` (also run from a trap) removes
# exactly that: the processes by PID (each checked against its binary), the namespaces by name.
# Traffic: only between these namespaces, to the addresses listed in the TSV.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../validators/env.sh
source "$HERE/../validators/env.sh"
NODE_NAME=dataplane-node            # the controller's -hostname-override and every pod's nodeName
QUEUE_NUM=100                       # nfqueue the controller reads
CLUSTER_IP="${EGRESS_DATAPLANE_DNS_CLUSTER_IP:-10.0.0.10}"  # kube-dns Service address (DNAT in the node namespace)

log() { printf '[dataplane] %s\n' "$*" >&2; }
die() { printf '[dataplane] ERROR: %s\n' "$*" >&2; exit 1; }

# A scratch namespace tells whether nftables can load a `queue` statement on this kernel
# (CONFIG_NFT_QUEUE). Prints "nft" or "iptables-shim".
check_kernel() {
  local ns="cdke-probe-$$" path
  ip netns add "$ns" || die "cannot create a network namespace (ip netns add): need root and netns support"
  if printf 'table inet cdk8s_egress_probe {\n chain c {\n  type filter hook postrouting priority 0;\n  queue num %s\n }\n}\n' "$QUEUE_NUM" \
      | ip netns exec "$ns" nft -f - 2>/dev/null; then
    path=nft
  else
    path=iptables-shim
  fi
  ip netns del "$ns"
  echo "$path"
}

record() { echo "$2" >>"$1"; }   # record FILE LINE (before creating the thing)

# pid_is PIDFILE EXE: the recorded PID is alive and still runs EXE (or EXE's previous build, when
# it was rebuilt while running: the kernel then shows "EXE (deleted)").
pid_is() {
  local pid exe; pid=$(cat "$1" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [[ "${exe% (deleted)}" == "$(readlink -f "$2")" ]]
}

# stop_pid PIDFILE EXE SIGNAL GRACE_S: signal the recorded PID if it is still EXE; SIGKILL after GRACE_S.
stop_pid() {
  local f=$1 exe=$2 sig=$3 grace=$4 pid i
  [[ -f "$f" ]] || return 0
  pid=$(cat "$f")
  if pid_is "$f" "$exe"; then
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do pid_is "$f" "$exe" || break; sleep 0.1; done
    if pid_is "$f" "$exe"; then log "$(basename "$f" .pid) ($pid) still running after SIG$sig; SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$f"
}

cmd_down() {
  local S=$1
  [[ -d "$S" ]] || return 0
  # kube-network-policies stops on SIGINT only (it then removes its table and exits after 5 s)
  stop_pid "$S/controller.pid" "$KUBE_NETWORK_POLICIES" INT 8
  stop_pid "$S/serve.pid" "$DPNET" TERM 3
  stop_pid "$S/fault.pid" "$DPNET" TERM 3
  if [[ -f "$S/node.netns" ]]; then
    EGRESS_CLUSTER_DIR="$S/cluster" bash "$HERE/../validators/cluster.sh" stop >/dev/null 2>&1 || true
  fi
  if [[ -f "$S/netns.list" ]]; then
    local ns n=0
    while read -r ns; do
      [[ -n "$ns" && -e "/run/netns/$ns" ]] || continue
      ip netns del "$ns" 2>/dev/null && n=$((n + 1)) || log "could not delete netns $ns"
    done < <(tac "$S/netns.list")
    rm -f "$S/netns.list"
    log "down: removed $n network namespaces"
  fi
}

# wire NODE_NS IFNAME NS IPV4 [IPV6]: a namespace joined to the node (ptp, /32 and /128 routes).
wire() {
  local node=$1 ifn=$2 ns=$3 ip4=$4 ip6=${5:-}
  ip -n "$node" link add "$ifn" type veth peer name eth0 netns "$ns"
  ip -n "$node" link set "$ifn" up
  ip -n "$node" addr add 169.254.1.1/32 dev "$ifn"
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
  if [[ "$ip4" != "-" ]]; then
    ip -n "$node" route add "$ip4/32" dev "$ifn"
    ip -n "$ns" addr add "$ip4/32" dev eth0
    ip -n "$ns" route add 169.254.1.1/32 dev eth0 scope link
    ip -n "$ns" route add default via 169.254.1.1 dev eth0 src "$ip4"
  fi
  if [[ -n "$ip6" && "$ip6" != "-" ]]; then
    ip -n "$node" addr add fe80::1/64 dev "$ifn" nodad
    ip -n "$node" -6 route add "$ip6/128" dev "$ifn"
    ip -n "$ns" addr add "$ip6/128" dev eth0 nodad
    ip -n "$ns" -6 route add default via fe80::1 dev eth0 src "$ip6"
  fi
}

cmd_up() {
  local S=$1 universe=$2 serve_cfg=$3
  [[ -x "$KUBE_NETWORK_POLICIES" ]] || die "kube-network-policies not built: $KUBE_NETWORK_POLICIES (tools/validators/build-testbins.sh kube-network-policies)"
  [[ -x "$DPNET" ]] || die "dpnet not built: $DPNET (tools/validators/build-testbins.sh dpnet)"
  for t in ip nft iptables ip6tables unshare setsid; do command -v "$t" >/dev/null || die "$t not found (apt packages: iproute2 nftables iptables util-linux)"; done
  mkdir -p "$S"
  local t0=$SECONDS prefix node path
  prefix=$(basename "$S")
  node="$prefix-node"
  path=$(check_kernel)
  log "queue path on this kernel: $path"
  echo "$path" >"$S/queue.path"

  record "$S/netns.list" "$node"
  echo "$node" >"$S/node.netns"
  ip netns add "$node"
  ip -n "$node" link set lo up
  ip netns exec "$node" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

  local n=0 ns ip4 ip6 dnsip=""
  while read -r ns ip4 ip6 role; do
    [[ -z "$ns" || "$ns" == \#* ]] && continue
    record "$S/netns.list" "$ns"
    ip netns add "$ns"
    wire "$node" "dp$n" "$ns" "$ip4" "${ip6:--}"
    [[ "${role:-}" == dns ]] && dnsip=$ip4
    n=$((n + 1))
  done <"$universe"
  [[ -n "$dnsip" ]] || die "$universe names no kube-dns pod (role dns)"
  log "node namespace $node and $n pod/host namespaces wired in $((SECONDS - t0)) s"

  # kube-dns Service: ClusterIP DNAT to the kube-dns pod, as kube-proxy would (policy is decided
  # after DNAT, on the pod address).
  for proto in udp tcp; do
    ip netns exec "$node" iptables -t nat -A PREROUTING -d "$CLUSTER_IP/32" -p "$proto" --dport 53 -j DNAT --to-destination "$dnsip:53"
  done
  if [[ "$path" == iptables-shim && "${EGRESS_DATAPLANE_FAULT:-}" != no-shim ]]; then
    # Trap 1 of the recipe: this kernel has no nft `queue`, so kube-network-policies' own table
    # fails to load and would enforce nothing. Steer every new flow that leaves towards a pod or
    # host veth to the controller's queue instead; no --queue-bypass, so with no reader (dead
    # controller) packets are dropped: the dataplane fails closed. The controller decides each one.
    for ipt in iptables ip6tables; do
      { ip netns exec "$node" "$ipt" -t mangle -N CDK8S-EGRESS-NFQ \
        && ip netns exec "$node" "$ipt" -t mangle -A CDK8S-EGRESS-NFQ -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN \
        && ip netns exec "$node" "$ipt" -t mangle -A CDK8S-EGRESS-NFQ -j NFQUEUE --queue-num "$QUEUE_NUM" \
        && ip netns exec "$node" "$ipt" -t mangle -A POSTROUTING -o dp+ -j CDK8S-EGRESS-NFQ; } \
        || die "this kernel has no nft queue and $ipt cannot add an NFQUEUE rule either (xt_NFQUEUE / nft_compat missing): nothing could enforce NetworkPolicies"
    done
  fi

  if [[ "${EGRESS_DATAPLANE_FAULT:-}" == port-taken ]]; then
    echo "{\"netns\":[\"$node\"],\"ports\":[26443]}" >"$S/fault.json"
    setsid ip netns exec "$node" "$DPNET" serve "$S/fault.json" "$S/fault.ready" </dev/null >/dev/null 2>&1 &
    echo $! >"$S/fault.pid"
    for ((i = 0; i < 50; i++)); do [[ -s "$S/fault.ready" ]] && break; sleep 0.1; done
    export EGRESS_APISERVER_PORT=26443
  fi
  # etcd + kube-apiserver inside the node namespace (cluster.sh records and checks their PIDs)
  EGRESS_CLUSTER_DIR="$S/cluster" ip netns exec "$node" bash "$HERE/../validators/cluster.sh" start >/dev/null \
    || die "etcd/kube-apiserver did not start in $node (logs: $S/cluster/*.log)"
  local port; port=$(cat "$S/cluster/apiserver.port")

  # Trap 2: v0.8.0 only reads in-cluster config. A private mount namespace gets a tmpfs over /run
  # with the serviceaccount files; nothing touches the host's /run.
  mkdir -p "$S/sa"
  cp "$S/cluster/token" "$S/sa/token"
  cp "$S/cluster/pki/apiserver.crt" "$S/sa/ca.crt"
  echo kube-system >"$S/sa/namespace"
  local nft_flag="-netfilter-bug-1766-fix=false"   # kernel >= 6.12 has the conntrack fix
  [[ "${EGRESS_DATAPLANE_FAULT:-}" == controller-exit ]] && nft_flag="-no-such-flag"
  # -v=2 logs each queued packet with its source and destination pod and the verdict: the evidence
  # behind any disagreement (controller.log in the state directory).
  # Trap 4: setsid so the controller gets SIGINT from `down`; every layer execs, so $! is its PID.
  setsid ip netns exec "$node" unshare -m --propagation private sh -c '
      set -e
      mount -t tmpfs -o size=1m,mode=0755 tmpfs /run
      d=/run/secrets/kubernetes.io/serviceaccount
      mkdir -p "$d"
      cp "$1/token" "$1/ca.crt" "$1/namespace" "$d/"
      shift
      exec env KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$1" "$2" \
        -hostname-override="$3" -nfqueue-id="$4" -metrics-bind-address=127.0.0.1:0 -disable-nri "$5" -v=2' \
      sh "$S/sa" "$port" "$KUBE_NETWORK_POLICIES" "$NODE_NAME" "$QUEUE_NUM" "$nft_flag" \
      </dev/null >"$S/controller.log" 2>&1 &
  echo $! >"$S/controller.pid"
  local i
  for ((i = 0; i < 50; i++)); do pid_is "$S/controller.pid" "$KUBE_NETWORK_POLICIES" && break; sleep 0.1; done
  pid_is "$S/controller.pid" "$KUBE_NETWORK_POLICIES" || { tail -n 30 "$S/controller.log" >&2; die "kube-network-policies did not start (log: $S/controller.log)"; }
  # Ready when its informers synced and it opened the queue; a crash is reported with its log.
  for ((i = 0; i < 300; i++)); do
    grep -q 'Syncing nftables rules' "$S/controller.log" 2>/dev/null && break
    pid_is "$S/controller.pid" "$KUBE_NETWORK_POLICIES" || { tail -n 30 "$S/controller.log" >&2; die "kube-network-policies exited during startup (log: $S/controller.log)"; }
    sleep 0.1
  done
  grep -q 'Syncing nftables rules' "$S/controller.log" || { tail -n 30 "$S/controller.log" >&2; die "kube-network-policies not ready after 30 s (log: $S/controller.log)"; }
  sleep 0.5
  pid_is "$S/controller.pid" "$KUBE_NETWORK_POLICIES" || { tail -n 30 "$S/controller.log" >&2; die "kube-network-policies exited after startup (log: $S/controller.log)"; }
  if grep -q 'could not open nfqueue socket' "$S/controller.log"; then
    tail -n 30 "$S/controller.log" >&2; die "kube-network-policies could not open nfqueue $QUEUE_NUM (log: $S/controller.log)"
  fi
  if [[ "$path" == nft ]] && ! ip netns exec "$node" nft list table inet kube-network-policies >/dev/null 2>&1; then
    die "kube-network-policies' nftables table did not load although this kernel supports nft queue (log: $S/controller.log)"
  fi

  # Listeners in every pod and host namespace
  rm -f "$S/serve.ready"
  setsid ip netns exec "$node" "$DPNET" serve "$serve_cfg" "$S/serve.ready" </dev/null >"$S/serve.log" 2>&1 &
  echo $! >"$S/serve.pid"
  for ((i = 0; i < 150; i++)); do [[ -s "$S/serve.ready" ]] && break; kill -0 "$(cat "$S/serve.pid")" 2>/dev/null || break; sleep 0.1; done
  [[ -s "$S/serve.ready" ]] || { cat "$S/serve.log" >&2; die "dpnet serve did not become ready (log: $S/serve.log)"; }
  log "up in $((SECONDS - t0)) s: apiserver :$port, kube-network-policies pid $(cat "$S/controller.pid"), listeners: $(cat "$S/serve.ready")"
  cat <<EOF
DP_NODE=$node
DP_API=https://127.0.0.1:$port
DP_TOKEN=$S/cluster/token
DP_CONTROLLER_PID=$(cat "$S/controller.pid")
DP_QUEUE_PATH=$path
EOF
}

case "${1:-}" in
  up) [[ $# -eq 4 ]] || die "usage: dataplane.sh up STATE_DIR UNIVERSE_TSV SERVE_JSON"; cmd_up "$2" "$3" "$4" ;;
  down) [[ $# -eq 2 ]] || die "usage: dataplane.sh down STATE_DIR"; cmd_down "$2" ;;
  check-kernel) check_kernel ;;
  *) echo "usage: $0 up|down|check-kernel ..." >&2; exit 2 ;;
esac
