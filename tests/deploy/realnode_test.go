package deploy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/helm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/magento-k8s/charts/tests/internal/cluster"
	"github.com/magento-k8s/charts/tests/internal/repo"
)

// realNode is the local cluster's real node (scripts/node.sh): containerd, a kubelet and
// kube-proxy, CoreDNS; tainted so that only pods that tolerate it land there.
const (
	realNode      = "magento-real-node"
	realNodeLabel = "magento-k8s.io/node"
)

// onRealNode is the scheduling that puts a component's pods on the real node.
var onRealNode = map[string]any{
	"nodeSelector": map[string]string{realNodeLabel: "real"},
	"tolerations":  []map[string]string{{"key": realNodeLabel, "operator": "Exists", "effect": "NoSchedule"}},
}

// requireRealNode fails unless the run's cluster has the real node, Ready. Only the local
// provider makes one (kind and existing clusters run their own nodes and lack the images).
func requireRealNode(t testing.TB) {
	t.Helper()
	if testCluster.Provider != cluster.Local {
		t.Skipf("the real node and its images are the local provider's (scripts/node.sh); this run uses %s", testCluster.Provider)
	}
	node, err := clientset(t).CoreV1().Nodes().Get(context.Background(), realNode, metav1.GetOptions{})
	require.NoError(t, err, "the local cluster's real node (scripts/node.sh up)")
	for _, c := range node.Status.Conditions {
		if c.Type == corev1.NodeReady {
			require.Equal(t, corev1.ConditionTrue, c.Status, "node %s Ready", realNode)
		}
	}
}

// imageRef is the reference of a locally built image (scripts/images.sh), split as the charts'
// image blocks take it.
func imageRef(t testing.TB, name string) map[string]string {
	t.Helper()
	out, err := exec.Command("bash", filepath.Join(repo.Root(t), "scripts", "images.sh"), "ref", name).Output()
	require.NoError(t, err, "scripts/images.sh ref %s", name)
	ref := strings.TrimSpace(string(out))
	registry, rest, _ := strings.Cut(ref, "/")
	repository, tag, _ := strings.Cut(rest, ":")
	return map[string]string{"registry": registry, "repository": repository, "tag": tag, "ref": ref}
}

// valuesFile writes values as a YAML file for helm and returns its path.
func valuesFile(t testing.TB, name string, values map[string]any) string {
	t.Helper()
	out, err := yaml.Marshal(values)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), name+".yaml")
	require.NoError(t, os.WriteFile(path, out, 0o600))
	return path
}

// TestMagento2RealNode runs a store in real containers: shared-services with the store's own Redis
// pair as its tenant (Debian's redis-server for Valkey; the password the store reads is the one
// shared-services put into its namespace) in one namespace, a MariaDB and the magento2 minimal scenario with the
// stub store's image (scripts/images.sh) in another, every pod on the real node except
// OpenSearch's (no Debian package: it stays on the simulated nodes). helm install --wait passes
// only when the kubelet finds the probes passing. Then, through the real data path: HTTP through
// the web Service's cluster IP (kube-proxy) hits nginx and php-fpm, the pages read the chart's
// env.php and reach the database and both Redis instances through the ExternalName Services in
// the store's namespace (CoreDNS), nginx's rules hold, the upgrade hook Job ran its script for
// real, and a cron run creates a pod that runs cron:run and exits.
func TestMagento2RealNode(t *testing.T) {
	t.Parallel()
	shared, store := storeOnSharedServices(t, "real", "magento")
	app := imageRef(t, "app")
	install(t, m2Chart, store, []string{m2Chart + "/ci/minimal-values.yaml", valuesFile(t, "store-real", map[string]any{
		"image":          map[string]string{"registry": app["registry"], "repository": app["repository"], "tag": app["tag"]},
		"magento":        map[string]any{"database": map[string]any{"host": "db." + store + ".svc.cluster.local"}},
		"web":            onRealNode,
		"cron":           onRealNode,
		"consumers":      onRealNode,
		"upgrade":        onRealNode,
		"sharedServices": map[string]any{"namespace": shared},
	})}, nil)

	get := realWebService(t, store, m2Name("web"), "/health_check.php")
	t.Run("pages reach the database and Redis", func(t *testing.T) {
		var page struct {
			Config map[string]any    `json:"config"`
			Reach  map[string]string `json:"reach"`
		}
		getJSON(t, get, "/?reach=1", &page)
		assert.Equal(t, "admin", page.Config["backend"].(map[string]any)["frontName"], "the chart's env.php, not the image's")
		assertReached(t, page.Reach, shared, "cache", "page_cache", "session")
	})
	t.Run("nginx's rules", func(t *testing.T) {
		assertStatuses(t, get, map[string]int{
			"/health_check.php": 200,
			"/static/frontend/Magento/luma/en_US/css/styles-m.css": 200,
			"/app/etc/env.php":            404,
			"/setup/":                     404,
			"/secret.php":                 404,
			"/media/customer/invoice.pdf": 404,
		})
	})
	t.Run("the upgrade hook ran", func(t *testing.T) {
		logs := jobLogs(t, store, m2Name("upgrade"))
		assert.Contains(t, logs, "stub: setup:db:status")
		assert.Contains(t, logs, "upgrade: database schema and data are up to date")
	})
	t.Run("a cron run runs cron:run and ends", func(t *testing.T) {
		assert.Contains(t, runFromCronJob(t, store, m2Name("cron-main"), "cron-main-now", nil), "stub: cron:run")
	})
}

