#!/usr/bin/env bash
# Installs the locally built jar (dist/java, from `npx projen package:java`) into a Maven local
# repository the way a user would (`mvn install:install-file`), builds this project against it
# (other dependencies from Maven Central) and synthesizes ./dist.
# The local repository lives outside the repo: $CDK8S_EGRESS_CACHE/m2 (shared with build-langs.sh,
# which also puts there the org.cdk8s jars that Maven Central lacks).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
cache=${CDK8S_EGRESS_CACHE:-$HOME/.cache/cdk8s-egress}
m2=$cache/m2
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
v() { node -p "require('$root/node_modules/$1/package.json').version"; }
ver=$(node -p "require('$root/package.json').version")
art=$root/dist/java/dev/cdk8segress/cdk8s-egress/$ver/cdk8s-egress-$ver
[ -f "$art.jar" ] || { echo "examples/java: no $art.jar: run 'npx projen package:java'" >&2; exit 1; }
for m in cdk8s cdk8s-plus-30; do
  [ -f "$m2/org/cdk8s/$m/$(v $m)/$m-$(v $m).jar" ] || { echo "examples/java: org.cdk8s:$m:$(v $m) missing in $m2: run 'npx projen package:java'" >&2; exit 1; }
done

mvn=(mvn -B -q -Dmaven.repo.local="$m2")
# Same version (0.0.0) on every build: install-file overwrites the previous jar.
"${mvn[@]}" org.apache.maven.plugins:maven-install-plugin:3.1.1:install-file -Dfile="$art.jar" -DpomFile="$art.pom"

cd "$here"
"${mvn[@]}" -Dcdk8s-egress.version="$ver" -Dcdk8s.version="$(v cdk8s)" \
  -Dcdk8s-plus-30.version="$(v cdk8s-plus-30)" -Dconstructs.version="$(v constructs)" \
  compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
rm -rf dist
java -cp "target/classes:$(cat target/classpath.txt)" dev.cdk8segress.examples.Main
