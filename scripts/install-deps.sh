#!/usr/bin/env bash
# Installs every Debian package that building and testing thrustc needs. Idempotent: packages
# already present are skipped, and apt-get runs only when something is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config python3
  libffi-dev doctest-dev libasmjit-dev
  llvm-19-dev libclang-19-dev clang-19 llvm-19-tools
  # libFuzzer and the sanitizer runtimes for clang-19 (preset fuzz, make fuzz-targets).
  libclang-rt-19-dev
  gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static
  # The AArch64 cross build of the compile-time path (preset aarch64): multiarch arm64 libraries.
  libasmjit-dev:arm64 libffi-dev:arm64
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# arm64 packages need the architecture enabled once (then apt-get update below sees them).
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "install-deps: enabling the arm64 architecture"
  $SUDO dpkg --add-architecture arm64
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
