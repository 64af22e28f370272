package config_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
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

// redisConn is a minimal RESP client for the checks below.
type redisConn struct {
	rw *bufio.ReadWriter
	c  io.Closer
}

// dialRedis connects to the pod's server, authenticating with password unless it is empty.
func dialRedis(t *testing.T, pod *podrun.Pod, password string) *redisConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := pod.DialContext(ctx, "tcp", "127.0.0.1:6379")
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	r := &redisConn{rw: bufio.NewReadWriter(bufio.NewReader(c), bufio.NewWriter(c)), c: c}
	if password != "" {
		require.Equal(t, "OK", r.do(t, "AUTH", password))
	}
	return r
}

// do sends one command and returns its reply: a string, an int, nil, a []any, or an error reply.
func (r *redisConn) do(t *testing.T, args ...string) any {
	t.Helper()
	fmt.Fprintf(r.rw, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(r.rw, "$%d\r\n%s\r\n", len(a), a)
	}
	require.NoError(t, r.rw.Flush())
	v, err := readReply(r.rw.Reader)
	require.NoError(t, err, "%v", args)
	return v
}

func readReply(br *bufio.Reader) (any, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	switch line[0] {
	case '+':
		return line[1:], nil
	case '-':
		return fmt.Errorf("redis: %s", line[1:]), nil
	case ':':
		return strconv.Atoi(line[1:])
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(br, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, _ := strconv.Atoi(line[1:])
		out := make([]any, 0, n)
		for range n {
			v, err := readReply(br)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("redis: unexpected reply %q", line)
}

// config returns CONFIG GET name.
func (r *redisConn) config(t *testing.T, name string) string {
	t.Helper()
	reply, ok := r.do(t, "CONFIG", "GET", name).([]any)
	require.True(t, ok && len(reply) == 2, "CONFIG GET %s: %v", name, reply)
	return reply[1].(string)
}

// runRedisPod runs ordinal 0 of a Redis StatefulSet of the rendered chart, its volumes pre-filled
// from volumeFiles, and waits until its probes pass. tweak, when given, changes the pod's options
// before it starts (e.g. the network it joins).
func runRedisPod(t *testing.T, m *render.Manifests, pre *existing.Objects, sts *appsv1.StatefulSet, volumeFiles map[string]fs.FS, tweak ...func(*podrun.Options)) *podrun.Pod {
	t.Helper()
	pre.RequireComplete(t, m)
	configMaps, secrets := pre.Data(m)
	spec := podrun.StatefulSetPod(sts.Name, sts.Spec.Template.Spec, sts.Spec.VolumeClaimTemplates, 0)
	opts := podrun.Options{Programs: programs, ConfigMaps: configMaps, Secrets: secrets, VolumeFiles: volumeFiles}
	for _, f := range tweak {
		f(&opts)
	}
	pod := podrun.Start(t, spec, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, pod.WaitReady(ctx), "redis pod ready")
	return pod
}

// redisInstances are the rendered Redis StatefulSets of a shared-services render (every
// StatefulSet but OpenSearch's) by name.
func redisInstances(m *render.Manifests) map[string]*appsv1.StatefulSet {
	out := map[string]*appsv1.StatefulSet{}
	for _, sts := range render.Find[*appsv1.StatefulSet](m) {
		if sts.Spec.Template.Spec.Containers[0].Name == "redis" {
			out[sts.Name] = sts
		}
	}
	return out
}

// redisPassword is the password a rendered Redis StatefulSet requires (requirepass from its
// container's REDIS_PASSWORD), from the rendered and pre-existing Secrets; "" for none.
func redisPassword(t *testing.T, m *render.Manifests, pre *existing.Objects, sts *appsv1.StatefulSet) string {
	t.Helper()
	for _, e := range sts.Spec.Template.Spec.Containers[0].Env {
		if e.Name == "REDIS_PASSWORD" {
			_, secrets := pre.Data(m)
			ref := e.ValueFrom.SecretKeyRef
			password := string(secrets[ref.Name][ref.Key])
			require.NotEmpty(t, password, "the password in Secret %s key %s", ref.Name, ref.Key)
			return password
		}
	}
	return ""
}

// TestSharedServicesRedisPods runs each Redis instance of the shared-services chart (the tenants'
// and the shared ones) with its rendered configuration, under the pod's user on a read-only root,
// for both scenarios: the server accepts it, requires the instance's password, the readiness probe
// (the image's client, PING → PONG) passes with it, the eviction policy, memory limit and
// databases are the ones configured, and a sessions instance keeps what it was told across a
// restart (its append-only file on its volume), where a cache instance starts empty.
func TestSharedServicesRedisPods(t *testing.T) {
	t.Parallel()
	for _, scenario := range []string{"minimal", "production"} {
		t.Run(scenario, func(t *testing.T) {
			t.Parallel()
			valuesFiles := []string{"shared-services/ci/" + scenario + "-values.yaml"}
			opts := render.Options{ValuesFiles: valuesFiles}
			m := render.Render(t, "shared-services", opts)
			pre := existing.For(t, "shared-services", valuesFiles)
			vals := render.Values(t, "shared-services", opts)
			redis, err := vals.Table("redis")
			require.NoError(t, err)
			instances := redisInstances(m)
			require.NotEmpty(t, instances)
			for name, sts := range instances {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					checkRedisInstance(t, m, pre, redis, sts)
				})
			}
		})
	}
}

// checkRedisInstance runs one instance's pod, checks its configuration and what survives a
// restart.
func checkRedisInstance(t *testing.T, m *render.Manifests, pre *existing.Objects, redis map[string]any, sts *appsv1.StatefulSet) {
	t.Helper()
	password := redisPassword(t, m, pre, sts)
	require.NotEmpty(t, password, "every instance of the scenarios has a password")
	conf := render.Get[*corev1.ConfigMap](t, m, sts.Name).Data["redis.conf"]
	pod := runRedisPod(t, m, pre, sts, nil)
	noAuth := dialRedis(t, pod, "")
	reply, _ := noAuth.do(t, "PING").(error)
	require.ErrorContains(t, reply, "NOAUTH", "the server requires the password")
	r := dialRedis(t, pod, password)
	assert.Equal(t, "PONG", r.do(t, "PING"))
	policy := r.config(t, "maxmemory-policy")
	assert.Contains(t, conf, "\nmaxmemory-policy "+policy+"\n", "the server runs the rendered policy")
	persistent := len(sts.Spec.VolumeClaimTemplates) == 1
	assert.Equal(t, persistent, policy == "noeviction", "what never evicts is persisted, what is persisted never evicts")
	assert.Equal(t, fmt.Sprint(redis["databases"]), r.config(t, "databases"))
	maxmemory, _ := strconv.Atoi(r.config(t, "maxmemory"))
	limit := sts.Spec.Template.Spec.Containers[0].Resources.Limits.Memory()
	limitMiB := int(limit.Value() / (1024 * 1024))
	assert.Equal(t, limitMiB*int(redis["maxmemoryPercent"].(float64))/100*1024*1024, maxmemory, "maxmemory is %v%% of %s", redis["maxmemoryPercent"], limit.String())
	assert.Equal(t, map[bool]string{true: "yes", false: "no"}[persistent], r.config(t, "appendonly"))
	if len(sts.Spec.Template.Spec.Containers) > 1 {
		checkRedisExporter(t, pod, maxmemory)
	}
	// The last database of each instance is usable.
	last := strconv.Itoa(int(redis["databases"].(float64)) - 1)
	assert.Equal(t, "OK", r.do(t, "SELECT", last))
	assert.Equal(t, "OK", r.do(t, "SET", "session:abc", "cart-42"))

	for _, term := range pod.Terminate() {
		assert.False(t, term.Killed, "redis stops on SIGTERM")
		assert.Equal(t, 0, term.ExitCode, pod.Logs("redis"))
	}
	restarted := runRedisPod(t, m, pre, sts, map[string]fs.FS{"data": os.DirFS(pod.Volume("data"))})
	r = dialRedis(t, restarted, password)
	r.do(t, "SELECT", last)
	got := r.do(t, "GET", "session:abc")
	if persistent {
		assert.Equal(t, "cart-42", got, "the sessions survive a restart")
	} else {
		assert.Nil(t, got, "the cache starts empty")
	}
}

// checkRedisExporter scrapes the pod's redis_exporter sidecar (metrics.enabled): it reaches its
// instance with the instance's password (redis_up 1) and exports, under the names the chart's
// PrometheusRule uses, the instance's memory limit, its memory use and its evictions.
func checkRedisExporter(t *testing.T, pod *podrun.Pod, maxmemory int) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return pod.DialContext(ctx, network, "127.0.0.1:9121")
	}}}
	samples := map[string]float64{}
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		resp, err := client.Get("http://exporter/metrics")
		require.NoError(c, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(c, err)
		for _, line := range strings.Split(string(raw), "\n") {
			// Unlabelled samples only: "name value".
			if name, value, ok := strings.Cut(line, " "); ok && !strings.HasPrefix(line, "#") && !strings.Contains(name, "{") {
				if v, err := strconv.ParseFloat(value, 64); err == nil {
					samples[name] = v
				}
			}
		}
		assert.Equal(c, 1.0, samples["redis_up"], "redis_up")
	}, 20*time.Second, 500*time.Millisecond, "redis_exporter reaches its instance with its password")
	assert.Equal(t, float64(maxmemory), samples["redis_memory_max_bytes"], "redis_memory_max_bytes")
	assert.Positive(t, samples["redis_memory_used_bytes"], "redis_memory_used_bytes")
	v, ok := samples["redis_evicted_keys_total"]
	assert.True(t, ok && v == 0, "redis_evicted_keys_total 0: %v %v", v, ok)
}

