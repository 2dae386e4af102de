#!/usr/bin/env bash
# Offline Istio analysis of synthesized manifests with the real istioctl:
#   istioctl analyze --use-kube=false --all-namespaces --failure-threshold Warning -o json <files>
#   (without --all-namespaces istioctl analyzes only the "default" namespace and silently
#   reports nothing for resources in any other namespace)
# Usage: istio-analyze.sh [--context FILE|DIR]... <file|dir>...
#   Files are *.yaml / *.yml (dirs searched recursively); only files that contain an
#   `apiVersion: *.istio.io/*` line are analyzed, plus every --context file (cluster state that is
#   not ours to synthesize, e.g. Pods/Services; it is analyzed too but not counted in N).
# Messages whose code is listed in istio-accepted.txt ("CODE reason...") are reported but do not fail.
# Closing line: "istioctl: N files analyzed, E errors, W warnings" (allow-listed ones not counted).
# Exit 1 on any error/warning not allow-listed, on an istioctl failure, or when no file was analyzed.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env.sh
source "$HERE/env.sh"
die() { printf 'istio-analyze: ERROR: %s\n' "$*" >&2; exit 1; }
[[ -x "$ISTIOCTL" ]] || die "istioctl not built: $ISTIOCTL (run tools/validators/build-testbins.sh istioctl)"

ctx=(); inputs=()
while (( $# )); do
  case "$1" in
    --context) [[ $# -ge 2 ]] || die "--context needs a path"; ctx+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) inputs+=("$1"); shift ;;
  esac
done
(( ${#inputs[@]} )) || die "no files or directories given"

list_yaml() { for p in "$@"; do
  if [[ -d "$p" ]]; then find "$p" -type f \( -name '*.yaml' -o -name '*.yml' \) | sort
  elif [[ -f "$p" ]]; then echo "$p"
  else die "no such file or directory: $p"; fi
done; }

mapfile -t all < <(list_yaml "${inputs[@]}")
files=()
for f in "${all[@]}"; do grep -qE '^[[:space:]]*apiVersion:[[:space:]]*["'\'']?[a-z0-9.-]+\.istio\.io/' "$f" && files+=("$f"); done
(( ${#files[@]} )) || die "none of the ${#all[@]} YAML files contains Istio resources"
ctxfiles=()
(( ${#ctx[@]} )) && mapfile -t ctxfiles < <(list_yaml "${ctx[@]}")

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
set +e
HOME="$tmp" timeout "${EGRESS_ISTIO_TIMEOUT:-300}" "$ISTIOCTL" analyze --use-kube=false --all-namespaces --failure-threshold Warning \
  --output-threshold Info -o json "${files[@]}" "${ctxfiles[@]}" >"$tmp/out.json" 2>"$tmp/err.txt"
rc=$?
set -e
# istioctl exits 0 (clean) or 79 (messages at/above the failure threshold); anything else is a failure.
if [[ $rc -ne 0 && $rc -ne 79 ]]; then
  cat "$tmp/err.txt" >&2; head -c 4000 "$tmp/out.json" >&2
  die "istioctl analyze failed (exit $rc)"
fi

node - "$tmp/out.json" "$HERE/istio-accepted.txt" "${#files[@]}" "$tmp/err.txt" <<'JS'
const fs = require('fs');
const [outFile, allowFile, nFiles, errFile] = process.argv.slice(2);
const allow = new Map();
if (fs.existsSync(allowFile)) {
  for (const line of fs.readFileSync(allowFile, 'utf8').split('\n')) {
    const m = line.trim().match(/^(IST\d{4})\s+(.+)$/);
    if (m) allow.set(m[1], m[2]);
    else if (line.trim() && !line.trim().startsWith('#')) { console.error(`istio-analyze: bad line in ${allowFile}: ${line}`); process.exit(1); }
  }
}
const text = fs.readFileSync(outFile, 'utf8').trim();
let msgs;
try { msgs = text ? JSON.parse(text) : []; } catch (e) {
  console.error(`istio-analyze: cannot parse istioctl JSON output: ${e.message}\n${text.slice(0, 2000)}\n${fs.readFileSync(errFile, 'utf8')}`);
  process.exit(1);
}
const stderr = fs.readFileSync(errFile, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('\u2714')).join('\n');
if (stderr) console.error(stderr);
let E = 0, W = 0;
for (const m of msgs) {
  const lvl = m.level || 'Info';
  const where = [m.origin, m.reference].filter(Boolean).join(' ');
  const accepted = allow.has(m.code);
  if (!accepted && lvl === 'Error') E++;
  if (!accepted && lvl === 'Warning') W++;
  console.log(`${accepted ? 'accepted ' : ''}${lvl} [${m.code}] ${where}: ${m.message}${accepted ? ` (allow-listed: ${allow.get(m.code)})` : ''}`);
}
console.log(`istioctl: ${nFiles} files analyzed, ${E} errors, ${W} warnings`);
process.exit(E + W > 0 || Number(nFiles) === 0 ? 1 : 0);
JS
