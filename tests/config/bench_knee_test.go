package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/magento-k8s/charts/tests/internal/bench"
	"github.com/magento-k8s/charts/tests/internal/render"
)

// netnsCPUSeconds is the CPU time (user + system, seconds) used so far by every process whose
// network namespace is the named one (/run/netns/<netns>), except those named in skip (the load
// generator), with the time of the children they reaped (cutime, cstime): a php-fpm worker that
// ends after pm.max_requests counts in its master's.
func netnsCPUSeconds(tb testing.TB, netns string, skip ...string) float64 {
	tb.Helper()
	total := 0.0
	for comm, seconds := range netnsCPUByCommand(tb, netns, "") {
		if !slices.Contains(skip, comm) {
			total += seconds
		}
	}
	return total
}

// netnsPIDs are the processes whose network namespace is the named one, except the test itself
// (whose threads enter pods' namespaces to reach them, and whose reaped children, the load
// generator, count in its own CPU times).
func netnsPIDs(tb testing.TB, netns string) []int {
	tb.Helper()
	want, err := os.Stat("/run/netns/" + netns)
	require.NoError(tb, err)
	entries, err := os.ReadDir("/proc")
	require.NoError(tb, err)
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if ns, err := os.Stat(filepath.Join("/proc", e.Name(), "ns", "net")); err == nil && os.SameFile(ns, want) {
			out = append(out, pid)
		}
	}
	return out
}

// netnsCPUByCommand is netnsCPUSeconds per command name (bench.CPUByCommand), nothing skipped;
// with cmdline set, only of the processes whose command line holds it (one of two pods that share
// a network namespace).
func netnsCPUByCommand(tb testing.TB, netns, cmdline string) map[string]float64 {
	tb.Helper()
	return bench.CPUByCommand(netnsPIDsWith(tb, netns, cmdline))
}

// netnsPIDsWith is netnsPIDs, only those whose command line holds cmdline when it is set.
func netnsPIDsWith(tb testing.TB, netns, cmdline string) []int {
	tb.Helper()
	var out []int
	for _, pid := range netnsPIDs(tb, netns) {
		if cmdline != "" {
			argv, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
			if err != nil || !strings.Contains(strings.ReplaceAll(string(argv), "\x00", " "), cmdline) {
				continue
			}
		}
		out = append(out, pid)
	}
	return out
}

// BenchmarkWebPodKnee loads the production scenario's web pod on the front controller at rising
// concurrency (2 connections up to 4× pm.max_children; BENCH_SECONDS per level) and prints per
// level the throughput, the p99, the CPU the pod's processes used (cores; wrk excluded) and that
// as a share of the pod's CPU request, the unit of the HorizontalPodAutoscaler's target. The knee
// is the lowest level that reaches 90% of the best throughput: beyond it more load only queues,
// and p99 climbs. Autoscaling starts before latency does when the HPA's
// targetCPUUtilizationPercentage is below the utilisation at the knee; the table ends with both.
// Run it with scripts/bench-web.sh knee.
func BenchmarkWebPodKnee(b *testing.B) {
	seconds := bench.EnvInt(b, "BENCH_SECONDS", 5)
	opts := render.Options{ValuesFiles: []string{m2Chart + "/ci/production-values.yaml"}}
	w := startWebPod(b, opts)
	url := "http://127.0.0.1:" + strconv.Itoa(w.port2(b, "nginx", "http")) + bench.DebianPaths[len(bench.DebianPaths)-1].Path
	maxChildren := w.pmMaxChildren(b)
	var request float64
	for _, c := range render.Get[*appsv1.Deployment](b, w.manifests, m2Name("web")).Spec.Template.Spec.Containers {
		request += c.Resources.Requests.Cpu().AsApproximateFloat64()
	}
	require.Positive(b, request, "the web pod requests CPU")
	autoscaling, err := w.values.Table("autoscaling")
	require.NoError(b, err)
	target := fmt.Sprint(autoscaling["targetCPUUtilizationPercentage"])

	var levels []int
	for c := 2; c < 4*maxChildren; c *= 2 { // wrk's 2 threads need 2 connections at least
		levels = append(levels, c)
	}
	levels = append(levels, 4*maxChildren)
	type row struct {
		conns      int
		r          bench.Result
		cores, pct float64
	}
	for b.Loop() {
		var rows []row
		best := 0.0
		for _, c := range levels {
			before, start := netnsCPUSeconds(b, w.Netns, "wrk"), time.Now()
			r := bench.Wrk(b, w.Netns, c, seconds, url)
			cores := (netnsCPUSeconds(b, w.Netns, "wrk") - before) / time.Since(start).Seconds()
			rows = append(rows, row{c, r, cores, 100 * cores / request})
			best = max(best, r.Rate)
		}
		fmt.Printf("\nweb pod (magento2 production scenario) on the front controller at rising load, %d s per level, CPU request %.2f cores, pm.max_children %d\n", seconds, request, maxChildren)
		fmt.Println("| conns | req/s | p99 ms | errors | pod CPU (cores) | of the request |")
		fmt.Println("|---|---|---|---|---|---|")
		knee := -1
		for i, r := range rows {
			mark := ""
			if knee < 0 && r.r.Rate >= 0.9*best {
				knee, mark = i, " ← knee"
			}
			fmt.Printf("| %d%s | %.0f | %.1f | %d | %.2f | %.0f%% |\n", r.conns, mark, r.r.Rate, r.r.P99ms, r.r.Errors, r.cores, r.pct)
		}
		k := rows[knee]
		fmt.Printf("knee: %d conns, %.0f%% of the CPU request (p99 %.1f ms; %.1f ms at 2 conns); HPA targetCPUUtilizationPercentage %s%%: autoscaling starts %s latency climbs\n",
			k.conns, k.pct, k.r.P99ms, rows[0].r.P99ms, target, map[bool]string{true: "before", false: "after"}[k.pct > mustFloat(b, target)])
		b.ReportMetric(k.pct, "knee-%")
	}
}

func mustFloat(tb testing.TB, s string) float64 {
	tb.Helper()
	f, err := strconv.ParseFloat(s, 64)
	require.NoError(tb, err, s)
	return f
}
