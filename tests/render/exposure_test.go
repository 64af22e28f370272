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
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// How the magento2 store is exposed (templates/ingress, templates/gateway, templates/gke).

func TestMagento2Ingress(t *testing.T) {
	t.Parallel()
	prod := m2Scenario(t, "production", nil)
	in := render.Get[*networkingv1.Ingress](t, prod, m2Name("web"))
	require.NotNil(t, in.Spec.IngressClassName)
	assert.Equal(t, "nginx", *in.Spec.IngressClassName)
	require.Len(t, in.Spec.TLS, 1)
	assert.Equal(t, m2Name("tls"), in.Spec.TLS[0].SecretName)
	assert.Equal(t, []string{"shop.example.com", "www.shop.example.com"}, in.Spec.TLS[0].Hosts)
	assert.Equal(t, "letsencrypt-production", in.Annotations["cert-manager.io/cluster-issuer"])
	assert.Equal(t, "256k", in.Annotations["nginx.ingress.kubernetes.io/proxy-buffer-size"])
	assert.Equal(t, "600", in.Annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"])
	assert.Equal(t, m2Name("web"), in.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Name)

	every := m2Scenario(t, "everything", nil)
	cert := render.GetUnstructured(t, every, "Certificate", m2Name("web"))
	dns, _, _ := unstructured.NestedStringSlice(cert.Object, "spec", "dnsNames")
	assert.Equal(t, []string{"www.shop.example.com", "www.shop.example.nl"}, dns)
	kind, _, _ := unstructured.NestedString(cert.Object, "spec", "issuerRef", "kind")
	assert.Equal(t, "Issuer", kind)
	assert.NotContains(t, render.Get[*networkingv1.Ingress](t, every, m2Name("web")).Annotations, "cert-manager.io/issuer", "certificate mode needs no ingress-shim annotation")
}

func TestMagento2GKE(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "gke", nil)
	in := render.Get[*networkingv1.Ingress](t, m, m2Name("web"))
	assert.Nil(t, in.Spec.IngressClassName, "GKE reads the class from the annotation")
	assert.Equal(t, "gce", in.Annotations["kubernetes.io/ingress.class"])
	assert.Equal(t, "shop-production-ip", in.Annotations["kubernetes.io/ingress.global-static-ip-name"])
	assert.Equal(t, m2Name("web"), in.Annotations["networking.gke.io/managed-certificates"])
	assert.Equal(t, m2Name("web"), in.Annotations["networking.gke.io/v1beta1.FrontendConfig"])
	assert.Empty(t, in.Spec.TLS, "the managed certificate replaces a TLS Secret")

	mc := render.GetUnstructured(t, m, "ManagedCertificate", m2Name("web"))
	domains, _, _ := unstructured.NestedStringSlice(mc.Object, "spec", "domains")
	assert.Equal(t, []string{"shop.example.com"}, domains)
	fc := render.GetUnstructured(t, m, "FrontendConfig", m2Name("web"))
	redirect, _, _ := unstructured.NestedBool(fc.Object, "spec", "redirectToHttps", "enabled")
	assert.True(t, redirect)
	bc := render.GetUnstructured(t, m, "BackendConfig", m2Name("web"))
	path, _, _ := unstructured.NestedString(bc.Object, "spec", "healthCheck", "requestPath")
	assert.Equal(t, "/health_check.php", path)
	port, _, _ := unstructured.NestedInt64(bc.Object, "spec", "healthCheck", "port")
	assert.Equal(t, int64(8080), port, "the health check probes the port the web pods serve")
	timeout, _, _ := unstructured.NestedInt64(bc.Object, "spec", "timeoutSec")
	assert.Equal(t, int64(600), timeout)

	svc := render.Get[*corev1.Service](t, m, m2Name("web"))
	assert.JSONEq(t, fmt.Sprintf(`{"default":%q}`, m2Name("web")), svc.Annotations["cloud.google.com/backend-config"])
	assert.JSONEq(t, `{"ingress":true}`, svc.Annotations["cloud.google.com/neg"])

	// Cloud SQL over its private IP: no proxy sidecar anywhere.
	env := render.Get[*corev1.ConfigMap](t, m, m2Name("env")).Data
	assert.Equal(t, "10.20.0.3:3306", env["MAGENTO_DB_HOST"])
	for _, pt := range m.PodTemplates() {
		for _, c := range pt.Spec.Containers {
			assert.NotContains(t, c.Image, "cloud-sql-proxy", "%s has no Cloud SQL proxy sidecar", pt.String())
		}
	}
	pvc := render.Get[*corev1.PersistentVolumeClaim](t, m, m2Name("media"))
	assert.Equal(t, "standard-rwx", *pvc.Spec.StorageClassName)

	// Google's load balancers and health checkers reach the pods from their own ranges: their
	// X-Forwarded-For is trusted; and a stopping pod serves until its network endpoint is gone.
	conf := render.Get[*corev1.ConfigMap](t, m, m2Name("nginx")).Data["nginx.conf"]
	assert.Contains(t, conf, "set_real_ip_from 130.211.0.0/22;")
	assert.Contains(t, conf, "set_real_ip_from 35.191.0.0/16;")
	assert.NotContains(t, render.Get[*corev1.ConfigMap](t, m2Scenario(t, "production", nil), m2Name("nginx")).Data["nginx.conf"], "130.211.0.0/22", "only behind Google's load balancer")
	spec := render.Get[*appsv1.Deployment](t, m, m2Name("web")).Spec.Template.Spec
	assert.Contains(t, strings.Join(container(t, spec, "nginx").Lifecycle.PreStop.Exec.Command, " "), "sleep 45;", "gke.negDrainSeconds")
	assert.Greater(t, *spec.TerminationGracePeriodSeconds, int64(45+15))
}

