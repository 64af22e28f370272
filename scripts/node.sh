#!/usr/bin/env bash
# node.sh: a real node for the local cluster (scripts/cluster.sh): Debian's containerd and runc,
# the CNI bridge plugin, and a kubelet and kube-proxy built from the same Kubernetes module as the
# control plane, joined beside the simulated kwok nodes, plus the cluster's DNS (CoreDNS, built
# from its module) on the pod network's gateway. Pods scheduled there run in real containers from
# images built locally from Debian packages (scripts/images.sh): real probes, volumes,
# securityContext, Services, cluster DNS and ExternalName across namespaces.
#
# The node is named magento-real-node, labelled magento-k8s.io/node=real and tainted
# magento-k8s.io/node=real:NoSchedule: only pods that tolerate it (and whose images exist here)
# land on it; the rest stay on the kwok nodes (annotated kwok.x-k8s.io/node=fake). Everything it changes on the host (sysctls, iptables, the bridge, mounts)
# is recorded at `up` and restored at `down`. Needs root (CI runs as root).
#
# Usage: scripts/node.sh up|down|status|socket
#   socket  print the path of the node's containerd socket (for scripts/images.sh)
# Environment: MAGENTO_K8S_CACHE, MAGENTO_K8S_CLUSTER (as scripts/cluster.sh).
set -euo pipefail

SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}
NAME=${MAGENTO_K8S_CLUSTER:-magento-dev}
NODE=magento-real-node
DIR=$CACHE/nodes/$NAME                    # this node's state (removed at down)
CONTAINERD_ROOT=$CACHE/containerd          # image content and snapshots, kept across clusters
SOCK=$DIR/containerd.sock
POD_CIDR=10.244.0.0/24
POD_NETWORK=10.244.0.0/16
GATEWAY=10.244.0.1                         # the bridge's address: pods' gateway and DNS server
BRIDGE=mk8s0
KUBELET_PORT=10350                         # not 10250: kwok's controller may hold that one
SYSCTLS=(net.ipv4.ip_forward vm.overcommit_memory kernel.panic kernel.panic_on_oops)

