#!/usr/bin/env bash
# Layering guard: each top-level folder may include only itself and the folders below it, the same DAG as the
# CMake libraries in CMakeLists.txt (llmsim_common <- llmsim_engine, llmsim_models, llmsim_hardware,
# llmsim_traces <- llmsim_sim <- llmsim_policies <- llmsim_tools <- the Python module). Checks every
# `#include "..."` line of the library sources and prints file:line for each include of a folder the DAG does not allow.
#
#   scripts/check-layering.sh [REPO_ROOT]     (exit 0: clean, 1: violations, 2: usage)
set -euo pipefail

root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$root" || exit 2

# Layer of a repository path (a source file or an include path): sim/engine is its own layer below the rest of sim/.
layer_of() {
    case "$1" in
    common/*) echo common ;;
    sim/engine/*) echo engine ;;
    sim/*) echo sim ;;
    models/*) echo models ;;
    hardware/*) echo hardware ;;
    traces/*) echo traces ;;
    policies/*) echo policies ;;
    tools/*) echo tools ;;
    python/*) echo python ;;
    *) echo "?${1%%/*}" ;;
    esac
}

# What each layer may include: itself and everything below it (the transitive closure of the CMake links).
declare -A allowed=(
    [common]="common"
    [engine]="common engine"
    [models]="common models"
    [hardware]="common hardware"
    [traces]="common traces"
    [sim]="common engine models hardware traces sim"
    [policies]="common engine models hardware traces sim policies"
    [tools]="common engine models hardware traces sim policies tools"
    [python]="common engine models hardware traces sim policies tools python"
)
declare -A folder=(
    [common]="common/" [engine]="sim/engine/" [models]="models/" [hardware]="hardware/" [traces]="traces/"
    [sim]="sim/{cost,serving,training}" [policies]="policies/" [tools]="tools/" [python]="python/"
)

violations=0
checked=0
while IFS= read -r -d '' file; do
    file="${file#./}"
    from="$(layer_of "$file")"
    [[ -n "${allowed[$from]:-}" ]] || continue
    checked=$((checked + 1))
    while IFS=: read -r line inc; do
        [[ "$inc" == */* ]] || continue  # same-directory include
        to="$(layer_of "$inc")"
        if [[ " ${allowed[$from]} " != *" $to "* ]]; then
            echo "$file:$line: wrong-way include \"$inc\": ${folder[$from]} (llmsim_$from) may include only" \
                "${allowed[$from]// /, }" >&2
            violations=$((violations + 1))
        fi
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" |
        sed -E 's/^([0-9]+):[^"]*"([^"]*)".*/\1:\2/')
done < <(find common sim models hardware traces policies tools python -type f \
    \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.cu' -o -name '*.cuh' \) -print0 | sort -z)

if ((checked == 0)); then
    echo "check-layering: no sources found under $root" >&2
    exit 2
fi
if ((violations > 0)); then
    echo "check-layering: $violations wrong-way include(s); the DAG is in scripts/check-layering.sh and CMakeLists.txt" >&2
    exit 1
fi
echo "check-layering: $checked files, every include goes down the DAG"
