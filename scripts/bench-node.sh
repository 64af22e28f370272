#!/usr/bin/env bash
# bench-node.sh: the real node's figures, measured here and printed (never a pass/fail):
#   - the node's bring-up (scripts/node.sh up beside a running control plane, images cached);
#   - helm install --wait of a store on it until the first 200 through its Service
#     (TestMagento2RealNode's log);
#   - a rollout under load: requests, failures and p99 while helm upgrade rolls 3 web pods
#     (TestMagento2Lifecycle's log);
#   - the main job, cold (no cluster running; tools and images cached) and warm (again, on the
#     running cluster).
# Takes down the main job's cluster first and leaves it running at the end. Needs root.
#
# Usage: scripts/bench-node.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}/bin:$PATH

secs() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

bash scripts/main.sh down >/dev/null 2>&1 || true

echo "== node bring-up (control plane running, images cached)"
export MAGENTO_K8S_CLUSTER=magento-bench
MAGENTO_K8S_REAL_NODE=0 bash scripts/cluster.sh up >/dev/null 2>&1
t=$EPOCHREALTIME
bash scripts/node.sh up 2>&1 | grep 'ready in'
echo "node.sh up: $(secs "$t")s"
bash scripts/cluster.sh down >/dev/null 2>&1
unset MAGENTO_K8S_CLUSTER

echo
echo "== a store on the real node, and a rollout under load (go test, deploy tier)"
go test -count=1 -timeout 20m ./tests/deploy/ -run 'TestMagento2RealNode$|TestMagento2Lifecycle$' -v 2>&1 |
  grep -E 'helm install --wait took|load during the rollout|upgrade: [0-9]+ Deployment|^(--- |ok|FAIL)' || true

echo
echo "== main job"
t=$EPOCHREALTIME
bash scripts/main.sh >/tmp/bench-node-main.log 2>&1
echo "cold (no cluster; tools and images cached): $(secs "$t")s; $(grep 'first answer' /tmp/bench-node-main.log | sed 's/^ *//')"
t=$EPOCHREALTIME
bash scripts/main.sh >/tmp/bench-node-main.log 2>&1
echo "warm (cluster running): $(secs "$t")s; $(grep 'first answer' /tmp/bench-node-main.log | sed 's/^ *//')"
