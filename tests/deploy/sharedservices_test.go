package deploy_test

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/helm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
)

const ssChart = "shared-services"

// scenarioTenants moves a scenario's tenants into namespaces of the test's own (restricted, deleted
// at the end): the scenario's tenants, quota and limit range overrides with the namespaces
// renamed, none created by the chart.
func scenarioTenants(t *testing.T, files []string) string {
	t.Helper()
	vals := render.Values(t, ssChart, render.Options{ValuesFiles: files})
	renamed := map[string]string{}
	var tenants []map[string]any
	list, _ := vals["tenants"].([]any)
	for _, raw := range list {
		tenant := maps.Clone(raw.(map[string]any))
		ns := tenant["namespace"].(string)
		if renamed[ns] == "" {
			renamed[ns] = testCluster.Namespace(t, "ss-"+ns)
		}
		tenant["namespace"] = renamed[ns]
		tenant["name"] = fmt.Sprintf("%s-%s", ns, tenant["release"]) // the scenario's names, short enough
		tenants = append(tenants, tenant)
	}
	overrides := map[string]any{}
	namespaces, _ := vals["namespaces"].(map[string]any)
	if o, ok := namespaces["overrides"].(map[string]any); ok {
		for ns, v := range o {
			overrides[renamed[ns]] = v
			overrides[ns] = nil // helm drops a key set to null
		}
	}
	return valuesFile(t, "scenario-tenants", map[string]any{
		"tenants":    tenants,
		"namespaces": map[string]any{"create": false, "overrides": overrides},
	})
}

// TestSharedServicesScenarios installs every shared-services scenario into its own restricted
// namespace and checks the live objects: every StatefulSet ready, the volumes of the persistent
// ones bound, each Service's EndpointSlices pointing at its ready pods, the PodDisruptionBudget
// observing the OpenSearch nodes; after helm uninstall the volumes are still there, and a
// reinstall runs on the very same claims.
func TestSharedServicesScenarios(t *testing.T) {
	t.Parallel()
	// The Redis pods in real containers on the real node; OpenSearch stays simulated. The
	// scenario's tenants move into namespaces of the test's own.
	extra := func(t *testing.T, files []string) []string {
		requireRealNode(t)
		return []string{realNodeValues(t, ssChart), scenarioTenants(t, files)}
	}
	installScenarios(t, ssChart, "ss-", extra, func(t *testing.T, ns string, files []string, m *render.Manifests) {
		cs := clientset(t)
		t.Run("objects accepted", func(t *testing.T) { checkObjectsAccepted(t, ns, m) })
		var claims []string
		for _, want := range render.Find[*appsv1.StatefulSet](m) {
			t.Run(want.Name+" ready", func(t *testing.T) {
				eventually(t, want.Name+" ready", 2*time.Minute, time.Second, func(ctx context.Context) (bool, string) {
					sts, err := cs.AppsV1().StatefulSets(ns).Get(ctx, want.Name, metav1.GetOptions{})
					if err != nil {
						return false, err.Error()
					}
					return sts.Status.ReadyReplicas == *want.Spec.Replicas, fmt.Sprintf("%d of %d ready", sts.Status.ReadyReplicas, *want.Spec.Replicas)
				})
			})
			for _, tmpl := range want.Spec.VolumeClaimTemplates {
				for i := range *want.Spec.Replicas {
					claims = append(claims, fmt.Sprintf("%s-%s-%d", tmpl.Name, want.Name, i))
				}
			}
		}
		t.Run("volumes bound", func(t *testing.T) {
			require.NotEmpty(t, claims)
			for _, name := range claims {
				eventually(t, "claim "+name+" bound", time.Minute, time.Second, func(ctx context.Context) (bool, string) {
					pvc, err := cs.CoreV1().PersistentVolumeClaims(ns).Get(ctx, name, metav1.GetOptions{})
					if err != nil {
						return false, err.Error()
					}
					return pvc.Status.Phase == corev1.ClaimBound, string(pvc.Status.Phase)
				})
			}
		})
		t.Run("services reach their pods", func(t *testing.T) {
			for _, svc := range render.Find[*corev1.Service](m) {
				if svc.Spec.ClusterIP == corev1.ClusterIPNone {
					continue
				}
				eventually(t, "endpoints of "+svc.Name, time.Minute, time.Second, func(ctx context.Context) (bool, string) {
					pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: metav1.FormatLabelSelector(&metav1.LabelSelector{MatchLabels: svc.Spec.Selector})})
					if err != nil || len(pods.Items) == 0 {
						return false, fmt.Sprintf("pods: %v", err)
					}
					slices, err := cs.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + svc.Name})
					if err != nil {
						return false, err.Error()
					}
					ready := 0
					for _, sl := range slices.Items {
						for _, ep := range sl.Endpoints {
							if ep.Conditions.Ready != nil && *ep.Conditions.Ready {
								ready++
							}
						}
					}
					return ready == len(pods.Items), fmt.Sprintf("%d ready endpoints for %d pods", ready, len(pods.Items))
				})
			}
		})
		if _, ok := m.Lookup("PodDisruptionBudget", render.DefaultReleaseName+"-shared-services-opensearch"); ok {
			t.Run("disruption budget", func(t *testing.T) {
				eventually(t, "PDB observes the nodes", time.Minute, time.Second, func(ctx context.Context) (bool, string) {
					pdb, err := cs.PolicyV1().PodDisruptionBudgets(ns).Get(ctx, release+"-shared-services-opensearch", metav1.GetOptions{})
					if err != nil {
						return false, err.Error()
					}
					return pdb.Status.ExpectedPods > 0 && pdb.Status.CurrentHealthy == pdb.Status.ExpectedPods && pdb.Status.DisruptionsAllowed == 1, fmt.Sprintf("%+v", pdb.Status)
				})
			})
		}
		t.Run("uninstall keeps the data, reinstall adopts it", func(t *testing.T) {
			uids := map[string]string{}
			for _, name := range claims {
				pvc, err := cs.CoreV1().PersistentVolumeClaims(ns).Get(context.Background(), name, metav1.GetOptions{})
				require.NoError(t, err)
				uids[name] = string(pvc.UID)
			}
			require.NoError(t, helm.DeleteE(t, helmOptions(t, ns, files, nil), release, true))
			for _, name := range claims {
				_, err := cs.CoreV1().PersistentVolumeClaims(ns).Get(context.Background(), name, metav1.GetOptions{})
				assert.NoError(t, err, "claim %s survives helm uninstall", name)
			}
			require.NoError(t, helm.InstallE(t, helmOptions(t, ns, files, nil), abs(t, ssChart)[0], release), "reinstall")
			for _, sts := range render.Find[*appsv1.StatefulSet](m) {
				eventually(t, sts.Name+" ready again", 2*time.Minute, time.Second, func(ctx context.Context) (bool, string) {
					live, err := cs.AppsV1().StatefulSets(ns).Get(ctx, sts.Name, metav1.GetOptions{})
					if err != nil {
						return false, err.Error()
					}
					return live.Status.ReadyReplicas == *sts.Spec.Replicas, fmt.Sprintf("%d ready", live.Status.ReadyReplicas)
				})
			}
			for _, name := range claims {
				pvc, err := cs.CoreV1().PersistentVolumeClaims(ns).Get(context.Background(), name, metav1.GetOptions{})
				require.NoError(t, err)
				assert.Equal(t, uids[name], string(pvc.UID), "the reinstalled StatefulSet uses the same claim %s", name)
				assert.Equal(t, corev1.ClaimBound, pvc.Status.Phase, name)
			}
		})
	})
}
