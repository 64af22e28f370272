#!/usr/bin/env bash
# setup.sh: everything the tests and the main job need, pinned and built from the Go module proxy
# into a per-version cache outside the checkout, CACHE=${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}:
#
#   scripts/build-tools.sh  helm, kubectl and the local cluster (kube-apiserver,
#                           kube-controller-manager, kube-scheduler, etcd, kwok, kwokctl,
#                           metrics-server) into $CACHE/bin
#   scripts/crds.sh         the CRDs the charts use, from pinned upstream sources, into $CACHE/crds
#   scripts/packages.sh     the Debian programs of the config tier (nginx, php-fpm, tini, wrk)
#
# Idempotent: what is present for its version is skipped (a warm run takes about a second).
#
# Usage: scripts/setup.sh
set -euo pipefail
SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}

command -v go >/dev/null || { echo "setup: go is not installed (Go 1.26 is needed)" >&2; exit 1; }
start=$SECONDS
bash "$SCRIPTS_DIR/build-tools.sh"
bash "$SCRIPTS_DIR/crds.sh" >/dev/null
bash "$SCRIPTS_DIR/packages.sh"
echo "setup: tools, CRDs and packages ready in $((SECONDS - start))s"
case ":$PATH:" in
  *":$CACHE/bin:"*) ;;
  *) echo "setup: add the tools to your PATH:"
     echo "  export PATH=\"$CACHE/bin:\$PATH\"" ;;
esac
