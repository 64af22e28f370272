#!/usr/bin/env bash
# The main job of the README: builds what is missing (scripts/setup.sh), starts the local cluster
# (a real control plane with simulated nodes and a real kubelet + containerd node,
# scripts/cluster.sh, scripts/node.sh; images from Debian packages, scripts/images.sh), installs the
# CRDs, the shared services (shared-services with scripts/demo-shared-values.yaml: each store's
# own Redis pair in real containers, OpenSearch on the simulated nodes; it also creates the stores'
# namespaces with their quota and limit range) into namespace shared-services, a MariaDB
# and a demo Magento 2 store (magento2 with scripts/demo-values.yaml, the stub store's image) into
# namespace shop-demo, and a MariaDB and a demo Magento 1 (OpenMage) store (magento1 with
# scripts/demo-values-magento1.yaml, the stub OpenMage image) into namespace openmage-demo, each
# namespace enforcing Pod Security "restricted", waits until they run, opens both stores' pages
# (which show they read the chart's env.php / local.xml and reached their database and both Redis
# instances) and prints how to open them. Needs root (the real node).
#
# Usage: scripts/main.sh         set up and install (idempotent: upgrades an existing demo)
#        scripts/main.sh down    tear the cluster down (demo included)
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}
export MAGENTO_K8S_CLUSTER=${MAGENTO_K8S_CLUSTER:-magento-dev}
NS=shop-demo
M1_NS=openmage-demo
RELEASE=demo

if [[ ${1:-} == down ]]; then
  exec bash scripts/cluster.sh down
fi

start=$SECONDS
bash scripts/setup.sh
export PATH=$CACHE/bin:$PATH
bash scripts/cluster.sh up >/dev/null
KUBECONFIG=$(bash scripts/cluster.sh kubeconfig)
export KUBECONFIG

echo "main: CRDs (cert-manager, Gateway API, Prometheus Operator, GKE)"
kubectl apply --server-side --force-conflicts -R -f "$(bash scripts/crds.sh | tail -1)" >/dev/null
kubectl wait --for=condition=Established crd --all --timeout=120s >/dev/null

# restricted_namespace NAME [LABEL=VALUE...]: a namespace enforcing Pod Security "restricted".
restricted_namespace() {
  local ns=$1; shift
  echo "main: namespace $ns (Pod Security restricted enforced)"
  kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  kubectl label namespace "$ns" --overwrite pod-security.kubernetes.io/enforce=restricted \
    pod-security.kubernetes.io/enforce-version=latest "$@" >/dev/null
}

# The demo's storage classes, served by the local cluster's provisioner (scripts/cluster.sh,
# tools/hostpath-provisioner): demo-rwx for the shared media (Filestore or NFS on a real cluster),
# demo-rwo for disks. Claims keep their data when released (Retain), like production classes should.
for class in demo-rwx demo-rwo; do
  kubectl apply -f - >/dev/null <<YAML
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: $class
provisioner: magento.k8s.io/hostpath
reclaimPolicy: Retain
volumeBindingMode: Immediate
YAML
done

