#!/usr/bin/env bash
# bench-config.sh: throughput of a web pod as the chart configures it — the production scenario's
# pod run by the config tier (real nginx and php-fpm, stub store) and loaded with wrk from inside
# its network namespace. Prints requests/s and p99 latency for a static file, the PHP health check,
# the front controller and a page from Varnish's cache. Needs root, like the config tier. Figures
# only: nothing fails on them.
#
# Usage: sudo bash scripts/bench-config.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/packages.sh >/dev/null
export PATH="${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}/bin:$PATH"
echo "nproc: $(nproc)"
go test ./tests/config/ -run '^$' -bench BenchmarkWebPod -benchtime 1x -count 1 | grep -E 'Benchmark|ok|FAIL'
