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

// The magento2 database upgrade hook Job (templates/upgrade).

// TestMagento2UpgradeHook: the hook Job runs the chart's upgrade script (files/upgrade.sh) with a
// writable app/etc made of the image's and the chart's env.php; its configuration comes from hook
// copies made before it, whose hosts are the ExternalName Services' targets (the Services are
// release objects, created after pre-install hooks). What the script does is the config tier's
// TestMagento2UpgradeJob.
func TestMagento2UpgradeHook(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "minimal", nil)
	job := render.Get[*batchv1.Job](t, m, m2Name("upgrade"))
	assert.Equal(t, "pre-install,pre-upgrade", job.Annotations["helm.sh/hook"])
	assert.Equal(t, int32(1), *job.Spec.Parallelism, "one upgrade at a time")
	require.NotNil(t, job.Spec.ActiveDeadlineSeconds)
	require.NotNil(t, job.Spec.BackoffLimit)
	pod := job.Spec.Template.Spec
	require.Len(t, pod.Containers, 1)
	c := pod.Containers[0]
	assert.Equal(t, []string{"/usr/bin/tini", "-g", "--", "/bin/sh", "/etc/magento/upgrade/upgrade.sh"}, c.Command)
	mounts := mountPaths(c)
	assert.Equal(t, "app-etc-copy", mounts["/var/www/html/app/etc"], "setup:upgrade gets a writable app/etc")
	assert.Empty(t, mounts["/var/www/html/app/etc/env.php"], "the Job's env.php is its writable copy")
	assert.Equal(t, "app-etc", mounts["/etc/magento/upgrade"])
	require.Len(t, pod.InitContainers, 1)
	copyCmd := pod.InitContainers[0].Command
	assert.Equal(t, []string{"copy-app-etc", "/var/www/html/app/etc", "/etc/magento/upgrade/env.php", "/app-etc"}, copyCmd[3:],
		"the image's app/etc and the chart's env.php into the writable copy (files/copy-app-etc.sh)")

	// Its configuration: hook copies created before the Job, from the same helpers.
	appEtc := render.Get[*corev1.ConfigMap](t, m, m2Name("app-etc"))
	hookAppEtc := render.Get[*corev1.ConfigMap](t, m, m2Name("upgrade-app-etc"))
	assert.Equal(t, appEtc.Data, hookAppEtc.Data)
	assert.Equal(t, m2Name("upgrade-app-etc"), volume(t, pod, "app-etc").ConfigMap.Name)
	script := appEtc.Data["upgrade.sh"]
	// The upgrade under maintenance, switched off again on the way out; setup:db:status decides.
	require.Contains(t, script, "\n  2) upgrade ;;")
	decide := strings.Index(script, "magento setup:db:status ||")
	require.Greater(t, decide, strings.Index(script, "upgrade() {"), "the status decides after the functions are defined")
	script = script[strings.Index(script, "upgrade() {"):]
	order := []string{"trap 'magento maintenance:disable || true' EXIT", "magento maintenance:enable", "magento setup:upgrade --keep-generated", "magento app:config:import"}
	last := -1
	for _, step := range order {
		i := strings.Index(script, step)
		require.GreaterOrEqual(t, i, 0, "script runs %q", step)
		assert.Greater(t, i, last, "%q comes after the previous step", step)
		last = i
	}
	envCM := render.Get[*corev1.ConfigMap](t, m, m2Name("upgrade-env"))
	assert.Equal(t, "-10", envCM.Annotations["helm.sh/hook-weight"])
	assert.Equal(t, m2Name("upgrade-env"), c.EnvFrom[0].ConfigMapRef.Name)
	release := render.Get[*corev1.ConfigMap](t, m, m2Name("env")).Data
	hosts := map[string]string{
		// The release's tenant on the shared services: <namespace>-<release>.
		"MAGENTO_REDIS_HOST":         "shop-test-shop-redis-cache.shared-services.svc.cluster.local",
		"MAGENTO_SESSION_REDIS_HOST": "shop-test-shop-redis-sessions.shared-services.svc.cluster.local",
		"MAGENTO_SEARCH_HOST":        "opensearch.shared-services.svc.cluster.local",
	}
	for key, value := range release {
		if want, ok := hosts[key]; ok {
			assert.Equal(t, want, envCM.Data[key], "the hook reaches %s without the ExternalName Service", key)
			continue
		}
		assert.Equal(t, value, envCM.Data[key], key)
	}

	manual := render.Get[*batchv1.CronJob](t, m, m2Name("upgrade"))
	require.NotNil(t, manual.Spec.Suspend)
	assert.True(t, *manual.Spec.Suspend, "operators start the manual upgrade by hand")
	manualPod := manual.Spec.JobTemplate.Spec.Template.Spec
	assert.Equal(t, c.Command, manualPod.Containers[0].Command)
	assert.Equal(t, m2Name("env"), manualPod.Containers[0].EnvFrom[0].ConfigMapRef.Name)
	assert.Equal(t, m2Name("app-etc"), volume(t, manualPod, "app-etc").ConfigMap.Name)

	// The first installation takes its admin user from a Secret.
	install := m2Scenario(t, "minimal", map[string]string{"upgrade.onNotInstalled": "install", "upgrade.install.adminSecret": "shop-admin"})
	ic := render.Get[*batchv1.Job](t, install, m2Name("upgrade")).Spec.Template.Spec.Containers[0]
	for name, key := range map[string]string{"ADMIN_USER": "username", "ADMIN_PASSWORD": "password", "ADMIN_EMAIL": "email"} {
		e, ok := envVar(ic, name)
		require.True(t, ok, name)
		assert.Equal(t, [2]string{"shop-admin", key}, [2]string{e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key}, name)
	}
	e, ok := envVar(ic, "ON_NOT_INSTALLED")
	require.True(t, ok)
	assert.Equal(t, "install", e.Value)

	off := m2Scenario(t, "minimal", map[string]string{"upgrade.enabled": "false"})
	assert.False(t, has(off, "Job", m2Name("upgrade")))
	assert.False(t, has(off, "ConfigMap", m2Name("upgrade-env")))
}

func lastArg(c corev1.Container) string { return c.Command[len(c.Command)-1] }
