package config_test

import (
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/magento-k8s/charts/tests/internal/bench"
	"github.com/magento-k8s/charts/tests/internal/render"
)

// withCPU is bench.WithCPU over every process in the pod's network namespace netns (nginx,
// php-fpm and its workers; not wrk), or with cmdline set, the processes whose command line holds
// it.
func withCPU(tb testing.TB, netns, cmdline string, seconds int, load func() bench.Result) bench.Result {
	tb.Helper()
	return bench.WithCPU(tb, netns, func() []int { return netnsPIDsWith(tb, netns, cmdline) }, seconds, load)
}

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
				r := bench.Wrk(b, w.Netns, 32, 5, "http://127.0.0.1:"+tc.port+tc.path)
				if r.Errors > 0 {
					b.Fatalf("%s: %d requests failed", tc.path, r.Errors)
				}
				b.ReportMetric(r.Rate, "req/s")
				b.ReportMetric(r.P99ms, "p99-ms")
			}
		})
	}
}

// BenchmarkWebPodVsDebian runs the production scenario's web pod and Debian's stock nginx +
// php-fpm (startDebianWebPod) on the same stub store side by side and loads each path on both in
// alternating rounds (BENCH_ROUNDS, default 3; BENCH_SECONDS per run, default 5; wrk 2 threads),
// the chart first in even rounds and Debian first in odd ones. It prints per path the median
// requests/s and p99 of each side with their spread (min–max), the failed requests, and the ratios
// chart/Debian of the medians. The front controller runs at 32 connections and at 4× the chart's
// pm.max_children. BENCH_SET ("key=value key=value") overrides chart values for an experiment.
// Run it with scripts/bench-web.sh; it fails only when a side cannot serve.
func BenchmarkWebPodVsDebian(b *testing.B) {
	rounds, seconds := bench.EnvInt(b, "BENCH_ROUNDS", 3), bench.EnvInt(b, "BENCH_SECONDS", 5)
	set := map[string]string{}
	for _, kv := range strings.FieldsFunc(os.Getenv("BENCH_SET"), func(r rune) bool { return r == ' ' }) {
		k, v, ok := strings.Cut(kv, "=")
		require.True(b, ok, "BENCH_SET: key=value pairs separated by spaces: %q", kv)
		set[k] = v
	}
	w := startWebPod(b, render.Options{ValuesFiles: []string{m2Chart + "/ci/production-values.yaml"}, SetValues: set})
	debian := startDebianWebPod(b, w)
	pinPods(b, w.Netns, debian.Netns)
	chartURL := "http://127.0.0.1:" + strconv.Itoa(w.port2(b, "nginx", "http"))
	debianURL := "http://127.0.0.1:80"
	maxChildren := w.pmMaxChildren(b)
	type load struct {
		name, path string
		conns      int
	}
	var loads []load
	for _, p := range bench.DebianPaths {
		loads = append(loads, load{p.Name + ", 32 conns", p.Path, 32})
	}
	front := bench.DebianPaths[len(bench.DebianPaths)-1]
	loads = append(loads, load{fmt.Sprintf("%s, %d conns (4× pm.max_children %d)", front.Name, 4*maxChildren, maxChildren), front.Path, 4 * maxChildren})

	names := make([]string, len(loads))
	for i, l := range loads {
		names[i] = l.name
	}
	for b.Loop() {
		bench.SideBySide(b, fmt.Sprintf("web pod (magento2 production scenario%s) vs Debian defaults, %d rounds × %d s, wrk 2 threads, nproc %d", withSet(set), rounds, seconds, runtime.NumCPU()),
			"path", names, rounds,
			func(i int) bench.Result {
				return withCPU(b, w.Netns, "", seconds, func() bench.Result { return bench.Wrk(b, w.Netns, loads[i].conns, seconds, chartURL+loads[i].path) })
			},
			func(i int) bench.Result {
				return withCPU(b, debian.Netns, "", seconds, func() bench.Result {
					return bench.Wrk(b, debian.Netns, loads[i].conns, seconds, debianURL+loads[i].path)
				})
			})
	}
}

// pinPods is bench.Pin over every process of the pods in the network namespaces netns.
func pinPods(tb testing.TB, netns ...string) {
	tb.Helper()
	for _, ns := range netns {
		bench.Pin(tb, netnsPIDs(tb, ns))
	}
}

// withSet describes the BENCH_SET overrides for the table's title.
func withSet(set map[string]string) string {
	if len(set) == 0 {
		return ""
	}
	var kv []string
	for _, k := range slices.Sorted(maps.Keys(set)) {
		kv = append(kv, k+"="+set[k])
	}
	return " with " + strings.Join(kv, " ")
}
