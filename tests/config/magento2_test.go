package config_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/magento-k8s/charts/tests/internal/podrun"
	"github.com/magento-k8s/charts/tests/internal/render"
	"github.com/magento-k8s/charts/tests/internal/repo"
)

// variant is one way to render the chart: a scenario's values files plus --set values.
type variant struct {
	name  string
	files []string
	set   map[string]string
}

// variants are every scenario, plus the code-sharing mode no scenario uses.
func variants(t *testing.T) []variant {
	t.Helper()
	var out []variant
	for _, s := range repo.Scenarios(t, m2Chart) {
		out = append(out, variant{name: s.Name, files: s.ValuesFiles()})
	}
	minimal := m2Chart + "/ci/minimal-values.yaml"
	return append(out, variant{
		name:  "minimal+image-volume",
		files: []string{minimal},
		set:   map[string]string{"web.codeSharing": "image-volume", "web.nginx.image.repository": "shop/nginx", "web.nginx.image.tag": "1.28-tini"},
	})
}

// TestMagento2WebPod runs every scenario's web pod with its rendered nginx and php-fpm
// configuration and checks what Magento's rules promise over HTTP.
func TestMagento2WebPod(t *testing.T) {
	t.Parallel()
	for _, v := range variants(t) {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			w := startWebPod(t, render.Options{ValuesFiles: v.files, SetValues: v.set})
			t.Run("configuration test", func(t *testing.T) { checkConfigTest(t, w) })
			t.Run("routing", func(t *testing.T) { checkRouting(t, w) })
			t.Run("php", func(t *testing.T) { checkPHP(t, w) })
			t.Run("proxy headers", func(t *testing.T) { checkProxyHeaders(t, w) })
			t.Run("health server", func(t *testing.T) { checkHealthServer(t, w) })
			t.Run("limits", func(t *testing.T) { checkLimits(t, w) })
			if w.value(t, "metrics.enabled") == true {
				t.Run("metrics", func(t *testing.T) { checkMetrics(t, w) })
			}
		})
	}
}

// checkConfigTest: nginx -t and php-fpm -t accept the rendered configuration, run as the
// containers run (same command, mounts, user).
func checkConfigTest(t *testing.T, w *webPod) {
	for _, tc := range []struct {
		container string
		want      []string
	}{
		{"nginx", []string{"syntax is ok", "test is successful"}},
		{"php-fpm", []string{"test is successful"}},
	} {
		t.Run(tc.container, func(t *testing.T) {
			c := w.container(t, tc.container)
			c.Command = append(append([]string(nil), c.Command...), "-t")
			out, err := w.Run(c, nil)
			require.NoError(t, err, out)
			for _, want := range tc.want {
				assert.Contains(t, out, want)
			}
		})
	}
}

func (w *webPod) port(t *testing.T, container, name string) int {
	t.Helper()
	return w.port2(t, container, name)
}

// port2 resolves a named container port of the pod.
func (w *webPod) port2(tb testing.TB, container, name string) int {
	tb.Helper()
	n, err := w.Port(w.container(tb, container), name)
	require.NoError(tb, err)
	return n
}

