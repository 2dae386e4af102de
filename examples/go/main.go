package main

import (
	"github.com/aws/jsii-runtime-go"
	egress "github.com/cdk8s-egress/cdk8s-egress-go/cdk8segress"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// Synthesizes the seed example into ./dist (one file per chart) plus the egress report, like
// examples/seed/main.ts.
func main() {
	defer jsii.Close()
	app := cdk8s.NewApp(&cdk8s.AppProps{
		Outdir:         jsii.String("dist"),
		YamlOutputType: cdk8s.YamlOutputType_FILE_PER_CHART,
	})
	BuildSeedApp(app)
	// Synthesizes the manifests, then writes egress-report.md / egress-report.json beside them
	// (nothing is written when synth fails).
	egress.EgressReport_Synth(app, nil)
}