log() { printf 'node: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

load_tools() {
  eval "$("$SCRIPTS_DIR/build-tools.sh" --print)"
  KUBECONFIG_FILE=$(bash "$SCRIPTS_DIR/cluster.sh" kubeconfig)
}
kc() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# pidalive NAME: the process recorded in $DIR/NAME.pid runs.
pidalive() {
  local pid
  [[ -f $DIR/$1.pid ]] && pid=$(<"$DIR/$1.pid") && kill -0 "$pid" 2>/dev/null
}

# daemon NAME CMD...: start CMD in the background, detached, logging to $DIR/NAME.log.
daemon() {
  local name=$1; shift
  pidalive "$name" && return
  setsid "$@" </dev/null >>"$DIR/$name.log" 2>&1 &
  echo $! >"$DIR/$name.pid"
}

# stop NAME: stop the recorded process (SIGTERM, then SIGKILL after 10 s).
stop() {
  local pid _
  [[ -f $DIR/$1.pid ]] || return 0
  pid=$(<"$DIR/$1.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$DIR/$1.pid"
}

# waitfor WHAT SECONDS CMD...: poll CMD until it succeeds.
waitfor() {
  local what=$1 secs=$2 _; shift 2
  for _ in $(seq $((secs * 5))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "$what did not come up in ${secs}s; logs in $DIR"
}

node_ip() {
  ip -4 -o route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -n1
}

# config DAEMON FILE: write stdin to FILE, only when it changes; a running DAEMON that reads FILE
# is stopped then, for `up` to start it again with the new file. kube-proxy and the kubelet watch
# their configuration files and exit on any write, so an `up` of a running node must not rewrite
# an unchanged file.
config() {
  local daemon=$1 file=$2 new
  new=$(cat)
  [[ -f $file && $(<"$file") == "$new" ]] && return
  [[ -n $daemon ]] && stop "$daemon"
  printf '%s\n' "$new" >"$file.tmp"
  mv "$file.tmp" "$file"
}

write_configs() {
  local ip=$1 pause=$2
  mkdir -p "$DIR/cni" "$DIR/kubelet" "$CONTAINERD_ROOT"
  config "containerd" "$DIR/containerd.toml" <<EOF
version = 2
root = "$CONTAINERD_ROOT"
state = "$DIR/containerd-state"
[grpc]
  address = "$SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause"
  # The host lacks CAP_SYS_RESOURCE: without this every sandbox fails to start.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$DIR/cni"
EOF
  config "" "$DIR/cni/10-magento-k8s.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "magento-k8s",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$GATEWAY"}]],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dataDir": "$DIR/cni-ipam"
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
  config "kubelet" "$DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 0.0.0.0
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10348
# The API server reaches the kubelet (logs, exec, port-forward) without a client certificate.
authentication:
  anonymous:
    enabled: true
  webhook:
    enabled: false
authorization:
  mode: AlwaysAllow
# This host has cgroup v1 (hybrid), no systemd, and swap may be on.
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$SOCK
podCIDR: $POD_CIDR
clusterDNS:
  - $GATEWAY
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
serializeImagePulls: false
# The disk is shared with the rest of the machine: evict only when it is really full.
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  nodefs.inodesFree: 1%
  imagefs.available: 1%
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
registerWithTaints:
  - key: magento-k8s.io/node
    value: real
    effect: NoSchedule
EOF
  config "kube-proxy" "$DIR/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: $POD_NETWORK
hostnameOverride: $NODE
clientConnection:
  kubeconfig: $KUBECONFIG_FILE
conntrack:
  maxPerCore: 0
metricsBindAddress: 127.0.0.1:10349
healthzBindAddress: 127.0.0.1:10356
EOF
  config "coredns" "$DIR/Corefile" <<EOF
.:53 {
    bind $GATEWAY
    errors
    health 127.0.0.1:10354
    ready 127.0.0.1:10355
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $KUBECONFIG_FILE
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
EOF
}

cmd_up() {
  [[ $(id -u) -eq 0 ]] || die "a real node needs root (containerd, the kubelet, iptables): run as root"
  for cmd in containerd runc iptables-save; do
    command -v "$cmd" >/dev/null || die "$cmd is missing: run scripts/packages.sh"
  done
  [[ -x /usr/lib/cni/bridge ]] || die "the CNI plugins are missing: run scripts/packages.sh"
  # One real node per machine: they would share the bridge, the DNS address and the ports.
  local other
  for other in "$CACHE"/nodes/*/kubelet.pid; do
    [[ -f $other && $(dirname "$other") != "$DIR" ]] || continue
    kill -0 "$(<"$other")" 2>/dev/null &&
      die "the real node of cluster $(basename "$(dirname "$other")") runs on this machine: take it down first (MAGENTO_K8S_CLUSTER=$(basename "$(dirname "$other")") scripts/cluster.sh down), or MAGENTO_K8S_REAL_NODE=0"
  done
  load_tools
  mkdir -p "$DIR"
  local t0=$EPOCHREALTIME ip pause
  ip=$(node_ip)
  [[ -n $ip ]] || die "no IPv4 address with a default route"

  # What the node changes on the host, for `down` to restore (recorded once).
  if [[ ! -f $DIR/sysctl.orig ]]; then
    for s in "${SYSCTLS[@]}"; do printf '%s=%s\n' "$s" "$(sysctl -n "$s")"; done >"$DIR/sysctl.orig"
    iptables-save >"$DIR/iptables.orig"
    ip6tables-save >"$DIR/ip6tables.orig"
  fi
  sysctl -qw net.ipv4.ip_forward=1

  pause=$(bash "$SCRIPTS_DIR/images.sh" ref pause)
  write_configs "$ip" "$pause"
  daemon containerd containerd --config "$DIR/containerd.toml"
  waitfor containerd 30 ctr --address "$SOCK" version
  # Every image the charts' pods use here (built on first use, kept in containerd's root).
  CONTAINERD_ADDRESS=$SOCK bash "$SCRIPTS_DIR/images.sh" build >&2

  # The bridge before the DNS server that listens on its address (the CNI plugin adopts it).
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$GATEWAY/${POD_CIDR#*/}" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up

  daemon kubelet "$KUBELET" --config "$DIR/kubelet.yaml" --kubeconfig "$KUBECONFIG_FILE" \
    --hostname-override "$NODE" --node-ip "$ip" --root-dir "$DIR/kubelet" --cert-dir "$DIR/kubelet/pki" \
    --node-labels magento-k8s.io/node=real
  daemon kube-proxy "$KUBE_PROXY" --config "$DIR/kube-proxy.yaml"
  daemon coredns "$COREDNS" -conf "$DIR/Corefile"
  waitfor "node $NODE" 90 kc wait --for=condition=Ready "node/$NODE" --timeout=1s
  waitfor coredns 30 curl -sf http://127.0.0.1:10355/ready
  log "node $NODE ($ip) ready in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s"
}

