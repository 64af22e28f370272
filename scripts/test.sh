#!/usr/bin/env bash
# The test command of the README and of .ci/run: installs the pinned tools the tests need, builds
# the store charts' dependencies, verifies generated files, then runs go vet and every Go test.
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
go test -count=1 -timeout 20m ./... 2>&1 | tee /tmp/magento-k8s-test.log
