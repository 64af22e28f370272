package render_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

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

// TestSharedServicesMatchStoreDefaults: a store environment listed in tenants finds its own
// instances and password with every store value left at its default: each store chart's
// ExternalName Services point at Services this release renders, and its Redis password reference
// names the Secret and key this release puts into the store's namespace.
func TestSharedServicesMatchStoreDefaults(t *testing.T) {
	t.Parallel()
	// The minimal scenario's tenant: release "shop" in namespace "test".
	shared := render.Render(t, ssChart, render.Options{Namespace: "shared-services", ValuesFiles: []string{ssChart + "/ci/minimal-values.yaml"}})
	for _, tc := range []struct {
		chart    string
		name     func(string) string
		password string
	}{
		{m2Chart, m2Name, "MAGENTO_REDIS_PASSWORD"},
		{m1Chart, m1Name, "OPENMAGE_REDIS_PASSWORD"},
	} {
		t.Run(tc.chart, func(t *testing.T) {
			t.Parallel()
			// The minimal scenario sets no Redis or externalServices value.
			store := render.Render(t, tc.chart, render.Options{Namespace: "test", ValuesFiles: []string{tc.chart + "/ci/minimal-values.yaml"}})
			components := []string{"redis", "redis-sessions"}
			if tc.chart == m2Chart {
				components = append(components, "search")
			}
			for _, component := range components {
				ext := render.Get[*corev1.Service](t, store, tc.name(component))
				svcName, ns, rest := cutTwice(ext.Spec.ExternalName)
				require.Equal(t, "shared-services", ns, "%s points into the shared-services namespace", component)
				assert.Equal(t, "svc.cluster.local", rest)
				svc := render.Get[*corev1.Service](t, shared, svcName)
				assert.Equal(t, svc.Spec.Ports[0].Port, ext.Spec.Ports[0].Port, component)
			}
			var ref *corev1.SecretKeySelector
			for _, pt := range store.PodTemplates() {
				for _, c := range render.Containers(pt.Spec) {
					for _, e := range c.Env {
						if e.Name == tc.password {
							require.NotNil(t, e.ValueFrom, "%s of %s", e.Name, pt)
							ref = e.ValueFrom.SecretKeyRef
						}
					}
				}
			}
			require.NotNil(t, ref, "the store passes its Redis password to PHP")
			copied := render.Get[*corev1.Secret](t, shared, ref.Name)
			assert.Equal(t, "test", copied.Namespace, "shared-services puts the password into the store's namespace")
			assert.Contains(t, copied.Data, ref.Key)
			own := render.Get[*corev1.Secret](t, shared, "test-shop-redis")
			assert.Equal(t, own.Data["password"], copied.Data[ref.Key], "the instances' password and the store's copy agree")
		})
	}
}

// cutTwice splits "svc.ns.svc.cluster.local" into svc and ns.
func cutTwice(dns string) (svc, ns, rest string) {
	svc, rest, _ = strings.Cut(dns, ".")
	ns, rest, _ = strings.Cut(rest, ".")
	return svc, ns, rest
}

// TestSharedServicesRedis: a tenant's cache instance evicts and keeps nothing on disk, its
// sessions instance never evicts and writes an append-only file to a volume that outlives the
// release; maxmemory leaves room under the memory limit; both require the tenant's password.
func TestSharedServicesRedis(t *testing.T) {
	t.Parallel()
	m := ssScenario(t, "minimal", nil)
	for _, tc := range []struct {
		instance, policy, appendonly string
		persistent                   bool
		maxmemory                    string
	}{
		{"cache", "allkeys-lru", "no", false, "maxmemory 96mb"},
		{"sessions", "noeviction", "yes", true, "maxmemory 48mb"},
	} {
		t.Run(tc.instance, func(t *testing.T) {
			name := "test-shop-redis-" + tc.instance
			conf := render.Get[*corev1.ConfigMap](t, m, name).Data["redis.conf"]
			assert.Contains(t, conf, "maxmemory-policy "+tc.policy+"\n")
			assert.Contains(t, conf, "appendonly "+tc.appendonly+"\n")
			assert.Contains(t, conf, tc.maxmemory+"\n")
			sts := render.Get[*appsv1.StatefulSet](t, m, name)
			assert.Equal(t, tc.persistent, len(sts.Spec.VolumeClaimTemplates) == 1)
			if tc.persistent {
				require.NotNil(t, sts.Spec.PersistentVolumeClaimRetentionPolicy)
				assert.Equal(t, appsv1.RetainPersistentVolumeClaimRetentionPolicyType, sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted)
			}
			c := sts.Spec.Template.Spec.Containers[0]
			assert.Equal(t, []string{"valkey-server", "/etc/redis/redis.conf", "--requirepass", "$(REDIS_PASSWORD)"}, c.Command)
			require.NotEmpty(t, c.Env)
			assert.Equal(t, "test-shop-redis", c.Env[0].ValueFrom.SecretKeyRef.Name)
		})
	}
}

