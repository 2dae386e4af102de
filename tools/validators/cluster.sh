#!/usr/bin/env bash
# A throwaway etcd + kube-apiserver on 127.0.0.1 (no kubelet, no controllers, no scheduler).
# Usage: cluster.sh start|stop|status|env
#   state dir : ${EGRESS_CLUSTER_DIR:-/tmp/cdk8s-egress-cluster}  (kubeconfig, pids, logs)
#   ports     : EGRESS_APISERVER_PORT / EGRESS_ETCD_PORT / EGRESS_ETCD_PEER_PORT, else the first
#               free ones from 26443 / 23790 / 23800 upwards. An explicitly requested port that
#               is taken is an error (the holder is printed).
#   timeouts  : EGRESS_READY_TIMEOUT (default 120 s) for etcd health and apiserver /readyz.
# `start` on a healthy cluster reuses it; on a broken/stale one it stops it and starts afresh.
# `stop` kills exactly the recorded PIDs (after checking they are still our binaries).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"
D="${EGRESS_CLUSTER_DIR:-/tmp/cdk8s-egress-cluster}"
READY_TIMEOUT="${EGRESS_READY_TIMEOUT:-120}"

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }

port_taken() { [[ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]]; }
port_holder() { ss -Htlnp "sport = :$1" 2>/dev/null | sed 's/^/    /'; }
pick_port() { # pick_port ENVVAR DEFAULT [EXCLUDE...]
  local var=$1 p=$2; shift 2
  if [[ -n "${!var:-}" ]]; then
    if port_taken "${!var}"; then
      log "port ${!var} (from $var) is already taken by:"; port_holder "${!var}" >&2
      die "port ${!var} requested via $var is in use"
    fi
    echo "${!var}"; return
  fi
  local tries=0
  while port_taken "$p" || [[ " $* " == *" $p "* ]]; do
    p=$((p + 1)); tries=$((tries + 1))
    (( tries < 200 )) || die "no free port found near $2"
  done
  echo "$p"
}

