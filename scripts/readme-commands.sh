#!/usr/bin/env bash
# Runs every `llmsim ...` command of README.md's ```sh blocks, in order, and fails when one exits non-zero, so the
# README's commands cannot drift from the binary or name files that do not exist (ctest "readme: every command").
# Usage: scripts/readme-commands.sh [BUILD_DIR] [--list]
#
# Commands run in a scratch folder that mirrors the repository (links to examples/ and hardware/, and to ../shared
# beside it when present), so files they write (results/, results.sqlite, ...) never land in the checkout. A
# command that reads ../shared (third-party data, not shipped) is reported as skipped when ../shared is absent.
# Lines continue with a trailing backslash; a trailing "# comment" is dropped. --list prints the commands without
# running them. --quick (what ctest runs) shrinks the few slow ones by the rules in QUICK_RULES below, each a sed
# expression applied to the command text; everything else runs exactly as README writes it.
set -euo pipefail
QUICK_RULES=(
  # Engine calibration replays 18 measured scopes per candidate (about 4 minutes): one round over one parameter.
  's/^(llmsim calibrate --serving-log .*)$/\1 --max-rounds 1 --fit front_end.ingress_us/'
  # The real CPU serving loop runs its workload three times: 8 requests instead of 24.
  's/^(llmsim bench serve .*)--num-requests 24/\1--num-requests 8/'
)
BUILD=$(cd "${1:-build}" && pwd)
MODE=${2:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${LLMSIM_SHARED_DIR:-$ROOT/../shared}
[[ -x "$BUILD/llmsim" ]] || { echo "readme-commands: $BUILD/llmsim not built" >&2; exit 2; }

commands=()
inside=0
pending=""
while IFS= read -r line || [[ -n "$line" ]]; do
  if [[ $inside == 0 ]]; then
    [[ "$line" == '```sh' ]] && inside=1
    continue
  fi
  if [[ "$line" == '```' ]]; then
    inside=0
    continue
  fi
  line=$(sed -E 's/[[:space:]]+#.*$//' <<< "$line")
  if [[ -n "$pending" ]]; then
    pending+=" $(sed -E 's/^[[:space:]]+//' <<< "$line")"
  elif [[ "$line" =~ ^llmsim[[:space:]] ]]; then
    pending="$line"
  else
    continue
  fi
  if [[ "$pending" == *'\' ]]; then
    pending="${pending%\\}"
    continue
  fi
  commands+=("$(sed -E 's/[[:space:]]+$//; s/[[:space:]]+/ /g' <<< "$pending")")
  pending=""
done < "$ROOT/README.md"
[[ ${#commands[@]} -gt 0 ]] || { echo "readme-commands: no llmsim command found in README.md" >&2; exit 2; }

if [[ "$MODE" == "--list" ]]; then
  printf '%s\n' "${commands[@]}"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/repo"
ln -s "$ROOT/examples" "$work/repo/examples"
ln -s "$ROOT/hardware" "$work/repo/hardware"
have_shared=0
if [[ -d "$SHARED" ]]; then
  ln -s "$(cd "$SHARED" && pwd)" "$work/shared"
  have_shared=1
fi
llmsim() { "$BUILD/llmsim" "$@"; }

failed=0
skipped=0
for cmd in "${commands[@]}"; do
  if [[ "$MODE" == "--quick" ]]; then
    for rule in "${QUICK_RULES[@]}"; do
      cmd=$(sed -E "$rule" <<< "$cmd")
    done
  fi
  if [[ "$cmd" == *"../shared/"* && $have_shared == 0 ]]; then
    echo "skip (no ../shared)  $cmd"
    skipped=$((skipped + 1))
    continue
  fi
  start=$(date +%s%N)
  if (cd "$work/repo" && eval "$cmd") > "$work/out.txt" 2> "$work/err.txt"; then
    ms=$((($(date +%s%N) - start) / 1000000))
    printf 'ok %5d ms  %s\n' "$ms" "$cmd"
  else
    rc=$?
    echo "FAILED (exit $rc)  $cmd"
    tail -n 5 "$work/err.txt" | sed 's/^/    /'
    failed=$((failed + 1))
  fi
done
echo "readme-commands: ${#commands[@]} commands, $failed failed, $skipped skipped"
[[ $failed == 0 ]]
