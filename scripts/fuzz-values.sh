#!/usr/bin/env bash
# fuzz-values.sh: fuzz a chart's values (tests/deploy FuzzValues for magento2, FuzzSharedServicesValues) against the local
# cluster's API server for a while and print what was tried: every input must be refused at
# render time naming its key, or render objects the API server accepts (server-side dry-run,
# strict field validation, Pod Security "restricted"). New failing inputs land in
# tests/deploy/testdata/fuzz/FuzzValues; commit them with the fix (they join the seed corpus
# that every `go test` runs).
#
# Usage: scripts/fuzz-values.sh [DURATION [TARGET]]
#   DURATION  default 60s (Go's -fuzztime syntax)
#   TARGET    FuzzValues (magento2, default) or FuzzSharedServicesValues
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration=${1:-60s}
target=${2:-FuzzValues}
bash scripts/build-tools.sh >/dev/null
export PATH=${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}/bin:$PATH
go test -count=1 -timeout 60m ./tests/deploy/ -run '^$' -fuzz "^$target\$" -fuzztime "$duration" -v 2>&1 |
  grep -E 'fuzz: elapsed|inputs refused|^(ok|FAIL|---)|accepted-invalid|refused without' | tail -n 40
