"""Errors seen from Python read like errors seen from TypeScript.

The jsii kernel hands Python an error thrown by a JavaScript constructor as the error's message,
and one thrown by a method, static method or property getter as String(error). cdk8s-egress makes
both read `[construct path] message (EGRESS_CODE)`, the text of `err.message` in TypeScript, so a
caller can match them the same way and `EgressErrors.code_of_message` finds the code.

Run by scripts/python-errors.sh (from scripts/parity.sh) in the venv that examples/python/run.sh
installed the wheel into:  python test/python/test_errors.py -v
"""
import os
import re
import tempfile
import unittest

import cdk8s_plus_30 as kplus
from cdk8s import App, Chart
from cdk8s_egress import (
    AllowedExternalService, Destination, DnsEgressRule, EgressErrors, EgressPolicy, EgressReport, EgressSource, Port,
)

# The whole first line of the message: nothing before the path, nothing after the code.
SHAPE = re.compile(r"\[(?P<path>[^\]]+)\] (?P<message>.+) \((?P<code>EGRESS_[A-Z0-9_]+)\)")


def error_of(fn):
    try:
        fn()
    except Exception as e:  # jsii raises RuntimeError for errors thrown in JavaScript
        return e
    raise AssertionError("expected an error, got none")


class ErrorTextTest(unittest.TestCase):
    def setUp(self):
        self.chart = Chart(App(), "c", namespace="shop")

    def assert_egress_error(self, err, path, message, code):
        self.assertIsInstance(err, RuntimeError)
        text = str(err)
        first = text.split("\n")[0]
        m = SHAPE.fullmatch(first)
        self.assertIsNotNone(m, f"not '[path] message (CODE)': {first!r}")
        self.assertEqual(m.group("path"), path)
        self.assertRegex(m.group("message"), message)
        self.assertEqual(m.group("code"), code)
        self.assertEqual(EgressErrors.code_of_message(text), code)
        return m

    def test_constructor_error(self):
        err = error_of(lambda: EgressPolicy(self.chart, "bad", source=EgressSource.pods(namespace="Prod", labels={"app": "x"})))
        self.assert_egress_error(err, "c/bad", r'^Invalid namespace in EgressSource\.pods\(\) "Prod": .* Did you mean "prod"\?$', "EGRESS_INVALID_NAME")

    def test_method_error(self):
        policy = EgressPolicy(self.chart, "good", source=EgressSource.pods(namespace="prod", labels={"app": "x"}))
        err = error_of(lambda: policy.allow(Destination.ipv4("203.0.113.7"), Port.HTTPS))
        self.assert_egress_error(err, "c/good", r'^Invalid CIDR in Destination\.ipv4\(\): "203\.0\.113\.7" has no prefix length \(mask\)\. Did you mean "203\.0\.113\.7/32"\?$', "EGRESS_INVALID_CIDR")

    def test_static_method_error(self):
        err = error_of(lambda: EgressSource.workload(self.chart))
        self.assert_egress_error(err, "c", r"^EgressSource\.workload\(\) was given c \(a Chart\), which synthesizes no Kubernetes object\. ", "EGRESS_NOT_A_WORKLOAD")

    def test_constructor_and_method_errors_read_the_same(self):
        ctor = str(error_of(lambda: EgressPolicy(self.chart, "x", source=EgressSource.pods(namespace="prod", labels={"app": "a b"}))))
        policy = EgressPolicy(self.chart, "y", source=EgressSource.pods(namespace="prod", labels={"app": "x"}))
        method = str(error_of(lambda: policy.allow(Destination.pods(labels={"app": "a b"}))))
        # same problem (an invalid label value), same text apart from the construct path
        self.assertEqual(ctor.replace("[c/x]", "[c/y]").split(" in ")[0], method.split(" in ")[0])
        for text in (ctor, method):
            self.assertFalse(text.startswith("EgressError:"), text)
            self.assertEqual(EgressErrors.code_of_message(text), "EGRESS_INVALID_LABEL")

    def test_code_of_message_without_code(self):
        self.assertIsNone(EgressErrors.code_of_message("something else went wrong"))

    # A sample of the unit tier's barrage (test/barrage/), from Python: mistakes that pass Python's
    # own type checks reach the library and come back as `[path] message (CODE)`, with nothing written.

    def files_under(self, directory):
        return sorted(os.path.relpath(os.path.join(d, f), directory) for d, _, fs in os.walk(directory) for f in fs)

    def test_empty_ports_list_is_refused_not_every_port(self):
        err = error_of(lambda: AllowedExternalService(self.chart, "s", source=EgressSource.namespace("shop"),
                                                      destinations=[Destination.ipv4("203.0.113.0/24")], ports=[]))
        self.assert_egress_error(err, "c/s", r"^AllowedExternalService props\.ports is an empty list: an empty ports list would allow every port and protocol", "EGRESS_EMPTY_POLICY")

    def test_port_out_of_range(self):
        policy = EgressPolicy(self.chart, "p", source=EgressSource.namespace("shop"))
        err = error_of(lambda: policy.allow(Destination.ipv4("203.0.113.0/24"), Port.tcp(0)))
        self.assert_egress_error(err, "c/p", r"^Invalid port 0: ports must be whole numbers from 1 to 65535$", "EGRESS_INVALID_PORT")

    def test_misspelt_context_key(self):
        app = App()
        app.node.set_context("cdk8s-egress:nodeLocalDNSCache", True)
        err = error_of(lambda: DnsEgressRule(Chart(app, "c"), "dns", source=EgressSource.namespace("shop")))
        self.assert_egress_error(err, "c/dns", r'^Unknown context key "cdk8s-egress:nodeLocalDNSCache" \(set to true\): .*Did you mean "cdk8s-egress:nodeLocalDnsCache"\?', "EGRESS_INVALID_CONTEXT")

    def test_context_set_too_late(self):
        app = App()
        chart = Chart(app, "c")
        DnsEgressRule(chart, "dns", source=EgressSource.namespace("shop"))
        err = error_of(lambda: chart.node.set_context("cdk8s-egress:nodeLocalDnsCache", True))
        self.assert_egress_error(err, "c", r"^The cdk8s-egress:nodeLocalDnsCache context is set too late: c already has children \(dns\)", "EGRESS_INVALID_CONTEXT")

    def test_same_name_in_two_charts(self):
        app = App()
        EgressPolicy(Chart(app, "a"), "p", name="egress", source=EgressSource.namespace("shop"))
        err = error_of(lambda: EgressPolicy(Chart(app, "b"), "p", name="egress", source=EgressSource.namespace("shop")))
        self.assert_egress_error(err, "b/p", r'^NetworkPolicy "egress" in namespace "shop" is already emitted by a/p/Resource in another chart', "EGRESS_CONFLICTING_OPTIONS")

    def test_report_options_are_checked_before_anything_is_written(self):
        outdir = tempfile.mkdtemp()
        app = App(outdir=outdir)
        DnsEgressRule(Chart(app, "c"), "dns", source=EgressSource.namespace("shop"))
        err = error_of(lambda: EgressReport.synth(app, file_name="../x"))
        text = str(err)
        self.assertRegex(text, r'^EgressReport\.synth\(\) options\.fileName "\.\./x" contains a directory.*Did you mean \{ outdir: "\.\.", fileName: "x" \}\? \(EGRESS_INVALID_NAME\)$')
        self.assertEqual(EgressErrors.code_of_message(text), "EGRESS_INVALID_NAME")
        self.assertEqual(self.files_under(outdir), [])

    def test_synth_failure_has_a_code_and_writes_nothing(self):
        outdir = tempfile.mkdtemp()
        app = App(outdir=outdir)
        EgressPolicy(Chart(app, "c"), "p", source=EgressSource.pods(namespace="shop", labels={"app": "x"}), dns=[])
        err = error_of(lambda: EgressReport.synth(app))
        self.assert_egress_error(err, "c/p", r"is egress-isolated here but has no DNS path.*Nothing was written$", "EGRESS_DNS_PATH_MISSING")
        # cdk8s's own app.synth() lists the errors under a header: the code of the first one is found
        self.assertEqual(EgressErrors.code_of_message(str(error_of(app.synth))), "EGRESS_DNS_PATH_MISSING")
        self.assertEqual(self.files_under(outdir), [])

    def test_workload_source_from_python(self):
        dep = kplus.Deployment(self.chart, "web", containers=[kplus.ContainerProps(image="nginx")])
        config = EgressSource.workload(dep).to_config()
        self.assertEqual(config.namespace, "shop")
        self.assertIn("cdk8s.io/metadata.addr", config.pod_labels)


if __name__ == "__main__":
    unittest.main()
