#!/usr/bin/env bash
# The main job of the README: builds what is missing (scripts/setup.sh), starts the local cluster
# (a real control plane with simulated nodes, scripts/cluster.sh), installs the CRDs and a demo
# Magento 2 store (magento2 with scripts/demo-values.yaml) into namespace shop-demo, which enforces
# Pod Security "restricted", waits until it runs, and prints what runs and how to reach it.
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

echo "main: namespace $NS (Pod Security restricted enforced)"
kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl label namespace "$NS" --overwrite pod-security.kubernetes.io/enforce=restricted \
  pod-security.kubernetes.io/enforce-version=latest >/dev/null

# The simulated cluster has no storage provisioner: a static RWX class and a volume for the
# media claim, as a Filestore/NFS class would provide.
kubectl apply -f - >/dev/null <<YAML
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: demo-rwx
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: $NS-$RELEASE-magento2-media
spec:
  capacity:
    storage: 5Gi
  accessModes: [ReadWriteMany]
  storageClassName: demo-rwx
  persistentVolumeReclaimPolicy: Retain
  claimRef:
    namespace: $NS
    name: $RELEASE-magento2-media
  hostPath:
    path: /var/lib/magento-k8s-demo/media
    type: DirectoryOrCreate
YAML

echo "main: installing the demo store (helm upgrade --install --wait)"
helm dependency build magento2 >/dev/null
helm upgrade --install "$RELEASE" magento2 -n "$NS" -f scripts/demo-values.yaml \
  --wait --timeout 5m >/dev/null
kubectl -n "$NS" rollout status deployment/$RELEASE-magento2-web --timeout=2m >/dev/null

echo
echo "== The demo store runs (namespace $NS, release $RELEASE)"
kubectl -n "$NS" get deployment,pods,service,endpointslices,hpa,pdb,cronjob,job,pvc,ingress -o wide
echo
echo "The nodes are simulated (kwok): pods are scheduled, get IPs, go Ready and Jobs complete, but"
echo "no container runs, so there is no page to open. On a real cluster the same release serves"
echo "https://shop.demo.localhost/ through the Ingress, or locally with:"
echo "  kubectl -n $NS port-forward svc/$RELEASE-magento2-web 8080:80"
echo
echo "Use the cluster:   export KUBECONFIG=$KUBECONFIG PATH=$CACHE/bin:\$PATH"
echo "Release notes:     helm -n $NS get notes $RELEASE"
echo "Tear down:         bash scripts/main.sh down"
echo "main: done in $((SECONDS - start))s"
