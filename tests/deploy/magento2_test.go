package deploy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"

	"github.com/magento-k8s/charts/tests/internal/cluster"
	"github.com/magento-k8s/charts/tests/internal/existing"
	"github.com/magento-k8s/charts/tests/internal/fixtures"
	"github.com/magento-k8s/charts/tests/internal/render"
)

const (
	m2Chart    = "magento2"
	m2Fullname = release + "-magento2"
)

func m2Name(component string) string { return m2Fullname + "-" + component }

// TestMagento2Scenarios installs every magento2 scenario into its own restricted namespace, its
// pods in real containers on the real node (realNodeValues), and checks the live objects.
func TestMagento2Scenarios(t *testing.T) {
	t.Parallel()
	// The test's own values run every CronJob every minute, so each runs while we watch, and put
	// the scenario onto the real node.
	extra := func(t *testing.T, files []string) []string {
		requireRealNode(t)
		return []string{cronEveryMinute(t, m2Chart, files), realNodeValues(t, m2Chart)}
	}
	installScenarios(t, m2Chart, "m2-", extra, func(t *testing.T, ns string, _ []string, m *render.Manifests) {
		cs := clientset(t)
		ctx := context.Background()

		deploy, err := cs.AppsV1().Deployments(ns).Get(ctx, m2Name("web"), metav1.GetOptions{})
		require.NoError(t, err)
		t.Run("web available", func(t *testing.T) { checkWebAvailable(t, ns, deploy) })
		t.Run("endpoints are the web pods", func(t *testing.T) { checkEndpoints(t, ns, m2Name("web")) })
		t.Run("upgrade hook before web pods", func(t *testing.T) { checkHookBeforeWeb(t, ns, m, m2Name("upgrade"), m2Name("upgrade-env")) })
		t.Run("objects accepted", func(t *testing.T) { checkObjectsAccepted(t, ns, m) })
		t.Run("claims bound", func(t *testing.T) { checkClaimsBound(t, ns, m) })
		if _, ok := m.Lookup("HorizontalPodAutoscaler", m2Name("web")); ok {
			t.Run("autoscaler resolves its target", func(t *testing.T) { checkHPA(t, ns, m2Name("web"), m) })
		}
		t.Run("cron jobs on schedule without overlap", func(t *testing.T) { checkCronJobs(t, ns, m) })
	})
}

// checkWebAvailable: the web Deployment is Available with all desired replicas ready.
func checkWebAvailable(t *testing.T, ns string, d *appsv1.Deployment) {
	cs := clientset(t)
	eventually(t, "web Deployment available", 2*time.Minute, time.Second, func(ctx context.Context) (bool, string) {
		d, err := cs.AppsV1().Deployments(ns).Get(ctx, d.Name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		want := int32(1)
		if d.Spec.Replicas != nil {
			want = *d.Spec.Replicas
		}
		available := false
		for _, c := range d.Status.Conditions {
			if c.Type == appsv1.DeploymentAvailable && c.Status == corev1.ConditionTrue {
				available = true
			}
		}
		return available && d.Status.ReadyReplicas == want && d.Status.AvailableReplicas == want,
			fmt.Sprintf("want %d, status %+v", want, d.Status)
	})
}

// webPods returns the running web pods of the release.
func webPods(ctx context.Context, t *testing.T, ns string) []corev1.Pod {
	pods, err := clientset(t).CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/instance=" + release + ",app.kubernetes.io/component=web"})
	require.NoError(t, err)
	var out []corev1.Pod
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodRunning {
			out = append(out, p)
		}
	}
	return out
}

// checkEndpoints: the web Service's EndpointSlices hold exactly the web pods' IPs, on nginx's port.
func checkEndpoints(t *testing.T, ns, service string) {
	cs := clientset(t)
	eventually(t, "EndpointSlices point at the web pods", time.Minute, time.Second, func(ctx context.Context) (bool, string) {
		var podIPs []string
		for _, p := range webPods(ctx, t, ns) {
			podIPs = append(podIPs, p.Status.PodIP)
		}
		slices, err := cs.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + service})
		if err != nil {
			return false, err.Error()
		}
		var ready []string
		ports := map[int32]bool{}
		for _, s := range slices.Items {
			for _, p := range s.Ports {
				if p.Port != nil {
					ports[*p.Port] = true
				}
			}
			for _, e := range s.Endpoints {
				if e.Conditions.Ready != nil && *e.Conditions.Ready {
					ready = append(ready, e.Addresses...)
				}
			}
		}
		sort.Strings(podIPs)
		sort.Strings(ready)
		ok := len(podIPs) > 0 && strings.Join(podIPs, ",") == strings.Join(ready, ",") && ports[8080] && len(ports) == 1
		return ok, fmt.Sprintf("pod IPs %v, ready endpoints %v, ports %v", podIPs, ready, ports)
	})
}

