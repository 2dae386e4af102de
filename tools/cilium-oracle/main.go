// Agent-side acceptance oracle: parses CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy
// objects exactly as the Cilium agent does (v2 Parse -> Rule.Sanitize + ParseToCiliumRule), with the
// L7 proxy enabled (needed for DNS rules), and prints, per object, the verdict, the egress policy
// entries the agent would enforce, and the parsed rules.
//
// stdin: a JSON array of manifests. stdout, one line per Cilium object:
//   OK <kind>/<name> egressEntries=N defaultDeny=N l3Selectors=N <parsed rules JSON>
//   REJECT <kind>/<name>: <agent error>
// Exit status 1 when any object is rejected.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"

	v2 "github.com/cilium/cilium/pkg/k8s/apis/cilium.io/v2"
	"github.com/cilium/cilium/pkg/option"
	"github.com/cilium/cilium/pkg/policy/api"
	policyutils "github.com/cilium/cilium/pkg/policy/utils"
)

func main() {
	option.Config.EnableL7Proxy = true
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	var objs []json.RawMessage
	if err := json.Unmarshal(data, &objs); err != nil {
		panic(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	rejected := 0
	for _, raw := range objs {
		var head struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		_ = json.Unmarshal(raw, &head)
		var parsed any
		var perr error
		switch head.Kind {
		case "CiliumNetworkPolicy":
			var cnp v2.CiliumNetworkPolicy
			if err := json.Unmarshal(raw, &cnp); err != nil {
				perr = err
				break
			}
			parsed, perr = cnp.Parse(logger, "default")
		case "CiliumClusterwideNetworkPolicy":
			var ccnp v2.CiliumClusterwideNetworkPolicy
			if err := json.Unmarshal(raw, &ccnp); err != nil {
				perr = err
				break
			}
			parsed, perr = ccnp.Parse(logger, "default")
		default:
			continue
		}
		if perr != nil {
			rejected++
			fmt.Printf("REJECT %s/%s: %v\n", head.Kind, head.Metadata.Name, perr)
			continue
		}
		out, _ := json.Marshal(parsed)
		// The policy entries the agent enforces: egress is enforced for the endpoint only if an
		// entry exists, and default-deny only if an entry says so.
		egressEntries, defaultDeny, l3 := 0, 0, 0
		for _, e := range policyutils.RulesToPolicyEntries(parsed.(api.Rules)) {
			if !e.Ingress {
				egressEntries++
				if e.DefaultDeny {
					defaultDeny++
				}
				l3 += len(e.L3)
			}
		}
		fmt.Printf("OK %s/%s egressEntries=%d defaultDeny=%d l3Selectors=%d %s\n", head.Kind, head.Metadata.Name, egressEntries, defaultDeny, l3, out)
	}
	if rejected > 0 {
		os.Exit(1)
	}
}
