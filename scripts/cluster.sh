#!/usr/bin/env bash
# cluster.sh: a local Kubernetes cluster without Docker. The control plane is
# real (etcd, kube-apiserver, kube-controller-manager, kube-scheduler as local
# processes, started by `kwokctl --runtime binary`); the nodes are simulated by
# kwok, so pods are scheduled, get IPs and go Running and Jobs complete, but
# no container ever runs. metrics-server is included: a pod's CPU/memory usage
# is whatever its `kwok.x-k8s.io/usage-cpu` / `kwok.x-k8s.io/usage-memory`
# annotations say (default 1m / 1Mi), which is enough for `kubectl top` and HPA.
# Storage is provisioned dynamically: tools/hostpath-provisioner (built here,
# run beside the control plane) serves the default StorageClass "standard" and
# every class whose provisioner is magento.k8s.io/hostpath, with directories
# under $MAGENTO_K8S_CACHE/volumes/<cluster>.
# The binaries come from scripts/build-tools.sh (built on first use, offline
# afterwards); see DESIGN.md section 4.
#
# Usage: scripts/cluster.sh up|down|status|kubeconfig|env
#   up          create and start the cluster (does nothing but print the status
#               if it is already running), with a real node (scripts/node.sh,
#               as root, unless MAGENTO_K8S_REAL_NODE=0); prints how long it took
#   down        delete the cluster and everything it started
#   status      components, nodes and versions; exit 1 if not running
#   kubeconfig  print the kubeconfig path
#   env         print `export KUBECONFIG=... PATH=...` for eval
#
# Environment: MAGENTO_K8S_CACHE (default ~/.cache/magento-k8s),
#              MAGENTO_K8S_CLUSTER (cluster name, default magento-dev),
#              MAGENTO_K8S_NODES (simulated nodes, default 3),
#              MAGENTO_K8S_REAL_NODE (0: no real node).
set -euo pipefail

SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}
NAME=${MAGENTO_K8S_CLUSTER:-magento-dev}
NODES=${MAGENTO_K8S_NODES:-3}
CLUSTER_DIR=$CACHE/clusters/$NAME     # ours: kubeconfig, kwokctl.yaml
KUBECONFIG_FILE=$CLUSTER_DIR/kubeconfig
VOLUMES_DIR=$CACHE/volumes/$NAME      # the provisioner's volumes
PROVISIONER_PID=$CLUSTER_DIR/provisioner.pid
# kwokctl keeps its own state (pids, logs, certificates, etcd data) under
# $KWOK_WORKDIR/clusters/<name>; keep it in the cache too, not in ~/.kwok.
export KWOK_WORKDIR=$CACHE/kwok
KWOK_CLUSTER_DIR=$KWOK_WORKDIR/clusters/$NAME

