package render_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// The magento2 chart's feature checks: one test per item of the chart's contract, each over the
// scenarios (magento2/ci/*-values.yaml) or small value overrides of the minimal scenario.

const (
	m2Chart    = "magento2"
	m2Fullname = "shop-magento2" // release "shop" (render.DefaultReleaseName) + chart name
)

// m2Name is the name of a magento2 object of a component.
func m2Name(component string) string { return m2Fullname + "-" + component }

// m2Scenario renders one magento2 scenario, optionally with --set overrides on top.
func m2Scenario(tb testing.TB, scenario string, set map[string]string) *render.Manifests {
	tb.Helper()
	return render.Render(tb, m2Chart, render.Options{
		ValuesFiles: []string{fmt.Sprintf("%s/ci/%s-values.yaml", m2Chart, scenario)},
		SetValues:   set,
	})
}

// m2ScenarioE is m2Scenario returning the render error.
func m2ScenarioE(tb testing.TB, scenario string, set, setJSON map[string]string) (*render.Manifests, error) {
	tb.Helper()
	return scenarioE(tb, m2Chart, scenario, set, setJSON)
}

// scenarioE renders one scenario of a chart (<chart>/ci/<scenario>-values.yaml) with --set and
// --set-json overrides on top, returning the render error.
func scenarioE(tb testing.TB, chart, scenario string, set, setJSON map[string]string) (*render.Manifests, error) {
	tb.Helper()
	return render.RenderE(tb, chart, render.Options{
		ValuesFiles:   []string{fmt.Sprintf("%s/ci/%s-values.yaml", chart, scenario)},
		SetValues:     set,
		SetJSONValues: setJSON,
	})
}

// badValues is one bad setting and the substrings its refusal must contain (the values key).
type badValues struct {
	name    string
	set     map[string]string
	setJSON map[string]string
	want    []string
}

// checkBadValues renders the chart's minimal scenario with each case's bad setting: every case
// must be refused, naming the key.
func checkBadValues(t *testing.T, chart string, cases []badValues) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := scenarioE(t, chart, "minimal", tc.set, tc.setJSON)
			require.Error(t, err, "bad values must not render")
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

// container returns the named container of a pod spec (init containers included).
func container(tb testing.TB, spec corev1.PodSpec, name string) corev1.Container {
	tb.Helper()
	for _, c := range render.Containers(spec) {
		if c.Name == name {
			return c
		}
	}
	require.Failf(tb, "container not found", "no container %q in pod spec", name)
	return corev1.Container{}
}

// envValue returns the literal value of an env var of a container, and whether it is set.
func envVar(c corev1.Container, name string) (corev1.EnvVar, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e, true
		}
	}
	return corev1.EnvVar{}, false
}

// volume returns the named volume of a pod spec.
func volume(tb testing.TB, spec corev1.PodSpec, name string) corev1.Volume {
	tb.Helper()
	for _, v := range spec.Volumes {
		if v.Name == name {
			return v
		}
	}
	require.Failf(tb, "volume not found", "no volume %q in pod spec", name)
	return corev1.Volume{}
}

// mountPaths maps a container's volume mounts by path to volume name.
func mountPaths(c corev1.Container) map[string]string {
	out := map[string]string{}
	for _, m := range c.VolumeMounts {
		out[m.MountPath] = m.Name
	}
	return out
}

func TestMagento2ServiceAccountAndSecurity(t *testing.T) {
	t.Parallel()
	for _, scenario := range []string{"minimal", "everything"} {
		t.Run(scenario, func(t *testing.T) {
			t.Parallel()
			m := m2Scenario(t, scenario, nil)
			sa := render.Get[*corev1.ServiceAccount](t, m, m2Fullname)
			require.NotNil(t, sa.AutomountServiceAccountToken)
			assert.False(t, *sa.AutomountServiceAccountToken)
			// The upgrade hook runs before the release's ServiceAccount exists: it has its own, a hook too.
			hookSA := render.Get[*corev1.ServiceAccount](t, m, m2Name("upgrade"))
			assert.Equal(t, "pre-install,pre-upgrade", hookSA.Annotations["helm.sh/hook"])
			assert.Equal(t, "-10", hookSA.Annotations["helm.sh/hook-weight"])
			assert.False(t, *hookSA.AutomountServiceAccountToken)
			for _, pt := range m.PodTemplates() {
				wantSA := m2Fullname
				if pt.Kind == "Job" {
					wantSA = m2Name("upgrade")
				}
				assert.Equal(t, wantSA, pt.Spec.ServiceAccountName, pt.String())
				require.NotNil(t, pt.Spec.AutomountServiceAccountToken, pt.String())
				assert.False(t, *pt.Spec.AutomountServiceAccountToken, pt.String())
				for _, c := range render.Containers(pt.Spec) {
					require.NotNil(t, c.SecurityContext, "%s/%s", pt.String(), c.Name)
					assert.True(t, *c.SecurityContext.ReadOnlyRootFilesystem, "%s/%s has a read-only root file system", pt.String(), c.Name)
				}
				// Every writable path is an explicit volume.
				for _, v := range pt.Spec.Volumes {
					if v.EmptyDir != nil && v.Name != "code" && v.Name != "app-etc" {
						assert.NotNil(t, v.EmptyDir.SizeLimit, "%s volume %s has a size limit", pt.String(), v.Name)
					}
				}
			}
		})
	}
}

func TestMagento2Notes(t *testing.T) {
	t.Parallel()
	checkNotes(t, m2Chart, []notesCase{
		{name: "production", scenario: "production",
			want:    []string{"https://shop.example.com/", "https://shop.example.com/shop_admin_7f3k", `Secret "shop-crypt-key" (key "key")`, "rollout status deployment/" + m2Name("web")},
			notWant: []string{"WARNINGS"}},
		{name: "minimal warns", scenario: "minimal",
			want: []string{"port-forward svc/" + m2Name("web"), "WARNINGS", "web.replicaCount is 1", "magento.adminPath is \"admin\"",
				"persistence.var.enabled is false", "The crypt key was generated"}},
		{name: "unsafe settings", scenario: "minimal",
			set:  map[string]string{"persistence.media.enabled": "false", "web.nginx.containerSecurityContext.readOnlyRootFilesystem": "false", "ingress.enabled": "true", "ingress.hosts[0]": "shop.example.com", "ingress.tls.enabled": "false"},
			want: []string{"persistence.media.enabled is false", "web.nginx.containerSecurityContext.readOnlyRootFilesystem is false", "ingress.tls.enabled is false", "http://shop.example.com/"}},
		{name: "HTTPRoute only", scenario: "minimal",
			set:  map[string]string{"httpRoute.enabled": "true", "httpRoute.parentRefs[0].name": "shared-gateway", "httpRoute.hostnames[0]": "shop.example.org"},
			want: []string{"HTTPRoute on Gateway shared-gateway", "https://shop.example.org/", "Admin: https://shop.example.org/admin"}},
		{name: "Varnish is the front door", scenario: "minimal", set: map[string]string{"varnish.enabled": "true"},
			want: []string{"port-forward svc/" + m2Name("varnish")}},
	})
}
