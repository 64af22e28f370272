#!/usr/bin/env bash
# The main job of the README. Until the local cluster lands, it installs the pinned tools, builds
# the chart dependencies and renders a demo store (magento2/ci/production-values.yaml), then prints
# what the release would run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export PATH="${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}/bin:$PATH"
helm dependency build magento2 >/dev/null

out="${TMPDIR:-/tmp}/magento2-demo.yaml"
helm template demo magento2 --namespace shop-demo --kube-version 1.37.2 \
  -f magento2/ci/production-values.yaml >"$out"
echo "Rendered the demo store to $out:"
grep -E '^kind: ' "$out" | sort | uniq -c
