#!/usr/bin/env bash
# Builds the jsii language packages of cdk8s-egress from the compiled .jsii:
#   python -> dist/python/cdk8s_egress-<v>-py3-none-any.whl (+ sdist)
#   java   -> dist/java/dev/cdk8segress/cdk8s-egress/<v>/ (a Maven repository layout)
#   go     -> dist/go/cdk8segress/ (module github.com/cdk8s-egress/cdk8s-egress-go/cdk8segress)
# Usage: scripts/build-langs.sh [--if-stale] [python] [java] [go]   (default: all three, in turn)
#   --if-stale: skip a language whose last build here was from the same .jsii, dependency versions
#               and script (stamp in dist/.langs-stamps/); scripts/parity.sh uses it.
# Needs: `npx projen compile` done (.jsii), python3 (+venv), mvn + JDK 17, go. No stdin.
# Network: PyPI (pacmak's build venv), Maven Central, Go module proxy. Downloads are cached outside
# the repo in $CDK8S_EGRESS_CACHE (default ~/.cache/cdk8s-egress): Maven repository m2/.
#
# Two upstream gaps are bridged by generating the cdk8s and cdk8s-plus-30 bindings locally with
# jsii-pacmak from the very npm packages in node_modules (same JS code as the TypeScript build):
#  - Maven Central has no org.cdk8s:cdk8s-plus-30 at all and org.cdk8s:cdk8s only up to 2.70.47,
#    while we need cdk8s >= 2.70.106: both jars are built and installed into the cache's m2/.
#  - Go: the published cdk8splus30 v2.4.10 does not compile against constructs-go >= v10.5.0
#    (ambiguous `With` selector) and our go.mod requires v10.8.1; cdk8s-core-go v2.70.106 is not
#    served by the module proxy here. Both are generated into dist/jsii-deps/go/ and wired in with
#    `replace` directives (pacmak's own build, the Go example).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
CACHE=${CDK8S_EGRESS_CACHE:-$HOME/.cache/cdk8s-egress}
M2=$CACHE/m2
PACMAK=$ROOT/node_modules/.bin/jsii-pacmak
mkdir -p "$CACHE" "$M2"

