#!/usr/bin/env bash
# The main job of the README: builds what is missing (scripts/setup.sh), starts the local cluster
# (a real control plane with simulated nodes, scripts/cluster.sh), installs the CRDs, the shared
# services (shared-services with scripts/demo-shared-values.yaml: the Redis pair and OpenSearch)
# into namespace shared-services and a demo Magento 2 store (magento2 with
# scripts/demo-values.yaml) into namespace shop-demo, both enforcing Pod Security "restricted",
# waits until they run, and prints what runs and how to reach it.
#
# Usage: scripts/main.sh         set up and install (idempotent: upgrades an existing demo)
#        scripts/main.sh down    tear the cluster down (demo included)
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}
export MAGENTO_K8S_CLUSTER=${MAGENTO_K8S_CLUSTER:-magento-dev}
NS=shop-demo
RELEASE=demo

if [[ ${1:-} == down ]]; then
  exec bash scripts/cluster.sh down
fi

start=$SECONDS
bash scripts/setup.sh
export PATH=$CACHE/bin:$PATH
bash scripts/cluster.sh up >/dev/null
export KUBECONFIG=$(bash scripts/cluster.sh kubeconfig)

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
helm upgrade --install shared-services shared-services -n "$SHARED_NS" \
  -f scripts/demo-shared-values.yaml --wait --timeout 5m >/dev/null

# The store's namespace is a client of the shared services (their NetworkPolicies let it in).
restricted_namespace "$NS" magento-k8s.io/shared-services-client=true

echo "main: installing the demo store (helm upgrade --install --wait)"
helm dependency build magento2 >/dev/null
helm upgrade --install "$RELEASE" magento2 -n "$NS" -f scripts/demo-values.yaml \
  --wait --timeout 5m >/dev/null
kubectl -n "$NS" rollout status deployment/$RELEASE-magento2-web --timeout=2m >/dev/null

echo
echo "== The shared services run (namespace $SHARED_NS, release shared-services)"
kubectl -n "$SHARED_NS" get statefulset,pods,service,pvc,networkpolicy -o wide
echo
echo "== The demo store runs (namespace $NS, release $RELEASE)"
kubectl -n "$NS" get deployment,pods,service,endpointslices,hpa,pdb,cronjob,job,pvc,ingress -o wide
echo
echo "The store reaches them by name: $RELEASE-magento2-redis -> redis.$SHARED_NS.svc.cluster.local,"
echo "$RELEASE-magento2-redis-sessions -> redis-sessions.$SHARED_NS..., $RELEASE-magento2-search -> opensearch.$SHARED_NS..."
echo
echo "The nodes are simulated (kwok): pods are scheduled, get IPs, go Ready and Jobs complete, but"
echo "no container runs, so there is no page to open. On a real cluster the same release serves"
echo "https://shop.demo.localhost/ through the Ingress, or locally with:"
echo "  kubectl -n $NS port-forward svc/$RELEASE-magento2-web 8080:80"
echo
echo "Use the cluster:   export KUBECONFIG=$KUBECONFIG PATH=$CACHE/bin:\$PATH"
echo "Release notes:     helm -n $NS get notes $RELEASE; helm -n $SHARED_NS get notes shared-services"
echo "Tear down:         bash scripts/main.sh down"
echo "main: done in $((SECONDS - start))s"