cmd_down() {
  [[ -d $DIR ]] || { log "no node for cluster $NAME"; return 0; }
  load_tools 2>/dev/null || true
  if [[ -n ${KUBECTL:-} && -f ${KUBECONFIG_FILE:-} ]]; then
    kc delete node "$NODE" --wait=false --request-timeout=5s >/dev/null 2>&1 || true
  fi
  stop coredns
  stop kube-proxy
  stop kubelet
  # Every container the kubelet left: stopped and removed, then containerd and its shims.
  if pidalive containerd; then
    local c
    for c in $(ctr --address "$SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr --address "$SOCK" -n k8s.io tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true
    done
    sleep 1
    for c in $(ctr --address "$SOCK" -n k8s.io containers ls -q 2>/dev/null); do
      ctr --address "$SOCK" -n k8s.io tasks delete -f "$c" >/dev/null 2>&1 || true
      ctr --address "$SOCK" -n k8s.io containers delete "$c" >/dev/null 2>&1 || true
    done
  fi
  stop containerd
  pkill -9 -f "containerd-shim-runc-v2 .*-address $SOCK" 2>/dev/null || true
  # Mounts under the node's directories (pod volumes, container roots, netns), innermost first.
  local m
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$DIR" -v r="$CONTAINERD_ROOT" 'index($2, d) == 1 || index($2, r) == 1 {print $2}' /proc/mounts | sort -r)
  for m in /var/run/netns/cni-*; do
    [[ -e $m ]] && { umount "$m" 2>/dev/null; rm -f "$m"; }
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  # The kubelet's and kube-proxy's chains out of every table, then the rules as they were (a
  # table that was empty then is not in the saved file: flush them all first).
  local cmd t
  for cmd in iptables ip6tables; do
    [[ -f $DIR/$cmd.orig ]] || continue
    for t in filter nat mangle raw security; do
      "$cmd" -t "$t" -F 2>/dev/null || true
      "$cmd" -t "$t" -X 2>/dev/null || true
    done
    "$cmd-restore" <"$DIR/$cmd.orig" || log "$cmd could not be restored"
  done
  if [[ -f $DIR/sysctl.orig ]]; then
    while IFS= read -r line; do sysctl -qw "$line" || true; done <"$DIR/sysctl.orig"
  fi
  rm -rf "$DIR"
  log "node $NODE removed, host restored"
}

cmd_status() {
  load_tools
  local p
  for p in containerd kubelet kube-proxy coredns; do
    if pidalive "$p"; then echo "$p: running ($(<"$DIR/$p.pid"))"; else echo "$p: stopped"; fi
  done
  kc get node "$NODE" -o wide 2>/dev/null || true
}

case ${1:-} in
  socket) echo "$SOCK" ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
    exit 2
    ;;
esac
