// Package bench holds what the side-by-side benchmarks share (scripts/bench-web.sh): wrk runs
// and their figures, and the table that compares the chart's side with Debian's in alternating
// rounds. The config tier runs both sides as local pods (tests/internal/podrun), the deploy tier
// as pods on the real node.
package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
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
	// ClientBusy is the share of its CPUs' time wrk itself used (0–1): near 1, wrk is the
	// bottleneck, and the p99 it reports is largely its own threads waiting for their core.
	ClientBusy float64
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
	cpus := os.Getenv("BENCH_WRK_CPUS")
	if cpus != "" {
		argv = append(argv, "taskset", "-c", cpus)
	}
	argv = append(argv, "wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(seconds)+"s", "--latency")
	for _, h := range headers {
		argv = append(argv, "-H", h)
	}
	argv = append(argv, url)
	cmd := exec.Command(argv[0], argv[1:]...)
	out, err := cmd.CombinedOutput()
	require.NoError(tb, err, "%s", out)
	var r Result
	// ip netns exec and taskset exec wrk in their own process: its rusage is wrk's.
	used := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	r.ClientBusy = used.Seconds() / float64(seconds*cpuCount(tb, cpus))
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

// cpuCount is the number of CPUs in a taskset list ("1", "1-3", "0,2-3"); every CPU when empty.
func cpuCount(tb testing.TB, list string) int {
	tb.Helper()
	if list == "" {
		return runtime.NumCPU()
	}
	n := 0
	for _, part := range strings.Split(list, ",") {
		lo, hi, ranged := strings.Cut(part, "-")
		first, err := strconv.Atoi(lo)
		require.NoError(tb, err, "BENCH_WRK_CPUS %q", list)
		last := first
		if ranged {
			last, err = strconv.Atoi(hi)
			require.NoError(tb, err, "BENCH_WRK_CPUS %q", list)
		}
		n += last - first + 1
	}
	return n
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
	header += " wrk's CPU busy chart / Debian |"
	rule += "---|"
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
		cw, dw := stats(c[i], func(r Result) float64 { return r.ClientBusy }), stats(d[i], func(r Result) float64 { return r.ClientBusy })
		row += fmt.Sprintf(" %.0f%% / %.0f%% |", 100*cw.median, 100*dw.median)
		fmt.Println(row)
		b.ReportMetric(cr.median/dr.median, fmt.Sprintf("ratio-%d", i))
	}
	fmt.Println("(wrk's CPU busy near 100%: the client is the bottleneck, and its p99 is mostly wrk's own threads waiting for their core)")
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

// EnvInt is a positive integer from the environment variable name, or def.
func EnvInt(tb testing.TB, name string, def int) int {
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

// DebianSite is the stock default site with PHP switched on as its comments describe, on the store's
// pub/ directory, with Magento's fall-back to index.php.
func DebianSite(tb testing.TB, pubDir string) string {
	tb.Helper()
	stock, err := os.ReadFile("/etc/nginx/sites-available/default")
	require.NoError(tb, err, "Debian's nginx package (scripts/packages.sh)")
	site := string(stock)
	replace := func(re, with string) {
		tb.Helper()
		r := regexp.MustCompile(re)
		require.Regexp(tb, r, site, "the stock default site changed: %s", re)
		site = r.ReplaceAllString(site, with)
	}
	replace(`(?m)^(\s*)root /var/www/html;`, "${1}root "+pubDir+";")
	replace(`(?m)^(\s*)index index.html`, "${1}index index.php index.html")
	replace(`(?m)^(\s*)try_files \$uri \$uri/ =404;`, "${1}try_files $$uri $$uri/ /index.php$$is_args$$args;")
	replace(`(?m)^(\s*)#location ~ \\\.php\$ \{\n`, "${1}location ~ \\.php$$ {\n")
	replace(`(?m)^(\s*)#(\s*include snippets/fastcgi-php.conf;)`, "${1}${2}")
	replace(`(?m)^(\s*)#(\s*)fastcgi_pass unix:/run/php/php[0-9.]+-fpm.sock;`, "${1}${2}fastcgi_pass unix:/run/php/php8.2-fpm.sock;")
	// The location's closing brace: the first "#}" after the uncommented fastcgi_pass.
	i := strings.Index(site, "fastcgi_pass unix:/run/php/php8.2-fpm.sock;")
	j := strings.Index(site[i:], "#}")
	require.GreaterOrEqual(tb, j, 0, "the PHP location's closing brace")
	site = site[:i+j] + " }" + site[i+j+2:]
	return site
}

// DebianPaths are the paths both sides serve with status 200 (the Debian site has no rule for
// Magento's versioned static URLs, so only an unversioned static file is compared).
var DebianPaths = []struct{ Name, Path string }{
	{"static file (unversioned)", "/static/frontend/Magento/luma/en_US/css/styles-m.css"},
	{"/health_check.php", "/health_check.php"},
	{"front controller", "/catalog/product/view/id/42"},
}

// PMMaxChildren is the php-fpm pool's pm.max_children as the chart rendered it (the first
// ConfigMap that sets it).
func PMMaxChildren(tb testing.TB, manifests *render.Manifests) int {
	tb.Helper()
	re := regexp.MustCompile(`(?m)^\s*pm\.max_children\s*=\s*(\d+)`)
	for _, cm := range render.Find[*corev1.ConfigMap](manifests) {
		for _, v := range cm.Data {
			if m := re.FindStringSubmatch(v); m != nil {
				n, err := strconv.Atoi(m[1])
				require.NoError(tb, err)
				return n
			}
		}
	}
	tb.Fatal("no rendered pm.max_children")
	return 0
}

// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat's CPU times (100 on Linux).
const clockTicks = 100

// CPUByCommand is the CPU time (user + system, seconds) the processes pids used so far, with the
// time of the children they reaped (cutime, cstime: a php-fpm worker that ends after
// pm.max_requests counts in its master's), per command name (/proc/<pid>/stat's comm: "nginx",
// "php-fpm8.2", "wrk", ...).
func CPUByCommand(pids []int) map[string]float64 {
	out := map[string]float64{}
	for _, pid := range pids {
		stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ... utime(14) stime(15): comm may hold spaces, split after ")".
		open, end := strings.IndexByte(string(stat), '('), strings.LastIndexByte(string(stat), ')')
		if open < 0 || end < 0 {
			continue
		}
		fields := strings.Fields(string(stat[end+1:]))
		if len(fields) < 15 {
			continue
		}
		// Fields 14-17 of proc(5): utime, stime, cutime, cstime.
		var ticks int64
		for _, f := range fields[11:15] {
			n, _ := strconv.ParseInt(f, 10, 64)
			ticks += n
		}
		out[string(stat[open+1:end])] += float64(ticks) / clockTicks
	}
	return out
}

// WithCPU runs the load and adds the CPU time per request that the processes pids lists (read
// before and after; wrk's own left out) used during it: CPU per request does not depend on how
// the two sides share the machine's cores with the load generator, which the throughput does.
// BENCH_CPU_DETAIL=1 prints it per command, labelled, as well.
func WithCPU(tb testing.TB, label string, pids func() []int, seconds int, load func() Result) Result {
	tb.Helper()
	before := CPUByCommand(pids())
	r := load()
	requests := r.Rate * float64(seconds)
	if requests <= 0 {
		return r
	}
	detail := os.Getenv("BENCH_CPU_DETAIL") != ""
	for comm, total := range CPUByCommand(pids()) {
		perReq := (total - before[comm]) / requests * 1e6
		if detail && perReq >= 1 {
			fmt.Printf("  %s %s: %.1f µs/req\n", label, comm, perReq)
		}
		if comm == "wrk" {
			continue
		}
		r.CPUPerReq += perReq
		if strings.HasPrefix(comm, "php-fpm") {
			r.PHPPerReq += perReq
		}
	}
	return r
}

// Pin puts the processes pids (every thread, and the workers they fork later, which inherit it)
// on the CPUs BENCH_POD_CPUS lists (taskset's list), when set: with the load generator on the
// others (BENCH_WRK_CPUS), the two sides no longer compete with wrk for cores, as pods do not with
// their clients, and the throughput is the pod's own.
func Pin(tb testing.TB, pids []int) {
	tb.Helper()
	cpus := os.Getenv("BENCH_POD_CPUS")
	if cpus == "" {
		return
	}
	require.NotEmpty(tb, pids, "processes to pin")
	for _, pid := range pids {
		out, err := exec.Command("taskset", "-a", "-p", "-c", cpus, strconv.Itoa(pid)).CombinedOutput()
		require.NoError(tb, err, "taskset %d: %s", pid, out)
	}
}