// TestSharedServicesDisruptionBudgets: every pod of the shared services is covered by exactly one
// PodDisruptionBudget (the eviction API refuses a pod under two): one over every Redis instance,
// tenants' and shared ones alike, evicting one at a time so that a drain takes one environment's
// cache at a time, and the OpenSearch nodes' own. redis.pdb.enabled=false leaves Redis without.
func TestSharedServicesDisruptionBudgets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		scenario string
		set      map[string]string
		want     map[string]string // StatefulSet → the budget covering its pods ("" for none)
	}{
		{"production", nil, map[string]string{
			"test-shop-redis-cache": ssName("redis"), "test-shop-redis-sessions": ssName("redis"),
			"acceptance-shop-redis-cache": ssName("redis"), "acceptance-shop-redis-sessions": ssName("redis"),
			"production-shop-redis-cache": ssName("redis"), "production-shop-redis-sessions": ssName("redis"),
			ssName("redis-reports"): ssName("redis"), ssName("opensearch"): ssName("opensearch"),
		}},
		{"minimal", map[string]string{"redis.pdb.enabled": "false"}, map[string]string{
			"test-shop-redis-cache": "", "test-shop-redis-sessions": "",
			ssName("opensearch"): "", // one node: no budget (sharedservices TestSharedServicesOpenSearch)
		}},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			m := ssScenario(t, tc.scenario, tc.set)
			budgets := render.Find[*policyv1.PodDisruptionBudget](m)
			have := map[string]string{}
			for _, sts := range render.Find[*appsv1.StatefulSet](m) {
				var covering []string
				for _, pdb := range budgets {
					sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
					require.NoError(t, err)
					if sel.Matches(labels.Set(sts.Spec.Template.Labels)) {
						covering = append(covering, pdb.Name)
					}
				}
				require.LessOrEqual(t, len(covering), 1, "%s: pods under more than one budget cannot be evicted", sts.Name)
				have[sts.Name] = strings.Join(covering, "")
			}
			assert.Equal(t, tc.want, have)
			for _, pdb := range budgets {
				if pdb.Name == ssName("redis") {
					assert.Equal(t, intstr.FromInt32(1), *pdb.Spec.MaxUnavailable, "one Redis instance at a time")
					require.NotNil(t, pdb.Spec.UnhealthyPodEvictionPolicy)
					assert.Equal(t, policyv1.AlwaysAllow, *pdb.Spec.UnhealthyPodEvictionPolicy, "a crash-looping instance never blocks a drain")
				}
			}
		})
	}
}

