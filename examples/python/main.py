"""Synthesizes the seed example into ./dist (one file per chart) plus the egress report, like
examples/seed/main.ts."""
from cdk8s import App, YamlOutputType

from app import build_seed_app
from cdk8s_egress import EgressReport

app = App(outdir="dist", yaml_output_type=YamlOutputType.FILE_PER_CHART)
build_seed_app(app)
# Synthesizes the manifests, then writes egress-report.md / egress-report.json beside them
# (nothing is written when synth fails).
EgressReport.synth(app)
