#!/usr/bin/env bash
# setup.sh: install the pinned tools the render test tier needs (tests/render)
# into $CACHE/bin, CACHE=${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}:
#
#   helm v3.22.0   go install helm.sh/helm/v3/cmd/helm, with the ldflags of
#                  Helm's release Makefile (version, Kubernetes 1.37 defaults)
#
# A tool already there at exactly its pinned version (read from the binary's
# Go build info) is left alone, so a second run takes well under a second.
# The render tests find helm on PATH, or in $CACHE/bin when it is not on PATH.
#
# Usage: scripts/setup.sh
set -euo pipefail

HELM_MODULE=helm.sh/helm/v3
HELM_VERSION=v3.22.0
# Helm's Makefile derives these from the k8s.io/client-go its go.mod requires
# (v0.37.0 for Helm v3.22.0): the default .Capabilities.KubeVersion and the
# version `helm lint` checks deprecations against.
K8S_MAJOR=1
K8S_MINOR=37

CACHE=${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}
BIN=$CACHE/bin

command -v go >/dev/null || { echo "setup: go is not installed" >&2; exit 1; }
mkdir -p "$BIN"

# built_from BINARY MODULE VERSION: BINARY exists and was built from MODULE@VERSION.
built_from() {
  [[ -x $1 ]] && go version -m "$1" 2>/dev/null |
    awk -v m="$2" -v v="$3" '$1 == "mod" && $2 == m && $3 == v { found = 1 } END { exit !found }'
}

if built_from "$BIN/helm" "$HELM_MODULE" "$HELM_VERSION"; then
  echo "setup: helm $HELM_VERSION present in $BIN"
else
  start=$SECONDS
  ldflags="-s -w -X $HELM_MODULE/internal/version.version=$HELM_VERSION"
  ldflags+=" -X $HELM_MODULE/internal/version.gitTreeState=clean"
  for pkg in pkg/chartutil pkg/lint/rules; do
    ldflags+=" -X $HELM_MODULE/$pkg.k8sVersionMajor=$K8S_MAJOR -X $HELM_MODULE/$pkg.k8sVersionMinor=$K8S_MINOR"
  done
  echo "setup: installing helm $HELM_VERSION into $BIN (go install, a few minutes when cold)"
  # Outside any module, so the repository's go.mod is neither read nor changed.
  (cd "$CACHE" && CGO_ENABLED=0 GOTOOLCHAIN=${GOTOOLCHAIN:-local} GOBIN="$BIN" GOFLAGS=-buildvcs=false \
    go install -trimpath -ldflags "$ldflags" "$HELM_MODULE/cmd/helm@$HELM_VERSION")
  built_from "$BIN/helm" "$HELM_MODULE" "$HELM_VERSION" ||
    { echo "setup: $BIN/helm is not $HELM_MODULE@$HELM_VERSION after install" >&2; exit 1; }
  echo "setup: helm $HELM_VERSION installed in $((SECONDS - start))s"
fi

case ":$PATH:" in
  *":$BIN:"*) ;;
  *) echo "setup: add the tools to your PATH:"
     echo "  export PATH=\"$BIN:\$PATH\"" ;;
esac
