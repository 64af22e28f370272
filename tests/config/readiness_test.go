package config_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/existing"
	"github.com/magento-k8s/charts/tests/internal/podrun"
	"github.com/magento-k8s/charts/tests/internal/render"
)

// readiness plays the kubelet's readiness prober for one container of a running pod: the probe
// every periodSeconds, Ready after successThreshold successes in a row, not Ready after
// failureThreshold failures in a row; it records when the state changed.
type readiness struct {
	mu          sync.Mutex
	start       time.Time
	ready       bool
	failures    int // probes failed, in all
	transitions []transition
}

// transition is a change of the Ready condition, at a time since the prober started.
type transition struct {
	at    time.Duration
	ready bool
}

// watchReadiness starts the prober on container c of pod (Ready to begin with: the pod passed
// WaitReady) until the test ends.
func watchReadiness(t *testing.T, pod *podrun.Pod, c corev1.Container) *readiness {
	t.Helper()
	probe := c.ReadinessProbe
	require.NotNil(t, probe, "container %s has a readiness probe", c.Name)
	r := &readiness{start: time.Now(), ready: true}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	go func() {
		defer close(done)
		period := time.Duration(max(probe.PeriodSeconds, 1)) * time.Second
		tick := time.NewTicker(period)
		defer tick.Stop()
		okRun, failRun := 0, 0
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			err := pod.Probe(ctx, c, probe)
			r.mu.Lock()
			if err != nil {
				r.failures++
				failRun, okRun = failRun+1, 0
				if r.ready && failRun >= int(max(probe.FailureThreshold, 1)) {
					r.ready = false
					r.transitions = append(r.transitions, transition{time.Since(r.start), false})
				}
			} else {
				okRun, failRun = okRun+1, 0
				if !r.ready && okRun >= int(max(probe.SuccessThreshold, 1)) {
					r.ready = true
					r.transitions = append(r.transitions, transition{time.Since(r.start), true})
				}
			}
			r.mu.Unlock()
		}
	}()
	return r
}

// state returns the Ready condition, the probes failed so far and the transitions so far.
func (r *readiness) state() (bool, int, []transition) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ready, r.failures, append([]transition(nil), r.transitions...)
}

// waitState waits up to timeout until the Ready condition is want and returns how long it took.
func (r *readiness) waitState(t *testing.T, want bool, timeout time.Duration) time.Duration {
	t.Helper()
	from := time.Now()
	for time.Since(from) < timeout {
		if ready, _, _ := r.state(); ready == want {
			return time.Since(from)
		}
		time.Sleep(100 * time.Millisecond)
	}
	_, failures, transitions := r.state()
	t.Fatalf("Ready did not become %t within %s (%d probes failed, transitions %v)", want, timeout, failures, transitions)
	return 0
}

