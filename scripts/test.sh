#!/usr/bin/env bash
# Quick start, step 2: the Swift test suite, then the Python bridge's pytest suite (on this
# checkout's python/ sources and release library, which it brings up to date first).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/platform-env.sh
swift test
if ! python3 -c "import numpy, ml_dtypes, pytest" 2>/dev/null; then
  echo "error: the Python tests need numpy, ml_dtypes and pytest: run scripts/setup.sh (or pip install ./python pytest)" >&2
  exit 1
fi
swift build -c release --product TesselBridge
PYTHONPATH="$PWD/python${PYTHONPATH:+:$PYTHONPATH}" TESSEL_BIN="$PWD/.build/release" python3 -m pytest python/tests -q
