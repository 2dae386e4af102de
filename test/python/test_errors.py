"""Errors seen from Python read like errors seen from TypeScript.

The jsii kernel hands Python an error thrown by a JavaScript constructor as the error's message,
and one thrown by a method, static method or property getter as String(error). cdk8s-egress makes
both read `[construct path] message (EGRESS_CODE)`, the text of `err.message` in TypeScript, so a
caller can match them the same way and `EgressErrors.code_of_message` finds the code.

Run by scripts/python-errors.sh (from scripts/parity.sh) in the venv that examples/python/run.sh
installed the wheel into:  python test/python/test_errors.py -v
"""
import re
import unittest

import cdk8s_plus_30 as kplus
from cdk8s import App, Chart
from cdk8s_egress import Destination, EgressErrors, EgressPolicy, EgressSource, Port

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

    def test_workload_source_from_python(self):
        dep = kplus.Deployment(self.chart, "web", containers=[kplus.ContainerProps(image="nginx")])
        config = EgressSource.workload(dep).to_config()
        self.assertEqual(config.namespace, "shop")
        self.assertIn("cdk8s.io/metadata.addr", config.pod_labels)


if __name__ == "__main__":
    unittest.main()