// TestMagento2ReadinessWhenCacheRestarts shows what a restart of a store environment's cache
// Redis does to its web pod, with the pod's readiness as the chart renders it (nginx runs
// Magento's /health_check.php, every 5 s, 3 failures to leave rotation) and the stub health check
// doing what Magento 2.4.8's pub/health_check.php does (connect to the database and to every cache
// frontend's Redis: stub.json "connect"). Real pods: the magento2 minimal scenario's web pod, a
// MariaDB, and the store's tenant cache instance as shared-services renders it (Debian's
// redis-server), on one network, the store's host names pointing at them.
//   - A restart shorter than the readiness window (a Valkey pod is back in a second or two) leaves
//     the pod in rotation: requests in the gap get Magento's errors, the store is not taken out.
//   - An outage longer than the window takes the pod out of rotation (15–20 s after the cache went
//     away), the liveness probes keep passing (nothing restarts a pod for a Redis outage), and the
//     pod is back in rotation within one probe period of the cache's return.
//
// Only this environment's pods see any of it: every environment has its own instance
// (TestSharedServicesTenantIsolation, deploy TestSharedServicesEnvironments).
func TestMagento2ReadinessWhenCacheRestarts(t *testing.T) {
	t.Parallel()
	db := startDatabase(t, "magento", "magento", "change-me")

	// The store's own cache instance: shared-services with the store (namespace shop-test, release
	// shop, as the store renders) as its tenant.
	ssOpts := render.Options{ValuesFiles: []string{"shared-services/ci/minimal-values.yaml"},
		SetJSONValues: map[string]string{"tenants": `[{"namespace":"` + render.DefaultNamespace + `","release":"` + render.DefaultReleaseName + `"}]`}}
	ss := render.Render(t, "shared-services", ssOpts)
	ssPre := existing.For(t, "shared-services", ssOpts.ValuesFiles)
	cache := render.Get[*appsv1.StatefulSet](t, ss, render.DefaultNamespace+"-"+render.DefaultReleaseName+"-redis-cache")
	password := redisPassword(t, ss, ssPre, cache)
	startCache := func() (*podrun.Pod, time.Duration) {
		from := time.Now()
		pod := runRedisPod(t, ss, ssPre, cache, nil, func(o *podrun.Options) { o.JoinNetns = db.netns })
		return pod, time.Since(from)
	}
	redis, _ := startCache()

	opts := render.Options{ValuesFiles: []string{m2Chart + "/ci/minimal-values.yaml"}}
	m := render.Render(t, m2Chart, opts)
	env := render.Get[*corev1.ConfigMap](t, m, m2Name("env")).Data
	dbHost, _, _ := strings.Cut(env["MAGENTO_DB_HOST"], ":")
	spec := render.Get[*appsv1.Deployment](t, m, m2Web).Spec.Template.Spec
	app := os.DirFS(stubAppWith(t, map[string]any{"health_check": "connect"}))
	web := runPodExisting(t, m, spec, opts, existing.For(t, m2Chart, opts.ValuesFiles), app, nil, func(o *podrun.Options) {
		o.JoinNetns = db.netns
		o.HostAliases = map[string]string{dbHost: "127.0.0.1", env["MAGENTO_REDIS_HOST"]: "127.0.0.1", env["MAGENTO_SESSION_REDIS_HOST"]: "127.0.0.1"}
		// What shared-services copies into the store's namespace: the tenant's password.
		o.Secrets[render.DefaultReleaseName+"-shared-services"] = map[string][]byte{"redis-password": []byte(password)}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, web.WaitReady(ctx), "web pod ready: Magento's health check reaches the database and the cache\n%s", web.Logs("php-fpm"))

	w := &webPod{Pod: web, manifests: m}
	nginx, php := w.container(t, "nginx"), w.container(t, "php-fpm")
	healthPort := w.port2(t, "nginx", "health")
	probe := nginx.ReadinessProbe
	window := time.Duration(probe.PeriodSeconds*probe.FailureThreshold) * time.Second
	r := watchReadiness(t, web, nginx)

	t.Run("a restart within the readiness window keeps the pod in rotation", func(t *testing.T) {
		from := time.Now()
		redis.Stop()
		redis, _ = startCache()
		gap := time.Since(from)
		time.Sleep(window + time.Duration(probe.PeriodSeconds)*time.Second)
		ready, failures, transitions := r.state()
		t.Logf("cache away %s; probes failed %d; transitions %v", gap.Round(time.Millisecond), failures, transitions)
		require.Less(t, gap, window, "the restart took longer than the window")
		assert.True(t, ready)
		assert.Empty(t, transitions, "the pod never left rotation")
	})

	t.Run("an outage takes the pod out of rotation, not down, until the cache is back", func(t *testing.T) {
		redis.Stop()
		resp, err := w.tryGet(healthPort, "/health_check.php")
		require.NoError(t, err)
		assert.Equal(t, 500, resp.status, "Magento's health check fails without its cache")
		out := r.waitState(t, false, window+2*time.Duration(probe.PeriodSeconds)*time.Second)
		for _, c := range []corev1.Container{nginx, php} {
			assert.NoError(t, web.Probe(context.Background(), c, c.LivenessProbe), "%s liveness passes during the outage", c.Name)
			exited, err := web.Exited(c.Name)
			require.NoError(t, err)
			assert.False(t, exited, "%s keeps running", c.Name)
		}
		var took time.Duration
		redis, took = startCache()
		back := r.waitState(t, true, 2*time.Duration(probe.PeriodSeconds)*time.Second+5*time.Second)
		resp, err = w.tryGet(healthPort, "/health_check.php")
		require.NoError(t, err)
		assert.Equal(t, 200, resp.status, resp.body)
		t.Logf("out of rotation %s after the cache went away (window %s); cache back in %s; in rotation %s after that",
			out.Round(time.Millisecond), window, took.Round(time.Millisecond), back.Round(time.Millisecond))
	})
}