// storeOnSharedServices makes a shared-services namespace and a store namespace (prefix-shared,
// prefix-store), installs shared-services' minimal scenario on the real node with the store's
// release as its tenant, and the store's MariaDB (database and user db, the minimal scenarios'
// password). It returns both namespaces.
func storeOnSharedServices(t testing.TB, prefix, db string) (shared, store string) {
	t.Helper()
	requireRealNode(t)
	shared = testCluster.Namespace(t, prefix+"-shared")
	store = testCluster.Namespace(t, prefix+"-store")
	install(t, ssChart, shared, []string{ssChart + "/ci/minimal-values.yaml", realNodeValues(t, ssChart), tenantValues(t, store)}, nil)
	storeDatabase(t, store, db, db, "change-me")
	return shared, store
}

// storeDatabase installs a MariaDB (scripts/demo-database, release "db": Service db.<ns>) on the
// real node with the database, user and password a scenario's store expects.
func storeDatabase(t testing.TB, ns, database, user, password string) {
	t.Helper()
	db := helmOptions(t, ns, nil, map[string]string{
		"image": imageRef(t, "mariadb")["ref"], "database": database, "user": user, "password": password,
		"nodeSelector." + strings.ReplaceAll(realNodeLabel, ".", `\.`): "real",
		"tolerations[0].key": realNodeLabel, "tolerations[0].operator": "Exists",
	})
	require.NoError(t, helm.InstallE(t, db, filepath.Join(repo.Root(t), "scripts", "demo-database"), "db"), "the store's database")
}

// realWebService checks that the store's web pods in ns run on the real node and returns a GET
// through the web Service's cluster IP (kube-proxy on the real node) that returns the status and
// body. helm --wait returns once the pods are ready; kube-proxy programs the Service's endpoints
// on the node moments later (until then the ClusterIP refuses connections), so it first waits,
// bounded and timed, until path answers.
func realWebService(t *testing.T, ns, service, path string) func(t *testing.T, path string) (int, string) {
	t.Helper()
	cs := clientset(t)
	ctx := context.Background()
	pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/component=web"})
	require.NoError(t, err)
	require.NotEmpty(t, pods.Items)
	for _, p := range pods.Items {
		assert.Equal(t, realNode, p.Spec.NodeName, "pod %s runs on the real node", p.Name)
	}
	svc, err := cs.CoreV1().Services(ns).Get(ctx, service, metav1.GetOptions{})
	require.NoError(t, err)
	base := fmt.Sprintf("http://%s:%d", svc.Spec.ClusterIP, svc.Spec.Ports[0].Port)
	begin := time.Now()
	eventually(t, "the web Service answers on the real node", 30*time.Second, 200*time.Millisecond, func(context.Context) (bool, string) {
		resp, err := (&http.Client{Timeout: 2 * time.Second}).Get(base + path)
		if err != nil {
			return false, err.Error()
		}
		_ = resp.Body.Close()
		return true, ""
	})
	t.Logf("the web Service answered %.1fs after helm install --wait", time.Since(begin).Seconds())
	client := &http.Client{Timeout: 10 * time.Second}
	return func(t *testing.T, path string) (int, string) {
		t.Helper()
		resp, err := client.Get(base + path)
		require.NoError(t, err, "GET %s through the web Service", path)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
}

// jobLogs returns the logs of the pods of Job name (through the API server and the kubelet).
func jobLogs(t *testing.T, namespace, name string) string {
	t.Helper()
	cs := clientset(t)
	ctx := context.Background()
	pods, err := cs.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: "batch.kubernetes.io/job-name=" + name})
	require.NoError(t, err)
	require.NotEmpty(t, pods.Items, "pods of Job %s", name)
	var out strings.Builder
	for _, p := range pods.Items {
		b, err := cs.CoreV1().Pods(namespace).GetLogs(p.Name, &corev1.PodLogOptions{}).DoRaw(ctx)
		require.NoError(t, err, "logs of %s", p.Name)
		out.Write(b)
	}
	return out.String()
}

