#!/usr/bin/env bash
# Installs the locally built wheel (dist/python, from `npx projen package:python`) into a venv the
# way a user would -- `pip install <wheel>`, dependencies from PyPI -- and synthesizes ./dist.
# Dependencies are pinned to the versions the TypeScript build uses (node_modules), so the YAML can
# be compared byte for byte. The venv lives outside the repo: $CDK8S_EGRESS_CACHE/venv-python.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
cache=${CDK8S_EGRESS_CACHE:-$HOME/.cache/cdk8s-egress}
venv=$cache/venv-python
wheel=$root/dist/python/cdk8s_egress-$(node -p "require('$root/package.json').version")-py3-none-any.whl
[ -f "$wheel" ] || { echo "examples/python: no wheel in dist/python: run 'npx projen package:python'" >&2; exit 1; }

v() { node -p "require('$root/node_modules/$1/package.json').version"; }
constraints=$(mktemp); trap 'rm -f "$constraints"' EXIT
cat > "$constraints" <<PINS
cdk8s==$(v cdk8s)
cdk8s-plus-30==$(v cdk8s-plus-30)
constructs==$(v constructs)
jsii==$(v jsii-pacmak)
PINS

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
# First install pulls jsii, constructs, cdk8s, cdk8s-plus-30 from PyPI; later runs are no-ops.
"$venv/bin/pip" install -q -c "$constraints" "$wheel"
# The wheel's version (0.0.0) does not change between builds: always put the fresh one in.
"$venv/bin/pip" install -q --no-deps --force-reinstall "$wheel"

cd "$here"
rm -rf dist
PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" main.py
