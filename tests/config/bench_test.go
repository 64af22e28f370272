package config_test

import (
	"os/exec"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/magento-k8s/charts/tests/internal/render"
)

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkLatency = regexp.MustCompile(`(?m)^\s+99%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkErrors  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

// BenchmarkWebPod loads the production scenario's web pod with wrk (2 threads, 32 connections,
// 5 s per path, from inside the pod's network namespace) and reports requests per second and
// the 99th percentile latency for a static file, the PHP health check, the front controller and a
// page served from Varnish's cache.
// Run it with scripts/bench-config.sh; it never fails on figures, only on errors.
func BenchmarkWebPod(b *testing.B) {
	// Varnish in front (service.port = the web pods' port, so it reaches them on the loopback).
	w := startWebPod(b, render.Options{
		ValuesFiles: []string{m2Chart + "/ci/production-values.yaml"},
		SetValues:   map[string]string{"varnish.enabled": "true", "service.port": "8080"},
	})
	_, varnishPort := startVarnish(b, w)
	page := "/women.html?tags=cat_c_3,store"
	_, err := w.tryGet(varnishPort, page) // fills the cache
	require.NoError(b, err)
	web := strconv.Itoa(w.port2(b, "nginx", "http"))
	for _, tc := range []struct{ name, port, path string }{
		{"static", web, "/static/version1700000000/frontend/Magento/luma/en_US/css/styles-m.css"},
		{"health_check.php", web, "/health_check.php"},
		{"index.php", web, "/catalog/product/view/id/42"},
		{"varnish-hit", strconv.Itoa(varnishPort), page},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				out, err := exec.Command("ip", "netns", "exec", w.Netns, "wrk", "-t2", "-c32", "-d5s", "--latency", "http://127.0.0.1:"+tc.port+tc.path).CombinedOutput()
				require.NoError(b, err, "%s", out)
				if m := wrkErrors.FindSubmatch(out); m != nil {
					b.Fatalf("%s: %s responses were errors:\n%s", tc.path, m[1], out)
				}
				rate := wrkRate.FindSubmatch(out)
				require.NotNil(b, rate, "%s", out)
				r, _ := strconv.ParseFloat(string(rate[1]), 64)
				b.ReportMetric(r, "req/s")
				if lat := wrkLatency.FindSubmatch(out); lat != nil {
					v, _ := strconv.ParseFloat(string(lat[1]), 64)
					switch string(lat[2]) {
					case "us":
						v /= 1000
					case "s":
						v *= 1000
					}
					b.ReportMetric(v, "p99-ms")
				}
			}
		})
	}
}
