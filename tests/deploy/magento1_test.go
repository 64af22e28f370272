package deploy_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
)

const m1Chart = "magento1"

// m1Name is the name of a magento1 object of a component ("<release>-magento1-<component>").
var m1Name = func(component string) string { return release + "-" + m1Chart + "-" + component }

// TestMagento1Scenarios installs every magento1 scenario into its own restricted namespace, on the
// simulated nodes (kwok runs the pods and completes the Jobs' pods: the API server, Pod Security
// admission, the controllers and Helm's hooks and waiting are the real ones; what the containers
// do is the config tier's), and checks the live objects: every object accepted, the setup hook
// completed before any web pod, the web Deployment available behind its Service, the claims bound,
// the autoscaler resolving its target. (Forbid on both cron.php CronJobs is the render tier's and,
// through the same library CronJob, magento2's deploy check; the scenarios here stay light.)
func TestMagento1Scenarios(t *testing.T) {
	t.Parallel()
	extra := func(*testing.T, []string) []string { return nil }
	installScenarios(t, m1Chart, "m1-", extra, func(t *testing.T, ns string, _ []string, m *render.Manifests) {
		deploy, err := clientset(t).AppsV1().Deployments(ns).Get(context.Background(), m1Name("web"), metav1.GetOptions{})
		require.NoError(t, err)
		t.Run("objects accepted", func(t *testing.T) { checkObjectsAccepted(t, ns, m) })
		t.Run("web available", func(t *testing.T) { checkWebAvailable(t, ns, deploy) })
		t.Run("endpoints are the web pods", func(t *testing.T) { checkEndpoints(t, ns, m1Name("web")) })
		t.Run("setup hook before web pods", func(t *testing.T) { checkHookBeforeWeb(t, ns, m, m1Name("setup"), m1Name("setup-env")) })
		t.Run("claims bound", func(t *testing.T) { checkClaimsBound(t, ns, m) })
		if _, ok := m.Lookup("HorizontalPodAutoscaler", m1Name("web")); ok {
			t.Run("autoscaler resolves its target", func(t *testing.T) { checkHPA(t, ns, m1Name("web"), m) })
		}
	})
}
