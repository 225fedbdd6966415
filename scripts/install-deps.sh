#!/usr/bin/env bash
# Installs the Debian 12 packages llmsim builds with, skipping what is already present.
# Runs apt-get directly as root, through sudo otherwise. Nothing is downloaded outside Debian's archive.
#   scripts/install-deps.sh [fuzz]   fuzz: also clang and its runtime libraries (libFuzzer, sanitizers) for make fuzz
# (make test-sanitize uses GCC, whose sanitizer runtimes come with build-essential).
set -euo pipefail
packages=(build-essential cmake pkg-config catch2 nlohmann-json3-dev libfmt-dev libeigen3-dev
          libboost-graph-dev libsqlite3-dev libcli11-dev libyaml-cpp-dev
          libopenmpi-dev openmpi-bin  # MPI: mpirun -np N llmsim sweep, tested with 2 ranks
          python3-dev pybind11-dev)   # the Python module (python/, `import llmsim`)
if [ "${1:-}" = "fuzz" ]; then
  packages+=(clang libclang-rt-dev)
fi
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "llmsim: installing missing packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "llmsim: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
