#!/usr/bin/env bash
# Installs the system packages Tessel builds against (Debian/Ubuntu), only when they are missing.
#   libopenblas-dev  cblas_sgemm for the Tensor engine's matmul (pkg-config: openblas)
#   libedit-dev      line editing for `tessel repl` (pkg-config: libedit)
#   pkg-config       lets SwiftPM find them
set -euo pipefail
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