// checkRouting: Magento's nginx rules: the front controller, static files with the version
// stripped and the static.php fallback, media with get.php and private folders, and nothing but
// the entry points executed.
func checkRouting(t *testing.T, w *webPod) {
	http := w.port(t, "nginx", "http")
	css := "/frontend/Magento/luma/en_US/css/styles-m.css"
	for _, tc := range []struct {
		name, path     string
		status         int
		script         string            // the stub PHP script that answered, if any
		bodyPrefix     string            // the start of a file served as it is
		header         map[string]string // response headers that must contain these values
		query          map[string]any    // query parameters the script received
		mustNotContain string
	}{
		{name: "front controller", path: "/", status: 200, script: "index.php"},
		{name: "rewritten URL", path: "/women/tops.html?color=red", status: 200, script: "index.php", query: map[string]any{"color": "red"}},
		{name: "health check", path: "/health_check.php", status: 200, bodyPrefix: "healthy"},
		{name: "versioned static file", path: "/static/version1700000000" + css, status: 200, bodyPrefix: "/* stub stylesheet */",
			header: map[string]string{"Cache-Control": "public", "X-Frame-Options": "SAMEORIGIN"}},
		{name: "static file", path: "/static" + css, status: 200, bodyPrefix: "/* stub stylesheet */"},
		{name: "missing static file", path: "/static/version1700000000/frontend/Magento/luma/en_US/js/missing.js", status: 200, script: "static.php",
			query: map[string]any{"resource": "frontend/Magento/luma/en_US/js/missing.js"}},
		{name: "media file", path: "/media/catalog/product/a/b/ab.jpg", status: 200, bodyPrefix: "GIF89a", header: map[string]string{"Cache-Control": "public"}},
		{name: "missing media file", path: "/media/catalog/product/c/d/cd.jpg", status: 200, script: "get.php"},
		{name: "private media", path: "/media/customer/invoice.pdf", status: 404, mustNotContain: "private customer file"},
		{name: "import media", path: "/media/import/products.csv", status: 404, mustNotContain: "sku,price"},
		{name: "script uploaded to media", path: "/media/catalog/product/a/b/shell.php", status: 404, mustNotContain: "EXECUTED"},
		{name: "other php script", path: "/secret.php", status: 404, mustNotContain: "EXECUTED"},
		{name: "outside pub", path: "/app/etc/env.php", status: 404, mustNotContain: "must-never-be-served"},
		{name: "web installer", path: "/setup/", status: 404, bodyPrefix: "stub 404 page"},
		{name: "updater", path: "/update/index.php", status: 404},
		{name: "cron over http", path: "/cron.php", status: 404},
		{name: "htaccess", path: "/.htaccess", status: 404, mustNotContain: "Deny"},
		{name: "user ini", path: "/.user.ini", status: 404, mustNotContain: "memory_limit"},
		{name: "error reports config", path: "/errors/local.xml", status: 404, mustNotContain: "<config>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := w.get(t, http, tc.path, nil)
			require.Equal(t, tc.status, r.status, "GET %s: %s", tc.path, r.body)
			if tc.script != "" {
				var got struct {
					Script string         `json:"script"`
					Query  map[string]any `json:"query"`
				}
				require.NoError(t, json.Unmarshal([]byte(r.body), &got), r.body)
				assert.Equal(t, tc.script, got.Script)
				for k, v := range tc.query {
					assert.Equal(t, v, got.Query[k], "query parameter %s", k)
				}
			}
			if tc.bodyPrefix != "" {
				assert.True(t, strings.HasPrefix(r.body, tc.bodyPrefix), "body %q does not start with %q", trim(r.body), tc.bodyPrefix)
			}
			for k, v := range tc.header {
				assert.Contains(t, strings.Join(r.header.Values(k), ", "), v, "header %s", k)
			}
			if tc.mustNotContain != "" {
				assert.NotContains(t, r.body, tc.mustNotContain)
			}
		})
	}
	// nginx keeps the file lookups of pub/ (open_file_cache, misses too), which the image fixes;
	// not those of the shared media volume: an image another pod writes there (get.php resizing
	// it, an admin upload) is served as a file by the next request, not by PHP again.
	t.Run("media written while serving", func(t *testing.T) {
		const path = "catalog/product/e/f/ef.jpg"
		var got struct {
			Script string `json:"script"`
		}
		r := w.get(t, http, "/media/"+path, nil)
		require.NoError(t, json.Unmarshal([]byte(r.body), &got), r.body)
		require.Equal(t, "get.php", got.Script, "not there yet")
		file := filepath.Join(w.Volume("media"), path)
		require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
		require.NoError(t, os.WriteFile(file, []byte("GIF89a new"), 0o644))
		assert.Equal(t, "GIF89a new", w.get(t, http, "/media/"+path, nil).body)
	})
	t.Run("gzip", func(t *testing.T) {
		r := w.get(t, http, "/static"+css, map[string]string{"Accept-Encoding": "gzip"})
		require.Equal(t, 200, r.status)
		assert.Equal(t, "gzip", r.header.Get("Content-Encoding"))
	})
	// With the workers' own output discarded (web.php.fpm.catchWorkersOutput false), PHP's warnings
	// still reach the pod's log: php-fpm sends them to nginx as FastCGI stderr, and nginx's error
	// log is its container's stderr.
	t.Run("PHP warnings in the log", func(t *testing.T) {
		nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
		r := w.get(t, http, "/?warn="+nonce, nil)
		require.Equal(t, 200, r.status)
		require.Eventually(t, func() bool {
			return strings.Contains(w.Logs("nginx"), "stub warning "+nonce)
		}, 5*time.Second, 100*time.Millisecond, "the warning in the pod's log:\nnginx: %s\nphp-fpm: %s", w.Logs("nginx"), w.Logs("php-fpm"))
		// The access log is buffered (flush=1s): the request's line arrives within seconds.
		require.Eventually(t, func() bool {
			return strings.Contains(w.Logs("nginx"), `"GET /?warn=`+nonce+` HTTP/1.1" 200`)
		}, 5*time.Second, 100*time.Millisecond, "the request in nginx's access log: %s", w.Logs("nginx"))
	})
	// Pages are compressed by nginx, not in the php-fpm workers (zlib.output_compression Off):
	// the worker's time is the pod's scarce resource.
	t.Run("gzip of pages by nginx", func(t *testing.T) {
		r := w.get(t, http, "/?ini=zlib.output_compression", map[string]string{"Accept-Encoding": "gzip"})
		require.Equal(t, 200, r.status)
		require.Equal(t, "gzip", r.header.Get("Content-Encoding"))
		zr, err := gzip.NewReader(strings.NewReader(r.body))
		require.NoError(t, err)
		body, err := io.ReadAll(zr)
		require.NoError(t, err)
		var view phpView
		require.NoError(t, json.Unmarshal(body, &view), string(body))
		assert.Contains(t, []any{"", "0", "Off"}, view.Ini["zlib.output_compression"], "PHP does not compress")
	})
}

