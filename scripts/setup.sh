#!/usr/bin/env bash
# Sets up a checkout: the system packages, the release build of `tessel` and of the Python
# bridge's library, and the Python package (`pip install ./python`, with numpy, ml_dtypes, pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product tessel
swift build -c release --product TesselBridge
python3 -m pip install --quiet ./python pytest
