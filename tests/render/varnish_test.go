package render_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// Varnish in front of the magento2 web pods (templates/varnish).

// TestMagento2VarnishFront: with Varnish the Ingress (and the GKE annotations of the front
// Service) move to the Varnish Service, the web Service keeps only its selector, Magento purges
// every Varnish pod by its stable name, and with NetworkPolicies the web pods accept HTTP from the
// Varnish pods alone while Varnish accepts it from the configured clients. What Varnish does with
// the requests is checked by the config tier (TestMagento2Varnish).
func TestMagento2VarnishFront(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "gke", map[string]string{"varnish.enabled": "true", "networkPolicy.enabled": "true",
		"networkPolicy.webFrom[0].namespaceSelector.matchLabels.team": "edge"})
	ing := render.Get[*networkingv1.Ingress](t, m, m2Name("web"))
	for _, rule := range ing.Spec.Rules {
		for _, p := range rule.HTTP.Paths {
			assert.Equal(t, m2Name("varnish"), p.Backend.Service.Name)
		}
	}
	front := render.Get[*corev1.Service](t, m, m2Name("varnish"))
	assert.NotEmpty(t, front.Annotations["cloud.google.com/backend-config"], "the load balancer's health check follows the front")
	web := render.Get[*corev1.Service](t, m, m2Name("web"))
	assert.Empty(t, web.Annotations["cloud.google.com/backend-config"])
	bc := render.GetUnstructured(t, m, "BackendConfig", m2Name("web"))
	path, _, _ := unstructured.NestedString(bc.Object, "spec", "healthCheck", "requestPath")
	port, _, _ := unstructured.NestedInt64(bc.Object, "spec", "healthCheck", "port")
	assert.Equal(t, "/varnish-health", path, "the load balancer asks Varnish, which serves from cache while the web pods are down")
	assert.Equal(t, int64(6081), port, "the port the Varnish pods serve, not nginx's")

	// Magento purges every Varnish pod by its stable name on the purge port, which the public
	// Service does not expose.
	sts := render.Get[*appsv1.StatefulSet](t, m, m2Name("varnish"))
	env := render.Get[*corev1.ConfigMap](t, m, m2Name("env")).Data
	var want []string
	for i := range int(*sts.Spec.Replicas) {
		want = append(want, fmt.Sprintf("%s-%d.%s:6091", sts.Name, i, sts.Spec.ServiceName))
	}
	assert.Equal(t, strings.Join(want, " "), env["MAGENTO_HTTP_CACHE_HOSTS"], "one cache host per Varnish pod, on its purge port")
	for _, p := range front.Spec.Ports {
		assert.NotEqual(t, "purge", p.TargetPort.String(), "the public Service never reaches the purge listener")
		assert.NotEqual(t, int32(6091), p.Port)
	}
	headless := render.Get[*corev1.Service](t, m, sts.Spec.ServiceName)
	var headlessPorts []string
	for _, p := range headless.Spec.Ports {
		headlessPorts = append(headlessPorts, p.TargetPort.String())
	}
	assert.ElementsMatch(t, []string{"http", "purge"}, headlessPorts)

	webPolicy := render.Get[*networkingv1.NetworkPolicy](t, m, m2Name("web"))
	require.Len(t, webPolicy.Spec.Ingress[0].From, 1)
	assert.Equal(t, "varnish", webPolicy.Spec.Ingress[0].From[0].PodSelector.MatchLabels["app.kubernetes.io/component"])
	varnishPolicy := render.Get[*networkingv1.NetworkPolicy](t, m, m2Name("varnish"))
	require.Len(t, varnishPolicy.Spec.Ingress, 2)
	assert.Equal(t, "http", varnishPolicy.Spec.Ingress[0].Ports[0].Port.String())
	assert.Equal(t, "edge", varnishPolicy.Spec.Ingress[0].From[0].NamespaceSelector.MatchLabels["team"])
	// The purge port admits every pod of the release (web, cron, consumers, upgrade: Magento
	// purges from all of them) and nothing else.
	purge := varnishPolicy.Spec.Ingress[1]
	assert.Equal(t, "purge", purge.Ports[0].Port.String())
	require.Len(t, purge.From, 1)
	require.NotNil(t, purge.From[0].PodSelector)
	assert.Nil(t, purge.From[0].NamespaceSelector, "the release's own namespace only")
	sel, err := metav1.LabelSelectorAsSelector(purge.From[0].PodSelector)
	require.NoError(t, err)
	for _, pt := range m.PodTemplates() {
		assert.True(t, sel.Matches(labels.Set(pt.Meta.Labels)), "%s may purge", pt)
	}
	assert.False(t, sel.Matches(labels.Set{"app.kubernetes.io/name": "ingress-nginx"}), "an ingress controller may not")
}
