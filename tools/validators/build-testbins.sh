#!/usr/bin/env bash
# Build (only when missing) the test binaries the real validators need, into
#   ${EGRESS_TESTBINS:-$HOME/.cache/cdk8s-egress/testbins}/
# Usage: build-testbins.sh [all|kube-apiserver|etcd|istioctl|np-oracle|cilium-oracle|promtool|kube-network-policies|dpnet ...]
# (`all` is what the cluster tier needs; the dataplane tier asks for kube-network-policies and dpnet.)
# Every binary carries its version in its file name, so a version bump rebuilds.
# Sources: the Go module proxy (Go binaries) and Debian apt (promtool). Nothing else.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"

mkdir -p "$EGRESS_TESTBINS"
export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export GOTOOLCHAIN=local   # never download a toolchain; fail loudly if the installed Go is too old

log() { printf '[build-testbins] %s\n' "$*" >&2; }
die() { printf '[build-testbins] ERROR: %s\n' "$*" >&2; exit 1; }
command -v go >/dev/null || die "go not found in PATH"

# run_timed NAME CMD...: run with a hard time bound, print wall time.
run_timed() {
  local name=$1; shift
  local t0=$SECONDS
  log "building $name ..."
  # functions are exported (export -f below) so that timeout can run them in a child bash
  if ! timeout "${EGRESS_BUILD_TIMEOUT:-3000}" bash -c '"$@"' _ "$@"; then
    die "$name: build failed or timed out after $((SECONDS - t0)) s (see output above)"
  fi
  log "built $name in $((SECONDS - t0)) s"
  echo "build-time $name $((SECONDS - t0))s" >>"$EGRESS_TESTBINS/build-times.log"
}

# A throwaway wrapper module under $EGRESS_TESTBINS/.work/<name> (removed on success).
wrapper_dir() {
  local d="$EGRESS_TESTBINS/.work/$1"
  rm -rf "$d"; mkdir -p "$d"; echo "$d"
}

build_kube_apiserver() {
  local out="$KUBE_APISERVER"
  [[ -x "$out" ]] && { log "kube-apiserver v$K8S_VERSION present: $out"; return; }
  run_timed "kube-apiserver v$K8S_VERSION" _build_kube_apiserver "$out"
}
_build_kube_apiserver() {
  local out=$1 minor patch w gomod m
  minor=$(cut -d. -f2 <<<"$K8S_VERSION"); patch=$(cut -d. -f3 <<<"$K8S_VERSION")
  w=$(wrapper_dir kube-apiserver-v$K8S_VERSION); cd "$w"
  go mod init local.invalid/kube-testbins >/dev/null 2>&1
  # k8s.io/kubernetes replaces its staging modules with ./staging/...; map each of
  # them to its published v0.<minor>.<patch> instead.
  gomod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | node -e '
    let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);
    if(j.Error){console.error(j.Error);process.exit(1)};console.log(j.GoMod)})') \
    || { echo "cannot download k8s.io/kubernetes@v$K8S_VERSION go.mod" >&2; return 1; }
  local n=0
  for m in $(sed -nE 's#^\s*(k8s\.io/[a-z0-9.-]+) => \./staging/src/.*#\1#p' "$gomod"); do
    go mod edit -replace="$m=$m@v0.$minor.$patch"; n=$((n+1))
  done
  (( n > 20 )) || { echo "found only $n staging replaces in $gomod" >&2; return 1; }
  local t0=$SECONDS
  go get "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION" || return 1
  go mod download || true
  echo "[build-testbins]   kube-apiserver: module resolution/download $((SECONDS - t0)) s" >&2
  t0=$SECONDS
  go build -trimpath -o "$out.tmp" \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" \
    k8s.io/kubernetes/cmd/kube-apiserver || return 1
  echo "[build-testbins]   kube-apiserver: compile $((SECONDS - t0)) s" >&2
  mv "$out.tmp" "$out"; cd /; rm -rf "$w"
}

build_etcd() {
  local out="$ETCD"
  [[ -x "$out" ]] && { log "etcd v$ETCD_VERSION present: $out"; return; }
  run_timed "etcd v$ETCD_VERSION" _build_etcd "$out"
}
_build_etcd() {
  local out=$1 w
  w=$(wrapper_dir etcd-v$ETCD_VERSION); cd "$w"
  go mod init local.invalid/etcd-testbin >/dev/null 2>&1
  go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" || return 1
  go build -trimpath -o "$out.tmp" -ldflags "-s -w" go.etcd.io/etcd/server/v3 || return 1
  mv "$out.tmp" "$out"; cd /; rm -rf "$w"
}

