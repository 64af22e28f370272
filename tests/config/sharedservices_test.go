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

	"github.com/magento-k8s/charts/tests/internal/existing"
	"github.com/magento-k8s/charts/tests/internal/podrun"
	"github.com/magento-k8s/charts/tests/internal/render"
)

// Debian's Redis 7.0 stands in for the Valkey image: the rendered redis.conf must suit both.
var redisPrograms = map[string]string{"valkey-server": "/usr/bin/redis-server"}

// redisConn is a minimal RESP client for the checks below.
type redisConn struct {
	rw *bufio.ReadWriter
	c  io.Closer
}

func dialRedis(t *testing.T, pod *podrun.Pod) *redisConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := pod.DialContext(ctx, "tcp", "127.0.0.1:6379")
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &redisConn{rw: bufio.NewReadWriter(bufio.NewReader(c), bufio.NewWriter(c)), c: c}
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
func runRedisPod(t *testing.T, m *render.Manifests, sts *appsv1.StatefulSet, volumeFiles map[string]fs.FS) *podrun.Pod {
	t.Helper()
	// shared-services references nothing it does not render.
	pre := &existing.Objects{}
	pre.RequireComplete(t, m)
	configMaps, _ := pre.Data(m)
	spec := podrun.StatefulSetPod(sts.Name, sts.Spec.Template.Spec, sts.Spec.VolumeClaimTemplates, 0)
	pod := podrun.Start(t, spec, podrun.Options{Programs: redisPrograms, ConfigMaps: configMaps, VolumeFiles: volumeFiles})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, pod.WaitReady(ctx), "redis pod ready")
	return pod
}

// TestSharedServicesRedisPods runs each Redis instance of the shared-services chart with its
// rendered configuration, under the pod's user on a read-only root: the server accepts it, the
// eviction policy, memory limit and databases are the ones configured, and the sessions instance
// keeps what it was told across a restart (its append-only file on its volume), where the cache
// instance starts empty.
func TestSharedServicesRedisPods(t *testing.T) {
	t.Parallel()
	opts := render.Options{ValuesFiles: []string{"shared-services/ci/minimal-values.yaml"}}
	m := render.Render(t, "shared-services", opts)
	vals := render.Values(t, "shared-services", opts)
	redis, err := vals.Table("redis")
	require.NoError(t, err)
	for _, raw := range redis["instances"].([]any) {
		inst := raw.(map[string]any)
		name := inst["name"].(string)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sts := render.Get[*appsv1.StatefulSet](t, m, render.DefaultReleaseName+"-shared-services-redis-"+name)
			pod := runRedisPod(t, m, sts, nil)
			r := dialRedis(t, pod)
			assert.Equal(t, "PONG", r.do(t, "PING"))
			assert.Equal(t, inst["maxmemoryPolicy"], r.config(t, "maxmemory-policy"))
			assert.Equal(t, fmt.Sprint(redis["databases"]), r.config(t, "databases"))
			maxmemory, _ := strconv.Atoi(r.config(t, "maxmemory"))
			limit := inst["resources"].(map[string]any)["limits"].(map[string]any)["memory"].(string)
			limitMiB, _ := strconv.Atoi(strings.TrimSuffix(limit, "Mi"))
			assert.Equal(t, limitMiB*int(redis["maxmemoryPercent"].(float64))/100*1024*1024, maxmemory, "maxmemory is %v%% of %s", redis["maxmemoryPercent"], limit)
			persistent := false
			if p, ok := inst["persistence"].(map[string]any); ok {
				persistent, _ = p["enabled"].(bool)
			}
			assert.Equal(t, map[bool]string{true: "yes", false: "no"}[persistent], r.config(t, "appendonly"))
			// The last database of each instance is usable (one set of numbers per environment).
			assert.Equal(t, "OK", r.do(t, "SELECT", strconv.Itoa(int(redis["databases"].(float64))-1)))
			assert.Equal(t, "OK", r.do(t, "SET", "session:abc", "cart-42"))

			for _, term := range pod.Terminate() {
				assert.False(t, term.Killed, "redis stops on SIGTERM")
				assert.Equal(t, 0, term.ExitCode, pod.Logs("redis"))
			}
			restarted := runRedisPod(t, m, sts, map[string]fs.FS{"data": os.DirFS(pod.Volume("data"))})
			r = dialRedis(t, restarted)
			r.do(t, "SELECT", strconv.Itoa(int(redis["databases"].(float64))-1))
			got := r.do(t, "GET", "session:abc")
			if persistent {
				assert.Equal(t, "cart-42", got, "the sessions survive a restart")
			} else {
				assert.Nil(t, got, "the cache starts empty")
			}
		})
	}
}
