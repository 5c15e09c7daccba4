#!/usr/bin/env bash
# Installs the system packages Tessel builds against, only when they are missing: with apt on
# Debian/Ubuntu, with Homebrew on macOS.
#   libopenblas-dev  cblas_sgemm for the Tensor engine's matmul (pkg-config: openblas; brew: openblas)
#   libedit-dev      line editing for `tessel repl` (pkg-config: libedit; brew: libedit)
#   pkg-config       lets SwiftPM find them
set -euo pipefail
if [ "$(uname -s)" = "Darwin" ]; then
  if ! command -v brew >/dev/null 2>&1; then
    echo "error: on macOS Tessel needs Homebrew to install openblas, libedit and pkg-config (https://brew.sh)" >&2
    exit 1
  fi
  for formula in pkg-config openblas libedit; do
    brew list --versions "$formula" >/dev/null 2>&1 || brew install "$formula"
  done
  exit 0
fi
need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if ! pkg-config --exists openblas 2>/dev/null; then need+=(libopenblas-dev); fi
if ! pkg-config --exists libedit 2>/dev/null; then need+=(libedit-dev); fi
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi
