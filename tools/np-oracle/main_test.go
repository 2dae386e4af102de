package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Cluster used by every case: namespace "app" (team=a) with pods client (role=client) and
// db (role=db); namespace "mon" (team=ops) with pod prom (role=prom); namespace "other" with pod x.
const cluster = `
"namespaces": {"app": {"team": "a"}, "mon": {"team": "ops"}, "other": {}},
"pods": [
  {"namespace": "app", "name": "client", "labels": {"role": "client"}, "ip": "10.1.0.1"},
  {"namespace": "app", "name": "db", "labels": {"role": "db"}, "ip": "10.1.0.2"},
  {"namespace": "mon", "name": "prom", "labels": {"role": "prom"}, "ip": "10.2.0.1"},
  {"namespace": "other", "name": "x", "labels": {"role": "prom"}, "ip": "10.3.0.1"}
]`

func np(spec string) string {
	return `{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
	  "metadata": {"name": "p", "namespace": "app"}, "spec": ` + spec + `}`
}

type probeCase struct {
	probe string
	want  bool
}

func run(t *testing.T, policies []string, cases []probeCase) {
	t.Helper()
	probes := make([]string, len(cases))
	for i, c := range cases {
		probes[i] = c.probe
	}
	src := `{` + cluster + `, "policies": [` + strings.Join(policies, ",") + `], "probes": [` + strings.Join(probes, ",") + `]}`
	var in Input
	if err := json.Unmarshal([]byte(src), &in); err != nil {
		t.Fatalf("bad test input: %v\n%s", err, src)
	}
	out, err := Evaluate(&in)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if len(out.Verdicts) != len(cases) {
		t.Fatalf("got %d verdicts, want %d", len(out.Verdicts), len(cases))
	}
	for i, c := range cases {
		if out.Verdicts[i] != c.want {
			t.Errorf("probe %s: got %v, want %v", c.probe, out.Verdicts[i], c.want)
		}
	}
}

const (
	toExt443  = `{"src": {"namespace": "app", "pod": "client"}, "dst": {"ip": "203.0.113.10"}, "port": 443, "protocol": "TCP"}`
	toExt80   = `{"src": {"namespace": "app", "pod": "client"}, "dst": {"ip": "203.0.113.10"}, "port": 80, "protocol": "TCP"}`
	toProm    = `{"src": {"namespace": "app", "pod": "client"}, "dst": {"namespace": "mon", "pod": "prom"}, "port": 9090, "protocol": "TCP"}`
	toOtherX  = `{"src": {"namespace": "app", "pod": "client"}, "dst": {"namespace": "other", "pod": "x"}, "port": 9090, "protocol": "TCP"}`
	toDB      = `{"src": {"namespace": "app", "pod": "client"}, "dst": {"namespace": "app", "pod": "db"}, "port": 9090, "protocol": "TCP"}`
	promToExt = `{"src": {"namespace": "mon", "pod": "prom"}, "dst": {"ip": "203.0.113.10"}, "port": 443, "protocol": "TCP"}`
)

// No policy selects the pod: all egress is allowed.
func TestNoPolicyAllows(t *testing.T) {
	run(t, nil, []probeCase{{toExt443, true}, {toProm, true}})
}

// A policy with policyTypes [Ingress] only does not restrict egress.
func TestIngressOnlyPolicyDoesNotRestrictEgress(t *testing.T) {
	run(t, []string{np(`{"podSelector": {}, "policyTypes": ["Ingress"]}`)}, []probeCase{{toExt443, true}})
}

// Default deny all egress (docs: "Default deny all egress traffic"); other namespaces unaffected.
func TestDefaultDenyEgress(t *testing.T) {
	run(t, []string{np(`{"podSelector": {}, "policyTypes": ["Egress"]}`)},
		[]probeCase{{toExt443, false}, {toProm, false}, {toDB, false}, {promToExt, true}})
}

// Allow all egress (docs: "egress: [{}]").
func TestAllowAllEgress(t *testing.T) {
	run(t, []string{np(`{"podSelector": {}, "policyTypes": ["Egress"], "egress": [{}]}`)},
		[]probeCase{{toExt443, true}, {toProm, true}})
}

// Missing policyTypes with egress rules is defaulted to [Ingress, Egress] like the API server does.
func TestPolicyTypesDefaulting(t *testing.T) {
	run(t, []string{np(`{"podSelector": {}, "egress": [{"ports": [{"port": 53, "protocol": "UDP"}]}]}`)},
		[]probeCase{{toExt443, false}})
}

// ipBlock with except (docs example: cidr 172.17.0.0/16 except 172.17.1.0/24).
func TestIPBlockExcept(t *testing.T) {
	p := np(`{"podSelector": {"matchLabels": {"role": "client"}}, "policyTypes": ["Egress"],
	  "egress": [{"to": [{"ipBlock": {"cidr": "172.17.0.0/16", "except": ["172.17.1.0/24"]}}]}]}`)
	run(t, []string{p}, []probeCase{
		{`{"src": {"namespace": "app", "pod": "client"}, "dst": {"ip": "172.17.0.5"}, "port": 443}`, true},
		{`{"src": {"namespace": "app", "pod": "client"}, "dst": {"ip": "172.17.1.5"}, "port": 443}`, false},
		{`{"src": {"namespace": "app", "pod": "client"}, "dst": {"ip": "172.18.0.5"}, "port": 443}`, false},
		// the policy selects role=client only: db is unrestricted
		{`{"src": {"namespace": "app", "pod": "db"}, "dst": {"ip": "172.17.1.5"}, "port": 443}`, true},
	})
}