SHARED_NS=shared-services
restricted_namespace "$SHARED_NS"
echo "main: installing the shared services (helm upgrade --install --wait)"
helm dependency build shared-services >/dev/null
# image_set KEY NAME: --set flags pointing the image block KEY at the local image NAME.
image_set() {
  local ref rest
  ref=$(bash scripts/images.sh ref "$2")
  rest=${ref#*/}
  echo "--set $1.registry=${ref%%/*} --set $1.repository=${rest%:*} --set-string $1.tag=${rest##*:}"
}
# The stores' namespaces are the shared services' tenants: the release creates them (restricted,
# quota, limit range, the client label its NetworkPolicies admit) with each store's own Redis pair
# and password. A namespace left by an older run is handed to the release (Helm's adoption labels).
for ns in "$NS" "$M1_NS"; do
  if kubectl get namespace "$ns" >/dev/null 2>&1; then
    kubectl label namespace "$ns" --overwrite app.kubernetes.io/managed-by=Helm >/dev/null
    kubectl annotate namespace "$ns" --overwrite meta.helm.sh/release-name=shared-services \
      meta.helm.sh/release-namespace="$SHARED_NS" >/dev/null
  fi
done
# shellcheck disable=SC2046 # image_set prints separate flags
helm upgrade --install shared-services shared-services -n "$SHARED_NS" \
  -f scripts/demo-shared-values.yaml $(image_set redis.image redis) --wait --timeout 5m >/dev/null

# demo_database NS DATABASE: a store's MariaDB (release db: Service db.NS) on the real node, the
# user named as the database.
demo_database() {
  echo "main: installing the database of namespace $1 (MariaDB, scripts/demo-database)"
  helm upgrade --install db scripts/demo-database -n "$1" --set image="$(bash scripts/images.sh ref mariadb)" \
    --set database="$2" --set user="$2" --set password=demo-only-password \
    --set-string 'nodeSelector.magento-k8s\.io/node=real' \
    --set 'tolerations[0].key=magento-k8s.io/node' --set 'tolerations[0].operator=Exists' \
    --wait --timeout 5m >/dev/null
}
demo_database "$NS" magento

# store_page IP: the stub store's page with what it reached (?reach=1), through the web Service's
# cluster IP (kube-proxy makes cluster IPs reachable from this machine), within a minute.
store_page() {
  local page _
  for _ in $(seq 60); do
    page=$(curl -sf --max-time 5 "http://$1/?reach=1") && { echo "$page"; return; }
    sleep 1
  done
  echo "main: the store's page did not answer at http://$1/" >&2
  exit 1
}

echo "main: installing the demo store (helm upgrade --install --wait)"
helm dependency build magento2 >/dev/null
install_start=$SECONDS
# shellcheck disable=SC2046 # image_set prints separate flags
helm upgrade --install "$RELEASE" magento2 -n "$NS" -f scripts/demo-values.yaml $(image_set image app) \
  --wait --timeout 10m >/dev/null
kubectl -n "$NS" rollout status deployment/$RELEASE-magento2-web --timeout=2m >/dev/null

web_ip=$(kubectl -n "$NS" get service "$RELEASE-magento2-web" -o jsonpath='{.spec.clusterIP}')
page=$(store_page "$web_ip")
first_page=$((SECONDS - install_start))

# The Magento 1 store: its own namespace (made by the shared services) and database.
demo_database "$M1_NS" openmage
echo "main: installing the Magento 1 demo store (helm upgrade --install --wait)"
m1_start=$SECONDS
# shellcheck disable=SC2046 # image_set prints separate flags
helm upgrade --install "$RELEASE" magento1 -n "$M1_NS" -f scripts/demo-values-magento1.yaml $(image_set image openmage) \
  --wait --timeout 10m >/dev/null
kubectl -n "$M1_NS" rollout status deployment/$RELEASE-magento1-web --timeout=2m >/dev/null
m1_ip=$(kubectl -n "$M1_NS" get service "$RELEASE-magento1-web" -o jsonpath='{.spec.clusterIP}')
m1_page=$(store_page "$m1_ip")
m1_first_page=$((SECONDS - m1_start))

echo
echo "== The shared services run (namespace $SHARED_NS, release shared-services)"
kubectl -n "$SHARED_NS" get statefulset,pods,service,pvc,networkpolicy -o wide
echo
echo "== The demo store runs (namespace $NS, release $RELEASE)"
kubectl -n "$NS" get deployment,pods,service,endpointslices,hpa,pdb,cronjob,job,pvc,ingress -o wide
echo
echo "The store reaches its own Redis pair by name: $RELEASE-magento2-redis -> $NS-$RELEASE-redis-cache.$SHARED_NS.svc.cluster.local,"
echo "$RELEASE-magento2-redis-sessions -> $NS-$RELEASE-redis-sessions.$SHARED_NS..., $RELEASE-magento2-search -> opensearch.$SHARED_NS..."
echo
echo "== The store's page (real containers on node magento-real-node; OpenSearch on the simulated nodes)"
# shellcheck disable=SC2016 # PHP code, not shell
echo "$page" | php -r '$p = json_decode(stream_get_contents(STDIN), true);
  printf("  env.php read:       admin path %s, database %s\n", $p["config"]["backend"]["frontName"], $p["config"]["db"]["connection"]["default"]["host"]);
  foreach ($p["reach"] as $k => $v) printf("  %-19s %s\n", $k . ":", $v);'
echo "  first answer ${first_page}s after helm upgrade --install began"
echo
echo "== The Magento 1 demo store runs (namespace $M1_NS, release $RELEASE)"
kubectl -n "$M1_NS" get deployment,pods,service,hpa,pdb,cronjob,job,pvc,ingress -o wide
echo
echo "== The Magento 1 store's page (the stub OpenMage image on node magento-real-node)"
# shellcheck disable=SC2016 # PHP code, not shell
echo "$m1_page" | php -r '$p = json_decode(stream_get_contents(STDIN), true);
  printf("  local.xml read:     installed %s, admin path %s, database %s\n", $p["installed"] ? "yes" : "no", $p["admin_path"], $p["db"]["host"]);
  foreach ($p["reach"] as $k => $v) printf("  %-19s %s\n", $k . ":", $v);'
echo "  first answer ${m1_first_page}s after helm upgrade --install began"
echo
echo "Open the stores from this machine: curl http://$web_ip/ (Magento 2), curl http://$m1_ip/ (Magento 1)"
echo "or forward a port:                 kubectl -n $NS port-forward svc/$RELEASE-magento2-web 8080:80"
echo "                                   then open http://127.0.0.1:8080/"
echo
echo "Use the cluster:   export KUBECONFIG=$KUBECONFIG PATH=$CACHE/bin:\$PATH"
echo "Release notes:     helm -n $NS get notes $RELEASE; helm -n $M1_NS get notes $RELEASE; helm -n $SHARED_NS get notes shared-services"
echo "Tear down:         bash scripts/main.sh down"
echo "main: done in $((SECONDS - start))s"
