#!/usr/bin/env bash
# Set up (if needed) and run the default test suite (slow tests excluded).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .venv/bin/python -m pytest -n 2 "$@"