// checkHookBeforeWeb: the hook Job (magento2's upgrade, magento1's setup) completed, and before any
// web pod was created; the hook's configuration copies (envCopy) are gone once the hooks succeeded.
func checkHookBeforeWeb(t *testing.T, ns string, m *render.Manifests, hookJob, envCopy string) {
	if _, ok := m.Lookup("Job", hookJob); !ok {
		t.Fatalf("scenario renders no hook Job %s", hookJob)
	}
	ctx := context.Background()
	job, err := clientset(t).BatchV1().Jobs(ns).Get(ctx, hookJob, metav1.GetOptions{})
	require.NoError(t, err, "the hook Job is kept until the next release (before-hook-creation)")
	require.NotNil(t, job.Status.CompletionTime, "upgrade Job completed: %+v", job.Status)
	assert.Equal(t, int32(1), job.Status.Succeeded)
	pods := webPods(ctx, t, ns)
	require.NotEmpty(t, pods)
	for _, p := range pods {
		assert.False(t, p.CreationTimestamp.Before(job.Status.CompletionTime),
			"web pod %s created %s, before the upgrade finished %s", p.Name, p.CreationTimestamp, job.Status.CompletionTime)
	}
	_, err = clientset(t).CoreV1().ConfigMaps(ns).Get(ctx, envCopy, metav1.GetOptions{})
	assert.True(t, apierrors.IsNotFound(err), "%s ConfigMap deleted after the hook succeeded: %v", envCopy, err)
}

// checkObjectsAccepted: every rendered object exists in the cluster, custom resources included
// (Certificate, ManagedCertificate, BackendConfig, FrontendConfig): the API server and the
// upstream CRD schemas accepted them.
func checkObjectsAccepted(t *testing.T, ns string, m *render.Manifests) {
	ctx := context.Background()
	for _, o := range m.Objects {
		if _, hook := annotations(o)["helm.sh/hook"]; hook {
			continue // hooks are checked on their own; their copies are deleted by design
		}
		resource := strings.ToLower(o.GVK.Kind)
		if o.GVK.Group != "" {
			resource += "." + o.GVK.Group
		}
		in := ns
		if o.Namespace != "" {
			in = o.Namespace // a release may put objects into other namespaces (shared-services' tenants)
		}
		_, err := testCluster.Kubectl(ctx, "get", "-n", in, resource, o.Name, "-o", "name")
		assert.NoError(t, err, "%s exists", o)
	}
}

// annotations returns an object's annotations whatever its Go type.
func annotations(o render.Object) map[string]string {
	if accessor, ok := o.Obj.(metav1.Object); ok {
		return accessor.GetAnnotations()
	}
	return nil
}

// checkClaimsBound: the chart's claims exist and are bound (with the kept-data annotation).
func checkClaimsBound(t *testing.T, ns string, m *render.Manifests) {
	cs := clientset(t)
	for _, want := range render.Find[*corev1.PersistentVolumeClaim](m) {
		eventually(t, "claim "+want.Name+" bound", time.Minute, time.Second, func(ctx context.Context) (bool, string) {
			pvc, err := cs.CoreV1().PersistentVolumeClaims(ns).Get(ctx, want.Name, metav1.GetOptions{})
			if err != nil {
				return false, err.Error()
			}
			return pvc.Status.Phase == corev1.ClaimBound, string(pvc.Status.Phase)
		})
	}
	if _, ok := m.Lookup("PodDisruptionBudget", m2Name("web")); ok {
		pdb, err := cs.PolicyV1().PodDisruptionBudgets(ns).Get(context.Background(), m2Name("web"), metav1.GetOptions{})
		require.NoError(t, err)
		eventually(t, "PDB observes the web pods", time.Minute, time.Second, func(ctx context.Context) (bool, string) {
			pdb, err = cs.PolicyV1().PodDisruptionBudgets(ns).Get(ctx, m2Name("web"), metav1.GetOptions{})
			if err != nil {
				return false, err.Error()
			}
			return pdb.Status.ExpectedPods > 0 && pdb.Status.CurrentHealthy == pdb.Status.ExpectedPods, fmt.Sprintf("%+v", pdb.Status)
		})
	}
}