// One peer with namespaceSelector AND podSelector (docs: "contains a single from element")
// versus two peers (namespaceSelector OR podSelector).
func TestNamespaceAndPodSelectorVsTwoPeers(t *testing.T) {
	and := np(`{"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [
	  {"namespaceSelector": {"matchLabels": {"team": "ops"}}, "podSelector": {"matchLabels": {"role": "prom"}}}]}]}`)
	run(t, []string{and}, []probeCase{
		{toProm, true},    // ns team=ops AND role=prom
		{toOtherX, false}, // role=prom but namespace not team=ops
		{toDB, false},
	})
	or := np(`{"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [
	  {"namespaceSelector": {"matchLabels": {"team": "ops"}}}, {"podSelector": {"matchLabels": {"role": "prom"}}}]}]}`)
	run(t, []string{or}, []probeCase{
		{toProm, true},    // via the namespaceSelector peer
		{toOtherX, false}, // a bare podSelector only selects pods in the policy's own namespace
		{toDB, false},
	})
	sameNs := np(`{"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{"podSelector": {"matchLabels": {"role": "db"}}}]}]}`)
	run(t, []string{sameNs}, []probeCase{{toDB, true}, {toProm, false}})
	// kubernetes.io/metadata.name is set on every namespace
	byName := np(`{"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [
	  {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "other"}}}]}]}`)
	run(t, []string{byName}, []probeCase{{toOtherX, true}, {toProm, false}})
}

// Port ranges with endPort (docs: port 32000, endPort 32768).
func TestPortRangeEndPort(t *testing.T) {
	p := np(`{"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/24"}}],
	  "ports": [{"protocol": "TCP", "port": 32000, "endPort": 32768}]}]}`)
	mk := func(port string) string {
		return `{"src": {"namespace": "app", "pod": "client"}, "dst": {"ip": "10.0.0.7"}, "port": ` + port + `, "protocol": "TCP"}`
	}
	run(t, []string{p}, []probeCase{{mk("31999"), false}, {mk("32000"), true}, {mk("32500"), true}, {mk("32768"), true}, {mk("32769"), false}})
}

// Protocol mismatch: a TCP/443 rule does not allow UDP/443; protocol defaults to TCP.
func TestProtocolMismatch(t *testing.T) {
	p := np(`{"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"ports": [{"port": 443}]}]}`)
	run(t, []string{p}, []probeCase{
		{toExt443, true},
		{`{"src": {"namespace": "app", "pod": "client"}, "dst": {"ip": "203.0.113.10"}, "port": 443, "protocol": "UDP"}`, false},
		{toExt80, false},
	})
}

// Policies are additive: the union of all egress rules selecting the pod.
func TestPoliciesAreAdditive(t *testing.T) {
	deny := np(`{"podSelector": {}, "policyTypes": ["Egress"]}`)
	dns := `{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "dns", "namespace": "app"},
	  "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}]}}`
	run(t, []string{deny, dns}, []probeCase{
		{`{"src": {"namespace": "app", "pod": "client"}, "dst": {"ip": "10.96.0.10"}, "port": 53, "protocol": "UDP"}`, true},
		{toExt443, false},
	})
}

// Bad input is an error, not a verdict.
func TestUnknownPodIsError(t *testing.T) {
	in := Input{Probes: []Probe{{Src: Endpoint{Namespace: "app", Pod: "nope"}, Dst: Endpoint{IP: "1.2.3.4"}, Port: 1}}}
	if _, err := Evaluate(&in); err == nil {
		t.Fatal("want error for unknown pod")
	}
}

func TestBadCIDRIsError(t *testing.T) {
	src := `{` + cluster + `, "policies": [` + np(`{"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/33"}}]}]}`) +
		`], "probes": [` + toExt443 + `]}`
	var in Input
	if err := json.Unmarshal([]byte(src), &in); err != nil {
		t.Fatal(err)
	}
	if _, err := Evaluate(&in); err == nil {
		t.Fatal("want error for bad CIDR")
	}
}

// The binary speaks the documented stdin/stdout protocol (runs main via `go run` only if asked).
func TestMainProtocol(t *testing.T) {
	if os.Getenv("NP_ORACLE") == "" {
		t.Skip("set NP_ORACLE=<binary> to test the built binary")
	}
	cmd := exec.Command(os.Getenv("NP_ORACLE"))
	cmd.Stdin = strings.NewReader(`{` + cluster + `, "policies": [` + np(`{"podSelector": {}, "policyTypes": ["Egress"]}`) + `], "probes": [` + toExt443 + `,` + promToExt + `]}`)
	b, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(b)) != `{"verdicts":[false,true]}` {
		t.Fatalf("got %s", b)
	}
}