# pid_ok NAME: recorded pid exists and is still the binary we started
pid_ok() {
  local f="$D/$1.pid" pid exe
  [[ -f "$f" ]] || return 1
  pid=$(cat "$f"); [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [[ "$exe" == "$(cat "$D/$1.exe" 2>/dev/null)" ]]
}

readyz() {
  [[ -f "$D/apiserver.port" && -f "$D/token" ]] || return 1
  curl -sfk --max-time 5 -H "Authorization: Bearer $(cat "$D/token")" \
    "https://127.0.0.1:$(cat "$D/apiserver.port")/readyz" >/dev/null 2>&1
}

tail_logs() {
  for f in etcd apiserver; do
    [[ -f "$D/$f.log" ]] || continue
    echo "----- last 40 lines of $D/$f.log -----" >&2
    tail -n 40 "$D/$f.log" >&2
  done
}

stop_one() {
  local name=$1 pid i
  if pid_ok "$name"; then
    pid=$(cat "$D/$name.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then log "$name ($pid) ignored SIGTERM; SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
    log "stopped $name (pid $pid)"
  elif [[ -f "$D/$name.pid" ]]; then
    log "$name: recorded pid $(cat "$D/$name.pid") is not running (or is no longer $name); nothing to kill"
  fi
  rm -f "$D/$name.pid"
}

cmd_stop() { stop_one apiserver; stop_one etcd; }

cmd_status() {
  local ok=0
  for n in etcd apiserver; do
    if pid_ok "$n"; then echo "$n: running (pid $(cat "$D/$n.pid"))"; else echo "$n: not running"; ok=1; fi
  done
  if readyz; then echo "apiserver: ready at https://127.0.0.1:$(cat "$D/apiserver.port")"; else echo "apiserver: not ready"; ok=1; fi
  echo "KUBECONFIG=$D/kubeconfig"
  return $ok
}

cmd_start() {
  [[ -x "$KUBE_APISERVER" ]] || die "kube-apiserver not built: $KUBE_APISERVER (run tools/validators/build-testbins.sh)"
  [[ -x "$ETCD" ]] || die "etcd not built: $ETCD (run tools/validators/build-testbins.sh)"
  if pid_ok etcd && pid_ok apiserver && readyz; then
    log "already running and ready; reusing (KUBECONFIG=$D/kubeconfig)"
    echo "export KUBECONFIG=$D/kubeconfig"; return 0
  fi
  if [[ -f "$D/etcd.pid" || -f "$D/apiserver.pid" ]]; then
    log "stale or unhealthy cluster state in $D; stopping it and starting afresh"
    cmd_stop
  fi
  rm -rf "$D/etcd" "$D/pki"; mkdir -p "$D"
  local ep pp ap t0=$SECONDS
  ep=$(pick_port EGRESS_ETCD_PORT 23790)
  pp=$(pick_port EGRESS_ETCD_PEER_PORT 23800 "$ep")
  ap=$(pick_port EGRESS_APISERVER_PORT 26443 "$ep" "$pp")
  echo "$ap" >"$D/apiserver.port"; echo "$ep" >"$D/etcd.port"

  [[ -f "$D/sa.key" ]] || { openssl genrsa -out "$D/sa.key" 2048 2>/dev/null && openssl rsa -in "$D/sa.key" -pubout -out "$D/sa.pub" 2>/dev/null; } \
    || die "openssl could not create the service-account key pair"
  local token; token=$(openssl rand -hex 24)
  echo "$token" >"$D/token"; chmod 600 "$D/token"
  echo "$token,cdk8s-egress-ci,1,\"system:masters\"" >"$D/tokens.csv"; chmod 600 "$D/tokens.csv"

  readlink -f "$ETCD" >"$D/etcd.exe"; readlink -f "$KUBE_APISERVER" >"$D/apiserver.exe"
  setsid "$ETCD" --name=ci --data-dir="$D/etcd" \
    --listen-client-urls="http://127.0.0.1:$ep" --advertise-client-urls="http://127.0.0.1:$ep" \
    --listen-peer-urls="http://127.0.0.1:$pp" --initial-advertise-peer-urls="http://127.0.0.1:$pp" \
    --initial-cluster="ci=http://127.0.0.1:$pp" --unsafe-no-fsync=true --log-level=warn \
    --quota-backend-bytes=4294967296 \
    </dev/null >"$D/etcd.log" 2>&1 &
  echo $! >"$D/etcd.pid"
  log "etcd pid $(cat "$D/etcd.pid") on 127.0.0.1:$ep (peer $pp)"
  local deadline=$((SECONDS + READY_TIMEOUT))
  until curl -sf --max-time 2 "http://127.0.0.1:$ep/health" 2>/dev/null | grep -q '"health":"true"'; do
    pid_ok etcd || { tail_logs; cmd_stop; die "etcd exited during startup"; }
    (( SECONDS < deadline )) || { tail_logs; cmd_stop; die "etcd not healthy after ${READY_TIMEOUT}s"; }
    sleep 0.3
  done

  setsid "$KUBE_APISERVER" --etcd-servers="http://127.0.0.1:$ep" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$ap" --cert-dir="$D/pki" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$D/sa.pub" --service-account-signing-key-file="$D/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 --token-auth-file="$D/tokens.csv" \
    --authorization-mode=RBAC --disable-admission-plugins=ServiceAccount \
    --enable-priority-and-fairness=false --max-requests-inflight=1000 --max-mutating-requests-inflight=500 \
    --profiling=false --v=1 \
    </dev/null >"$D/apiserver.log" 2>&1 &
  echo $! >"$D/apiserver.pid"
  log "kube-apiserver pid $(cat "$D/apiserver.pid") on https://127.0.0.1:$ap"

  cat >"$D/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: cdk8s-egress-ci
  cluster:
    server: https://127.0.0.1:$ap
    insecure-skip-tls-verify: true
users:
- name: cdk8s-egress-ci
  user:
    token: $token
contexts:
- name: cdk8s-egress-ci
  context: {cluster: cdk8s-egress-ci, user: cdk8s-egress-ci}
current-context: cdk8s-egress-ci
KC
  chmod 600 "$D/kubeconfig"

  until readyz; do
    pid_ok apiserver || { tail_logs; cmd_stop; die "kube-apiserver exited during startup"; }
    (( SECONDS < deadline )) || { tail_logs; cmd_stop; die "kube-apiserver /readyz not ok after ${READY_TIMEOUT}s"; }
    sleep 0.5
  done
  log "ready in $((SECONDS - t0)) s; KUBECONFIG=$D/kubeconfig"
  echo "export KUBECONFIG=$D/kubeconfig"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) echo "export KUBECONFIG=$D/kubeconfig" ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