// checkHPA: the autoscaler resolves its target (AbleToScale). On the local cluster, whose
// metrics-server reports the simulated pods' usage, an autoscaler with only resource metrics (CPU,
// memory) also computes a replica count from them (ScalingActive); one with custom metrics needs an
// adapter the test cluster does not run.
func checkHPA(t *testing.T, ns, name string, m *render.Manifests) {
	cs := clientset(t)
	want := []autoscalingv2.HorizontalPodAutoscalerConditionType{autoscalingv2.AbleToScale}
	onlyResource := true
	for _, metric := range render.Get[*autoscalingv2.HorizontalPodAutoscaler](t, m, name).Spec.Metrics {
		onlyResource = onlyResource && metric.Type == autoscalingv2.ResourceMetricSourceType
	}
	if testCluster.Provider == cluster.Local && onlyResource {
		want = append(want, autoscalingv2.ScalingActive)
	}
	eventually(t, "HPA conditions", 3*time.Minute, 2*time.Second, func(ctx context.Context) (bool, string) {
		hpa, err := cs.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		status := map[autoscalingv2.HorizontalPodAutoscalerConditionType]corev1.ConditionStatus{}
		for _, c := range hpa.Status.Conditions {
			status[c.Type] = c.Status
		}
		for _, w := range want {
			if status[w] != corev1.ConditionTrue {
				return false, fmt.Sprintf("conditions %+v; %s", hpa.Status.Conditions, podMetrics(ctx, cs, ns))
			}
		}
		return true, ""
	})
}

// podMetrics says what the metrics API (metrics-server, through the API server's aggregator)
// answers for the pods of ns: how many it reports, or its error. A failed autoscaler check says
// it, to tell a chart's fault from the local cluster's metrics pipeline.
func podMetrics(ctx context.Context, cs kubernetes.Interface, ns string) string {
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	raw, err := cs.Discovery().RESTClient().Get().AbsPath("/apis/metrics.k8s.io/v1beta1/namespaces", ns, "pods").DoRaw(ctx)
	if err == nil {
		err = json.Unmarshal(raw, &list)
	}
	if err != nil {
		return "metrics API: " + err.Error()
	}
	return fmt.Sprintf("metrics API: %d pods with metrics", len(list.Items))
}

// cronRunFor is how long the test's cron and consumer pods run (on the real node the stub's
// bin/magento sleeps; on the simulated nodes kwok's pod-complete stage delays, scripts/cluster.sh):
// longer than the one-minute interval, so the next schedule comes while a Job is still active.
const (
	cronRunFor         = 100 * time.Second
	kwokCompleteDelay  = "pod-complete.stage.kwok.x-k8s.io/delay"
	cronObserveFromRun = 75 * time.Second // past the next schedule, before the Job ends
)

// cronEveryMinute writes a values file that keeps the scenario's cron.jobs but schedules every
// entry every minute, with pods that run cronRunFor, and returns its path (the scenario's own
// schedules may be hours apart).
func cronEveryMinute(t *testing.T, chartDir string, valuesFiles []string) string {
	t.Helper()
	vals := render.Values(t, chartDir, render.Options{ValuesFiles: valuesFiles})
	jobs, err := vals.PathValue("cron.jobs")
	require.NoError(t, err, "cron.jobs")
	entries, ok := jobs.([]any)
	require.True(t, ok, "cron.jobs is a list, got %T", jobs)
	for _, e := range entries {
		entry, ok := e.(map[string]any)
		require.True(t, ok, "cron.jobs entry is a map, got %T", e)
		entry["schedule"] = "* * * * *"
	}
	// On the real node the stub's bin/magento takes that long (STUB_SLEEP_<COMMAND>); on the
	// simulated nodes kwok completes the pod after that long.
	runFor := map[string]string{kwokCompleteDelay: cronRunFor.String()}
	sleep := func(command string) []map[string]string {
		return []map[string]string{{"name": "STUB_SLEEP_" + command, "value": fmt.Sprint(int(cronRunFor.Seconds()))}}
	}
	out, err := json.Marshal(map[string]any{
		"cron":      map[string]any{"jobs": entries, "podAnnotations": runFor, "extraEnv": sleep("CRON_RUN")},
		"consumers": map[string]any{"schedule": "* * * * *", "podAnnotations": runFor, "extraEnv": sleep("QUEUE_CONSUMERS_LIST")},
	})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "cron-every-minute.yaml")
	require.NoError(t, os.WriteFile(path, out, 0o600))
	return path
}

