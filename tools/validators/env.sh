# Source me: paths and pinned versions of the real-validator test binaries.
# Built by tools/validators/build-testbins.sh (only when missing).
K8S_VERSION=1.34.4          # kube-apiserver (k8s.io/kubernetes, go 1.24 in its go.mod)
ETCD_VERSION=3.6.5          # go.etcd.io/etcd/server/v3
KNP_VERSION=0.8.0           # sigs.k8s.io/kube-network-policies (dataplane tier); v0.9+ is refused by the proxy here
ISTIO_VERSION=1.31-dev      # see ISTIO_MODULE_VERSION
# istio.io/istio master commit eed52ebb66ad (2026-08-27; istio.io/api v1.31.0-rc.0 pseudo-version,
# k8s.io/* v0.36.1). The module proxy reachable here serves only three istio.io/istio versions; the
# 1.30.3 tag commit (56df41f6) is refused (403), and the release-1.30 commit 9739e10eb9d7 needs
# istio.io/api + istio.io/client-go v1.30.4 pseudo-versions that are refused too. CRDs stay 1.30.3.
ISTIO_MODULE_VERSION=v0.0.0-20260827124520-eed52ebb66ad
export EGRESS_TESTBINS="${EGRESS_TESTBINS:-$HOME/.cache/cdk8s-egress/testbins}"
export KUBE_APISERVER="${KUBE_APISERVER:-$EGRESS_TESTBINS/kube-apiserver-v$K8S_VERSION}"
export ETCD="${ETCD:-$EGRESS_TESTBINS/etcd-v$ETCD_VERSION}"
export ISTIOCTL="${ISTIOCTL:-$EGRESS_TESTBINS/istioctl-${ISTIO_MODULE_VERSION##*-}}"
export NP_ORACLE="${NP_ORACLE:-$EGRESS_TESTBINS/np-oracle}"
export CILIUM_AGENT_ORACLE="${CILIUM_AGENT_ORACLE:-$EGRESS_TESTBINS/cilium-agent-oracle}"
# The Cilium agent-parser tier runs for v1.19.4 (the pinned CRDs and the default
# EgressBackend.cilium() version, built from tools/cilium-oracle/go.mod) and for each release listed
# here (built from the Go module proxy): v1.14.19, the oldest the library supports (AKS runs it for
# Kubernetes 1.29/1.30); v1.18.0, the last release without multi-level `**.`; v1.20.2, the newest the
# proxy serves. A cold build takes 1-2 min each on 2 cores, seconds with warm Go caches. 1.14/1.15,
# 1.18 and 1.19+ have adapters (tools/cilium-oracle/parse_*.go); 1.16/1.17 need one more.
CILIUM_ORACLE_VERSIONS="${CILIUM_ORACLE_VERSIONS:-v1.14.19 v1.18.0 v1.20.2}"
cilium_oracle_path() { echo "$EGRESS_TESTBINS/cilium-agent-oracle-$1"; }
# version=path pairs for the jest tier (test/backends/cilium/agent-oracle.cluster.test.ts).
CILIUM_AGENT_ORACLES="v1.19.4=$CILIUM_AGENT_ORACLE"
for _v in $CILIUM_ORACLE_VERSIONS; do CILIUM_AGENT_ORACLES="$CILIUM_AGENT_ORACLES $_v=$(cilium_oracle_path "$_v")"; done
unset _v
export CILIUM_ORACLE_VERSIONS CILIUM_AGENT_ORACLES
export KUBE_NETWORK_POLICIES="${KUBE_NETWORK_POLICIES:-$EGRESS_TESTBINS/kube-network-policies-v$KNP_VERSION}"
export DPNET="${DPNET:-$EGRESS_TESTBINS/dpnet}"
export PROMTOOL="${PROMTOOL:-$EGRESS_TESTBINS/promtool}"
export K8S_VERSION ETCD_VERSION KNP_VERSION ISTIO_VERSION ISTIO_MODULE_VERSION
