package deploy_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/helm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// TestSharedServicesEnvironments is the seed's layout: shared-services once, and one store in a
// test, an acceptance and a production namespace, every store on the minimal scenario's values
// (only sharedServices.namespace names the test's shared-services namespace). shared-services
// creates the three namespaces (Pod Security restricted, quota, limit range, the client label)
// and each environment's own Redis pair (in real containers, Debian's redis-server for Valkey)
// with its password in the store's namespace. Then, through the stores' own ExternalName Services
// and Secrets, from pods in their namespaces: acceptance flushes its cache the way Magento does
// and fills it far past its memory (it evicts), and tries production's instances with its own
// password (WRONGPASS); production's cache and sessions keep their keys and never evicted. A
// store in a namespace without an allocation is refused at install, naming the key.
func TestSharedServicesEnvironments(t *testing.T) {
	t.Parallel()
	requireRealNode(t)
	cs := clientset(t)
	shared := testCluster.Namespace(t, "envs")
	envs := []string{"test", "acceptance", "production"}
	namespaces := map[string]string{}
	var tenants []map[string]string
	for _, env := range envs {
		ns := shared + "-" + env
		namespaces[env] = ns
		tenants = append(tenants, map[string]string{"namespace": ns, "release": release})
		// The chart keeps the namespaces it creates (helm.sh/resource-policy keep): the test deletes them.
		t.Cleanup(func() { _ = cs.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) })
	}
	install(t, ssChart, shared, []string{ssChart + "/ci/minimal-values.yaml", realNodeValues(t, ssChart), valuesFile(t, "environments", map[string]any{"tenants": tenants})}, nil)

	ctx := context.Background()
	t.Run("namespaces fenced", func(t *testing.T) {
		for _, env := range envs {
			ns, err := cs.CoreV1().Namespaces().Get(ctx, namespaces[env], metav1.GetOptions{})
			require.NoError(t, err)
			assert.Equal(t, "restricted", ns.Labels["pod-security.kubernetes.io/enforce"], env)
			assert.Equal(t, "true", ns.Labels["magento-k8s.io/shared-services-client"], env)
			quotas, err := cs.CoreV1().ResourceQuotas(namespaces[env]).List(ctx, metav1.ListOptions{})
			require.NoError(t, err)
			assert.Len(t, quotas.Items, 1, env)
			limits, err := cs.CoreV1().LimitRanges(namespaces[env]).List(ctx, metav1.ListOptions{})
			require.NoError(t, err)
			assert.Len(t, limits.Items, 1, env)
		}
	})

	storeValues := valuesFile(t, "store-on-shared", map[string]any{"sharedServices": map[string]any{"namespace": shared}})
	for _, env := range envs {
		ns := namespaces[env]
		tenant := ns + "-" + release
		// The allocation: the password of the environment's instances, copied into its namespace.
		copied, err := cs.CoreV1().Secrets(ns).Get(ctx, release+"-shared-services", metav1.GetOptions{})
		require.NoError(t, err, "shared-services put the allocation into %s", ns)
		own, err := cs.CoreV1().Secrets(shared).Get(ctx, tenant+"-redis", metav1.GetOptions{})
		require.NoError(t, err)
		require.Equal(t, own.Data["password"], copied.Data["redis-password"], "%s: the store's copy is the instances' password", env)
		// No fixtures: the store gets nothing but what shared-services gave its namespace.
		require.NoError(t, helm.InstallE(t, helmOptions(t, ns, []string{m2Chart + "/ci/minimal-values.yaml", storeValues}, nil), abs(t, m2Chart)[0], release), "%s: helm install --wait under the namespace's quota", env)
	}

	production := namespaces["production"]
	prodCache := fmt.Sprintf("%s-%s-redis-cache.%s.svc.cluster.local", production, release, shared)
	prodSessions := fmt.Sprintf("%s-%s-redis-sessions.%s.svc.cluster.local", production, release, shared)
	cache, sessions := m2Name("redis"), m2Name("redis-sessions")
	cli := `redis-cli --no-auth-warning -a "$PW" -h`
	redisJob(t, production, "seed", fmt.Sprintf(`set -e
%[1]s %[2]s -n 0 SET zc_production kept
%[1]s %[2]s -n 1 SET fpc_production kept
%[1]s %[3]s -n 2 SET sess_production kept
`, cli, cache, sessions))

	out := redisJob(t, namespaces["acceptance"], "flush-fill", fmt.Sprintf(`%[1]s %[2]s -n 0 FLUSHDB
%[1]s %[2]s -n 1 FLUSHDB
%[1]s %[2]s FLUSHALL
redis-benchmark -h %[2]s -a "$PW" -t set -n 20000 -d 20000 -r 1000000 -q >/dev/null
echo "acceptance $(%[1]s %[2]s INFO stats | grep evicted_keys)"
echo "production cache with acceptance's password: $(%[1]s %[3]s -n 0 GET zc_production 2>&1)"
echo "production sessions with acceptance's password: $(%[1]s %[4]s -n 2 GET sess_production 2>&1)"
`, cli, cache, prodCache, prodSessions))
	evicted := 0
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "acceptance evicted_keys:"); ok {
			_, err := fmt.Sscan(v, &evicted)
			require.NoError(t, err, line)
		}
	}
	assert.Positive(t, evicted, "acceptance's 400 MB went into its own 96 MB cache, which evicted: %s", out)
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "production ") {
			assert.Contains(t, line, "WRONGPASS", "acceptance's credentials do not open production's instances")
			assert.NotContains(t, line, "kept")
		}
	}

	out = redisJob(t, production, "check", fmt.Sprintf(`echo "cache $(%[1]s %[2]s -n 0 GET zc_production) $(%[1]s %[2]s -n 1 GET fpc_production)"
echo "sessions $(%[1]s %[3]s -n 2 GET sess_production)"
echo "cache $(%[1]s %[2]s INFO stats | grep evicted_keys)"
echo "sessions $(%[1]s %[3]s INFO stats | grep evicted_keys)"
`, cli, cache, sessions))
	assert.Contains(t, out, "cache kept kept", "production's cache survived acceptance's flush and fill")
	assert.Contains(t, out, "sessions kept", "production's sessions survived")
	assert.Contains(t, out, "cache evicted_keys:0")
	assert.Contains(t, out, "sessions evicted_keys:0")

	// A node drain evicts through the eviction API: the Redis budget lets one instance go, refuses
	// the next until the first one's replacement is ready, so one environment at a time loses its
	// cache.
	t.Run("a drain evicts one environment's Redis at a time", func(t *testing.T) {
		pod := func(env string) string { return fmt.Sprintf("%s-%s-redis-cache-0", namespaces[env], release) }
		evict := func(env string) error {
			return cs.PolicyV1().Evictions(shared).Evict(ctx, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: pod(env), Namespace: shared}})
		}
		budget := func(ctx context.Context) (bool, string) {
			pdb, err := cs.PolicyV1().PodDisruptionBudgets(shared).Get(ctx, release+"-shared-services-redis", metav1.GetOptions{})
			if err != nil {
				return false, err.Error()
			}
			return pdb.Status.DisruptionsAllowed >= 1 && pdb.Status.CurrentHealthy == pdb.Status.ExpectedPods,
				fmt.Sprintf("allowed %d, healthy %d of %d", pdb.Status.DisruptionsAllowed, pdb.Status.CurrentHealthy, pdb.Status.ExpectedPods)
		}
		eventually(t, "every Redis instance healthy, a disruption allowed", 2*time.Minute, time.Second, budget)
		require.NoError(t, evict("test"), "the first eviction")
		err := evict("acceptance")
		require.Error(t, err, "a second instance while the first is away")
		assert.True(t, apierrors.IsTooManyRequests(err), "refused by the budget: %v", err)
		eventually(t, "test's cache back and ready", 2*time.Minute, time.Second, budget)
		require.NoError(t, evict("acceptance"), "the next one once the first is back")
	})

	t.Run("a store without an allocation is refused", func(t *testing.T) {
		ns := testCluster.Namespace(t, "envs-none")
		err := helm.InstallE(t, helmOptions(t, ns, []string{m2Chart + "/ci/minimal-values.yaml", storeValues}, nil), abs(t, m2Chart)[0], release)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "sharedServices.tenant: this store environment has no allocation")
		assert.Contains(t, err.Error(), fmt.Sprintf("add {namespace: %s, release: %s} to the tenants", ns, release))
		list, lerr := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		require.NoError(t, lerr)
		assert.Empty(t, list.Items, "nothing of the refused store was created")
	})
}