// checkCronJobs: every unsuspended CronJob creates a Job on its schedule; its Job runs longer
// than the interval, and when the next schedule comes while it is active no second Job starts
// (concurrencyPolicy Forbid, as the CronJob controller enforces it); the suspended manual upgrade
// CronJob never runs.
func checkCronJobs(t *testing.T, ns string, m *render.Manifests) {
	cs := clientset(t)
	first := map[string]time.Time{} // CronJob → when its first Job was created
	suspended := map[string]bool{}
	for _, cj := range render.Find[*batchv1.CronJob](m) {
		if cj.Spec.Suspend != nil && *cj.Spec.Suspend {
			suspended[cj.Name] = true
		} else {
			first[cj.Name] = time.Time{}
		}
	}
	require.NotEmpty(t, first)
	maxActive := map[string]int{}
	// The first run within a minute, then watched until past the next schedule.
	eventually(t, "every CronJob ran a Job, watched past its next schedule", 60*time.Second+cronObserveFromRun+30*time.Second, 2*time.Second, func(ctx context.Context) (bool, string) {
		jobs, err := cs.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err.Error()
		}
		active := map[string]int{}
		for _, j := range jobs.Items {
			owner := metav1.GetControllerOf(&j)
			if owner == nil || owner.Kind != "CronJob" {
				continue
			}
			assert.False(t, suspended[owner.Name], "suspended CronJob %s ran Job %s", owner.Name, j.Name)
			if created := j.CreationTimestamp.Time; first[owner.Name].IsZero() || created.Before(first[owner.Name]) {
				first[owner.Name] = created
			}
			if j.Status.CompletionTime == nil && j.Status.Failed == 0 {
				active[owner.Name]++
			}
		}
		var waiting []string
		for name, at := range first {
			maxActive[name] = max(maxActive[name], active[name])
			if at.IsZero() || time.Since(at) < cronObserveFromRun {
				waiting = append(waiting, name)
			}
		}
		sort.Strings(waiting)
		return len(waiting) == 0, fmt.Sprintf("waiting for %v", waiting)
	})
	// Jobs created while the first one ran: the next schedule came (a minute after it), Forbid
	// skipped it.
	jobs, err := cs.BatchV1().Jobs(ns).List(context.Background(), metav1.ListOptions{})
	require.NoError(t, err)
	jobsOf := map[string]int{}
	for _, j := range jobs.Items {
		if owner := metav1.GetControllerOf(&j); owner != nil && owner.Kind == "CronJob" && j.CreationTimestamp.Time.Before(first[owner.Name].Add(cronRunFor)) {
			jobsOf[owner.Name]++
		}
	}
	for name := range first {
		assert.Equal(t, 1, maxActive[name], "CronJob %s: one Job active at a time", name)
		assert.Equal(t, 1, jobsOf[name], "CronJob %s: no second Job while the first (running %s) was active past the next schedule", name, cronRunFor)
		cj, err := cs.BatchV1().CronJobs(ns).Get(context.Background(), name, metav1.GetOptions{})
		require.NoError(t, err)
		assert.Equal(t, batchv1.ForbidConcurrent, cj.Spec.ConcurrencyPolicy, name)
		assert.NotNil(t, cj.Status.LastScheduleTime, "%s was scheduled", name)
	}
}

// TestMagento2Lifecycle runs on the real node (real containers, real probes, kube-proxy): helm
// upgrade with a configuration change rolls the web pods while a bounded load runs through the
// web Service, with no failed request and no web pod short of the desired count at any moment;
// helm rollback restores the previous pods, helm uninstall keeps the media claim and the crypt
// key, a reinstall adopts them, and the crypt key never changes on the way.
// It runs once with each Helm CLI (helmCLIs): Helm 3, and Helm 4 with its server-side apply and
// kstatus waiting.
func TestMagento2Lifecycle(t *testing.T) {
	t.Parallel()
	requireRealNode(t)
	for _, bin := range helmCLIs {
		t.Run(bin, func(t *testing.T) {
			t.Parallel()
			lifecycle(t, bin)
		})
	}
}

