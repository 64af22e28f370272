#!/usr/bin/env bash
# build-tools.sh: build the tool chain of the local cluster (scripts/cluster.sh)
# from source, pinned by the Go modules under scripts/tools/:
#
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl,
#   kubelet, kube-proxy (the real node, scripts/node.sh)              k8s.io/kubernetes
#   coredns (the real node's cluster DNS)                             github.com/coredns/coredns
#   kube-score (the render tier's best-practice score)                github.com/zegl/kube-score
#   etcd                                                              go.etcd.io/etcd/server/v3
#   kwok, kwokctl                                                     sigs.k8s.io/kwok
#   metrics-server                                                    sigs.k8s.io/metrics-server
#   helm (Helm 3)                                                     helm.sh/helm/v3
#   helm4 (Helm 4: the deploy tier's second lifecycle)                helm.sh/helm/v4
#   ct (chart-testing) and its etc/ (lintconf.yaml, chart_schema.yaml) github.com/helm/chart-testing/v3
#   nginx-prometheus-exporter, redis_exporter (the exporter image)    github.com/nginx/nginx-prometheus-exporter,
#                                                                     github.com/oliver006/redis_exporter
#   promtool (the render tier's PrometheusRule checks and unit tests) github.com/prometheus/prometheus
#
# Each binary lands in $CACHE/tools/<name>-<version>/ and is symlinked into
# $CACHE/bin (CACHE=${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}). The offline
# manifests the cluster needs (metrics-server manifests/base, kwok's
# kustomize/metrics/usage) are copied from the module zips next to them.
# Anything already present for its version is skipped, so a second run takes
# about a second. Versions come from the go.mod files; bump them there.
#
# Usage: scripts/build-tools.sh            build what is missing, print timings
#        scripts/build-tools.sh --print    print the cache layout (name=path), build nothing
set -euo pipefail

SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MOD_K8S=$SCRIPTS_DIR/tools                  # kubernetes, kwok, helm
MOD_ETCD=$SCRIPTS_DIR/tools/etcd            # etcd server (conflicts with k8s' etcd v3.7 client)
MOD_MS=$SCRIPTS_DIR/tools/metrics-server    # metrics-server (built on k8s.io v0.33)
MOD_CT=$SCRIPTS_DIR/tools/ct                # chart-testing
MOD_EXP=$SCRIPTS_DIR/tools/exporters        # the exporters the charts run as sidecars
MOD_DNS=$SCRIPTS_DIR/tools/coredns          # the real node's DNS (CoreDNS pins its own k8s client)
MOD_KS=$SCRIPTS_DIR/tools/kube-score        # kube-score (its own k8s library versions)
MOD_HELM4=$SCRIPTS_DIR/tools/helm4          # Helm 4 (its own k8s library versions)
MOD_PROM=$SCRIPTS_DIR/tools/promtool        # promtool (Prometheus' own dependency versions)

CACHE=${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}
TOOLS=$CACHE/tools
BIN=$CACHE/bin

# Static, reproducible binaries, whatever the caller's Go settings; never let
# a build rewrite go.mod/go.sum (they pin every dependency, checked by go.sum).
export CGO_ENABLED=0
export GOFLAGS="-mod=readonly -buildvcs=false"
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
# chart-testing's module sums are not in the checksum database reachable here.
export GONOSUMDB=${GONOSUMDB:+$GONOSUMDB,}github.com/helm/chart-testing

# modver DIR MODULE: the version of MODULE that the go.mod in DIR requires.
# (Read from go.mod directly: instant, no go command, no network.)
modver() {
  local v
  # (A tool block names the module without a version: only lines with one count.)
  v=$(awk -v m="$2" '(($1 == m && $2 ~ /^v/) || ($1 == "require" && $2 == m)) && $0 !~ /=>/ {print ($1 == "require") ? $3 : $2; exit}' "$1/go.mod")
  [[ -n $v ]] || { echo "build-tools: $2 not required in $1/go.mod" >&2; exit 1; }
  echo "$v"
}

K8S_VERSION=$(modver "$MOD_K8S" k8s.io/kubernetes)
KWOK_VERSION=$(modver "$MOD_K8S" sigs.k8s.io/kwok)
HELM_VERSION=$(modver "$MOD_K8S" helm.sh/helm/v3)
ETCD_VERSION=$(modver "$MOD_ETCD" go.etcd.io/etcd/server/v3)
MS_VERSION=$(modver "$MOD_MS" sigs.k8s.io/metrics-server)
CT_VERSION=$(modver "$MOD_CT" github.com/helm/chart-testing/v3)
NGINX_EXPORTER_VERSION=$(modver "$MOD_EXP" github.com/nginx/nginx-prometheus-exporter)
REDIS_EXPORTER_VERSION=$(modver "$MOD_EXP" github.com/oliver006/redis_exporter)
PROMETHEUS_VERSION=$(modver "$MOD_PROM" github.com/prometheus/prometheus)
COREDNS_VERSION=$(modver "$MOD_DNS" github.com/coredns/coredns)
KUBE_SCORE_VERSION=$(modver "$MOD_KS" github.com/zegl/kube-score)
HELM4_VERSION=$(modver "$MOD_HELM4" helm.sh/helm/v4)