// phpView is what the stub index.php reports: what nginx and php-fpm handed to PHP, and the
// configuration as Magento reads it (app/etc/env.php, $_ENV).
type phpView struct {
	Script      string            `json:"script"`
	URI         string            `json:"uri"`
	HTTPS       *string           `json:"https"`
	RemoteAddr  string            `json:"remote_addr"`
	MageMode    *string           `json:"mage_mode"`
	MageRunCode *string           `json:"mage_run_code"`
	MageRunType *string           `json:"mage_run_type"`
	User        int64             `json:"user"`
	Cwd         string            `json:"cwd"`
	Config      map[string]any    `json:"config"`
	ConfigEnv   map[string]string `json:"config_env"`
	Ini         map[string]any    `json:"ini"`
}

// frontController calls the stub index.php with headers and returns what PHP saw.
func (w *webPod) frontController(t *testing.T, path string, header map[string]string) phpView {
	t.Helper()
	r := w.get(t, w.port(t, "nginx", "http"), path, header)
	require.Equal(t, 200, r.status, r.body)
	var v phpView
	require.NoError(t, json.Unmarshal([]byte(r.body), &v), r.body)
	return v
}

func (w *webPod) value(t *testing.T, path string) any {
	t.Helper()
	var v any = map[string]any(w.values)
	for _, key := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		require.True(t, ok, "values: %s is not a map at %s", path, key)
		v, ok = m[key]
		require.True(t, ok, "values: no %s", path)
	}
	return v
}

// secretValue resolves a container's env variable that comes from a Secret (rendered or declared
// pre-existing), as the kubelet would.
func (w *webPod) secretValue(t *testing.T, container, name string) string {
	t.Helper()
	e, ok := envVarOf(w.container(t, container), name)
	require.True(t, ok, "%s has %s", container, name)
	require.NotNil(t, e.ValueFrom)
	require.NotNil(t, e.ValueFrom.SecretKeyRef)
	_, secrets := w.existing.Data(w.manifests)
	v, ok := secrets[e.ValueFrom.SecretKeyRef.Name][e.ValueFrom.SecretKeyRef.Key]
	require.True(t, ok, "Secret %s key %s", e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key)
	return string(v)
}

