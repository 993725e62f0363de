#!/usr/bin/env bash
# Checks the alerting rules of arkisto serve with the real Prometheus tools:
#   1. promtool check rules: scripts/prometheus/alerts.yml parses and is valid;
#   2. promtool test rules: every alert fires, and stays quiet, where
#      scripts/prometheus/alerts_test.yml says.
# Run by CI; installs Debian's prometheus package when promtool is missing.
set -euo pipefail
cd "$(dirname "$0")/prometheus"

log() { echo "== serve-check: $*"; }

if ! command -v promtool >/dev/null; then
	log "installing prometheus (for promtool)"
	export DEBIAN_FRONTEND=noninteractive
	# An image may ship without package lists; fetch them only then.
	if ! apt-get install -y -q --no-install-recommends prometheus; then
		apt-get update -q
		apt-get install -y -q --no-install-recommends prometheus
	fi
fi

log "promtool check rules alerts.yml"
promtool check rules alerts.yml
log "promtool test rules alerts_test.yml"
promtool test rules alerts_test.yml
log "OK"
