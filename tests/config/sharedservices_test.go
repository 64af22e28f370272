package config_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/magento-k8s/charts/tests/internal/existing"
	"github.com/magento-k8s/charts/tests/internal/podrun"
	"github.com/magento-k8s/charts/tests/internal/render"
)

// Debian's Redis 7.0 stands in for the Valkey image: the rendered redis.conf must suit both, and
// the readiness probe's client (valkey-cli, redis-cli) reads REDISCLI_AUTH in both.
var redisPrograms = map[string]string{"valkey-server": "/usr/bin/redis-server", "valkey-cli": "/usr/bin/redis-cli"}

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
// from volumeFiles, and waits until its probes pass.
func runRedisPod(t *testing.T, m *render.Manifests, pre *existing.Objects, sts *appsv1.StatefulSet, volumeFiles map[string]fs.FS) *podrun.Pod {
	t.Helper()
	pre.RequireComplete(t, m)
	configMaps, secrets := pre.Data(m)
	spec := podrun.StatefulSetPod(sts.Name, sts.Spec.Template.Spec, sts.Spec.VolumeClaimTemplates, 0)
	pod := podrun.Start(t, spec, podrun.Options{Programs: redisPrograms, ConfigMaps: configMaps, Secrets: secrets, VolumeFiles: volumeFiles})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, pod.WaitReady(ctx), "redis pod ready")
	return pod
}

// TestSharedServicesRedisPods runs each Redis instance of the shared-services chart with its
// rendered configuration, under the pod's user on a read-only root, for the scenario without a
// password and the one with a password from a pre-existing Secret: the server accepts it, the
// readiness probe (the image's client, PING → PONG) passes, with the password where there is one,
// the eviction policy, memory limit and databases are the ones configured, and the sessions
// instance keeps what it was told across a restart (its append-only file on its volume), where the
// cache instance starts empty.
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
			password := ""
			if secret, _ := redis["existingSecret"].(string); secret != "" {
				_, secrets := pre.Data(m)
				password = string(secrets[secret][redis["existingSecretKey"].(string)])
				require.NotEmpty(t, password, "the password of Secret %s", secret)
			}
			for _, raw := range redis["instances"].([]any) {
				inst := raw.(map[string]any)
				name := inst["name"].(string)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					checkRedisInstance(t, m, pre, redis, inst, password)
				})
			}
		})
	}
}

// checkRedisInstance runs one instance's pod, checks its configuration and what survives a
// restart.
func checkRedisInstance(t *testing.T, m *render.Manifests, pre *existing.Objects, redis, inst map[string]any, password string) {
	t.Helper()
	sts := render.Get[*appsv1.StatefulSet](t, m, render.DefaultReleaseName+"-shared-services-redis-"+inst["name"].(string))
	pod := runRedisPod(t, m, pre, sts, nil)
	if password != "" {
		noAuth := dialRedis(t, pod, "")
		reply, _ := noAuth.do(t, "PING").(error)
		require.ErrorContains(t, reply, "NOAUTH", "the server requires the password")
	}
	r := dialRedis(t, pod, password)
	assert.Equal(t, "PONG", r.do(t, "PING"))
	assert.Equal(t, inst["maxmemoryPolicy"], r.config(t, "maxmemory-policy"))
	assert.Equal(t, fmt.Sprint(redis["databases"]), r.config(t, "databases"))
	maxmemory, _ := strconv.Atoi(r.config(t, "maxmemory"))
	limit := resource.MustParse(inst["resources"].(map[string]any)["limits"].(map[string]any)["memory"].(string))
	limitMiB := int(limit.Value() / (1024 * 1024))
	assert.Equal(t, limitMiB*int(redis["maxmemoryPercent"].(float64))/100*1024*1024, maxmemory, "maxmemory is %v%% of %s", redis["maxmemoryPercent"], limit.String())
	persistent := false
	if p, ok := inst["persistence"].(map[string]any); ok {
		persistent, _ = p["enabled"].(bool)
	}
	assert.Equal(t, map[bool]string{true: "yes", false: "no"}[persistent], r.config(t, "appendonly"))
	// The last database of each instance is usable (one set of numbers per environment).
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