func envVarOf(c corev1.Container, name string) (corev1.EnvVar, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e, true
		}
	}
	return corev1.EnvVar{}, false
}

// checkPHP: web requests run with the chart's app/etc/env.php (not the image's) as Magento reads
// it, CONFIG__* variables reach $_ENV, PHP runs as the pod's user in the store's root, and the
// php.ini in force is the chart's: magento.php.ini for every PHP process, web.php.fpm.ini over it
// for the web workers (not the pub/.user.ini Magento ships).
func checkPHP(t *testing.T, w *webPod) {
	ini := map[string]any{}
	for k, v := range w.value(t, "magento.php.ini").(map[string]any) {
		ini[k] = v
	}
	for k, v := range w.value(t, "web.php.fpm.ini").(map[string]any) {
		ini[k] = v
	}
	keys := make([]string, 0, len(ini))
	for k := range ini {
		keys = append(keys, k)
	}
	v := w.frontController(t, "/?ini="+strings.Join(keys, ","), nil)
	t.Run("configuration", func(t *testing.T) {
		m := w.value(t, "magento").(map[string]any)
		db := m["database"].(map[string]any)
		assert.Equal(t, m["adminPath"], lookupPath(v.Config, "backend/frontName"), "the chart's env.php, not the image's")
		assert.Equal(t, fmt.Sprintf("%s:%v", db["host"], db["port"]), lookupPath(v.Config, "db/connection/default/host"))
		assert.Equal(t, w.secretValue(t, "php-fpm", "MAGENTO_CRYPT_KEY"), lookupPath(v.Config, "crypt/key"), "the crypt key from its Secret")
		assert.Equal(t, w.secretValue(t, "php-fpm", "MAGENTO_DB_PASSWORD"), lookupPath(v.Config, "db/connection/default/password"))
		require.NotNil(t, v.MageMode)
		assert.Equal(t, m["mode"], *v.MageMode, "MAGE_MODE fastcgi_param")
		// CONFIG__* variables (the user's own, e.g. from extraEnvFromSecrets) reach $_ENV, where
		// Magento reads them: variables_order keeps "E" under php-fpm.
		configEnv := map[string]string{}
		_, secrets := w.existing.Data(w.manifests)
		for _, ef := range w.container(t, "php-fpm").EnvFrom {
			if ef.SecretRef != nil {
				for k, val := range secrets[ef.SecretRef.Name] {
					if strings.HasPrefix(k, "CONFIG__") {
						configEnv[k] = string(val)
					}
				}
			}
		}
		for k, want := range configEnv {
			assert.Equal(t, want, v.ConfigEnv[k], "$_ENV[%s]", k)
		}
	})
	t.Run("user and directory", func(t *testing.T) {
		uid := w.Spec.SecurityContext.RunAsUser
		require.NotNil(t, uid)
		assert.Equal(t, *uid, v.User)
		assert.True(t, strings.HasPrefix(v.Cwd, w.value(t, "podDefaults.documentRoot").(string)+"/"), "PHP runs in the store's root, not in %s", v.Cwd)
	})
	t.Run("php.ini", func(t *testing.T) {
		for k, want := range ini {
			got, ok := v.Ini[k]
			require.True(t, ok, k)
			require.NotEqual(t, false, got, "ini_get(%s): the setting or its extension is unknown to PHP", k)
			assert.Equal(t, normalizeIni(fmt.Sprint(want)), normalizeIni(fmt.Sprint(got)), "ini_get(%s)", k)
		}
	})
}

// normalizeIni compares ini values as PHP reads them: On/Off spellings are 1/"".
func normalizeIni(s string) string {
	switch strings.ToLower(s) {
	case "on", "yes", "true", "1":
		return "1"
	case "off", "no", "false", "0", "", "none":
		return ""
	}
	return s
}