// redisJob runs script in a Job on the real node in namespace ns, with the Redis image's client
// and the store's Redis password (its Secret "<release>-shared-services") as $PW, waits until it
// completes and returns its logs.
func redisJob(t *testing.T, ns, name, script string) string {
	t.Helper()
	quantity := resource.MustParse
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: batchv1.JobSpec{
			BackoffLimit: ptr.To[int32](0),
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				RestartPolicy:                corev1.RestartPolicyNever,
				AutomountServiceAccountToken: ptr.To(false),
				NodeSelector:                 map[string]string{realNodeLabel: "real"},
				Tolerations:                  []corev1.Toleration{{Key: realNodeLabel, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}},
				SecurityContext: &corev1.PodSecurityContext{
					RunAsNonRoot: ptr.To(true), RunAsUser: ptr.To[int64](999), RunAsGroup: ptr.To[int64](999),
					SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
				},
				Containers: []corev1.Container{{
					Name:    "redis-cli",
					Image:   imageRef(t, "redis")["ref"],
					Command: []string{"sh", "-c", script},
					Env: []corev1.EnvVar{{Name: "PW", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
						LocalObjectReference: corev1.LocalObjectReference{Name: release + "-shared-services"}, Key: "redis-password",
					}}}},
					Resources: corev1.ResourceRequirements{
						Requests: corev1.ResourceList{corev1.ResourceCPU: quantity("50m"), corev1.ResourceMemory: quantity("32Mi"), corev1.ResourceEphemeralStorage: quantity("16Mi")},
						Limits:   corev1.ResourceList{corev1.ResourceMemory: quantity("256Mi"), corev1.ResourceEphemeralStorage: quantity("64Mi")},
					},
					SecurityContext: &corev1.SecurityContext{
						AllowPrivilegeEscalation: ptr.To(false), ReadOnlyRootFilesystem: ptr.To(true),
						Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
					},
				}},
			}},
		},
	}
	return runJob(t, ns, job, 3*time.Minute)
}