build_istioctl() {
  local out="$ISTIOCTL"
  [[ -x "$out" ]] && { log "istioctl $ISTIO_VERSION present: $out"; return; }
  run_timed "istioctl $ISTIO_VERSION ($ISTIO_MODULE_VERSION)" _build_istioctl "$out"
}
_build_istioctl() {
  local out=$1 w
  w=$(wrapper_dir istioctl-$ISTIO_MODULE_VERSION); cd "$w"
  go mod init local.invalid/istioctl-testbin >/dev/null 2>&1
  go get "istio.io/istio@$ISTIO_MODULE_VERSION" || return 1
  go build -trimpath -o "$out.tmp" \
    -ldflags "-s -w -X istio.io/istio/pkg/version.buildVersion=$ISTIO_VERSION -X istio.io/istio/pkg/version.buildGitRevision=$ISTIO_MODULE_VERSION" \
    istio.io/istio/istioctl/cmd/istioctl || return 1
  mv "$out.tmp" "$out"; cd /; rm -rf "$w"
}

# Project-owned Go tools (tools/<dir>): rebuilt whenever their sources change (hash stamp);
# -mod=readonly never rewrites the committed go.mod/go.sum during a build.
build_go_tool() {
  local name="$1" src="$HERE/../$2" out="$3" label="$4" ldflags="${5:-}"
  [[ -f "$src/go.mod" ]] || die "$name: $src/go.mod missing"
  # go.sum is optional (dpnet uses the standard library only)
  local h; h=$(cd "$src" && { cat go.mod go.sum *.go 2>/dev/null || true; } | sha256sum | cut -c1-16)
  if [[ -x "$out" && "$(cat "$out.stamp" 2>/dev/null)" == "$h" ]]; then
    log "$name present: $out"; return
  fi
  run_timed "$label" bash -c "cd '$src' && GOFLAGS='-buildvcs=false -mod=readonly' CGO_ENABLED=0 go build -trimpath ${ldflags:+-ldflags '$ldflags'} -o '$out.tmp' . && mv '$out.tmp' '$out'"
  echo "$h" >"$out.stamp"
}

build_np_oracle() { build_go_tool np-oracle np-oracle "$NP_ORACLE" "np-oracle"; }

# Cilium's own policy parser (v1.19.4, the version of the pinned CRDs): judges every emitted
# CiliumNetworkPolicy the way the agent does (rule_validation.go), which no CRD schema checks.
# Built from the committed go.mod/go.sum (reproducible). The other releases of the version matrix
# (CILIUM_ORACLE_VERSIONS in env.sh) are built next to it from the same sources.
build_cilium_oracle() {
  build_go_tool cilium-oracle cilium-oracle "$CILIUM_AGENT_ORACLE" "cilium-oracle (cilium v1.19.4 policy parser)" "-X main.ciliumVersion=v1.19.4"
  local v
  for v in $CILIUM_ORACLE_VERSIONS; do build_cilium_oracle_version "$v"; done
}

# The build tag of the adapter (tools/cilium-oracle/parse_*.go) for a release's API generation.
cilium_oracle_tag() {
  local minor; minor=$(cut -d. -f2 <<<"${1#v}")
  if (( minor == 14 || minor == 15 )); then echo cilium_v114
  elif (( minor == 18 )); then echo cilium_v118
  elif (( minor >= 19 )); then echo ""
  else return 1; fi
}

# One more release of the matrix: a throwaway wrapper module requiring github.com/cilium/cilium@<v>
# with Cilium's own replace directives (a dependency's replaces do not apply to dependents), resolved
# through the Go module proxy and checked against the checksum database.
build_cilium_oracle_version() {
  local v=$1 out tag h
  out=$(cilium_oracle_path "$v")
  tag=$(cilium_oracle_tag "$v") || die "cilium-oracle $v: no adapter for this Cilium API generation (have 1.14/1.15, 1.18, 1.19+)"
  h=$(cd "$HERE/../cilium-oracle" && { echo "$v $tag"; cat main.go parse_*.go; } | sha256sum | cut -c1-16)
  if [[ -x "$out" && "$(cat "$out.stamp" 2>/dev/null)" == "$h" ]]; then log "cilium-oracle $v present: $out"; return; fi
  run_timed "cilium-oracle (cilium $v policy parser)" _build_cilium_oracle_version "$v" "$tag" "$out" "$HERE/../cilium-oracle"
  echo "$h" >"$out.stamp"
}
_build_cilium_oracle_version() {
  local v=$1 tag=$2 out=$3 src=$4 w gomod
  w=$(wrapper_dir "cilium-oracle-$v"); cd "$w"
  cp "$src/main.go" "$src/"parse_*.go .
  go mod init local.invalid/cilium-oracle >/dev/null 2>&1
  gomod=$(go mod download -json "github.com/cilium/cilium@$v" | node -e '
    let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);
    if(j.Error){console.error(j.Error);process.exit(1)};console.log(j.GoMod)})') \
    || { echo "cannot download github.com/cilium/cilium@$v" >&2; return 1; }
  local r
  for r in $(go mod edit -json "$gomod" | node -e '
    let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);
    for(const r of j.Replace||[]) if(r.New.Version) console.log(`${r.Old.Path}${r.Old.Version?"@"+r.Old.Version:""}=${r.New.Path}@${r.New.Version}`)})'); do
    go mod edit -replace="$r"
  done
  go get "github.com/cilium/cilium@$v" || return 1
  go build -trimpath ${tag:+-tags "$tag"} -ldflags "-s -w -X main.ciliumVersion=$v" -o "$out.tmp" . || return 1
  mv "$out.tmp" "$out"; cd /; rm -rf "$w"
}