// checkProxyHeaders: HTTPS as the load balancer saw it, the client address only from trusted
// proxies, and the store chosen by host name (run codes).
func checkProxyHeaders(t *testing.T, w *webPod) {
	t.Run("https from X-Forwarded-Proto", func(t *testing.T) {
		v := w.frontController(t, "/", map[string]string{"X-Forwarded-Proto": "https"})
		require.NotNil(t, v.HTTPS)
		assert.Equal(t, "on", *v.HTTPS)
		v = w.frontController(t, "/", nil)
		assert.Nil(t, v.HTTPS, "plain http is not https")
	})
	t.Run("client address not spoofable", func(t *testing.T) {
		// The request comes from 127.0.0.1, which is not a trusted proxy by default.
		v := w.frontController(t, "/", map[string]string{"X-Forwarded-For": "203.0.113.9"})
		if trusts(w.value(t, "web.nginx.trustedProxies"), "127.0.0.1") {
			assert.Equal(t, "203.0.113.9", v.RemoteAddr)
		} else {
			assert.Equal(t, "127.0.0.1", v.RemoteAddr)
		}
	})
	runCodes, _ := w.value(t, "web.nginx.runCodes").([]any)
	for _, rc := range runCodes {
		rc := rc.(map[string]any)
		host := rc["host"].(string)
		t.Run("run code for "+host, func(t *testing.T) {
			v := w.frontController(t, "/", map[string]string{"Host": host})
			require.NotNil(t, v.MageRunCode)
			assert.Equal(t, rc["code"], *v.MageRunCode)
			wantType := "website"
			if typ, ok := rc["type"].(string); ok && typ != "" {
				wantType = typ
			}
			require.NotNil(t, v.MageRunType)
			assert.Equal(t, wantType, *v.MageRunType)
		})
	}
	t.Run("no run code for other hosts", func(t *testing.T) {
		v := w.frontController(t, "/", map[string]string{"Host": "unknown.example.org"})
		assert.Nil(t, v.MageRunCode)
	})
}

// trusts reports whether the trusted proxies list names ip exactly or as 127.0.0.0/8.
func trusts(list any, ip string) bool {
	items, _ := list.([]any)
	for _, it := range items {
		s := fmt.Sprint(it)
		if s == ip || s == ip+"/32" || (strings.HasPrefix(ip, "127.") && s == "127.0.0.0/8") {
			return true
		}
	}
	return false
}

// checkHealthServer: the kubelet's port answers /healthz without PHP, php-fpm's ping and
// Magento's health check through php-fpm's health pool, the pool status, and serves nothing else.
func checkHealthServer(t *testing.T, w *webPod) {
	health := w.port(t, "nginx", "health")
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/healthz", 200, "ok"},
		{"/fpm-ping", 200, "pong"},
		{"/fpm-status", 200, "pool:"},
		{"/health_check.php", 200, "healthy"},
		{"/index.php", 404, ""},
		{"/", 404, ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := w.get(t, health, tc.path, nil)
			assert.Equal(t, tc.status, r.status, trim(r.body))
			assert.Contains(t, r.body, tc.body)
		})
	}
}

// checkMetrics: the exporter container turns nginx's stub_status into Prometheus metrics, and
// nginx serves php-fpm's pool status as OpenMetrics, on the ports the metrics Service names.
func checkMetrics(t *testing.T, w *webPod) {
	// Traffic first, so the counters have something to count.
	w.get(t, w.port(t, "nginx", "http"), "/", nil)
	for _, tc := range []struct {
		container, port string
		want            []string
	}{
		{"nginx-exporter", "metrics-nginx", []string{"nginx_up 1", "nginx_http_requests_total", "nginx_connections_active"}},
		{"nginx", "metrics-php", []string{"phpfpm_active_processes", "phpfpm_idle_processes", "phpfpm_listen_queue", "phpfpm_max_children_reached"}},
	} {
		t.Run(tc.port, func(t *testing.T) {
			var r response
			require.Eventually(t, func() bool {
				var err error
				r, err = w.tryGet(w.port(t, tc.container, tc.port), "/metrics")
				return err == nil && r.status == 200
			}, 10*time.Second, 100*time.Millisecond, "GET /metrics on %s:\n%s", tc.port, w.Logs(tc.container))
			for _, want := range tc.want {
				assert.Contains(t, r.body, want)
			}
		})
	}
	// stub_status and the full php-fpm status stay inside the pod: the health server only answers
	// loopback, which the kubelet's probes and Prometheus never use.
	svc := render.Get[*corev1.Service](t, w.manifests, m2Name("metrics"))
	var ports []string
	for _, p := range svc.Spec.Ports {
		ports = append(ports, p.TargetPort.String())
	}
	assert.ElementsMatch(t, []string{"metrics-nginx", "metrics-php"}, ports)
}