[ -f .jsii ] || { echo "build-langs: no .jsii: run 'npx projen compile' first" >&2; exit 1; }
if_stale=false; langs=()
for a in "$@"; do if [ "$a" = --if-stale ]; then if_stale=true; else langs+=("$a"); fi; done
[ ${#langs[@]} -gt 0 ] || langs=(python java go)

pkgver() { node -p "require('$ROOT/node_modules/$1/package.json').version"; }
now() { date +%s; }

# The TypeScript examples in doc comments, translated for the Python/Java/Go docs: jsii-rosetta
# writes .jsii.tabl.json, which pacmak reads (without it the generated docs show TypeScript).
# Snippets compile against rosetta/default.ts-fixture.
translate_examples() {
  if [ ! -f .jsii.tabl.json ] || [ .jsii -nt .jsii.tabl.json ] || [ rosetta/default.ts-fixture -nt .jsii.tabl.json ]; then
    "$ROOT/node_modules/.bin/jsii-rosetta" extract --compile .jsii
  fi
}

build_python() {
  # pacmak makes its own venv and installs setuptools/build/twine pins from PyPI (pip cache reused).
  "$PACMAK" -v --target python
}

# org.cdk8s:cdk8s and org.cdk8s:cdk8s-plus-30 at the versions in node_modules, installed in $M2:
# the generated Maven projects with their version ranges pinned to node_modules, `mvn install`ed
# (no javadoc/sources; pacmak's own build would resolve the ranges by downloading ~200 POMs).
pin_java_ranges() { # pom.xml: every npm-backed dependency range -> the version in node_modules
  node - "$1" "$(pkgver cdk8s)" "$(pkgver constructs)" "$(pkgver jsii-pacmak)" <<'JS'
const fs = require('fs');
const [file, cdk8s, constructs, jsii] = process.argv.slice(2);
const pins = { cdk8s, constructs, 'jsii-runtime': jsii };
const pom = fs.readFileSync(file, 'utf8').replace(
  /(<artifactId>([\w.-]+)<\/artifactId>\s*<version>)[[(][^<]*(<\/version>)/g,
  (m, head, id, tail) => (pins[id] ? head + pins[id] + tail : m));
fs.writeFileSync(file, pom);
JS
}
ensure_java_deps() {
  local m v tmp
  for m in cdk8s cdk8s-plus-30; do
    v=$(pkgver "$m")
    [ -f "$M2/org/cdk8s/$m/$v/$m-$v.jar" ] && continue
    echo "build-langs: building org.cdk8s:$m:$v from node_modules/$m (not on Maven Central)"
    tmp=$(mktemp -d)
    "$PACMAK" --target java --code-only -o "$tmp" "$ROOT/node_modules/$m"
    pin_java_ranges "$tmp/java/pom.xml"
    (cd "$tmp/java" && mvn -B -q -Dmaven.repo.local="$M2" -Dmaven.javadoc.skip=true -Dmaven.source.skip=true install)
    rm -rf "$tmp"
  done
}

build_java() {
  ensure_java_deps
  "$PACMAK" -v --target java --maven-local-repository="$M2"
}

build_go() {
  # Generated code only, then the same check as pacmak's own Go build (tidy + build with a
  # throw-away modfile), with `replace`s to the locally generated cdk8s / cdk8s-plus-30 modules.
  "$PACMAK" -v --target go --code-only
  rm -rf dist/jsii-deps/go
  "$PACMAK" --target go --code-only -o dist/jsii-deps "$ROOT/node_modules/cdk8s" "$ROOT/node_modules/cdk8s-plus-30"
  local pkg=dist/go/cdk8segress
  cp $pkg/go.mod $pkg/local.go.mod
  cat >> $pkg/local.go.mod <<'EOF'
replace github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2 => ../../jsii-deps/go/cdk8s
replace github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2 => ../../jsii-deps/go/cdk8splus30
EOF
  (cd $pkg && go mod tidy -modfile local.go.mod && go build -modfile local.go.mod ./...)
  rm -f $pkg/local.go.mod $pkg/local.go.sum
}

stamp_of() {
  { sha256sum .jsii scripts/build-langs.sh rosetta/default.ts-fixture
    for m in cdk8s cdk8s-plus-30 constructs jsii-pacmak; do echo "$m $(pkgver $m)"; done
    echo "$1"; } | sha256sum | cut -d' ' -f1
}
built() { # the language's artifacts are present (pacmak may have been interrupted)
  case $1 in
    python) ls dist/python/*.whl >/dev/null 2>&1 ;;
    java) ls dist/java/dev/cdk8segress/cdk8s-egress/*/*.jar >/dev/null 2>&1 &&
          [ -f "$M2/org/cdk8s/cdk8s-plus-30/$(pkgver cdk8s-plus-30)/cdk8s-plus-30-$(pkgver cdk8s-plus-30).jar" ] ;;
    go) [ -f dist/go/cdk8segress/go.mod ] && [ -f dist/jsii-deps/go/cdk8splus30/go.mod ] ;;
  esac
}

mkdir -p dist/.langs-stamps
translate_examples
for lang in "${langs[@]}"; do
  t0=$(now)
  stamp=$(stamp_of "$lang")
  if $if_stale && built "$lang" && [ "$(cat "dist/.langs-stamps/$lang" 2>/dev/null)" = "$stamp" ]; then
    echo "=== build-langs: $lang is up to date (dist/.langs-stamps/$lang)"
    continue
  fi
  rm -f "dist/.langs-stamps/$lang"
  echo "=== build-langs: $lang"
  case $lang in
    python) build_python ;;
    java) build_java ;;
    go) build_go ;;
    *) echo "build-langs: unknown language '$lang' (python, java, go)" >&2; exit 2 ;;
  esac
  echo "$stamp" > "dist/.langs-stamps/$lang"
  echo "=== build-langs: $lang done in $(( $(now) - t0 ))s"
done