// TestSharedServicesTenantIsolation runs the acceptance and production environments' instances
// of the production scenario (small memory limits: the fill is quick) and does to acceptance what
// Magento and a load test do: Magento's cache clean "all" is a FLUSHDB of the cache's database
// (Cm_Cache_Backend_Redis::clean, vendor/colinmollenhour/cache-backend-redis/Cm/Cache/Backend/Redis.php),
// then FLUSHALL, then a fill past maxmemory of the cache (it evicts) and of the sessions (they
// refuse writes, never evict). Production's cache and sessions keep every key; acceptance's
// password opens neither of production's instances (Redis answers WRONGPASS), nor does no
// password (NOAUTH); acceptance's early sessions survive its own fill.
func TestSharedServicesTenantIsolation(t *testing.T) {
	t.Parallel()
	valuesFiles := []string{"shared-services/ci/production-values.yaml"}
	small := `{"requests":{"cpu":"10m","memory":"16Mi"},"limits":{"memory":"16Mi"}}`
	opts := render.Options{ValuesFiles: valuesFiles, SetJSONValues: map[string]string{
		"tenantDefaults.cache.resources":    small,
		"tenantDefaults.sessions.resources": small,
		"tenants[2].cache.resources":        small,
		"tenants[2].sessions.resources":     small,
	}}
	m := render.Render(t, "shared-services", opts)
	pre := existing.For(t, "shared-services", valuesFiles)
	instances := redisInstances(m)
	conns := map[string]*redisConn{}
	pods := map[string]*podrun.Pod{}
	passwords := map[string]string{}
	for _, env := range []string{"acceptance", "production"} {
		for _, which := range []string{"cache", "sessions"} {
			name := env + "-shop-redis-" + which
			sts, ok := instances[name]
			require.True(t, ok, name)
			passwords[env] = redisPassword(t, m, pre, sts)
			pods[name] = runRedisPod(t, m, pre, sts, nil)
			conns[name] = dialRedis(t, pods[name], passwords[env])
		}
	}
	require.NotEqual(t, passwords["acceptance"], passwords["production"], "every environment has a password of its own")

	// Production's keys in the store's databases: cache 0, page cache 1, sessions 2.
	seed := func(c *redisConn, db string, n int, prefix string) {
		t.Helper()
		require.Equal(t, "OK", c.do(t, "SELECT", db))
		for i := range n {
			require.Equal(t, "OK", c.do(t, "SET", fmt.Sprintf("%s%d", prefix, i), "production"))
		}
	}
	seed(conns["production-shop-redis-cache"], "0", 100, "zc_")
	seed(conns["production-shop-redis-cache"], "1", 100, "fpc_")
	seed(conns["production-shop-redis-sessions"], "2", 100, "sess_")
	seed(conns["acceptance-shop-redis-sessions"], "2", 100, "sess_early_")

	acc := conns["acceptance-shop-redis-cache"]
	for _, db := range []string{"0", "1"} {
		require.Equal(t, "OK", acc.do(t, "SELECT", db))
		assert.Equal(t, "OK", acc.do(t, "FLUSHDB"), "acceptance cleans its cache")
	}
	assert.Equal(t, "OK", acc.do(t, "FLUSHALL"))
	value := strings.Repeat("x", 64*1024)
	require.Equal(t, "OK", acc.do(t, "SELECT", "0"))
	for i := range 400 { // 25 MiB into a 12 MiB cache
		require.Equal(t, "OK", acc.do(t, "SET", fmt.Sprintf("zc_fill_%d", i), value))
	}
	assert.Greater(t, infoField(t, acc, "stats", "evicted_keys"), 0, "acceptance's cache evicted its own keys")
	accSessions := conns["acceptance-shop-redis-sessions"]
	refused := false
	for i := range 400 {
		if err, ok := accSessions.do(t, "SET", fmt.Sprintf("sess_fill_%d", i), value).(error); ok {
			assert.ErrorContains(t, err, "OOM", "a full sessions instance refuses new sessions")
			refused = true
			break
		}
	}
	assert.True(t, refused, "acceptance's sessions fill up")
	assert.Equal(t, 0, infoField(t, accSessions, "stats", "evicted_keys"), "sessions are never evicted")
	assert.Equal(t, "production", accSessions.do(t, "GET", "sess_early_0"), "acceptance's own sessions survive its fill")

	for name, db := range map[string]map[string]int{
		"production-shop-redis-cache":    {"0": 100, "1": 100},
		"production-shop-redis-sessions": {"2": 100},
	} {
		c := conns[name]
		for n, want := range db {
			require.Equal(t, "OK", c.do(t, "SELECT", n))
			assert.Equal(t, want, c.do(t, "DBSIZE"), "%s database %s keeps every key", name, n)
		}
		assert.Equal(t, 0, infoField(t, c, "stats", "evicted_keys"), name)
		other := dialRedis(t, pods[name], "")
		reply, _ := other.do(t, "AUTH", passwords["acceptance"]).(error)
		assert.ErrorContains(t, reply, "WRONGPASS", "acceptance's password does not open %s", name)
		reply, _ = other.do(t, "GET", "sess_0").(error)
		assert.ErrorContains(t, reply, "NOAUTH", "nothing of %s is readable without its password", name)
	}
}

// infoField is an integer field of INFO section.
func infoField(t *testing.T, c *redisConn, section, field string) int {
	t.Helper()
	info, ok := c.do(t, "INFO", section).(string)
	require.True(t, ok)
	for _, line := range strings.Split(info, "\r\n") {
		if v, found := strings.CutPrefix(line, field+":"); found {
			n, err := strconv.Atoi(v)
			require.NoError(t, err)
			return n
		}
	}
	t.Fatalf("INFO %s has no %s", section, field)
	return 0
}
