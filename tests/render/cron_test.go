package render_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// The magento2 CronJobs (templates/cron).

func TestMagento2CronJobs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		scenario string
		want     map[string][]string // CronJob name → cron:run args
	}{
		{scenario: "minimal", want: map[string][]string{
			m2Name("cron-index"): {"--group=index"},
			m2Name("cron-main"):  {"--exclude-group=index"},
		}},
		{scenario: "everything", want: map[string][]string{
			m2Name("cron-index"):   {"--group=index"},
			m2Name("cron-default"): {"--group=default"},
			m2Name("cron-other"):   {"--exclude-group=index", "--exclude-group=default"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			m := m2Scenario(t, tc.scenario, nil)
			for name, args := range tc.want {
				cj := render.Get[*batchv1.CronJob](t, m, name)
				assert.Equal(t, batchv1.ForbidConcurrent, cj.Spec.ConcurrencyPolicy, name)
				require.NotNil(t, cj.Spec.StartingDeadlineSeconds, name)
				assert.NotNil(t, cj.Spec.SuccessfulJobsHistoryLimit, name)
				assert.NotNil(t, cj.Spec.FailedJobsHistoryLimit, name)
				pod := cj.Spec.JobTemplate.Spec.Template.Spec
				assert.Equal(t, corev1.RestartPolicyNever, pod.RestartPolicy, name)
				require.Len(t, pod.Containers, 1, "%s: no sidecar keeps a cron pod alive", name)
				c := pod.Containers[0]
				// tini, the maintenance guard (which execs its arguments), then cron:run in the foreground.
				require.Greater(t, len(c.Command), 7, name)
				assert.Equal(t, []string{"/usr/bin/tini", "-g", "--", "/bin/sh", "-c"}, c.Command[:5], name)
				assert.Contains(t, c.Command[5], "var/.maintenance.flag", name)
				assert.True(t, strings.HasSuffix(c.Command[5], `exec "$@"`), name)
				assert.Equal(t, append([]string{"php", "bin/magento", "cron:run"}, args...), c.Command[7:], name)
				assert.NotContains(t, strings.Join(c.Command, " "), "&", "%s: nothing backgrounds itself", name)
			}
			assert.Len(t, cronJobsNamed(m, m2Name("cron-")), len(tc.want))
		})
	}
	// Every group a CronJob runs stays in its process (env.php's system section; what Magento
	// makes of it is the config tier's contract test).
	for scenario, want := range map[string]string{"minimal": "consumers default index", "everything": "consumers ddg_automation default index"} {
		env := render.Get[*corev1.ConfigMap](t, m2Scenario(t, scenario, nil), m2Name("env")).Data
		assert.Equal(t, want, env["MAGENTO_CRON_IN_PROCESS_GROUPS"], scenario)
	}
	assert.Empty(t, cronJobsNamed(m2Scenario(t, "minimal", map[string]string{"cron.enabled": "false"}), m2Name("cron-")))
}

// has reports whether the render holds an object of that kind and name.
func has(m *render.Manifests, kind, name string) bool {
	_, ok := m.Lookup(kind, name)
	return ok
}

// cronJobsNamed returns the CronJobs whose name starts with prefix.
func cronJobsNamed(m *render.Manifests, prefix string) []*batchv1.CronJob {
	var out []*batchv1.CronJob
	for _, cj := range render.Find[*batchv1.CronJob](m) {
		if strings.HasPrefix(cj.Name, prefix) {
			out = append(out, cj)
		}
	}
	return out
}
