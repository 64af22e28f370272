package deploy_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/magento-k8s/charts/tests/internal/cluster"
)

// TestMagento2FlashSale puts the web pods under a sudden tenfold CPU load (a flash sale: every pod
// at ten times its target) and watches the real HorizontalPodAutoscaler of the control plane,
// fed by metrics-server: with the chart's default scale-up behaviour the Deployment goes from
// its 2 pods to its maximum of 20 in one step, without waiting for a stabilisation window. The
// load comes from kwok's simulated usage (a pod annotation), so the test needs the local cluster.
func TestMagento2FlashSale(t *testing.T) {
	t.Parallel()
	if testCluster.Provider != cluster.Local {
		t.Skipf("the simulated CPU load needs the local (kwok) cluster, not %q", testCluster.Provider)
	}
	ns := testCluster.Namespace(t, "m2-flash-sale")
	// Each pod reports 6 CPUs against its 600m request: 1000% for a 60% target, so the autoscaler
	// wants 34 pods at once; the chart's behaviour lets it take all it may (20) in one step.
	install(t, m2Chart, ns, []string{m2Chart + "/ci/minimal-values.yaml"}, map[string]string{
		"autoscaling.enabled":                             "true",
		"persistence.media.accessModes[0]":                "ReadWriteMany",
		"autoscaling.minReplicas":                         "2",
		"autoscaling.maxReplicas":                         "20",
		`web.podAnnotations.kwok\.x-k8s\.io/usage-cpu`:    "6000m",
		`web.podAnnotations.kwok\.x-k8s\.io/usage-memory`: "200Mi",
	})
	cs := clientset(t)
	begin := time.Now()
	var steps []string
	last := int32(-1)
	eventually(t, "the web Deployment at 20 pods", 4*time.Minute, time.Second, func(ctx context.Context) (bool, string) {
		d, err := cs.AppsV1().Deployments(ns).Get(ctx, m2Name("web"), metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		if r := *d.Spec.Replicas; r != last {
			steps = append(steps, fmt.Sprintf("%.0fs: %d", time.Since(begin).Seconds(), r))
			last = r
		}
		return last == 20, strings.Join(steps, ", ") + "; " + podMetrics(ctx, cs, ns)
	})
	t.Logf("replicas over time: %s (load applied at install, t=0)", strings.Join(steps, ", "))
	// A new Deployment without a replica count starts with 1 pod until the autoscaler applies
	// minReplicas; from the 2 pods the load hits, one step must reach 20.
	require.GreaterOrEqual(t, len(steps), 2)
	assert.True(t, strings.HasSuffix(steps[len(steps)-2], ": 2"), "the step before the maximum: %v", steps)
	assert.True(t, strings.HasSuffix(steps[len(steps)-1], ": 20"), "%v", steps)

	hpa, err := cs.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(context.Background(), m2Name("web"), metav1.GetOptions{})
	require.NoError(t, err)
	assert.EqualValues(t, 20, hpa.Status.DesiredReplicas)
	for _, c := range hpa.Status.Conditions {
		t.Logf("HPA %s=%s: %s", c.Type, c.Status, c.Message)
	}
}