// checkLimits: uploads above web.nginx.clientMaxBodySize are refused by nginx.
func checkLimits(t *testing.T, w *webPod) {
	limit, err := nginxSize(fmt.Sprint(w.value(t, "web.nginx.clientMaxBodySize")))
	require.NoError(t, err)
	size := limit + 1<<20
	r := w.do(t, "POST", w.port(t, "nginx", "http"), "/customer/account/upload", map[string]string{"Content-Type": "application/octet-stream"}, strings.NewReader(strings.Repeat("x", int(size))))
	assert.Equal(t, 413, r.status, "an upload of %d bytes", size)
	r = w.do(t, "POST", w.port(t, "nginx", "http"), "/customer/account/upload", map[string]string{"Content-Type": "application/octet-stream"}, strings.NewReader("small"))
	assert.Equal(t, 200, r.status)
}

// nginxSize parses an nginx size ("64m", "1g", "512k", "1048576") into bytes.
func nginxSize(s string) (int64, error) {
	mult := int64(1)
	switch strings.ToLower(s[len(s)-1:]) {
	case "k":
		mult, s = 1<<10, s[:len(s)-1]
	case "m":
		mult, s = 1<<20, s[:len(s)-1]
	case "g":
		mult, s = 1<<30, s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}

func trim(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// TestMagento2WebPodRefusesBrokenConfiguration: the tier fails when the rendered configuration
// is wrong — a directive nginx does not know, a pool setting php-fpm refuses — and says why.
func TestMagento2WebPodRefusesBrokenConfiguration(t *testing.T) {
	t.Parallel()
	minimal := m2Chart + "/ci/minimal-values.yaml"
	for _, tc := range []struct {
		name      string
		set       map[string]string
		container string
		want      string
	}{
		{"unknown nginx directive", map[string]string{"web.nginx.extraServerConfig": "no_such_directive on;"}, "nginx", `unknown directive "no_such_directive"`},
		{"invalid php-fpm pool setting", map[string]string{"web.php.fpm.extraConfig": "pm.max_spare_servers = -5"}, "php-fpm", "pm.max_spare_servers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := render.Options{ValuesFiles: []string{minimal}, SetValues: tc.set}
			m := render.Render(t, m2Chart, opts)
			pod := runWebPod(t, m, opts)
			var c corev1.Container
			for _, cc := range pod.Spec.Containers {
				if cc.Name == tc.container {
					c = cc
				}
			}
			c.Command = append(append([]string(nil), c.Command...), "-t")
			out, err := pod.Run(c, nil)
			require.Error(t, err, "%s -t accepted the configuration:\n%s", tc.container, out)
			assert.Contains(t, out, tc.want)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err = pod.WaitReady(ctx)
			require.Error(t, err, "the pod became ready")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestMagento2WebPodGracefulShutdown deletes a web pod the way the kubelet does (preStop hooks,
// then SIGTERM, SIGKILL after the grace period) while a slow request is in flight: the pod keeps
// answering new requests while it drains, the slow request completes, and both containers exit
// by themselves before the grace period ends.
func TestMagento2WebPodGracefulShutdown(t *testing.T) {
	t.Parallel()
	const drain = 4
	opts := render.Options{
		ValuesFiles: []string{m2Chart + "/ci/minimal-values.yaml"},
		SetValues:   map[string]string{"web.drainSeconds": strconv.Itoa(drain), "web.terminationGracePeriodSeconds": "40"},
	}
	w := startWebPod(t, opts)
	http := w.port(t, "nginx", "http")
	// Longer than the drain plus the time php-fpm's own preStop waits.
	slow := drain + 15
	type result struct {
		r   response
		err error
	}
	slowDone := make(chan result, 1)
	go func() {
		r, err := w.tryGet(http, "/?sleep="+strconv.Itoa(slow))
		slowDone <- result{r, err}
	}()
	require.Eventually(t, func() bool {
		r, err := w.tryGet(w.port(t, "nginx", "health"), "/fpm-status")
		return err == nil && strings.Contains(r.body, "active processes:") && !strings.Contains(r.body, "active processes:      1\n")
	}, 10*time.Second, 50*time.Millisecond, "the slow request reached php-fpm")

	terminated := make(chan []podrun.Termination, 1)
	begin := time.Now()
	go func() { terminated <- w.Terminate() }()
	// While the endpoint leaves the Services and load balancers, requests are still answered:
	// asked during the first half of the drain, so a slow machine cannot push one past it.
	asked := 0
	for time.Since(begin) < drain*time.Second/2 {
		r, err := w.tryGet(http, "/health_check.php")
		require.NoError(t, err, "a request during the drain")
		assert.Equal(t, 200, r.status, "a request during the drain")
		asked++
		time.Sleep(200 * time.Millisecond)
	}
	assert.Positive(t, asked, "requests during the drain")
	res := <-slowDone
	require.NoError(t, res.err, "the in-flight request")
	assert.Equal(t, 200, res.r.status, "the in-flight request: %s", trim(res.r.body))
	var v phpView
	assert.NoError(t, json.Unmarshal([]byte(res.r.body), &v), "the in-flight request's whole answer: %s", trim(res.r.body))
	for _, term := range <-terminated {
		t.Logf("%s: preStop %.1fs, exited at %.1fs with %d", term.Container, term.PreStop.Seconds(), term.Exited.Seconds(), term.ExitCode)
		assert.Empty(t, term.HookError, "%s preStop", term.Container)
		assert.False(t, term.Killed, "%s was still running at the end of the grace period", term.Container)
	}
}

// TestMagento2WebPodSaturated: every php-fpm worker of the store busy with slow requests, and as
// many again waiting in the listen queue (a flash sale): the kubelet's probes, run as it runs
// them, still pass (liveness and readiness go through php-fpm's health pool), so the pod is slow,
// not restarted nor taken out of rotation with all the others. A probe through the store's own
// pool (readiness on the http port, as before) would fail.
func TestMagento2WebPodSaturated(t *testing.T) {
	t.Parallel()
	const workers = 2
	opts := render.Options{
		ValuesFiles: []string{m2Chart + "/ci/minimal-values.yaml"},
		SetValues:   map[string]string{"web.php.fpm.pm": "static", "web.php.fpm.maxChildren": strconv.Itoa(workers)},
	}
	w := startWebPod(t, opts)
	http := w.port(t, "nginx", "http")
	for range 2 * workers {
		go func() { _, _ = w.tryGet(http, "/?sleep=20") }()
	}
	busy := func() int {
		entries, _ := os.ReadDir(w.Volume("var"))
		n := 0
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), "busy-") {
				n++
			}
		}
		return n
	}
	require.Eventually(t, func() bool { return busy() == workers }, 10*time.Second, 50*time.Millisecond, "every worker busy")
	ctx := context.Background()
	for _, c := range w.Spec.Containers {
		for kind, probe := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
			if probe == nil {
				continue
			}
			t.Run(c.Name+" "+kind, func(t *testing.T) {
				for range max(probe.FailureThreshold, 1) {
					assert.NoError(t, w.Probe(ctx, c, probe), "the kubelet's %s probe of %s while every worker is busy", kind, c.Name)
				}
			})
		}
	}
	require.Equal(t, workers, busy(), "still saturated when the probes ran")
	throughStore := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/health_check.php", Port: intstr.FromString("http")}}, TimeoutSeconds: 2}
	assert.Error(t, w.Probe(ctx, w.container(t, "nginx"), throughStore), "a probe that waits for the store's workers fails")
}
