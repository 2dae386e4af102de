#!/usr/bin/env bash
# Builds this module against the locally built Go package (dist/go/cdk8segress, from
# `npx projen package:go`) through the `replace` lines of go.mod -- how a user consumes a module
# that is not published yet -- with the other modules from the Go module proxy, and synthesizes ./dist.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
for d in dist/go/cdk8segress dist/jsii-deps/go/cdk8s dist/jsii-deps/go/cdk8splus30; do
  [ -f "$root/$d/go.mod" ] || { echo "examples/go: no $d: run 'npx projen package:go'" >&2; exit 1; }
done
cd "$here"
rm -rf dist
go run .