// merge returns a new map with the keys of a, then b.
func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// TestMagento2RealNodeVarnishAndMaintenance runs a store with Varnish (Debian's varnishd, two
// instances) and a shared var/ volume in real containers: pages come from Varnish's cache, a
// PURGE through the public Service is refused, bin/magento in a pod of the release purges the
// tagged pages on every instance (by their stable names, on the purge port, through CoreDNS), and
// maintenance mode switched on by a pod reaches the web pods through the shared var/ volume (503)
// and off again.
func TestMagento2RealNodeVarnishAndMaintenance(t *testing.T) {
	t.Parallel()
	requireRealNode(t)
	ns := testCluster.Namespace(t, "real-varnish")
	app, varnish := imageRef(t, "app"), imageRef(t, "varnish")
	small := func(cpu, memory string) map[string]any {
		return map[string]any{"requests": map[string]string{"cpu": cpu, "memory": memory}, "limits": map[string]string{"memory": memory}}
	}
	install(t, m2Chart, ns, []string{m2Chart + "/ci/minimal-values.yaml", valuesFile(t, "varnish-real", map[string]any{
		"image":   map[string]string{"registry": app["registry"], "repository": app["repository"], "tag": app["tag"]},
		"web":     merge(onRealNode, map[string]any{"php": map[string]any{"resources": merge(small("20m", "4Gi"), nil)}}),
		"upgrade": onRealNode,
		// One suspended cron entry: its pod template runs the test's bin/magento commands.
		"cron":      merge(onRealNode, map[string]any{"jobs": []map[string]any{{"name": "main", "schedule": "* * * * *", "args": []string{"--exclude-group=index"}, "groups": []string{"default"}, "suspend": true}}}),
		"consumers": map[string]any{"enabled": false},
		"varnish": merge(onRealNode, map[string]any{
			"enabled": true, "replicas": 2, "debugHeaders": true, "resources": small("20m", "256Mi"),
			"image": map[string]string{"registry": varnish["registry"], "repository": varnish["repository"], "tag": varnish["tag"]},
		}),
		"persistence": map[string]any{"var": map[string]any{"enabled": true}},
	})}, nil)
	cs := clientset(t)
	ctx := context.Background()
	front, err := cs.CoreV1().Services(ns).Get(ctx, m2Name("varnish"), metav1.GetOptions{})
	require.NoError(t, err)
	web, err := cs.CoreV1().Services(ns).Get(ctx, m2Name("web"), metav1.GetOptions{})
	require.NoError(t, err)
	// One connection, so one Varnish instance, for the cache's view.
	client := &http.Client{Timeout: 10 * time.Second}
	fetch := func(t *testing.T, method, url string) (int, string, string) {
		t.Helper()
		req, err := http.NewRequest(method, url, nil)
		require.NoError(t, err)
		resp, err := client.Do(req)
		require.NoError(t, err, "%s %s", method, url)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var page struct {
			Nonce string `json:"nonce"`
		}
		_ = json.Unmarshal(b, &page)
		return resp.StatusCode, resp.Header.Get("X-Magento-Cache-Debug"), page.Nonce
	}
	page := fmt.Sprintf("http://%s:%d/women.html?tags=cat_c_3", front.Spec.ClusterIP, front.Spec.Ports[0].Port)

	t.Run("pages from the cache", func(t *testing.T) {
		// helm --wait returned once every pod was ready; a Varnish that started before the web
		// pods saw its health probes fail meanwhile, and serves once 3 of its last 5 came back
		// good (the VCL's .probe: 2 s apart, so within seconds).
		started := time.Now()
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			resp, err := client.Get(fmt.Sprintf("http://%s:%d/health_check.php", front.Spec.ClusterIP, front.Spec.Ports[0].Port))
			if assert.NoError(c, err) {
				resp.Body.Close()
				assert.Equal(c, 200, resp.StatusCode)
			}
		}, 30*time.Second, time.Second, "Varnish never found its backend healthy")
		t.Logf("Varnish served its backend %.1fs after helm --wait", time.Since(started).Seconds())
		status, _, first := fetch(t, http.MethodGet, page)
		require.Equal(t, 200, status)
		status, cache, again := fetch(t, http.MethodGet, page)
		require.Equal(t, 200, status)
		assert.Equal(t, "HIT", cache)
		assert.Equal(t, first, again)
	})
	t.Run("no purge through the public Service", func(t *testing.T) {
		status, _, _ := fetch(t, "PURGE", fmt.Sprintf("http://%s:%d/", front.Spec.ClusterIP, front.Spec.Ports[0].Port))
		assert.Equal(t, 405, status)
		_, cache, _ := fetch(t, http.MethodGet, page)
		assert.Equal(t, "HIT", cache, "nothing was purged")
	})
	t.Run("bin/magento purges every instance", func(t *testing.T) {
		logs := runMagento(t, ns, "purge", "stub:purge-tags", "cat_c_3")
		for i := range 2 {
			assert.Contains(t, logs, fmt.Sprintf("purge %s-%d.%s:6091: HTTP/1.1 200 Purged", m2Name("varnish"), i, m2Name("varnish-pods")))
		}
		_, cache, _ := fetch(t, http.MethodGet, page)
		assert.Equal(t, "MISS", cache, "the tagged page is gone")
	})
	t.Run("maintenance through the shared var volume", func(t *testing.T) {
		url := fmt.Sprintf("http://%s:%d/", web.Spec.ClusterIP, web.Spec.Ports[0].Port)
		runMagento(t, ns, "maintenance-on", "maintenance:enable")
		status, _, _ := fetch(t, http.MethodGet, url)
		assert.Equal(t, 503, status, "the web pods see the flag a cron pod set")
		runMagento(t, ns, "maintenance-off", "maintenance:disable")
		status, _, _ = fetch(t, http.MethodGet, url)
		assert.Equal(t, 200, status)
	})
}

