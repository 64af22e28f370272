#!/usr/bin/env bash
# fuzz-values.sh: fuzz the magento2 chart's values (tests/deploy FuzzValues) against the local
# cluster's API server for a while and print what was tried: every input must be refused at
# render time naming its key, or render objects the API server accepts (server-side dry-run,
# strict field validation, Pod Security "restricted"). New failing inputs land in
# tests/deploy/testdata/fuzz/FuzzValues; commit them with the fix (they join the seed corpus
# that every `go test` runs).
#
# Usage: scripts/fuzz-values.sh [DURATION]    (default 60s; Go's -fuzztime syntax)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration=${1:-60s}
bash scripts/build-tools.sh >/dev/null
export PATH=${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}/bin:$PATH
go test -count=1 -timeout 60m ./tests/deploy/ -run '^$' -fuzz '^FuzzValues$' -fuzztime "$duration" -v 2>&1 |
  grep -E 'fuzz: elapsed|FuzzValues:|^(ok|FAIL|---)|accepted-invalid|refused without' | tail -n 40
