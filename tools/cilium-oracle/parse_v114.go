//go:build cilium_v114

// Cilium 1.14 and 1.15: Parse takes no arguments and rules have no enableDefaultDeny (added in
// 1.16): a rule with an egress section always puts the endpoint into egress default deny.
package main

import (
	"github.com/cilium/cilium/pkg/defaults"
	"github.com/cilium/cilium/pkg/fqdn/re"
	v2 "github.com/cilium/cilium/pkg/k8s/apis/cilium.io/v2"
)

// The agent sizes the FQDN regex cache at start-up; Parse refuses toFQDNs patterns without it.
func init() {
	if err := re.InitRegexCompileLRU(defaults.FQDNRegexCompileLRUSize); err != nil {
		panic(err)
	}
}

func parseCNP(cnp *v2.CiliumNetworkPolicy) (parsedRules, error) { return cnp.Parse() }

func parseCCNP(ccnp *v2.CiliumClusterwideNetworkPolicy) (parsedRules, error) { return ccnp.Parse() }

func egressCounts(rules parsedRules) (entries, defaultDeny, l3 int) {
	for _, r := range rules {
		for _, e := range r.Egress {
			entries++
			defaultDeny++
			l3 += len(e.ToEndpoints) + len(e.ToEntities) + len(e.ToCIDR) + len(e.ToCIDRSet) + len(e.ToFQDNs)
		}
		for range r.EgressDeny {
			entries++
			defaultDeny++
		}
	}
	return
}
