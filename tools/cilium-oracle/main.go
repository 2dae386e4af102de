// Agent-side acceptance oracle: parses CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy
// objects exactly as the Cilium agent does (v2 Parse -> Rule.Sanitize + selector translation),
// with the L7 proxy enabled (needed for DNS rules) unless -l7proxy=false, and prints, per object,
// the verdict, the egress policy entries the agent would enforce, and the parsed rules.
//
// The same source builds against several Cilium releases: the Parse signature and the policy-entry
// helper changed over time, so each API generation has its own small adapter (parse_*.go, chosen
// by build tag; tools/validators/build-testbins.sh picks the tag for the version it builds).
//
// Objects are decoded strictly (unknown fields are an error), as the API server does with the
// CRD of that release and `kubectl apply`'s default strict field validation: a field the release
// does not know (enableDefaultDeny before 1.16, endPort before 1.16) is refused, not dropped.
//
// stdin: a JSON array of manifests. stdout, one line per Cilium object:
//
//	OK <kind>/<name> egressEntries=N defaultDeny=N l3Selectors=N <parsed rules JSON>
//	REJECT <kind>/<name>: <agent error>
//
// Exit status 1 when any object is rejected.
//
// With -match, stdin is instead a JSON array of {"pattern": "...", "name": "..."} and each line of
// stdout is "MATCH <pattern> <name>" or "NOMATCH <pattern> <name>": the agent's own matchPattern
// translation (pkg/fqdn/matchpattern) applied to the name as the DNS proxy sees it (lower case,
// trailing dot). -version prints the Cilium release the binary was built against.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/cilium/cilium/pkg/fqdn/matchpattern"
	v2 "github.com/cilium/cilium/pkg/k8s/apis/cilium.io/v2"
	"github.com/cilium/cilium/pkg/option"
	"github.com/cilium/cilium/pkg/policy/api"
)

// parsedRules is what the agent keeps of a policy after parsing.
type parsedRules = api.Rules

// ciliumVersion is set at build time (-ldflags -X main.ciliumVersion=v1.19.4).
var ciliumVersion = "unknown"

func main() {
	l7 := flag.Bool("l7proxy", true, "parse as an agent with the L7 proxy enabled (Helm l7Proxy)")
	match := flag.Bool("match", false, "evaluate matchPattern/name pairs instead of policies")
	version := flag.Bool("version", false, "print the Cilium release this oracle was built against")
	flag.Parse()
	if *version {
		fmt.Println(ciliumVersion)
		return
	}
	option.Config.EnableL7Proxy = *l7
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	if *match {
		matchNames(data)
		return
	}
	var objs []json.RawMessage
	if err := json.Unmarshal(data, &objs); err != nil {
		panic(err)
	}
	rejected := 0
	for _, raw := range objs {
		var head struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		_ = json.Unmarshal(raw, &head)
		var rules parsedRules
		var perr error
		switch head.Kind {
		case "CiliumNetworkPolicy":
			var cnp v2.CiliumNetworkPolicy
			if perr = strictDecode(raw, &cnp); perr == nil {
				rules, perr = parseCNP(&cnp)
			}
		case "CiliumClusterwideNetworkPolicy":
			var ccnp v2.CiliumClusterwideNetworkPolicy
			if perr = strictDecode(raw, &ccnp); perr == nil {
				rules, perr = parseCCNP(&ccnp)
			}
		default:
			continue
		}
		if perr != nil {
			rejected++
			fmt.Printf("REJECT %s/%s: %v\n", head.Kind, head.Metadata.Name, perr)
			continue
		}
		out, _ := json.Marshal(rules)
		// The policy entries the agent enforces: egress is enforced for the endpoint only if an
		// entry exists, and default-deny only if an entry says so.
		egressEntries, defaultDeny, l3 := egressCounts(rules)
		fmt.Printf("OK %s/%s egressEntries=%d defaultDeny=%d l3Selectors=%d %s\n", head.Kind, head.Metadata.Name, egressEntries, defaultDeny, l3, out)
	}
	if rejected > 0 {
		os.Exit(1)
	}
}

// strictDecode decodes like the API server with strict field validation: unknown fields are errors.
func strictDecode(raw []byte, into any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("strict decoding error (a field this Cilium release does not know): %w", err)
	}
	return nil
}

func matchNames(data []byte) {
	var pairs []struct {
		Pattern string `json:"pattern"`
		Name    string `json:"name"`
	}
	if err := json.Unmarshal(data, &pairs); err != nil {
		panic(err)
	}
	for _, p := range pairs {
		re := regexp.MustCompile(matchpattern.ToAnchoredRegexp(matchpattern.Sanitize(p.Pattern)))
		name := strings.ToLower(p.Name)
		if !strings.HasSuffix(name, ".") {
			name += "."
		}
		verdict := "NOMATCH"
		if re.MatchString(name) {
			verdict = "MATCH"
		}
		fmt.Printf("%s %s %s\n", verdict, p.Pattern, p.Name)
	}
}