// TestSharedServicesTenants: three environments of one store get six instances, behind three
// passwords, each reachable from its own namespace only; the namespaces are created with Pod
// Security restricted, the client label, a quota and a limit range (production's quota and test's
// limit range replaced), kept on uninstall like the passwords.
func TestSharedServicesTenants(t *testing.T) {
	t.Parallel()
	m := ssScenario(t, "production", nil)
	for _, env := range []string{"test", "acceptance", "production"} {
		t.Run(env, func(t *testing.T) {
			tenant := env + "-shop"
			for _, which := range []string{"cache", "sessions"} {
				name := tenant + "-redis-" + which
				sts := render.Get[*appsv1.StatefulSet](t, m, name)
				assert.Equal(t, tenant+"-redis", sts.Spec.Template.Spec.Containers[0].Env[0].ValueFrom.SecretKeyRef.Name, name)
				np := render.Get[*networkingv1.NetworkPolicy](t, m, name)
				require.Len(t, np.Spec.Ingress, 1)
				require.Len(t, np.Spec.Ingress[0].From, 1)
				assert.Equal(t, map[string]string{"kubernetes.io/metadata.name": env}, np.Spec.Ingress[0].From[0].NamespaceSelector.MatchLabels, "%s admits only its namespace", name)
				assert.Equal(t, sts.Spec.Selector.MatchLabels, np.Spec.PodSelector.MatchLabels)
			}
			for _, secret := range []*corev1.Secret{render.Get[*corev1.Secret](t, m, tenant+"-redis"), render.GetIn[*corev1.Secret](t, m, env, "shop-shared-services")} {
				assert.Equal(t, "keep", secret.Annotations["helm.sh/resource-policy"], secret.Name)
			}
			ns := render.Get[*corev1.Namespace](t, m, env)
			assert.Empty(t, ns.Namespace, "a Namespace is cluster-scoped")
			assert.Equal(t, "restricted", ns.Labels["pod-security.kubernetes.io/enforce"])
			assert.Equal(t, "true", ns.Labels["magento-k8s.io/shared-services-client"])
			assert.Equal(t, "shop", ns.Labels["example.com/team"])
			assert.Equal(t, "keep", ns.Annotations["helm.sh/resource-policy"])
			fullname := render.DefaultReleaseName + "-shared-services"
			quota := render.GetIn[*corev1.ResourceQuota](t, m, env, fullname)
			want := map[string]string{"test": "16", "acceptance": "16", "production": "48"}[env]
			assert.Equal(t, want, quota.Spec.Hard.Name("requests.cpu", "").String())
			limits := 0
			for _, lr := range render.Find[*corev1.LimitRange](m) {
				if lr.Namespace == env && lr.Name == fullname {
					limits++
				}
			}
			assert.Equal(t, map[bool]int{true: 0, false: 1}[env == "test"], limits, "test's limit range is overridden with none")
		})
	}
	sts := render.Get[*appsv1.StatefulSet](t, m, "production-shop-redis-cache")
	assert.Equal(t, "4Gi", sts.Spec.Template.Spec.Containers[0].Resources.Limits.Memory().String(), "a tenant's own resources")
	assert.Contains(t, render.Get[*corev1.ConfigMap](t, m, "production-shop-redis-cache").Data["redis.conf"], "maxmemory-policy allkeys-lfu\n")
	claims := render.Get[*appsv1.StatefulSet](t, m, "production-shop-redis-sessions").Spec.VolumeClaimTemplates
	require.Len(t, claims, 1)
	assert.Equal(t, "premium-rwo", *claims[0].Spec.StorageClassName)
	// The shared instance beside them keeps its own name, password and client selector.
	reports := render.Get[*appsv1.StatefulSet](t, m, ssName("redis-reports"))
	assert.Equal(t, "shared-redis", reports.Spec.Template.Spec.Containers[0].Env[0].ValueFrom.SecretKeyRef.Name)
	np := render.Get[*networkingv1.NetworkPolicy](t, m, ssName("redis-reports"))
	assert.Equal(t, map[string]string{"magento-k8s.io/shared-services-client": "true"}, np.Spec.Ingress[0].From[0].NamespaceSelector.MatchLabels)
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
		{name: "OpenSearch Service named like a tenant's Redis", set: map[string]string{"opensearch.serviceName": "test-shop-redis-cache"},
			want: []string{"opensearch.serviceName", "tenants[0].cache"}},
		{name: "tenant name too long", setJSON: map[string]string{"tenants": `[{"namespace":"acceptance-environment","release":"webshop-netherlands"}]`},
			want: []string{"tenants[0]", "longer than 37", "tenants[0].name"}},
		{name: "one environment listed twice", setJSON: map[string]string{"tenants": `[{"namespace":"test","release":"shop"},{"namespace":"test","release":"shop","name":"other"}]`},
			want: []string{"tenants[1]", "listed twice"}},
		{name: "two environments with one name", setJSON: map[string]string{"tenants": `[{"namespace":"test","release":"shop","name":"t"},{"namespace":"acc","release":"shop","name":"t"}]`},
			want: []string{"tenants[1]", "used twice"}},
		{name: "tenants without Redis", set: map[string]string{"redis.enabled": "false"}, want: []string{"redis.enabled"}},
		{name: "a tenant's cache that never evicts", set: map[string]string{"tenants[0].cache.maxmemoryPolicy": "noeviction"}, want: []string{"/tenants/0/cache/maxmemoryPolicy"}},
		{name: "quota override for a namespace without tenants", setJSON: map[string]string{"namespaces.overrides": `{"prod":{"resourceQuota":{}}}`}, want: []string{"namespaces.overrides.prod"}},
		{name: "tenant namespace that is not a DNS label", set: map[string]string{"tenants[0].namespace": "Test_Env"}, want: []string{"/tenants/0/namespace"}},
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
			"test/shop: test-shop-redis-cache and test-shop-redis-sessions, password in Secret test/shop-shared-services",
			"http://opensearch.shared-services.svc.cluster.local:9200",
			"opensearch.replicas is 1", "networkPolicy.enabled is false",
		}, nil},
		{"production", []string{"OpenSearch (3 node(s))", "production/shop: production-shop-redis-cache",
			"redis-reports.shared-services.svc.cluster.local:6379  (reports: maxmemory-policy allkeys-lru, not persisted)"}, []string{"WARNINGS"}},
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

