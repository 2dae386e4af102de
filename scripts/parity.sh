#!/usr/bin/env bash
# Parity test: the seed example written in TypeScript (examples/seed), Python, Java and Go
# (examples/{python,java,go}) must synthesize byte-identical YAML.
#   1. builds the language packages that are missing or stale (scripts/build-langs.sh --if-stale)
#   2. `npm run example` -> examples/seed/dist
#   3. examples/<lang>/run.sh -> examples/<lang>/dist (installs from the local build like a user)
#   4. compares each dist/ with the TypeScript one, file set and bytes
#   5. Python only: scripts/python-errors.sh checks the text of errors raised into Python
# Closing line: `parity: python ok, java ok, go ok`; otherwise the failing languages are named,
# their diff or log is shown, and it exits 1.
# Needs: npm ci + `npx projen compile` done; python3, mvn + JDK 17, go on PATH; PyPI, Maven Central,
# the Go module proxy. No stdin. Each step is bounded (PARITY_TIMEOUT seconds, default 900).
# Caches live outside the repo ($CDK8S_EGRESS_CACHE, default ~/.cache/cdk8s-egress; Go and pip use
# their own caches). Usage: scripts/parity.sh [python] [java] [go]   (default: all three)
set -uo pipefail
exec </dev/null
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
limit=${PARITY_TIMEOUT:-900}
langs=("$@"); [ ${#langs[@]} -gt 0 ] || langs=(python java go)
logs=$(mktemp -d); trap 'rm -rf "$logs"' EXIT
t_all=$(date +%s)

run() { # run <log> <cmd...>: bounded, output to the log (shown on failure)
  local log=$1; shift
  timeout --kill-after=30 "$limit" "$@" >"$log" 2>&1
}

echo "=== parity: packages (${langs[*]})"
if ! run "$logs/build.log" bash scripts/build-langs.sh --if-stale "${langs[@]}"; then
  cat "$logs/build.log"; echo "parity: package build failed (see above)"; exit 1
fi
grep '^=== build-langs' "$logs/build.log"

echo "=== parity: typescript (npm run example)"
rm -rf examples/seed/dist
if ! run "$logs/ts.log" npm run example || [ -z "$(ls examples/seed/dist 2>/dev/null)" ]; then
  cat "$logs/ts.log"; echo "parity: the TypeScript example failed (see above)"; exit 1
fi

summary=(); failed=0
for lang in "${langs[@]}"; do
  t0=$(date +%s)
  echo "=== parity: $lang (examples/$lang/run.sh)"
  if ! run "$logs/$lang.log" bash "examples/$lang/run.sh"; then
    cat "$logs/$lang.log"; echo "parity: $lang: the example failed (exit above)"
    summary+=("$lang FAILED"); failed=1; continue
  fi
  if diff -ru examples/seed/dist "examples/$lang/dist" >"$logs/$lang.diff"; then
    echo "    $(ls "examples/$lang/dist" | wc -l) files identical to TypeScript ($(( $(date +%s) - t0 ))s)"
    summary+=("$lang ok")
  else
    cat "$logs/$lang.diff"; echo "parity: $lang: YAML differs from TypeScript (diff above: - typescript, + $lang)"
    summary+=("$lang FAILED"); failed=1
  fi
  # Python only: errors from constructors and methods read `[path] message (CODE)` (scripts/python-errors.sh).
  if [ "$lang" = python ]; then
    if run "$logs/python-errors.log" bash scripts/python-errors.sh; then
      echo "    python errors: $(grep -c ' ... ok$' "$logs/python-errors.log") checks passed (test/python/test_errors.py)"
    else
      cat "$logs/python-errors.log"; echo "parity: python: error text check failed (test/python/test_errors.py, output above)"
      summary+=("python errors FAILED"); failed=1
    fi
  fi
done

echo "=== parity: done in $(( $(date +%s) - t_all ))s"
line=$(IFS=,; echo "${summary[*]}"); echo "parity: ${line//,/, }"
exit $failed
