// np-oracle: an independent NetworkPolicy (networking.k8s.io/v1) egress-semantics oracle.
//
// It evaluates probes with github.com/mattfenwick/cyclonus/pkg/matcher (the policy engine of
// the Cyclonus NetworkPolicy conformance tool used by SIG-Network). SIG-Network's
// sigs.k8s.io/kube-network-policies v0.8.0 (the newest version on the module proxy here) keeps its
// evaluator in unexported methods of an nfqueue controller, so it cannot be used as a library.
//
// Input (stdin, JSON):
//
//	{ "namespaces": {"<ns>": {"<label>": "<value>"}},
//	  "pods":       [{"namespace": "ns", "name": "p", "labels": {...}, "ip": "10.0.0.1"}],
//	  "policies":   [<networking.k8s.io/v1 NetworkPolicy objects>],
//	  "probes":     [{"src": {"namespace": "ns", "pod": "p"},
//	                  "dst": {"ip": "1.2.3.4"} | {"namespace": "ns", "pod": "q"},
//	                  "port": 443, "protocol": "TCP", "portName": "https" (optional)}] }
//
// Output (stdout, JSON): { "verdicts": [true|false, ...] }, one per probe, in order.
//
// Scope: EGRESS ONLY. A verdict says whether the SOURCE pod's egress policies allow the
// connection. Ingress policies at the destination are ignored, even when the destination is a pod.
// Conventions (as the API server / a real cluster would have it):
//   - every namespace gets the label kubernetes.io/metadata.name=<name>;
//   - a policy without spec.policyTypes gets [Ingress] plus Egress if spec.egress is non-empty;
//   - a policy without metadata.namespace is in "default";
//   - a dst given by IP that equals a listed pod's IP is that pod (pod selectors apply to it);
//   - named ports only match when the probe gives portName (there are no container specs here).
//
// Exit status: 0 on success; 2 on bad input (unknown pod/namespace reference, bad JSON, bad CIDR).
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/mattfenwick/cyclonus/pkg/matcher"
	v1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

type Pod struct {
	Namespace string            `json:"namespace"`
	Name      string            `json:"name"`
	Labels    map[string]string `json:"labels"`
	IP        string            `json:"ip"`
}

type Endpoint struct {
	Namespace string `json:"namespace,omitempty"`
	Pod       string `json:"pod,omitempty"`
	IP        string `json:"ip,omitempty"`
}

type Probe struct {
	Src      Endpoint `json:"src"`
	Dst      Endpoint `json:"dst"`
	Port     int      `json:"port"`
	PortName string   `json:"portName,omitempty"`
	Protocol string   `json:"protocol,omitempty"`
}

type Input struct {
	Namespaces map[string]map[string]string `json:"namespaces"`
	Pods       []Pod                        `json:"pods"`
	Policies   []networkingv1.NetworkPolicy `json:"policies"`
	Probes     []Probe                      `json:"probes"`
}

type Output struct {
	Verdicts []bool `json:"verdicts"`
}

func nsLabels(in *Input, ns string) map[string]string {
	out := map[string]string{}
	for k, v := range in.Namespaces[ns] {
		out[k] = v
	}
	out["kubernetes.io/metadata.name"] = ns
	return out
}

func findPod(in *Input, ns, name string) (*Pod, error) {
	for i := range in.Pods {
		if in.Pods[i].Namespace == ns && in.Pods[i].Name == name {
			return &in.Pods[i], nil
		}
	}
	return nil, fmt.Errorf("unknown pod %s/%s (not in \"pods\")", ns, name)
}

func podPeer(in *Input, p *Pod) *matcher.TrafficPeer {
	labels := p.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	return &matcher.TrafficPeer{
		Internal: &matcher.InternalPeer{PodLabels: labels, NamespaceLabels: nsLabels(in, p.Namespace), Namespace: p.Namespace},
		IP:       p.IP,
	}
}

// Evaluate computes one egress verdict per probe.
func Evaluate(in *Input) (out *Output, err error) {
	defer func() { // cyclonus panics on e.g. an unparsable CIDR
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("policy evaluation failed: %v", r)
		}
	}()
	for ns := range in.Namespaces {
		if ns == "" {
			return nil, fmt.Errorf("empty namespace name in \"namespaces\"")
		}
	}
	pols := make([]*networkingv1.NetworkPolicy, 0, len(in.Policies))
	for i := range in.Policies {
		p := in.Policies[i].DeepCopy()
		if p.Namespace == "" {
			p.Namespace = v1.NamespaceDefault
		}
		if len(p.Spec.PolicyTypes) == 0 { // API-server defaulting
			p.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
			if len(p.Spec.Egress) > 0 {
				p.Spec.PolicyTypes = append(p.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
			}
		}
		pols = append(pols, p)
	}
	policy := matcher.BuildNetworkPolicies(false, pols)

	out = &Output{Verdicts: make([]bool, 0, len(in.Probes))}
	for i, pr := range in.Probes {
		if pr.Src.Namespace == "" || pr.Src.Pod == "" {
			return nil, fmt.Errorf("probe %d: src needs namespace and pod", i)
		}
		src, err := findPod(in, pr.Src.Namespace, pr.Src.Pod)
		if err != nil {
			return nil, fmt.Errorf("probe %d: src: %w", i, err)
		}
		var dst *matcher.TrafficPeer
		switch {
		case pr.Dst.Pod != "":
			if pr.Dst.Namespace == "" {
				return nil, fmt.Errorf("probe %d: dst pod %q needs a namespace", i, pr.Dst.Pod)
			}
			p, err := findPod(in, pr.Dst.Namespace, pr.Dst.Pod)
			if err != nil {
				return nil, fmt.Errorf("probe %d: dst: %w", i, err)
			}
			dst = podPeer(in, p)
		case pr.Dst.IP != "":
			dst = &matcher.TrafficPeer{IP: pr.Dst.IP}
			for j := range in.Pods {
				if in.Pods[j].IP == pr.Dst.IP {
					dst = podPeer(in, &in.Pods[j])
					break
				}
			}
		default:
			return nil, fmt.Errorf("probe %d: dst needs ip or namespace+pod", i)
		}
		if dst.IP == "" {
			// a pod without IP can still be matched by selectors; ipBlocks never match it
			dst.IP = "0.0.0.0"
		}
		proto := v1.Protocol(pr.Protocol)
		if proto == "" {
			proto = v1.ProtocolTCP
		}
		if proto != v1.ProtocolTCP && proto != v1.ProtocolUDP && proto != v1.ProtocolSCTP {
			return nil, fmt.Errorf("probe %d: protocol %q is not TCP, UDP or SCTP", i, pr.Protocol)
		}
		if pr.Port < 1 || pr.Port > 65535 {
			return nil, fmt.Errorf("probe %d: port %d out of range", i, pr.Port)
		}
		traffic := &matcher.Traffic{
			Source:           podPeer(in, src),
			Destination:      dst,
			ResolvedPort:     pr.Port,
			ResolvedPortName: pr.PortName,
			Protocol:         proto,
		}
		out.Verdicts = append(out.Verdicts, policy.IsIngressOrEgressAllowed(traffic, false).IsAllowed())
	}
	return out, nil
}

func main() {
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "np-oracle: reading stdin:", err)
		os.Exit(2)
	}
	var in Input
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "np-oracle: bad input JSON:", err)
		os.Exit(2)
	}
	out, err := Evaluate(&in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "np-oracle:", err)
		os.Exit(2)
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "np-oracle: writing output:", err)
		os.Exit(2)
	}
}
