#!/usr/bin/env bash
# The test command of the README and of .ci/run: installs the pinned tools the tests need (helm,
# the local cluster, CRDs; built from the Go module proxy on first use), builds the store charts'
# dependencies, verifies generated files, then runs go vet and every Go test: the render tier and
# the config tier (each web pod run with the real nginx and php-fpm, in namespaces: needs root) and
# the deploy tier (one local cluster for the run, started and torn down by the tests).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export PATH="${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}/bin:$PATH"

for chart in magento2 magento1 shared-services; do
  if [ -f "$chart/Chart.yaml" ] && grep -q '^dependencies:' "$chart/Chart.yaml"; then
    helm dependency build "$chart" >/dev/null
  fi
done

echo "== generated files"
bash scripts/verify-generated.sh

echo "== go vet"
go vet ./...

echo "== go test"
go test -count=1 -timeout 40m ./... 2>&1 | tee /tmp/magento-k8s-test.log
