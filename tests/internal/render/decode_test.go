package render

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

func TestDecode(t *testing.T) {
	t.Parallel()
	// A hook-less chart's output: an empty source, a Deployment, a CronJob and a CRD's object.
	manifests, err := os.ReadFile("testdata/manifests.yaml")
	require.NoError(t, err)
	m := Decode(t, manifests, DefaultKubeVersion)

	assert.Equal(t, []string{"Deployment/shop-web", "CronJob/shop-cron", "Certificate/shop-tls"}, m.Names())
	assert.Equal(t, "shop/templates/web/deployment.yaml", m.Objects[0].Source)
	assert.Equal(t, manifests, m.Raw)

	d := Get[*appsv1.Deployment](t, m, "shop-web")
	assert.Equal(t, "nginx:1.27", d.Spec.Template.Spec.Containers[0].Image)
	assert.Len(t, Find[*batchv1.CronJob](m), 1)
	assert.Empty(t, Find[*corev1.Service](m))

	cert := GetUnstructured(t, m, "Certificate.cert-manager.io", "shop-tls")
	assert.Equal(t, "shop-tls", cert.Object["spec"].(map[string]any)["secretName"])
	assert.Nil(t, m.Unstructured("Certificate", "other"))
	dep := m.Unstructured("Deployment", "shop-web")
	require.NotNil(t, dep, "typed objects convert")
	assert.Equal(t, "apps/v1", dep.GetAPIVersion())

	pods := m.PodTemplates()
	require.Len(t, pods, 2)
	assert.Equal(t, "Deployment/shop-web", pods[0].String())
	assert.Equal(t, "CronJob/shop-cron", pods[1].String())
	assert.Equal(t, "php:8.3", pods[1].Spec.Containers[0].Image)
	assert.Equal(t, "web", pods[0].Meta.Labels["app"])
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ doc, want string }{
		"unknown field": {
			"apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  portz: []\n",
			`unknown field "spec.portz"`,
		},
		"duplicate field": {
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: a\n  k: b\n",
			`key "k" already set`,
		},
		"unknown built-in kind": {
			"apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: a\n",
			`not a known kind of built-in API group "apps"`,
		},
		"removed API version": {
			"apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: a\n",
			"removed in Kubernetes 1.25",
		},
		"no name": {
			"apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n",
			"metadata.name is empty",
		},
		"no kind": {
			"apiVersion: example.com/v1\nmetadata:\n  name: a\n",
			"'Kind' is missing",
		},
		"duplicate object": {
			"# Source: x.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# Source: y.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
			"y.yaml: duplicate ConfigMap/a (also in x.yaml)",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := DecodeE([]byte(tc.doc), DefaultKubeVersion)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
