#!/usr/bin/env bash
# bench-render.sh: print the render tier's wall time and the per-render cost.
#
#  1. compiles the render test binary once (so the figure is a warm run),
#  2. times `go test ./tests/render/ -run 'TestScenariosRender|TestGolden|
#     TestPodSecurityRestricted' -count=1`: every chart × scenario rendered,
#     decoded, policy-checked and compared with its golden file,
#  3. prints BenchmarkRenderAll (each chart × scenario rendered once, in turn).
#
# Goal: the timed run takes at most 10 s on 2 cores. The script reports the
# figure; it never fails on timing, only when the tests themselves fail.
#
# Usage: scripts/bench-render.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh >/dev/null
export PATH="${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}/bin:$PATH"

PKG=./tests/render/
RUN='TestScenariosRender|TestGolden|TestPodSecurityRestricted'
GOAL=10

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "bench-render: compiling the render tests"
t0=$(now)
go test "$PKG" -run '^$' -count=1 >/dev/null
echo "bench-render: compile + empty run: $(secs "$t0" "$(now)") s"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
t0=$(now)
if ! go test "$PKG" -run "$RUN" -count=1 >"$log" 2>&1; then
  cat "$log"
  echo "bench-render: the render tests failed" >&2
  exit 1
fi
wall=$(secs "$t0" "$(now)")
verdict=$(awk -v w="$wall" -v g="$GOAL" 'BEGIN { print (w <= g) ? "within" : "OVER" }')
echo "bench-render: render tier wall time: ${wall} s (goal <= ${GOAL} s on 2 cores: ${verdict}; this machine: $(nproc) cores)"
echo "bench-render:   go test $PKG -run '$RUN' -count=1"

echo "bench-render: go test $PKG -run '^\$' -bench BenchmarkRenderAll -benchtime 1x"
go test "$PKG" -run '^$' -bench BenchmarkRenderAll -benchtime 1x -count=1 | grep -E '^(Benchmark|ok|FAIL)'
