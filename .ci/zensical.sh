#!/usr/bin/env bash
# CI, informational: build the reference site with the Zensical backend and print one summary line
# (version, exit status, time, pages, warnings). Zensical is an optional external tool, not a dependency of smsgen:
# it goes into a virtual environment of its own. Whatever happens, this script exits 0.
#
# zensical==0.0.73 is pinned: later releases need `zensical-ui`, which the package index used here does not have.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 0
VERSION=0.0.73
ZVENV=${ZVENV:-.venv-zensical}
SMSGEN=${SMSGEN:-.venv/bin/smsgen}
say() { echo "zensical: $*"; }

main() {
  [ -x "$SMSGEN" ] || { say "SKIPPED: $SMSGEN not found (run make install first)"; return; }
  if [ "$("$ZVENV/bin/python" -m zensical --version 2>/dev/null)" != "$VERSION" ]; then
    { "${PYTHON:-python3}" -m venv "$ZVENV" && "$ZVENV/bin/pip" install --quiet "zensical==$VERSION"; } >/dev/null 2>&1 \
      || { say "SKIPPED: could not install zensical==$VERSION"; return; }
  fi
  local out log start rc seconds pages warnings
  out=$(mktemp -d) && log="$out/build.log"
  start=$(date +%s.%N)
  SMSGEN_ZENSICAL_PYTHON="$PWD/$ZVENV/bin/python" timeout 900 "$SMSGEN" build --site-backend zensical \
    --site-dir "$out/site" >"$log" 2>&1
  rc=$?
  seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  pages=$(find "$out/site" -name index.html 2>/dev/null | wc -l)
  warnings=$(grep -c 'zensical: ' "$log")
  say "version $("$ZVENV/bin/python" -m zensical --version 2>/dev/null) exit=$rc time=${seconds}s pages=$pages" \
      "warnings=$warnings search.json=$([ -s "$out/site/search.json" ] && echo yes || echo no)"
  if [ "$rc" -ne 0 ]; then
    grep -v '^    hint' "$log" | head -5 | sed 's/^/    /'
  fi
  rm -rf "$out"
}

main || true
exit 0
