//go:build !cilium_v118 && !cilium_v114

// Cilium 1.19 and later: Parse takes a logger and the cluster name, and the agent turns rules into
// policy entries with pkg/policy/utils.RulesToPolicyEntries.
package main

import (
	"io"
	"log/slog"

	v2 "github.com/cilium/cilium/pkg/k8s/apis/cilium.io/v2"
	policyutils "github.com/cilium/cilium/pkg/policy/utils"
)

var logger = slog.New(slog.NewTextHandler(io.Discard, nil))

func parseCNP(cnp *v2.CiliumNetworkPolicy) (parsedRules, error) { return cnp.Parse(logger, "default") }

func parseCCNP(ccnp *v2.CiliumClusterwideNetworkPolicy) (parsedRules, error) {
	return ccnp.Parse(logger, "default")
}

func egressCounts(rules parsedRules) (entries, defaultDeny, l3 int) {
	for _, e := range policyutils.RulesToPolicyEntries(rules) {
		if !e.Ingress {
			entries++
			if e.DefaultDeny {
				defaultDeny++
			}
			l3 += len(e.L3)
		}
	}
	return
}
