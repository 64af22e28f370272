package render_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
)

const ssChart = "shared-services"

// ssName is the name of a component's object of the shared-services release.
func ssName(component string) string {
	return render.DefaultReleaseName + "-shared-services-" + component
}

func ssScenario(tb testing.TB, scenario string, set map[string]string) *render.Manifests {
	tb.Helper()
	return render.Render(tb, ssChart, render.Options{ValuesFiles: []string{fmt.Sprintf("%s/ci/%s-values.yaml", ssChart, scenario)}, SetValues: set})
}

// TestSharedServicesMatchStoreDefaults: the Services carry the names the magento2 chart's
// ExternalName Services point at by default (<name>.shared-services.svc.cluster.local).
func TestSharedServicesMatchStoreDefaults(t *testing.T) {
	t.Parallel()
	store := render.Values(t, m2Chart, render.Options{})
	m := render.Render(t, ssChart, render.Options{Namespace: "shared-services", ValuesFiles: []string{ssChart + "/ci/minimal-values.yaml"}})
	for _, key := range []string{"redis", "redisSessions", "search"} {
		ext, err := store.Table("externalServices." + key)
		require.NoError(t, err)
		name := fmt.Sprint(ext["externalName"])
		svcName, ns, _ := cutTwice(name)
		require.Equal(t, "shared-services", ns, "externalServices.%s points into the shared-services namespace", key)
		svc := render.Get[*corev1.Service](t, m, svcName)
		assert.EqualValues(t, ext["port"], svc.Spec.Ports[0].Port, "externalServices.%s.port", key)
	}
}

// cutTwice splits "svc.ns.svc.cluster.local" into svc and ns.
func cutTwice(dns string) (svc, ns, rest string) {
	var parts [3]string
	n := 0
	start := 0
	for i := 0; i < len(dns) && n < 2; i++ {
		if dns[i] == '.' {
			parts[n] = dns[start:i]
			n++
			start = i + 1
		}
	}
	parts[2] = dns[start:]
	return parts[0], parts[1], parts[2]
}

// TestSharedServicesRedis: the cache instance evicts and keeps nothing on disk, the sessions
// instance never evicts and writes an append-only file to a volume that outlives the release;
// maxmemory leaves room under the memory limit.
func TestSharedServicesRedis(t *testing.T) {
	t.Parallel()
	m := ssScenario(t, "minimal", nil)
	for _, tc := range []struct {
		instance, policy, appendonly string
		persistent                   bool
		maxmemory                    string
	}{
		{"cache", "allkeys-lru", "no", false, "maxmemory 192mb"},
		{"sessions", "noeviction", "yes", true, "maxmemory 96mb"},
	} {
		t.Run(tc.instance, func(t *testing.T) {
			conf := render.Get[*corev1.ConfigMap](t, m, ssName("redis-"+tc.instance)).Data["redis.conf"]
			assert.Contains(t, conf, "maxmemory-policy "+tc.policy+"\n")
			assert.Contains(t, conf, "appendonly "+tc.appendonly+"\n")
			assert.Contains(t, conf, tc.maxmemory+"\n")
			sts := render.Get[*appsv1.StatefulSet](t, m, ssName("redis-"+tc.instance))
			assert.Equal(t, tc.persistent, len(sts.Spec.VolumeClaimTemplates) == 1)
			if tc.persistent {
				require.NotNil(t, sts.Spec.PersistentVolumeClaimRetentionPolicy)
				assert.Equal(t, appsv1.RetainPersistentVolumeClaimRetentionPolicyType, sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted)
			}
		})
	}
}

// TestSharedServicesOpenSearch: a single node runs single-node discovery; three nodes bootstrap
// from each other through the headless Service, start in parallel, keep their volumes, spread
// over nodes and get a PodDisruptionBudget; the heap is half the memory limit.
func TestSharedServicesOpenSearch(t *testing.T) {
	t.Parallel()
	single := ssScenario(t, "minimal", nil)
	conf := render.Get[*corev1.ConfigMap](t, single, ssName("opensearch")).Data["opensearch.yml"]
	assert.Contains(t, conf, "discovery.type: single-node")
	assert.Contains(t, conf, "node.store.allow_mmap: false")
	_, ok := single.Lookup("PodDisruptionBudget", ssName("opensearch"))
	assert.False(t, ok, "no PDB for a single node")

	m := ssScenario(t, "production", nil)
	conf = render.Get[*corev1.ConfigMap](t, m, ssName("opensearch")).Data["opensearch.yml"]
	assert.Contains(t, conf, "- "+ssName("opensearch")+"-headless")
	for i := range 3 {
		assert.Contains(t, conf, fmt.Sprintf("- %s-%d", ssName("opensearch"), i))
	}
	assert.Contains(t, conf, "indices.query.bool.max_clause_count: 10000")
	sts := render.Get[*appsv1.StatefulSet](t, m, ssName("opensearch"))
	assert.Equal(t, appsv1.ParallelPodManagement, sts.Spec.PodManagementPolicy)
	assert.Equal(t, ssName("opensearch")+"-headless", sts.Spec.ServiceName)
	assert.NotEmpty(t, sts.Spec.Template.Spec.TopologySpreadConstraints)
	headless := render.Get[*corev1.Service](t, m, ssName("opensearch")+"-headless")
	assert.True(t, headless.Spec.PublishNotReadyAddresses)
	var opts string
	for _, e := range sts.Spec.Template.Spec.Containers[0].Env {
		if e.Name == "OPENSEARCH_JAVA_OPTS" {
			opts = e.Value
		}
	}
	assert.Contains(t, opts, "-Xms4096m -Xmx4096m")
	pdb := render.Get[*policyv1.PodDisruptionBudget](t, m, ssName("opensearch"))
	assert.Equal(t, "1", pdb.Spec.MaxUnavailable.String())
	np := render.Get[*networkingv1.NetworkPolicy](t, m, ssName("opensearch"))
	assert.Len(t, np.Spec.Ingress, 2, "clients on http, the nodes among themselves")
}

