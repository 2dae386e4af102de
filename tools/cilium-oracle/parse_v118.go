//go:build cilium_v118

// Cilium 1.18: Parse takes a logger and the cluster name; there is no RulesToPolicyEntries yet, so
// the egress entries are counted the way 1.19's helper counts them: one per egress (and egress
// deny) item, default-deny unless enableDefaultDeny.egress is false.
package main

import (
	"io"
	"log/slog"

	"github.com/cilium/cilium/pkg/defaults"
	"github.com/cilium/cilium/pkg/fqdn/re"
	v2 "github.com/cilium/cilium/pkg/k8s/apis/cilium.io/v2"
)

var logger = slog.New(slog.NewTextHandler(io.Discard, nil))

// The agent sizes the FQDN regex cache at start-up; Parse refuses toFQDNs patterns without it.
func init() {
	if err := re.InitRegexCompileLRU(logger, defaults.FQDNRegexCompileLRUSize); err != nil {
		panic(err)
	}
}

func parseCNP(cnp *v2.CiliumNetworkPolicy) (parsedRules, error) { return cnp.Parse(logger, "default") }

func parseCCNP(ccnp *v2.CiliumClusterwideNetworkPolicy) (parsedRules, error) {
	return ccnp.Parse(logger, "default")
}

func egressCounts(rules parsedRules) (entries, defaultDeny, l3 int) {
	for _, r := range rules {
		deny := r.EnableDefaultDeny.Egress == nil || *r.EnableDefaultDeny.Egress
		for _, e := range r.Egress {
			entries++
			if deny {
				defaultDeny++
			}
			l3 += len(e.ToEndpoints) + len(e.ToNodes) + len(e.ToEntities) + len(e.ToCIDR) + len(e.ToCIDRSet) + len(e.ToFQDNs)
		}
		for range r.EgressDeny {
			entries++
			if deny {
				defaultDeny++
			}
		}
	}
	return
}
