package render_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// The magento2 store's configuration (templates/config): environment, Secrets and the crypt key.

// TestMagento2EnvironmentAndSecrets: the variables env.php reads (what Magento makes of them is
// the config tier's contract test, which runs the rendered env.php), none that Magento's
// DeploymentConfig would take as a flat override, and secrets only through Secrets.
func TestMagento2EnvironmentAndSecrets(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "everything", nil)
	env := render.Get[*corev1.ConfigMap](t, m, m2Name("env")).Data
	for key, want := range map[string]string{
		"MAGE_MODE":                   "production",
		"MAGENTO_DB_HOST":             "mysql:3306",
		"MAGENTO_REDIS_HOST":          m2Name("redis"),
		"MAGENTO_REDIS_PAGE_CACHE_DB": "1",
		"MAGENTO_SESSION_REDIS_DB":    "2",
		"MAGENTO_CACHE_ID_PREFIX":     "shop_acc_",
		"MAGENTO_AMQP_HOST":           m2Name("amqp"),
		"MAGENTO_ADMIN_PATH":          "beheer",
		"MAGENTO_SEARCH_ENGINE":       "elasticsearch8",
		"MAGENTO_SEARCH_HOST":         m2Name("search"),
		"MAGENTO_SEARCH_USERNAME":     "shop",
		"MAGENTO_BASE_URL":            "https://www.shop.example.com/",
	} {
		assert.Equal(t, want, env[key], key)
	}
	// No secret value ever lands in a ConfigMap.
	for _, cm := range render.Find[*corev1.ConfigMap](m) {
		for key, value := range cm.Data {
			for _, secret := range []string{"s3cret", "redis-s3cret", "search-s3cret", "amqp-s3cret", "0123456789abcdef0123456789abcdef"} {
				assert.NotContains(t, value, secret, "ConfigMap %s key %s holds a secret", cm.Name, key)
			}
		}
	}
	secret := render.Get[*corev1.Secret](t, m, m2Name("env"))
	assert.Equal(t, "s3cret", string(secret.Data["db-password"]))
	assert.Equal(t, "amqp-s3cret", string(secret.Data["amqp-password"]))

	php := container(t, render.Get[*appsv1.Deployment](t, m, m2Name("web")).Spec.Template.Spec, "php-fpm")
	for _, name := range []string{"MAGENTO_DB_PASSWORD", "MAGENTO_CRYPT_KEY", "MAGENTO_REDIS_PASSWORD", "MAGENTO_SESSION_REDIS_PASSWORD", "MAGENTO_AMQP_PASSWORD", "MAGENTO_SEARCH_PASSWORD"} {
		e, ok := envVar(php, name)
		require.True(t, ok, name)
		require.NotNil(t, e.ValueFrom, name)
		assert.NotNil(t, e.ValueFrom.SecretKeyRef, "%s comes from a Secret", name)
	}
	assert.Equal(t, "shop-integrations", php.EnvFrom[1].SecretRef.Name, "extraEnvFromSecrets")

	// Magento's DeploymentConfig takes every variable whose name contains MAGENTO_DC_ as a flat
	// override of env.php (framework/App/DeploymentConfig.php, getAllEnvOverrides: strpos): the
	// chart sets none, in any scenario or container.
	for _, scenario := range []string{"minimal", "production", "gke", "everything"} {
		sm := m2Scenario(t, scenario, nil)
		for _, cm := range render.Find[*corev1.ConfigMap](sm) {
			for key := range cm.Data {
				assert.NotContains(t, key, "MAGENTO_DC_", "%s: ConfigMap %s", scenario, cm.Name)
			}
		}
		for _, pt := range sm.PodTemplates() {
			for _, c := range render.Containers(pt.Spec) {
				for _, e := range c.Env {
					assert.NotContains(t, e.Name, "MAGENTO_DC_", "%s: %s container %s", scenario, pt, c.Name)
				}
			}
		}
	}

	// existingSecret everywhere: no chart-stored password, references to the user's Secrets (the
	// Redis password: the store's allocation on the shared services).
	prod := m2Scenario(t, "production", nil)
	prodPhp := container(t, render.Get[*appsv1.Deployment](t, prod, m2Name("web")).Spec.Template.Spec, "php-fpm")
	for name, want := range map[string][2]string{
		"MAGENTO_DB_PASSWORD":            {"shop-db", "password"},
		"MAGENTO_CRYPT_KEY":              {"shop-crypt-key", "key"},
		"MAGENTO_REDIS_PASSWORD":         {"shop-shared-services", "redis-password"},
		"MAGENTO_SESSION_REDIS_PASSWORD": {"shop-shared-services", "redis-password"},
		"MAGENTO_AMQP_PASSWORD":          {"shop-amqp", "password"},
	} {
		e, ok := envVar(prodPhp, name)
		require.True(t, ok, name)
		assert.Equal(t, want, [2]string{e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key}, name)
	}
	assert.Empty(t, render.Get[*corev1.Secret](t, prod, m2Name("env")).Data)
	assert.False(t, has(prod, "Secret", m2Name("crypt-key")), "no chart crypt key with an existingSecret")
}

func TestMagento2CryptKey(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		set           map[string]string
		wantValue     string // "" means generated
		wantGenerated bool
	}{
		{name: "generated", wantGenerated: true},
		{name: "supplied", set: map[string]string{"magento.cryptKey.value": "abcdefabcdefabcdefabcdefabcdef12"}, wantValue: "abcdefabcdefabcdefabcdefabcdef12"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := m2Scenario(t, "minimal", tc.set)
			s := render.Get[*corev1.Secret](t, m, m2Name("crypt-key"))
			key := string(s.Data["crypt-key"])
			assert.Equal(t, "keep", s.Annotations["helm.sh/resource-policy"], "Helm never deletes the crypt key")
			require.NotNil(t, s.Immutable)
			assert.True(t, *s.Immutable, "the stored key can never be changed by an upgrade")
			assert.Equal(t, tc.wantGenerated, s.Annotations["magento.k8s.io/generated"] == "true")
			if tc.wantGenerated {
				assert.Regexp(t, regexp.MustCompile(`^[A-Za-z0-9]{32}$`), key)
			} else {
				assert.Equal(t, tc.wantValue, key)
			}
			// The upgrade hook's copy holds the same key within one render.
			hook := render.Get[*corev1.Secret](t, m, m2Name("upgrade-env"))
			assert.Equal(t, key, string(hook.Data["crypt-key"]))
		})
	}
}
