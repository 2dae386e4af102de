package dev.cdk8segress.examples;

import org.cdk8s.App;
import org.cdk8s.AppProps;
import org.cdk8s.YamlOutputType;

import dev.cdk8segress.egress.EgressReport;

/** Synthesizes the seed example into ./dist (one file per chart) plus the egress report, like examples/seed/main.ts. */
public final class Main {
    private Main() {
    }

    public static void main(final String[] args) {
        App app = new App(AppProps.builder()
                .outdir("dist")
                .yamlOutputType(YamlOutputType.FILE_PER_CHART)
                .build());
        SeedApp.buildSeedApp(app);
        // Synthesizes the manifests, then writes egress-report.md / egress-report.json beside them
        // (nothing is written when synth fails).
        EgressReport.synth(app);
    }
}
