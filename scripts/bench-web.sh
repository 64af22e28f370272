#!/usr/bin/env bash
# bench-web.sh: the web pod side by side with Debian's defaults. Runs the magento2 production
# scenario's web pod (real nginx and php-fpm from Debian's packages, the chart's rendered
# configuration, the stub store) and Debian's stock nginx + php-fpm configuration on the same stub
# store and the same configuration (tests/config/debian_test.go says exactly what "stock" means),
# loads each path on both with wrk in alternating rounds and prints a table: median req/s and p99
# per side with their spread, errors, the ratios chart/Debian and the CPU time per request of each
# side's processes (php-fpm's share apart). Figures only: nothing fails on
# them. Needs root, like the config tier.
#
# With "varnish" first, the same through Varnish: the chart's Varnish pod (its VCL) and Debian's
# stock varnishd + default.vcl in front of the same web pod, on a cached page. With "knee" first,
# the web pod alone at rising load: throughput, p99 and the pod's CPU as a share of its request,
# the knee where p99 starts to climb, against the HPA's target utilisation. With "node" first, the
# web pod side by side with Debian's defaults as pods on the real node (scripts/node.sh: containerd,
# runc, a kubelet; the deploy tier's local cluster, started and stopped by the run), wrk on the
# host against each pod's IP.
#
# Usage: sudo bash scripts/bench-web.sh [varnish|knee|node] [rounds [seconds]]   (default 3 rounds of 5 s, after a warm-up round that is not counted)
set -euo pipefail
cd "$(dirname "$0")/.."
bench=BenchmarkWebPodVsDebian
case ${1:-} in
  varnish) bench=BenchmarkVarnishVsDebian; shift ;;
  knee) bench=BenchmarkWebPodKnee; shift ;;
  node) bench=BenchmarkWebPodVsDebianRealNode; pkg=./tests/deploy/; shift ;;
esac
bash scripts/packages.sh >/dev/null
export PATH="${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}/bin:$PATH"
export BENCH_ROUNDS=${1:-3} BENCH_SECONDS=${2:-5}
# The pods on CPU 0, wrk on the others (BENCH_POD_CPUS / BENCH_WRK_CPUS, taskset lists; set both
# empty to share every core): pods do not share cores with their clients, and unpinned, the two
# sides and wrk fight for the same two cores and the ratios swing by ±10% between runs.
last=$(( $(nproc) - 1 ))
if (( last >= 1 )); then
  export BENCH_POD_CPUS=${BENCH_POD_CPUS-0} BENCH_WRK_CPUS=${BENCH_WRK_CPUS-1-$last}
fi
echo "bench-web: go test ${pkg:-./tests/config/} -run '^\$' -bench $bench -benchtime 1x (rounds $BENCH_ROUNDS, $BENCH_SECONDS s each; pods on CPUs ${BENCH_POD_CPUS:-all}, wrk on ${BENCH_WRK_CPUS:-all})"
go test "${pkg:-./tests/config/}" -run '^$' -bench "$bench" -benchtime 1x -count 1 -timeout 60m |
  grep -Ev '^(goos|goarch|pkg|cpu|PASS)'