// lifecycle is TestMagento2Lifecycle with the Helm CLI bin.
func lifecycle(t *testing.T, bin string) {
	ns := testCluster.Namespace(t, "m2-lifecycle-"+bin)
	app := imageRef(t, "app")
	// The real node has 2 CPUs: small requests, so the surge pod of the rollout fits beside the
	// other tests' pods.
	small := map[string]any{"requests": map[string]string{"cpu": "20m", "memory": "64Mi"}, "limits": map[string]string{"memory": "4Gi"}}
	values := []string{m2Chart + "/ci/minimal-values.yaml", valuesFile(t, "lifecycle-real", map[string]any{
		"image": map[string]string{"registry": app["registry"], "repository": app["repository"], "tag": app["tag"]},
		"web": merge(onRealNode, map[string]any{
			"php":   map[string]any{"resources": small},
			"nginx": map[string]any{"resources": map[string]any{"requests": map[string]string{"cpu": "10m", "memory": "32Mi"}}},
		}),
		"upgrade":   onRealNode,
		"cron":      map[string]any{"enabled": false},
		"consumers": map[string]any{"enabled": false},
	})}
	base := map[string]string{"web.replicaCount": "3", "persistence.media.accessModes[0]": "ReadWriteMany"}
	wait := []string{"--wait", "--timeout", "5m"}
	m := render.Render(t, m2Chart, render.Options{ReleaseName: release, Namespace: ns, ValuesFiles: values, SetValues: base})
	fixtures.Create(t, clientset(t), ns, m, existing.For(t, m2Chart, values))
	require.NoError(t, helmCLI(t, bin, ns, values, base, append([]string{"install", release, abs(t, m2Chart)[0]}, wait...)...), "helm install --wait")
	cs := clientset(t)
	ctx := context.Background()

	cryptKey := func() string { return storedCryptKey(t, ns, m2Name("crypt-key")) }
	podChecksums := func() []string {
		var sums []string
		for _, p := range webPods(ctx, t, ns) {
			sums = append(sums, p.Annotations["checksum/nginx"])
		}
		sort.Strings(sums)
		return sums
	}
	// helm --wait counts ready pods; availability follows minReadySeconds later.
	checkWebAvailable(t, ns, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: m2Name("web")}})
	key := cryptKey()
	require.Len(t, key, 32)
	before := podChecksums()
	require.Len(t, before, 3)

	// Upgrade with an nginx configuration change while watching the Deployment and sending a
	// bounded load through the web Service.
	changed := map[string]string{"web.nginx.clientMaxBodySize": "128m"}
	for k, v := range base {
		changed[k] = v
	}
	svc, err := cs.CoreV1().Services(ns).Get(ctx, m2Name("web"), metav1.GetOptions{})
	require.NoError(t, err)
	var load loadResult
	stats := watchDeployment(t, ns, m2Name("web"), func() {
		load = underLoad(t, fmt.Sprintf("http://%s:%d/", svc.Spec.ClusterIP, svc.Spec.Ports[0].Port), func() {
			require.NoError(t, helmCLI(t, bin, ns, values, changed, append([]string{"upgrade", release, abs(t, m2Chart)[0]}, wait...)...), "helm upgrade --wait")
			checkWebAvailable(t, ns, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: m2Name("web")}})
		})
	})
	t.Logf("upgrade: %d Deployment updates seen; available replicas never below %d; most missing %d", stats.events, stats.minAvailable, stats.maxMissing)
	t.Logf("load during the rollout: %d requests, %d failed, p99 %s, max %s", load.requests, len(load.failures), load.p99, load.max)
	assert.Greater(t, load.requests, 50, "the load ran through the rollout")
	assert.Empty(t, load.failures, "no request failed while the web pods rolled")
	assert.Greater(t, stats.events, 1, "the watch saw the rollout")
	assert.Equal(t, int32(0), stats.maxMissing, "no web pod short of the desired 3 at any moment of the rollout")
	assert.GreaterOrEqual(t, stats.minAvailable, int32(3))
	eventually(t, "web pods rolled to the new configuration", time.Minute, time.Second, func(context.Context) (bool, string) {
		after := podChecksums()
		ok := len(after) == 3 && after[0] == after[2] && after[0] != before[0]
		return ok, fmt.Sprintf("before %v, after %v", before, after)
	})
	assert.Equal(t, key, cryptKey(), "crypt key unchanged by helm upgrade")

	// Rollback to the first revision restores the first pods' configuration.
	require.NoError(t, helmCLI(t, bin, ns, nil, nil, append([]string{"rollback", release, "1"}, wait...)...), "helm rollback")
	eventually(t, "web pods rolled back", 2*time.Minute, time.Second, func(context.Context) (bool, string) {
		after := podChecksums()
		return len(after) == 3 && after[0] == before[0] && after[2] == before[0], fmt.Sprintf("want %v, have %v", before, after)
	})
	assert.Equal(t, key, cryptKey(), "crypt key unchanged by helm rollback")

	// A different crypt key in the values is refused at render time (the chart looks up the stored
	// one): encrypted data would become unreadable.
	other := maps.Clone(base)
	other["magento.cryptKey.value"] = strings.Repeat("a", 32)
	checkKeyRefusedThenUninstall(t, keyChange{bin: bin, ns: ns, release: release, chart: abs(t, m2Chart)[0], values: values,
		set: other, wait: wait, secret: m2Name("crypt-key"), web: m2Name("web")}, key)
	_, err = cs.CoreV1().PersistentVolumeClaims(ns).Get(ctx, m2Name("media"), metav1.GetOptions{})
	assert.NoError(t, err, "the media claim survives helm uninstall")

	// A reinstall of the same release adopts the kept claim and key.
	require.NoError(t, helmCLI(t, bin, ns, values, base, append([]string{"install", release, abs(t, m2Chart)[0]}, wait...)...), "helm install again")
	assert.Equal(t, key, cryptKey(), "a reinstall keeps the stored crypt key")
}

