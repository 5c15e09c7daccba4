#!/usr/bin/env bash
# Quick start, step 1: install what is missing, build, and run the demo kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product tessel
.build/release/tessel demo
