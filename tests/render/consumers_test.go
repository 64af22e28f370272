package render_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// The magento2 message queue consumers (templates/consumers).

// TestMagento2Consumers: consumers_runner is off for every pod (it would fork consumers from
// cron), a Forbid CronJob runs the consumers in the foreground, each dedicated consumer gets a
// Deployment with its replicas, and consumers.enabled=false removes both but not the runner's
// switch. What the pods do is checked by the config tier (tests/config).
func TestMagento2Consumers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		scenario    string
		set         map[string]string
		cronJob     bool
		deployments map[string]int32
	}{
		{scenario: "minimal", cronJob: true},
		{scenario: "everything", cronJob: true, deployments: map[string]int32{m2Name("consumer-place-order"): 2}},
		{scenario: "everything", set: map[string]string{"consumers.enabled": "false"}},
	} {
		t.Run(fmt.Sprintf("%s %v", tc.scenario, tc.set), func(t *testing.T) {
			t.Parallel()
			m := m2Scenario(t, tc.scenario, tc.set)
			_, ok := m.Lookup("CronJob", m2Name("consumers"))
			assert.Equal(t, tc.cronJob, ok, "consumers CronJob")
			if ok {
				cj := render.Get[*batchv1.CronJob](t, m, m2Name("consumers"))
				assert.Equal(t, batchv1.ForbidConcurrent, cj.Spec.ConcurrencyPolicy)
				assert.Equal(t, corev1.RestartPolicyNever, cj.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy)
				e, found := envVar(cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0], "MAGENTO_QUEUE_CONSUMERS_WAIT_FOR_MESSAGES")
				require.True(t, found)
				assert.Equal(t, "0", e.Value, "the scheduled consumers exit when their queue is empty")
			}
			got := map[string]int32{}
			for _, d := range render.Find[*appsv1.Deployment](m) {
				if d.Spec.Template.Labels["app.kubernetes.io/component"] != "web" {
					got[d.Name] = *d.Spec.Replicas
				}
			}
			if tc.deployments == nil {
				tc.deployments = map[string]int32{}
			}
			assert.Equal(t, tc.deployments, got)
		})
	}
}