// runMagento runs bin/magento ARGS in a pod of the release (the template of the CronJob
// cron-main: the app image, the store's env.php, env and volumes) and returns its logs.
func runMagento(t *testing.T, ns, name string, args ...string) string {
	t.Helper()
	return runFromCronJob(t, ns, m2Name("cron-main"), name, append([]string{"/usr/bin/tini", "-g", "--", "php", "bin/magento"}, args...))
}

// runFromCronJob creates Job name from the CronJob's template (with command instead of the
// container's own when given), waits until it completes and returns its pods' logs.
func runFromCronJob(t *testing.T, ns, cronJob, name string, command []string) string {
	t.Helper()
	cs := clientset(t)
	ctx := context.Background()
	cj, err := cs.BatchV1().CronJobs(ns).Get(ctx, cronJob, metav1.GetOptions{})
	require.NoError(t, err)
	spec := cj.Spec.JobTemplate.Spec.DeepCopy()
	if command != nil {
		spec.Template.Spec.Containers[0].Command = command
	}
	return runJob(t, ns, &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: *spec}, 2*time.Minute)
}

// runJob creates job in ns, waits (at most timeout) until it has succeeded or failed for good
// (its Failed condition: retries spent), requires that it succeeded and returns its pods' logs.
func runJob(t *testing.T, ns string, job *batchv1.Job, timeout time.Duration) string {
	t.Helper()
	cs := clientset(t)
	_, err := cs.BatchV1().Jobs(ns).Create(context.Background(), job, metav1.CreateOptions{})
	require.NoError(t, err)
	var succeeded bool
	eventually(t, "Job "+job.Name+" complete", timeout, time.Second, func(ctx context.Context) (bool, string) {
		j, err := cs.BatchV1().Jobs(ns).Get(ctx, job.Name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		succeeded = j.Status.Succeeded > 0
		failed := slices.ContainsFunc(j.Status.Conditions, func(c batchv1.JobCondition) bool {
			return c.Type == batchv1.JobFailed && c.Status == corev1.ConditionTrue
		})
		return succeeded || failed, fmt.Sprintf("succeeded %d failed %d", j.Status.Succeeded, j.Status.Failed)
	})
	logs := jobLogs(t, ns, job.Name)
	require.True(t, succeeded, "Job %s/%s failed: %s", ns, job.Name, logs)
	return logs
}

// realNodeValues writes the values that put a chart's scenario onto the real node: every image
// its pods use replaced by the one built here (scripts/images.sh; a scenario's digest dropped:
// these images have other digests), every component scheduled there, and the requests trimmed
// so that every test's pods fit the node's 2 CPUs together (limits stay: php-fpm is sized from
// them). OpenSearch has no image to build (no Debian package): its pods stay on the simulated
// nodes.
func realNodeValues(t testing.TB, chart string) string {
	t.Helper()
	img := func(name string) map[string]string {
		r := imageRef(t, name)
		return map[string]string{"registry": r["registry"], "repository": r["repository"], "tag": r["tag"], "digest": ""}
	}
	requests := func(cpu, memory string) map[string]any {
		return map[string]any{"resources": map[string]any{"requests": map[string]string{"cpu": cpu, "memory": memory}}}
	}
	// What both store charts share: the web pod (nginx from its own image), cron, metrics.
	store := func(app string) map[string]any {
		return map[string]any{
			"image": img(app),
			"web": merge(onRealNode, map[string]any{
				"nginx": merge(requests("10m", "32Mi"), map[string]any{"image": img("nginx")}),
				"php":   requests("20m", "64Mi"),
			}),
			"cron":    merge(onRealNode, requests("10m", "64Mi")),
			"metrics": map[string]any{"nginx": map[string]any{"image": img("exporter")}},
		}
	}
	var values map[string]any
	switch chart {
	case m2Chart:
		values = merge(store("app"), map[string]any{
			"consumers": merge(onRealNode, requests("10m", "64Mi")),
			"upgrade":   merge(onRealNode, requests("20m", "64Mi")),
			"varnish": merge(onRealNode, map[string]any{"image": img("varnish"),
				"resources": map[string]any{"requests": map[string]string{"cpu": "10m", "memory": "128Mi"}, "limits": map[string]string{"memory": "512Mi"}}}),
		})
	case m1Chart:
		values = merge(store("openmage"), map[string]any{"setup": merge(onRealNode, requests("20m", "64Mi"))})
	case ssChart:
		values = map[string]any{
			"redis": merge(onRealNode, map[string]any{"image": img("redis"), "server": "redis-server"}),
			// redis_exporter from the exporter image, when a scenario turns metrics on.
			"metrics": map[string]any{"redis": map[string]any{"image": img("exporter")}},
		}
	default:
		t.Fatalf("no real-node values for chart %s", chart)
	}
	return valuesFile(t, chart+"-real-node", values)
}

// tenantValues are the shared-services values that allocate Redis instances of their own to
// release "shop" in each store namespace (which exist already: the chart creates no Namespace
// there, and no quota or limit range, which tests of their own check).
func tenantValues(t testing.TB, stores ...string) string {
	t.Helper()
	tenants := make([]map[string]string, 0, len(stores))
	for _, ns := range stores {
		tenants = append(tenants, map[string]string{"namespace": ns, "release": release})
	}
	return valuesFile(t, "tenants", map[string]any{
		"tenants":    tenants,
		"namespaces": map[string]any{"create": false, "resourceQuota": nil, "limitRange": []any{}},
	})
}

// assertReached checks a stub page's ?reach=1 report: the database answered, and each named Redis
// answered PONG through its ExternalName Service.
func assertReached(t *testing.T, reach map[string]string, shared string, redis ...string) {
	t.Helper()
	assert.True(t, strings.HasPrefix(reach["db"], "ok "), "the database answered: %s", reach["db"])
	for _, name := range redis {
		assert.Equal(t, "PONG", reach[name], "%s Redis through the ExternalName Service in %s", name, shared)
	}
}

// assertStatuses GETs each path through get and checks its status.
func assertStatuses(t *testing.T, get func(t *testing.T, path string) (int, string), want map[string]int) {
	t.Helper()
	for path, status := range want {
		got, body := get(t, path)
		assert.Equal(t, status, got, "GET %s: %.200s", path, body)
	}
}