# kube-network-policies (sig-network's NetworkPolicy dataplane, nftables + nfqueue) for the
# dataplane tier (scripts/test-dataplane.sh). v0.8.0 is the newest version the module proxy serves
# here; its main package is sigs.k8s.io/kube-network-policies/cmd, so `go install` names it `cmd`.
build_kube_network_policies() {
  local out="$KUBE_NETWORK_POLICIES"
  [[ -x "$out" ]] && { log "kube-network-policies v$KNP_VERSION present: $out"; return; }
  run_timed "kube-network-policies v$KNP_VERSION" _build_kube_network_policies "$out"
}
_build_kube_network_policies() {
  local out=$1 w
  w=$(wrapper_dir kube-network-policies-v$KNP_VERSION); cd "$w"
  # `go install pkg@version` builds from the module's own go.mod (no wrapper module, no -mod=mod)
  GOFLAGS= GOBIN="$w/bin" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kube-network-policies/cmd@v$KNP_VERSION" || return 1
  [[ -x "$w/bin/cmd" ]] || { echo "go install produced no bin/cmd" >&2; return 1; }
  mv "$w/bin/cmd" "$out"; cd /; rm -rf "$w"
}

# The dataplane tier's own probe/listener helper (tools/dataplane/dpnet, standard library only).
build_dpnet() { build_go_tool dpnet dataplane/dpnet "$DPNET" "dpnet (dataplane probes)"; }

build_promtool() {
  [[ -x "$PROMTOOL" ]] && { log "promtool present: $PROMTOOL"; return; }
  run_timed "promtool (Debian prometheus package)" _build_promtool
}
_build_promtool() {
  command -v apt-get >/dev/null || { echo "apt-get not available: install promtool by hand and set PROMTOOL" >&2; return 1; }
  local d; d=$(mktemp -d)
  ( cd "$d" && apt-get download -o APT::Sandbox::User=root prometheus ) || {
    echo "apt-get download failed; running apt-get update once and retrying" >&2
    apt-get update -qq || return 1
    ( cd "$d" && apt-get download -o APT::Sandbox::User=root prometheus ) || return 1
  }
  local deb; deb=$(ls "$d"/prometheus_*.deb)
  local ver; ver=$(dpkg-deb -f "$deb" Version)
  rm -rf "$EGRESS_TESTBINS/prometheus-deb"
  dpkg -x "$deb" "$EGRESS_TESTBINS/prometheus-deb"
  [[ -x "$EGRESS_TESTBINS/prometheus-deb/usr/bin/promtool" ]] || { echo "no usr/bin/promtool in $deb" >&2; return 1; }
  ln -sf "prometheus-deb/usr/bin/promtool" "$PROMTOOL"
  echo "$ver" >"$EGRESS_TESTBINS/promtool.version"
  rm -rf "$d"
  "$PROMTOOL" --version 2>&1 | head -1 >&2
}

export -f wrapper_dir _build_cilium_oracle_version _build_kube_apiserver _build_etcd _build_istioctl _build_promtool
export -f wrapper_dir _build_kube_apiserver _build_etcd _build_istioctl _build_promtool _build_kube_network_policies
targets=("$@"); [[ ${#targets[@]} -eq 0 ]] && targets=(all)
for t in "${targets[@]}"; do
  case "$t" in
    all) build_kube_apiserver; build_etcd; build_istioctl; build_np_oracle; build_cilium_oracle; build_promtool ;;
    kube-apiserver) build_kube_apiserver ;;
    etcd) build_etcd ;;
    istioctl) build_istioctl ;;
    np-oracle) build_np_oracle ;;
    cilium-oracle) build_cilium_oracle ;;
    promtool) build_promtool ;;
    kube-network-policies) build_kube_network_policies ;;
    dpnet) build_dpnet ;;
    *) die "unknown target '$t' (all|kube-apiserver|etcd|istioctl|np-oracle|cilium-oracle|promtool|kube-network-policies|dpnet)" ;;
  esac
done
rmdir "$EGRESS_TESTBINS/.work" 2>/dev/null || true  # each build removed its own wrapper dir; keep a concurrent build's
log "done: $EGRESS_TESTBINS"
