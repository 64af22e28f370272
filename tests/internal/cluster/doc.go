// Package cluster gives a test run one real Kubernetes cluster, from the provider named by the
// MAGENTO_K8S_PROVIDER environment variable:
//
//   - local (default): a real control plane (etcd, kube-apiserver, kube-controller-manager,
//     kube-scheduler) with kwok-simulated nodes and metrics-server, started by
//     scripts/cluster.sh; needs no Docker engine and no image registry.
//   - kind: a kind cluster through the sigs.k8s.io/kind Go API, for hosts with a Docker engine.
//   - existing: the current kubeconfig context (KUBECONFIG), e.g. a GKE cluster.
//
// TestMain starts the cluster once (Start) and stops it at the end (Stop); each test works in
// its own namespace (Namespace), deleted when the test ends.
package cluster