K8S_DIR=$TOOLS/kubernetes-$K8S_VERSION
ETCD_DIR=$TOOLS/etcd-$ETCD_VERSION
KWOK_DIR=$TOOLS/kwok-$KWOK_VERSION
MS_DIR=$TOOLS/metrics-server-$MS_VERSION
HELM_DIR=$TOOLS/helm-$HELM_VERSION
CT_DIR=$TOOLS/ct-$CT_VERSION
NGINX_EXPORTER_DIR=$TOOLS/nginx-prometheus-exporter-$NGINX_EXPORTER_VERSION
REDIS_EXPORTER_DIR=$TOOLS/redis_exporter-$REDIS_EXPORTER_VERSION
PROMTOOL_DIR=$TOOLS/promtool-$PROMETHEUS_VERSION
COREDNS_DIR=$TOOLS/coredns-$COREDNS_VERSION
KUBE_SCORE_DIR=$TOOLS/kube-score-$KUBE_SCORE_VERSION
HELM4_DIR=$TOOLS/helm-$HELM4_VERSION

if [[ ${1:-} == --print ]]; then
  cat <<EOF
CACHE=$CACHE
BIN=$BIN
KUBE_APISERVER=$K8S_DIR/kube-apiserver
KUBE_CONTROLLER_MANAGER=$K8S_DIR/kube-controller-manager
KUBE_SCHEDULER=$K8S_DIR/kube-scheduler
KUBECTL=$K8S_DIR/kubectl
KUBELET=$K8S_DIR/kubelet
KUBE_PROXY=$K8S_DIR/kube-proxy
COREDNS=$COREDNS_DIR/coredns
KUBE_SCORE=$KUBE_SCORE_DIR/kube-score
ETCD=$ETCD_DIR/etcd
KWOK=$KWOK_DIR/kwok
KWOKCTL=$KWOK_DIR/kwokctl
METRICS_SERVER=$MS_DIR/metrics-server
HELM=$HELM_DIR/helm
HELM4=$HELM4_DIR/helm4
CT=$CT_DIR/ct
CT_ETC=$CT_DIR/etc
NGINX_EXPORTER=$NGINX_EXPORTER_DIR/nginx-prometheus-exporter
REDIS_EXPORTER=$REDIS_EXPORTER_DIR/redis_exporter
PROMTOOL=$PROMTOOL_DIR/promtool
METRICS_SERVER_MANIFESTS=$MS_DIR/manifests/base
KWOK_METRICS_USAGE=$KWOK_DIR/manifests/metrics/usage
KWOK_STAGES=$KWOK_DIR/manifests/stage
EOF
  exit 0
fi

mkdir -p "$TOOLS" "$BIN"
# One build at a time per cache (parallel test runs may all call this script).
exec 9>"$CACHE/.build-tools.lock"
flock 9

now() { echo "${EPOCHREALTIME/,/.}"; }
T_START=$(now)
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
report() { printf '  %-26s %-10s %8ss  %s\n' "$1" "$2" "$3" "$4"; }

# gobuild NAME DIR MODDIR PKG [LDFLAGS]: build PKG in module MODDIR into DIR/NAME,
# unless it is already there, and link it into $BIN.
gobuild() {
  local name=$1 dir=$2 moddir=$3 pkg=$4 ldflags=${5:-}
  local out=$dir/$name t0
  t0=$(now)
  if [[ -x $out ]]; then
    report "$name" cached "$(elapsed "$t0")" "$out"
  else
    mkdir -p "$dir"
    # Build to a temporary name so an interrupted build never looks complete.
    (cd "$moddir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp.$$" "$pkg")
    mv -f "$out.tmp.$$" "$out"
    report "$name" built "$(elapsed "$t0")" "$out"
  fi
  ln -sfn "$out" "$BIN/$name"
}

# extract NAME DEST MODDIR MODULE@VERSION SUBDIR: copy SUBDIR of the module zip to DEST.
extract() {
  local name=$1 dest=$2 moddir=$3 modv=$4 sub=$5 t0 src
  t0=$(now)
  if [[ -d $dest ]]; then
    report "$name" cached "$(elapsed "$t0")" "$dest"
    return
  fi
  src=$(cd "$moddir" && go mod download -json "$modv" | awk -F'"' '$2 == "Dir" {print $4}')
  [[ -d $src/$sub ]] || { echo "build-tools: $modv has no $sub" >&2; exit 1; }
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest.tmp.$$"
  cp -r "$src/$sub" "$dest.tmp.$$"
  chmod -R u+w "$dest.tmp.$$"   # the module cache is read-only
  mv "$dest.tmp.$$" "$dest"
  report "$name" extracted "$(elapsed "$t0")" "$dest"
}

