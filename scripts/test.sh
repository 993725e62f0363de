#!/usr/bin/env bash
# The project's whole test suite: unit and end-to-end tests with the race detector.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -race -count=1 -timeout 20m ./...
