package render_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// The ExternalName Services to the shared services (templates/external).

func TestMagento2ExternalServices(t *testing.T) {
	t.Parallel()
	cases := []struct {
		scenario string
		want     map[string]string // Service name → externalName
		absent   []string
	}{
		{scenario: "minimal", want: map[string]string{
			m2Name("redis"):          "shop-test-shop-redis-cache.shared-services.svc.cluster.local",
			m2Name("redis-sessions"): "shop-test-shop-redis-sessions.shared-services.svc.cluster.local",
			m2Name("search"):         "opensearch.shared-services.svc.cluster.local",
		}, absent: []string{m2Name("amqp")}},
		{scenario: "production", want: map[string]string{
			m2Name("amqp"): "rabbitmq.shared-services.svc.cluster.local",
		}},
		{scenario: "gke", want: map[string]string{
			m2Name("search"): "opensearch.shared-services.svc.cluster.local",
		}, absent: []string{m2Name("redis"), m2Name("redis-sessions")}},
	}
	for _, tc := range cases {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			m := m2Scenario(t, tc.scenario, nil)
			for name, target := range tc.want {
				svc := render.Get[*corev1.Service](t, m, name)
				assert.Equal(t, corev1.ServiceTypeExternalName, svc.Spec.Type)
				assert.Equal(t, target, svc.Spec.ExternalName)
			}
			for _, name := range tc.absent {
				assert.False(t, has(m, "Service", name), name)
			}
		})
	}
	gke := render.Get[*corev1.ConfigMap](t, m2Scenario(t, "gke", nil), m2Name("env")).Data
	assert.Equal(t, "10.20.1.4", gke["MAGENTO_SESSION_REDIS_HOST"], "a managed Redis by address")
	// The shared-services layout: sessions on their own Redis, which never evicts.
	minimal := render.Get[*corev1.ConfigMap](t, m2Scenario(t, "minimal", nil), m2Name("env")).Data
	assert.Equal(t, m2Name("redis"), minimal["MAGENTO_REDIS_HOST"])
	assert.Equal(t, m2Name("redis-sessions"), minimal["MAGENTO_SESSION_REDIS_HOST"])
	own := render.Get[*corev1.ConfigMap](t, m2Scenario(t, "minimal", map[string]string{"magento.redis.sessionHost": "sessions.example.internal", "magento.redis.sessionPort": "6380"}), m2Name("env")).Data
	assert.Equal(t, "sessions.example.internal", own["MAGENTO_SESSION_REDIS_HOST"])
	assert.Equal(t, "6380", own["MAGENTO_SESSION_REDIS_PORT"])
}