// loadResult is what underLoad measured.
type loadResult struct {
	requests int
	failures []string // the first failures, up to 20
	p99, max time.Duration
}

// underLoad runs action while 4 clients send GET url in a loop, each on a new connection (so
// every request goes through the Service's current rules, as a new visitor's would), and
// returns the count, the failures (errors or non-200) and the latencies.
func underLoad(t *testing.T, url string, action func()) loadResult {
	t.Helper()
	var (
		mu        sync.Mutex
		res       loadResult
		latencies []time.Duration
		wg        sync.WaitGroup
	)
	stop := make(chan struct{})
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				begin := time.Now()
				resp, err := client.Get(url)
				failure := ""
				if err != nil {
					failure = err.Error()
				} else {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						failure = resp.Status
					}
				}
				mu.Lock()
				res.requests++
				latencies = append(latencies, time.Since(begin))
				if failure != "" && len(res.failures) < 20 {
					res.failures = append(res.failures, failure)
				}
				mu.Unlock()
				time.Sleep(20 * time.Millisecond) // bounded: about 150 requests a second
			}
		})
	}
	action()
	close(stop)
	wg.Wait()
	slices.Sort(latencies)
	if n := len(latencies); n > 0 {
		res.p99 = latencies[n*99/100]
		res.max = latencies[n-1]
	}
	return res
}

// rolloutStats is what watchDeployment saw.
type rolloutStats struct {
	events       int
	minAvailable int32
	// maxMissing is the most available replicas short of spec.replicas. (status.unavailableReplicas
	// also counts surge pods that are not available yet, so it is not "capacity lost".)
	maxMissing int32
}

// watchDeployment watches a Deployment while action runs and records the lowest available
// replica count and the largest shortfall from the desired count that any status update reported.
func watchDeployment(t *testing.T, ns, name string, action func()) rolloutStats {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w, err := clientset(t).AppsV1().Deployments(ns).Watch(ctx, metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", name).String()})
	require.NoError(t, err)
	stats := rolloutStats{minAvailable: 1 << 30}
	var wg sync.WaitGroup
	wg.Go(func() {
		for ev := range w.ResultChan() {
			if ev.Type != watch.Added && ev.Type != watch.Modified {
				continue
			}
			d, ok := ev.Object.(*appsv1.Deployment)
			if !ok {
				continue
			}
			stats.events++
			if d.Status.AvailableReplicas < stats.minAvailable {
				stats.minAvailable = d.Status.AvailableReplicas
			}
			desired := int32(1)
			if d.Spec.Replicas != nil {
				desired = *d.Spec.Replicas
			}
			if missing := desired - d.Status.AvailableReplicas; missing > stats.maxMissing {
				stats.maxMissing = missing
			}
		}
	})
	action()
	w.Stop()
	cancel()
	wg.Wait()
	return stats
}
