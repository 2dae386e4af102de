#!/usr/bin/env bash
# Python error-text check (test/python/test_errors.py): an error thrown from a constructor, a method
# and a static method reaches Python as `[path] message (EGRESS_CODE)`, and
# EgressErrors.code_of_message finds the code. Runs in the venv that examples/python/run.sh
# installed the wheel into ($CDK8S_EGRESS_CACHE/venv-python); scripts/parity.sh calls it after the
# Python example. No network.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${CDK8S_EGRESS_CACHE:-$HOME/.cache/cdk8s-egress}/venv-python
[ -x "$venv/bin/python" ] || { echo "python-errors: no venv at $venv: run 'npx projen parity python' (or examples/python/run.sh) first" >&2; exit 1; }
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-$(node -p 'process.versions.node.split(".")[0]')}
PYTHONDONTWRITEBYTECODE=1 exec "$venv/bin/python" test/python/test_errors.py -v