// TestStoreHTTPRoute: in both store charts (magento-common.web.httpRoute) the route attaches to
// the given Gateway listeners with the store's host names (its own, else the Ingress's), sends the
// path to the front Service's port (Varnish's when the chart runs it) with nginx's long timeout,
// and makes the https base URL when no other is known.
func TestStoreHTTPRoute(t *testing.T) {
	t.Parallel()
	cases := []struct {
		chart, fullname, front string
		baseURLKeys            []string // the env ConfigMap keys the base URL reaches
	}{
		{chart: m2Chart, fullname: m2Fullname, front: "varnish", baseURLKeys: []string{"MAGENTO_BASE_URL"}},
		{chart: m1Chart, fullname: m1Fullname, front: "web",
			baseURLKeys: []string{"OPENMAGE_CONFIG__DEFAULT__WEB__UNSECURE__BASE_URL", "OPENMAGE_CONFIG__DEFAULT__WEB__SECURE__BASE_URL"}},
	}
	for _, tc := range cases {
		t.Run(tc.chart, func(t *testing.T) {
			t.Parallel()
			name := func(component string) string { return tc.fullname + "-" + component }
			m, err := scenarioE(t, tc.chart, "everything", nil, nil)
			require.NoError(t, err)
			route := render.GetUnstructured(t, m, "HTTPRoute", name("web"))
			parents, _, _ := unstructured.NestedSlice(route.Object, "spec", "parentRefs")
			require.Len(t, parents, 1)
			assert.Equal(t, "shared-gateway", parents[0].(map[string]any)["name"])
			hosts, _, _ := unstructured.NestedStringSlice(route.Object, "spec", "hostnames")
			ing := render.Get[*networkingv1.Ingress](t, m, name("web"))
			var ingressHosts []string
			for _, r := range ing.Spec.Rules {
				ingressHosts = append(ingressHosts, r.Host)
			}
			assert.Equal(t, ingressHosts, hosts, "without httpRoute.hostnames, the Ingress's hosts")
			rules, _, _ := unstructured.NestedSlice(route.Object, "spec", "rules")
			require.Len(t, rules, 1)
			rule := rules[0].(map[string]any)
			backend := rule["backendRefs"].([]any)[0].(map[string]any)
			svc := render.Get[*corev1.Service](t, m, name(tc.front))
			assert.Equal(t, svc.Name, backend["name"])
			assert.EqualValues(t, svc.Spec.Ports[0].Port, backend["port"])
			assert.Equal(t, "600s", rule["timeouts"].(map[string]any)["request"])

			// Alone, with its own host names: they make the base URL.
			alone, err := scenarioE(t, tc.chart, "minimal", map[string]string{"httpRoute.enabled": "true", "httpRoute.parentRefs[0].name": "gw", "httpRoute.hostnames[0]": "shop.example.org"}, nil)
			require.NoError(t, err)
			env := render.Get[*corev1.ConfigMap](t, alone, name("env"))
			for _, key := range tc.baseURLKeys {
				assert.Equal(t, "https://shop.example.org/", env.Data[key], key)
			}
		})
	}
}