// TestStoreSharedServicesTenant: how a store chart finds its tenant on the shared services: by
// default "<namespace>-<release>", refused naming sharedServices.tenant when that is too long for
// the tenant's objects; a tenant name of its own; a Redis of its own (magento.redis.host) leaves
// the tenant's password alone.
func TestStoreSharedServicesTenant(t *testing.T) {
	t.Parallel()
	for _, chart := range []string{m2Chart, m1Chart} {
		name := map[string]func(string) string{m2Chart: m2Name, m1Chart: m1Name}[chart]
		scenario := []string{chart + "/ci/minimal-values.yaml"}
		t.Run(chart, func(t *testing.T) {
			t.Parallel()
			_, err := render.RenderE(t, chart, render.Options{Namespace: "acceptance-environment", ReleaseName: "webshop-netherlands", ValuesFiles: scenario})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "sharedServices.tenant")
			assert.Contains(t, err.Error(), `"acceptance-environment-webshop-netherlands" is longer than 37`)

			_, err = render.RenderE(t, chart, render.Options{ValuesFiles: scenario, SetValues: map[string]string{"sharedServices.tenant": "Shop_Acc"}})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "/sharedServices/tenant")

			own := render.Render(t, chart, render.Options{ValuesFiles: scenario, SetValues: map[string]string{"sharedServices.tenant": "shop-acc", "sharedServices.namespace": "platform"}})
			assert.Equal(t, "shop-acc-redis-cache.platform.svc.cluster.local", render.Get[*corev1.Service](t, own, name("redis")).Spec.ExternalName)
			assert.Equal(t, "shop-acc-redis-sessions.platform.svc.cluster.local", render.Get[*corev1.Service](t, own, name("redis-sessions")).Spec.ExternalName)

			private := render.Render(t, chart, render.Options{ValuesFiles: scenario, SetValues: map[string]string{"magento.redis.host": "redis.shop.internal", "magento.redis.password": "own"}})
			for _, pt := range private.PodTemplates() {
				for _, c := range render.Containers(pt.Spec) {
					for _, e := range c.Env {
						if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
							assert.NotEqual(t, "shop-shared-services", e.ValueFrom.SecretKeyRef.Name, "%s %s: a store on its own Redis does not read the tenant's password", pt, e.Name)
						}
					}
				}
			}
		})
	}
}