log() { printf 'cluster: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# Tool paths (KUBECTL, KWOKCTL, ...) from the per-version cache.
load_tools() {
  eval "$("$SCRIPTS_DIR/build-tools.sh" --print)"
  export PATH=$BIN:$PATH   # kwokctl runs `kubectl kustomize` from PATH
}

kc() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# kwokctl ARGS: run kwokctl with its (JSON) log in $CLUSTER_DIR/kwokctl.log,
# shown only when it fails.
kwokctl() {
  mkdir -p "$CLUSTER_DIR"
  # The cluster's processes inherit these: no caller pipes, and not our lock (8).
  if ! "$KWOKCTL" --name "$NAME" "$@" </dev/null >>"$CLUSTER_DIR/kwokctl.log" 2>&1 8>&-; then
    tail -n 20 "$CLUSTER_DIR/kwokctl.log" >&2
    log "kwokctl $1 $2 failed; full log: $CLUSTER_DIR/kwokctl.log"
    return 1
  fi
}

# lock: one up/down at a time per cluster (test packages may call `up` in parallel).
lock() {
  mkdir -p "$CACHE/clusters"
  exec 8>"$CACHE/clusters/.$NAME.lock"
  flock 8
}

# running: the cluster exists and its API server answers /readyz.
running() {
  [[ -f $KUBECONFIG_FILE && -d $KWOK_CLUSTER_DIR ]] &&
    kc get --raw /readyz --request-timeout=3s >/dev/null 2>&1
}

# write_config: the KwokctlConfiguration (offline metrics-server manifests,
# local kubectl), kwok's ClusterResourceUsage `usage-from-annotation`, and the
# stages the simulated nodes and pods go through: kwokctl's defaults (node
# initialize and lease heartbeat, pod ready and delete: "fast"), but a Job's
# pod completes after the time its annotation
# pod-complete.stage.kwok.x-k8s.io/delay gives ("90s"; none: at once), so a
# test can have a Job outlast its CronJob's interval.
write_config() {
  local usage=$KWOK_METRICS_USAGE/usage-from-annotation.yaml
  [[ -d $METRICS_SERVER_MANIFESTS && -f $usage && -d $KWOK_STAGES ]] || die "offline manifests missing; run scripts/build-tools.sh"
  mkdir -p "$CLUSTER_DIR"
  {
    cat <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  kubectlBinary: $KUBECTL
  metricsServerManifests:
  - $METRICS_SERVER_MANIFESTS
---
EOF
    cat "$usage"
    for stage in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
      pod/fast/pod-ready pod/fast/pod-delete; do
      echo "---"
      cat "$KWOK_STAGES/$stage.yaml"
    done
    echo "---"
    awk '/^  next:/ {
           print "  delay:"
           print "    durationMilliseconds: 0"
           print "    durationFrom:"
           print "      expressionFrom: '"'"'.metadata.annotations[\"pod-complete.stage.kwok.x-k8s.io/delay\"]'"'"'"
         }
         { print }' "$KWOK_STAGES/pod/fast/pod-complete.yaml"
  } >"$CLUSTER_DIR/kwokctl.yaml"
}

# start_provisioner: build tools/hostpath-provisioner and run it in the background (once), and
# make its default StorageClass.
start_provisioner() {
  local bin=$CLUSTER_DIR/hostpath-provisioner pid
  if [[ -f $PROVISIONER_PID ]] && pid=$(<"$PROVISIONER_PID") && kill -0 "$pid" 2>/dev/null; then
    return
  fi
  (cd "$SCRIPTS_DIR/.." && go build -o "$bin" ./tools/hostpath-provisioner)
  setsid "$bin" --kubeconfig "$KUBECONFIG_FILE" --root "$VOLUMES_DIR" \
    </dev/null >>"$CLUSTER_DIR/provisioner.log" 2>&1 8>&- &
  echo $! >"$PROVISIONER_PID"
  kc apply -f - >/dev/null <<'YAML'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: magento.k8s.io/hostpath
reclaimPolicy: Delete
volumeBindingMode: Immediate
YAML
}

# stop_provisioner: stop it and remove its volumes.
stop_provisioner() {
  local pid
  if [[ -f $PROVISIONER_PID ]] && pid=$(<"$PROVISIONER_PID") && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" || true
  fi
  rm -f "$PROVISIONER_PID"
  rm -rf "$VOLUMES_DIR"
}

# real_node: the real kubelet + containerd node beside the simulated ones (scripts/node.sh).
real_node() {
  [[ ${MAGENTO_K8S_REAL_NODE:-1} == 0 ]] && return
  bash "$SCRIPTS_DIR/node.sh" up 8>&-
}

# prioritize: the control plane (etcd, kube-apiserver, controllers, scheduler, kwok, metrics-server)
# gets CPU before the tests' builds and containers on a 2-core machine (nice -5; root only,
# skipped otherwise), so that under the load averages of 12 seen on fresh-clone test runs the
# API server and the aggregated metrics API keep answering the autoscaler and helm --wait.
prioritize() {
  local pidfile pid
  for pidfile in "$KWOK_CLUSTER_DIR"/pids/*.pid; do
    [[ -f $pidfile ]] || continue
    pid=$(<"$pidfile")
    if [[ $pid =~ ^[0-9]+$ ]]; then renice -n -5 -p "$pid" >/dev/null 2>&1 || true; fi
  done
}

cmd_status() {
  load_tools
  if ! running; then
    log "cluster $NAME is not running"
    return 1
  fi
  echo "cluster:    $NAME"
  echo "kubeconfig: $KUBECONFIG_FILE"
  echo "server:     $(kc config view --minify -o jsonpath='{.clusters[0].cluster.server}') ($(kc version | sed -n 's/^Server Version: //p'))"
  echo
  "$KWOKCTL" get components --name "$NAME" 2>/dev/null | paste -sd' ' | sed 's/^/components: /' || true
  echo
  kc get nodes -o wide
}

cmd_up() {
  local t0=$EPOCHREALTIME
  "$SCRIPTS_DIR/build-tools.sh" >&2
  load_tools
  lock
  if running; then
    log "cluster $NAME is already running"
    start_provisioner
    real_node
    cmd_status
    return
  fi

  if [[ -d $KWOK_CLUSTER_DIR ]]; then
    # Left over (e.g. the machine rebooted): try to restart it, else recreate it.
    log "cluster $NAME exists but is not running; starting it"
    if ! kwokctl start cluster --wait 2m; then
      log "start failed; recreating $NAME"
      delete_cluster
    fi
  fi

  if [[ ! -d $KWOK_CLUSTER_DIR ]]; then
    write_config
    log "creating cluster $NAME"
    # --kube-admission keeps the API server's default admission plugins
    # (PodSecurity among them); --secure-port/--kube-authorization give TLS + RBAC.
    kwokctl create cluster \
      --runtime binary \
      --config "$CLUSTER_DIR/kwokctl.yaml" \
      --kubeconfig "$KUBECONFIG_FILE" \
      --etcd-binary "$ETCD" \
      --kube-apiserver-binary "$KUBE_APISERVER" \
      --kube-controller-manager-binary "$KUBE_CONTROLLER_MANAGER" \
      --kube-scheduler-binary "$KUBE_SCHEDULER" \
      --kwok-controller-binary "$KWOK" \
      --enable metrics-server \
      --metrics-server-binary "$METRICS_SERVER" \
      --secure-port=true \
      --kube-authorization=true \
      --kube-admission=true \
      --extra-args kwok-controller=manage-all-nodes=false \
      --extra-args kwok-controller=manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
      --extra-args kube-apiserver=kubelet-preferred-address-types=InternalIP,Hostname \
      --wait 2m
  fi

  prioritize

  # Simulated nodes. metrics-server scrapes <InternalIP>:<kubelet port>, and
  # the kwok controller answers that port on every local address; kwokctl's
  # default node template numbers InternalIPs from 192.0.2.1 (unreachable),
  # so start them at 127.0.0.1 instead: node i gets 127.0.0.(1+i), which is
  # loopback, so every node's metrics are reachable. Every real kubelet
  # reports ephemeral-storage (the node's disk) and the charts request and
  # limit it in every container; kwokctl's template leaves it out, which would
  # leave those pods Pending, so give the simulated nodes a real node's disk.
  kwokctl scale node --replicas "$NODES" --param '.nodeIPs=["127.0.0.1"]' \
    --param '.allocatable["ephemeral-storage"]="200Gi"'
  kc wait --for=condition=Ready node --all --timeout=2m >/dev/null
  # Pods cannot be created before the controller-manager made the default
  # ServiceAccount; wait for it so callers can deploy straight away.
  local _
  for _ in $(seq 60); do
    kc get serviceaccount default -n default >/dev/null 2>&1 && break
    sleep 0.5
  done

  start_provisioner
  real_node
  cmd_status
  log "up in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s"
}

# delete_cluster: stop every process of the cluster and remove its state.
delete_cluster() {
  local pidfile pid
  if ! kwokctl delete cluster --kubeconfig "$KUBECONFIG_FILE"; then
    # Last resort: the processes kwokctl recorded having started.
    for pidfile in "$KWOK_CLUSTER_DIR"/pids/*.pid; do
      [[ -f $pidfile ]] || continue
      pid=$(<"$pidfile")
      if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        log "killing $(basename "$pidfile" .pid) ($pid)"
        kill "$pid" || true
      fi
    done
  fi
  rm -rf "$KWOK_CLUSTER_DIR"
}

cmd_down() {
  load_tools
  lock
  bash "$SCRIPTS_DIR/node.sh" down 8>&- || log "the real node could not be removed cleanly"
  stop_provisioner
  if [[ -d $KWOK_CLUSTER_DIR ]]; then
    delete_cluster
    log "cluster $NAME deleted"
  else
    log "cluster $NAME does not exist"
  fi
  rm -rf "$CLUSTER_DIR"
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  kubeconfig) echo "$KUBECONFIG_FILE" ;;
  env)
    load_tools
    # shellcheck disable=SC2016 # $PATH is for the caller's shell to expand
    printf 'export KUBECONFIG=%q\nexport PATH=%q:"$PATH"\n' "$KUBECONFIG_FILE" "$BIN"
    ;;
  *)
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
    exit 2
    ;;
esac
