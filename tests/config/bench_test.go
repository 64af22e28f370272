package config_test

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/magento-k8s/charts/tests/internal/render"
)

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkLatency = regexp.MustCompile(`(?m)^\s+99%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSocket  = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// wrkResult is one wrk run: requests per second, the 99th percentile latency and the failed
// requests (non-2xx/3xx answers and socket errors).
type wrkResult struct {
	rate, p99ms float64
	errors      int
	// cpuPerReq is the CPU time (µs) the pod's processes spent per request (withCPU), 0 when not
	// measured; phpPerReq the php-fpm processes' share of it.
	cpuPerReq, phpPerReq float64
}

// withCPU runs the load and adds the CPU time per request that every process in the pod's
// network namespace netns (nginx, php-fpm and its workers; not wrk) used during it, or with
// cmdline set, the processes whose command line holds it: CPU per request does not depend on how
// the two sides share this machine's cores with the load generator, which the throughput does.
// BENCH_CPU_DETAIL=1 prints it per command as well.
func withCPU(tb testing.TB, netns, cmdline string, seconds int, load func() wrkResult) wrkResult {
	tb.Helper()
	before := netnsCPUByCommand(tb, netns, cmdline)
	r := load()
	requests := r.rate * float64(seconds)
	if requests <= 0 {
		return r
	}
	detail := os.Getenv("BENCH_CPU_DETAIL") != ""
	for comm, total := range netnsCPUByCommand(tb, netns, cmdline) {
		perReq := (total - before[comm]) / requests * 1e6
		if detail && perReq >= 1 {
			fmt.Printf("  %s %s: %.1f µs/req\n", netns, comm, perReq)
		}
		if comm == "wrk" {
			continue
		}
		r.cpuPerReq += perReq
		if strings.HasPrefix(comm, "php-fpm") {
			r.phpPerReq += perReq
		}
	}
	return r
}

// runWrk loads url with wrk (2 threads, conns connections, seconds long) from inside the network
// namespace netns, on the CPUs BENCH_WRK_CPUS lists (taskset's list; all when unset), sending the
// request headers given ("Name: value").
func runWrk(tb testing.TB, netns string, conns, seconds int, url string, headers ...string) wrkResult {
	tb.Helper()
	argv := []string{"netns", "exec", netns}
	if cpus := os.Getenv("BENCH_WRK_CPUS"); cpus != "" {
		argv = append(argv, "taskset", "-c", cpus)
	}
	argv = append(argv, "wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(seconds)+"s", "--latency")
	for _, h := range headers {
		argv = append(argv, "-H", h)
	}
	argv = append(argv, url)
	out, err := exec.Command("ip", argv...).CombinedOutput()
	require.NoError(tb, err, "%s", out)
	var r wrkResult
	rate := wrkRate.FindSubmatch(out)
	require.NotNil(tb, rate, "%s", out)
	r.rate, _ = strconv.ParseFloat(string(rate[1]), 64)
	if lat := wrkLatency.FindSubmatch(out); lat != nil {
		r.p99ms, _ = strconv.ParseFloat(string(lat[1]), 64)
		switch string(lat[2]) {
		case "us":
			r.p99ms /= 1000
		case "s":
			r.p99ms *= 1000
		}
	}
	if m := wrkNon2xx.FindSubmatch(out); m != nil {
		n, _ := strconv.Atoi(string(m[1]))
		r.errors += n
	}
	if m := wrkSocket.FindSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(string(s))
			r.errors += n
		}
	}
	return r
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
				r := runWrk(b, w.Netns, 32, 5, "http://127.0.0.1:"+tc.port+tc.path)
				if r.errors > 0 {
					b.Fatalf("%s: %d requests failed", tc.path, r.errors)
				}
				b.ReportMetric(r.rate, "req/s")
				b.ReportMetric(r.p99ms, "p99-ms")
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
	rounds, seconds := envInt(b, "BENCH_ROUNDS", 3), envInt(b, "BENCH_SECONDS", 5)
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
	for _, p := range debianPaths {
		loads = append(loads, load{p.name + ", 32 conns", p.path, 32})
	}
	front := debianPaths[len(debianPaths)-1]
	loads = append(loads, load{fmt.Sprintf("%s, %d conns (4× pm.max_children %d)", front.name, 4*maxChildren, maxChildren), front.path, 4 * maxChildren})

	names := make([]string, len(loads))
	for i, l := range loads {
		names[i] = l.name
	}
	for b.Loop() {
		sideBySide(b, fmt.Sprintf("web pod (magento2 production scenario%s) vs Debian defaults, %d rounds × %d s, wrk 2 threads, nproc %d", withSet(set), rounds, seconds, runtime.NumCPU()),
			"path", names, rounds,
			func(i int) wrkResult {
				return withCPU(b, w.Netns, "", seconds, func() wrkResult { return runWrk(b, w.Netns, loads[i].conns, seconds, chartURL+loads[i].path) })
			},
			func(i int) wrkResult {
				return withCPU(b, debian.Netns, "", seconds, func() wrkResult { return runWrk(b, debian.Netns, loads[i].conns, seconds, debianURL+loads[i].path) })
			})
	}
}

// pinPods puts every process of the pods in the network namespaces netns (and the workers they
// fork later, which inherit it) on the CPUs BENCH_POD_CPUS lists (taskset's list), when set:
// with the load generator on the others (BENCH_WRK_CPUS), the two sides no longer compete with
// wrk for cores, as pods do not with their clients, and the throughput is the pod's own.
func pinPods(tb testing.TB, netns ...string) {
	tb.Helper()
	cpus := os.Getenv("BENCH_POD_CPUS")
	if cpus == "" {
		return
	}
	for _, ns := range netns {
		for _, pid := range netnsPIDs(tb, ns) {
			out, err := exec.Command("taskset", "-a", "-p", "-c", cpus, strconv.Itoa(pid)).CombinedOutput()
			require.NoError(tb, err, "taskset %d: %s", pid, out)
		}
	}
}

// sideBySide runs every load on both sides in alternating rounds, the chart first in even rounds
// and Debian first in odd ones, and prints the table: per load the median requests/s and p99 of
// each side with their spread (min–max), the failed requests, and the ratios chart/Debian of the
// medians (also reported as the benchmark's ratio-N metrics). A warm-up round comes first and is
// not counted: processes just started (varnishd's threads and allocator, php-fpm's workers and
// OPcache) are slower in their first seconds, and whichever side ran first would pay for it.
func sideBySide(b *testing.B, title, what string, names []string, rounds int, chart, debian func(i int) wrkResult) {
	b.Helper()
	for i := range names {
		chart(i)
		debian(i)
	}
	c := make([][]wrkResult, len(names))
	d := make([][]wrkResult, len(names))
	for round := range rounds {
		for i := range names {
			if round%2 == 0 {
				c[i] = append(c[i], chart(i))
				d[i] = append(d[i], debian(i))
			} else {
				d[i] = append(d[i], debian(i))
				c[i] = append(c[i], chart(i))
			}
		}
	}
	fmt.Printf("\n%s\n", title)
	cpu, php := false, false
	for i := range names {
		cpu = cpu || stats(c[i], func(r wrkResult) float64 { return r.cpuPerReq }).max > 0
		php = php || stats(c[i], func(r wrkResult) float64 { return r.phpPerReq }).max > 0
	}
	header := fmt.Sprintf("| %s | chart req/s (min–max) | Debian req/s (min–max) | ratio | chart p99 ms | Debian p99 ms | p99 chart/Debian | errors chart / Debian |", what)
	rule := "|---|---|---|---|---|---|---|---|"
	if cpu {
		header += " CPU µs/request chart / Debian (ratio) |"
		rule += "---|"
	}
	if php {
		header += " of it php-fpm chart / Debian |"
		rule += "---|"
	}
	fmt.Println(header)
	fmt.Println(rule)
	for i, name := range names {
		cr, dr := stats(c[i], func(r wrkResult) float64 { return r.rate }), stats(d[i], func(r wrkResult) float64 { return r.rate })
		cp, dp := stats(c[i], func(r wrkResult) float64 { return r.p99ms }), stats(d[i], func(r wrkResult) float64 { return r.p99ms })
		row := fmt.Sprintf("| %s | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) | %.2f | %.1f (%.1f–%.1f) | %.1f (%.1f–%.1f) | %.2f | %d / %d |",
			name, cr.median, cr.min, cr.max, dr.median, dr.min, dr.max, cr.median/dr.median,
			cp.median, cp.min, cp.max, dp.median, dp.min, dp.max, cp.median/dp.median,
			errorsOf(c[i]), errorsOf(d[i]))
		if cpu {
			cc, dc := stats(c[i], func(r wrkResult) float64 { return r.cpuPerReq }), stats(d[i], func(r wrkResult) float64 { return r.cpuPerReq })
			row += fmt.Sprintf(" %.0f / %.0f (%.2f) |", cc.median, dc.median, cc.median/dc.median)
		}
		if php {
			cphp, dphp := stats(c[i], func(r wrkResult) float64 { return r.phpPerReq }), stats(d[i], func(r wrkResult) float64 { return r.phpPerReq })
			row += fmt.Sprintf(" %.0f / %.0f |", cphp.median, dphp.median)
		}
		fmt.Println(row)
		b.ReportMetric(cr.median/dr.median, fmt.Sprintf("ratio-%d", i))
	}
}

type spread struct{ median, min, max float64 }

// stats is the median, minimum and maximum of f over runs.
func stats(runs []wrkResult, f func(wrkResult) float64) spread {
	v := make([]float64, len(runs))
	for i, r := range runs {
		v[i] = f(r)
	}
	slices.Sort(v)
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return spread{median: m, min: v[0], max: v[len(v)-1]}
}

func errorsOf(runs []wrkResult) int {
	n := 0
	for _, r := range runs {
		n += r.errors
	}
	return n
}

// envInt is a positive integer from the environment variable name, or def.
func envInt(tb testing.TB, name string, def int) int {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	require.NoError(tb, err, name)
	require.Positive(tb, n, name)
	return n
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
