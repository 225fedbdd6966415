#!/usr/bin/env bash
# Regenerates the example outputs in README.md from the binary, so they cannot drift from what llmsim prints.
# Usage: scripts/readme-examples.sh [BUILD_DIR] [--check]
#
# A block is marked in README.md as
#   <!-- example: ARGS -->
#   ```
#   (output of `llmsim ARGS`, replaced by this script)
#   ```
#   <!-- /example -->
# Wall-clock times vary run to run and are written as "(wall time varies)". With --check nothing is written: the
# script exits 1 and prints a diff when a block is stale (the ctest "readme examples" runs it so).
set -euo pipefail
BUILD=${1:-build}
CHECK=${2:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
README="$ROOT/README.md"
LLMSIM="$BUILD/llmsim"
[[ -x "$LLMSIM" ]] || { echo "readme-examples: $LLMSIM not built" >&2; exit 2; }
out=$(mktemp)
trap 'rm -f "$out" "$out.block"' EXIT
inside=0
while IFS= read -r line || [[ -n "$line" ]]; do
  if [[ $inside == 0 && "$line" =~ ^\<\!--\ example:\ (.*)\ --\>$ ]]; then
    args="${BASH_REMATCH[1]}"
    printf '%s\n' "$line" >> "$out"
    # shellcheck disable=SC2086  # ARGS is a word list by design
    (cd "$ROOT" && "$LLMSIM" $args) 2>&1 | sed -E 's/\(wall [0-9.]+ s\)/(wall time varies)/' > "$out.block"
    { echo '```'; cat "$out.block"; echo '```'; } >> "$out"
    inside=1
    continue
  fi
  if [[ $inside == 1 ]]; then
    if [[ "$line" == "<!-- /example -->" ]]; then
      printf '%s\n' "$line" >> "$out"
      inside=0
    fi
    continue
  fi
  printf '%s\n' "$line" >> "$out"
done < "$README"
[[ $inside == 0 ]] || { echo "readme-examples: unterminated example block in README.md" >&2; exit 2; }
if [[ "$CHECK" == "--check" ]]; then
  if ! diff -u "$README" "$out"; then
    echo "readme-examples: README.md example outputs are stale; run scripts/readme-examples.sh $BUILD" >&2
    exit 1
  fi
  echo "readme-examples: README.md examples are current"
else
  cp "$out" "$README"
  echo "readme-examples: README.md examples regenerated"
fi