echo "build-tools: cache $CACHE"

# Kubernetes: the same version variables hack/lib/version.sh sets for a release,
# or Helm rejects every chart kubeVersion (the default is v0.0.0-master).
k8s_minor=${K8S_VERSION#v1.}; k8s_minor=${k8s_minor%%.*}
K8S_LDFLAGS=""
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy; do
  if [[ ! -x $K8S_DIR/$cmd ]]; then
    # Build date = the release's commit time (reproducible), from the module proxy.
    k8s_date=$(cd "$MOD_K8S" && go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      K8S_LDFLAGS+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$k8s_minor"
      K8S_LDFLAGS+=" -X $p.gitTreeState=clean -X $p.buildDate=$k8s_date"
    done
    break
  fi
done
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy; do
  gobuild "$cmd" "$K8S_DIR" "$MOD_K8S" "k8s.io/kubernetes/cmd/$cmd" "$K8S_LDFLAGS"
done

gobuild coredns "$COREDNS_DIR" "$MOD_DNS" . \
  "-X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION"

gobuild kube-score "$KUBE_SCORE_DIR" "$MOD_KS" github.com/zegl/kube-score/cmd/kube-score \
  "-X main.version=$KUBE_SCORE_VERSION"

gobuild etcd "$ETCD_DIR" "$MOD_ETCD" .

# kwok's default Kubernetes version follows the one built above.
KWOK_LDFLAGS="-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${K8S_VERSION#v}"
gobuild kwok "$KWOK_DIR" "$MOD_K8S" sigs.k8s.io/kwok/cmd/kwok "$KWOK_LDFLAGS"
gobuild kwokctl "$KWOK_DIR" "$MOD_K8S" sigs.k8s.io/kwok/cmd/kwokctl "$KWOK_LDFLAGS"

# metrics-server reports its version through client-go (see its Makefile).
gobuild metrics-server "$MS_DIR" "$MOD_MS" sigs.k8s.io/metrics-server/cmd/metrics-server \
  "-X k8s.io/client-go/pkg/version.gitVersion=$MS_VERSION"

# Helm as its Makefile builds a release: the version, and the Kubernetes
# version of its client libraries as the default .Capabilities.KubeVersion.
HELM_LDFLAGS="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for p in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
  HELM_LDFLAGS+=" -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$k8s_minor"
done
gobuild helm "$HELM_DIR" "$MOD_K8S" helm.sh/helm/v3/cmd/helm "$HELM_LDFLAGS"

gobuild helm4 "$HELM4_DIR" "$MOD_HELM4" helm.sh/helm/v4/cmd/helm \
  "-X helm.sh/helm/v4/internal/version.version=$HELM4_VERSION -X helm.sh/helm/v4/internal/version.gitTreeState=clean"

gobuild ct "$CT_DIR" "$MOD_CT" github.com/helm/chart-testing/v3/ct \
  "-X github.com/helm/chart-testing/v3/ct/cmd.Version=$CT_VERSION"
extract ct-etc "$CT_DIR/etc" "$MOD_CT" "github.com/helm/chart-testing/v3@$CT_VERSION" etc

# As its Makefile builds it.
gobuild nginx-prometheus-exporter "$NGINX_EXPORTER_DIR" "$MOD_EXP" github.com/nginx/nginx-prometheus-exporter \
  "-X github.com/prometheus/common/version.Version=${NGINX_EXPORTER_VERSION#v}"

gobuild redis_exporter "$REDIS_EXPORTER_DIR" "$MOD_EXP" github.com/oliver006/redis_exporter \
  "-X main.BuildVersion=${REDIS_EXPORTER_VERSION#v}"

# Prometheus tags its Go module v0.3MM.P for release 3.MM.P.
prom_release=${PROMETHEUS_VERSION#v0.}
prom_release="3.$((10#${prom_release%%.*} - 300)).${prom_release#*.}"
gobuild promtool "$PROMTOOL_DIR" "$MOD_PROM" github.com/prometheus/prometheus/cmd/promtool \
  "-X github.com/prometheus/common/version.Version=$prom_release"

extract metrics-server-manifests "$MS_DIR/manifests/base" "$MOD_MS" \
  "sigs.k8s.io/metrics-server@$MS_VERSION" manifests/base
extract kwok-metrics-usage "$KWOK_DIR/manifests/metrics/usage" "$MOD_K8S" \
  "sigs.k8s.io/kwok@$KWOK_VERSION" kustomize/metrics/usage
extract kwok-stages "$KWOK_DIR/manifests/stage" "$MOD_K8S" \
  "sigs.k8s.io/kwok@$KWOK_VERSION" kustomize/stage

echo "build-tools: done in $(elapsed "$T_START")s; binaries in $BIN"
