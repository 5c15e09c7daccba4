#!/usr/bin/env bash
# Quick start, step 1: set up (scripts/setup.sh) and run the demo kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.build/release/tessel demo
