// Package bench holds what the side-by-side benchmarks share (scripts/bench-web.sh): wrk runs
// and their figures, and the table that compares the chart's side with Debian's in alternating
// rounds. The config tier runs both sides as local pods (tests/internal/podrun), the deploy tier
// as pods on the real node.
package bench

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkLatency = regexp.MustCompile(`(?m)^\s+99%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSocket  = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// Result is one wrk run: requests per second, the 99th percentile latency and the failed
// requests (non-2xx/3xx answers and socket errors).
type Result struct {
	Rate, P99ms float64
	Errors      int
	// CPUPerReq is the CPU time (µs) the pod's processes spent per request (the caller measures it), 0 when not
	// measured; PHPPerReq the php-fpm processes' share of it.
	CPUPerReq, PHPPerReq float64
}

// Wrk loads url with wrk (2 threads, conns connections, seconds long) from inside the network
// namespace netns (from the host's when empty), on the CPUs BENCH_WRK_CPUS lists (taskset's list; all when unset), sending the
// request headers given ("Name: value").
func Wrk(tb testing.TB, netns string, conns, seconds int, url string, headers ...string) Result {
	tb.Helper()
	var argv []string
	if netns != "" {
		argv = []string{"ip", "netns", "exec", netns}
	}
	if cpus := os.Getenv("BENCH_WRK_CPUS"); cpus != "" {
		argv = append(argv, "taskset", "-c", cpus)
	}
	argv = append(argv, "wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(seconds)+"s", "--latency")
	for _, h := range headers {
		argv = append(argv, "-H", h)
	}
	argv = append(argv, url)
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	require.NoError(tb, err, "%s", out)
	var r Result
	rate := wrkRate.FindSubmatch(out)
	require.NotNil(tb, rate, "%s", out)
	r.Rate, _ = strconv.ParseFloat(string(rate[1]), 64)
	if lat := wrkLatency.FindSubmatch(out); lat != nil {
		r.P99ms, _ = strconv.ParseFloat(string(lat[1]), 64)
		switch string(lat[2]) {
		case "us":
			r.P99ms /= 1000
		case "s":
			r.P99ms *= 1000
		}
	}
	if m := wrkNon2xx.FindSubmatch(out); m != nil {
		n, _ := strconv.Atoi(string(m[1]))
		r.Errors += n
	}
	if m := wrkSocket.FindSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(string(s))
			r.Errors += n
		}
	}
	return r
}

// SideBySide runs every load on both sides in alternating rounds, the chart first in even rounds
// and Debian first in odd ones, and prints the table: per load the median requests/s and p99 of
// each side with their spread (min–max), the failed requests, and the ratios chart/Debian of the
// medians (also reported as the benchmark's ratio-N metrics). A warm-up round comes first and is
// not counted: processes just started (varnishd's threads and allocator, php-fpm's workers and
// OPcache) are slower in their first seconds, and whichever side ran first would pay for it.
func SideBySide(b *testing.B, title, what string, names []string, rounds int, chart, debian func(i int) Result) {
	b.Helper()
	for i := range names {
		chart(i)
		debian(i)
	}
	c := make([][]Result, len(names))
	d := make([][]Result, len(names))
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
		cpu = cpu || stats(c[i], func(r Result) float64 { return r.CPUPerReq }).max > 0
		php = php || stats(c[i], func(r Result) float64 { return r.PHPPerReq }).max > 0
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
		cr, dr := stats(c[i], func(r Result) float64 { return r.Rate }), stats(d[i], func(r Result) float64 { return r.Rate })
		cp, dp := stats(c[i], func(r Result) float64 { return r.P99ms }), stats(d[i], func(r Result) float64 { return r.P99ms })
		row := fmt.Sprintf("| %s | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) | %.2f | %.1f (%.1f–%.1f) | %.1f (%.1f–%.1f) | %.2f | %d / %d |",
			name, cr.median, cr.min, cr.max, dr.median, dr.min, dr.max, cr.median/dr.median,
			cp.median, cp.min, cp.max, dp.median, dp.min, dp.max, cp.median/dp.median,
			errorsOf(c[i]), errorsOf(d[i]))
		if cpu {
			cc, dc := stats(c[i], func(r Result) float64 { return r.CPUPerReq }), stats(d[i], func(r Result) float64 { return r.CPUPerReq })
			row += fmt.Sprintf(" %.0f / %.0f (%.2f) |", cc.median, dc.median, cc.median/dc.median)
		}
		if php {
			cphp, dphp := stats(c[i], func(r Result) float64 { return r.PHPPerReq }), stats(d[i], func(r Result) float64 { return r.PHPPerReq })
			row += fmt.Sprintf(" %.0f / %.0f |", cphp.median, dphp.median)
		}
		fmt.Println(row)
		b.ReportMetric(cr.median/dr.median, fmt.Sprintf("ratio-%d", i))
	}
}

type spread struct{ median, min, max float64 }

// stats is the median, minimum and maximum of f over runs.
func stats(runs []Result, f func(Result) float64) spread {
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

func errorsOf(runs []Result) int {
	n := 0
	for _, r := range runs {
		n += r.Errors
	}
	return n
}
