#!/usr/bin/env bash
# Sets up a checkout: the system packages, the release build of `tessel` and of the Python
# bridge's library, and the Python package (`pip install ./python`, with numpy, ml_dtypes, pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
. scripts/platform-env.sh
swift build -c release --product tessel
swift build -c release --product TesselBridge
if ! python3 -m pip install --quiet ./python pytest; then
  echo "error: pip could not install the Python package into $(command -v python3) (an externally managed" >&2
  echo "system Python?): make a virtual environment (python3 -m venv .venv && . .venv/bin/activate) and run" >&2
  echo "scripts/setup.sh again" >&2
  exit 1
fi