// TestSharedServicesBadValues: each bad setting fails naming its key.
func TestSharedServicesBadValues(t *testing.T) {
	t.Parallel()
	checkBadValues(t, ssChart, []badValues{
		{name: "two OpenSearch nodes", set: map[string]string{"opensearch.replicas": "2"}, want: []string{"opensearch.replicas"}},
		{name: "sessions that never evict but vanish on restart", setJSON: map[string]string{"redis.instances": `[{"name":"s","serviceName":"s","maxmemoryPolicy":"noeviction","resources":{"limits":{"memory":"1Gi"}}}]`},
			want: []string{"redis.instances[0]", "persistence.enabled"}},
		{name: "duplicate Redis Service names", setJSON: map[string]string{"redis.instances": `[{"name":"a","serviceName":"r","maxmemoryPolicy":"allkeys-lru","resources":{"limits":{"memory":"1Gi"}}},{"name":"b","serviceName":"r","maxmemoryPolicy":"allkeys-lru","resources":{"limits":{"memory":"1Gi"}}}]`},
			want: []string{"redis.instances[1].serviceName"}},
		{name: "Redis without a memory limit", setJSON: map[string]string{"redis.instances": `[{"name":"a","serviceName":"r","maxmemoryPolicy":"allkeys-lru","resources":{}}]`},
			want: []string{"redis.instances[0].resources.limits.memory is required"}},
		{name: "OpenSearch heap from no limit", setJSON: map[string]string{"opensearch.resources.limits": `null`},
			want: []string{"opensearch.resources.limits.memory is required"}},
		{name: "OpenSearch Service named like a Redis one", set: map[string]string{"opensearch.serviceName": "redis"},
			want: []string{"opensearch.serviceName", "redis.instances[0]"}},
		{name: "network policy letting everyone in", set: map[string]string{"networkPolicy.enabled": "true"},
			want: []string{"networkPolicy.clientNamespaceSelector is required"}},
		{name: "unknown eviction policy", setJSON: map[string]string{"redis.instances": `[{"name":"a","serviceName":"r","maxmemoryPolicy":"lru","resources":{"limits":{"memory":"1Gi"}}}]`},
			want: []string{"/redis/instances/0/maxmemoryPolicy"}},
		{name: "typo in a key", set: map[string]string{"opensearch.replica": "3"}, want: []string{"/opensearch", "replica"}},
		{name: "unknown pull policy", set: map[string]string{"redis.image.pullPolicy": "Sometimes"}, want: []string{"/redis/image/pullPolicy"}},
		{name: "volume size that is not a quantity", set: map[string]string{"opensearch.persistence.size": "lots"}, want: []string{"/opensearch/persistence/size"}},
		{name: "storage class with capitals", set: map[string]string{"opensearch.persistence.storageClass": "Fast_SSD"}, want: []string{"/opensearch/persistence/storageClass"}},
		{name: "Redis as root", setJSON: map[string]string{"redis.podSecurityContext": `{"runAsNonRoot":false}`}, want: []string{"redis.podSecurityContext.runAsNonRoot", "restricted"}},
		{name: "privileged OpenSearch", setJSON: map[string]string{"opensearch.containerSecurityContext": `{"privileged":true}`}, want: []string{"opensearch.containerSecurityContext.privileged"}},
		{name: "unknown key under podDefaults", set: map[string]string{"podDefaults.documentRoot": "/srv"}, want: []string{"/podDefaults", "documentRoot"}},
	})
}

// TestSharedServicesNotes: NOTES.txt names the in-cluster addresses the stores point at, and
// warns about a single OpenSearch node and about Redis and OpenSearch open to every namespace.
func TestSharedServicesNotes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		scenario      string
		want, notWant []string
	}{
		{"minimal", []string{
			"redis.shared-services.svc.cluster.local:6379  (cache: maxmemory-policy allkeys-lru, not persisted)",
			"redis-sessions.shared-services.svc.cluster.local:6379  (sessions: maxmemory-policy noeviction, persisted)",
			"http://opensearch.shared-services.svc.cluster.local:9200",
			"opensearch.replicas is 1", "networkPolicy.enabled is false",
		}, nil},
		{"production", []string{"OpenSearch (3 node(s))"}, []string{"WARNINGS"}},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			notes := render.Notes(t, ssChart, render.Options{Namespace: "shared-services", ValuesFiles: []string{fmt.Sprintf("%s/ci/%s-values.yaml", ssChart, tc.scenario)}})
			for _, want := range tc.want {
				assert.Contains(t, notes, want)
			}
			for _, notWant := range tc.notWant {
				assert.NotContains(t, notes, notWant)
			}
		})
	}
}
