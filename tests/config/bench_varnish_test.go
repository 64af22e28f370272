package config_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/bench"
	"github.com/magento-k8s/charts/tests/internal/podrun"
	"github.com/magento-k8s/charts/tests/internal/render"
)

// debianVarnishPort is where Debian's stock varnishd listens beside the chart's (which takes
// varnish.port, 6081, Debian's own default, and the purge port).
const debianVarnishPort = 6181

// startDebianVarnish runs Debian's varnishd as its varnish.service starts it (-F, -s malloc,256m)
// with Debian's stock /etc/varnish/default.vcl, whose only backend is pointed at the web pod's
// nginx (its port; Debian's says 8080), in the web pod's network namespace, under the chart's
// Varnish container's user and root file system rules. It returns when it answers.
func startDebianVarnish(tb testing.TB, w *webPod) *podrun.Pod {
	tb.Helper()
	stock, err := os.ReadFile("/etc/varnish/default.vcl")
	require.NoError(tb, err, "Debian's varnish package")
	backend := regexp.MustCompile(`(?m)^(\s*\.port = )"8080";`)
	require.Regexp(tb, backend, string(stock), "Debian's default.vcl names its backend's port 8080")
	vcl := backend.ReplaceAllString(string(stock), fmt.Sprintf(`${1}"%d";`, w.port2(tb, "nginx", "http")))
	chart := render.Get[*appsv1.StatefulSet](tb, w.manifests, m2Name("varnish")).Spec.Template.Spec
	c := chart.Containers[0]
	spec := corev1.PodSpec{
		SecurityContext: chart.SecurityContext,
		Volumes: []corev1.Volume{
			{Name: "vcl", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "debian-varnish"}}}},
			{Name: "work", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		},
		Containers: []corev1.Container{{
			Name: "varnish", Image: c.Image, SecurityContext: c.SecurityContext,
			Command:      []string{"varnishd", "-F", "-a", fmt.Sprintf(":%d", debianVarnishPort), "-n", "/work", "-f", "/etc/varnish/default.vcl", "-s", "malloc,256m"},
			VolumeMounts: []corev1.VolumeMount{{Name: "vcl", MountPath: "/etc/varnish"}, {Name: "work", MountPath: "/work"}},
		}},
	}
	pod := podrun.Start(tb, spec, podrun.Options{
		JoinNetns:  w.Netns,
		Programs:   map[string]string{"varnishd": "/usr/sbin/varnishd"},
		ConfigMaps: map[string]map[string]string{"debian-varnish": {"default.vcl": vcl}},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		resp, err := w.tryGet(debianVarnishPort, "/health_check.php")
		if err == nil && resp.status == 200 {
			return pod
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("Debian's varnishd never answered (last: %v): %s", err, pod.Logs("varnish"))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// BenchmarkVarnishVsDebian is BenchmarkWebPodVsDebian through Varnish: the magento2 production
// scenario with varnish.enabled, its rendered Varnish pod (the chart's VCL) and Debian's stock
// varnishd + default.vcl, both in front of the same web pod, loaded in alternating rounds on a
// page Magento marks cacheable (Cache-Control public, s-maxage; the stub's ?tags=) once it is in
// both caches (every request a hit): as browsers ask for it (Accept-Encoding: gzip, so both
// deliver the stored gzip body as it is) and as clients without gzip do (both then gunzip every
// response), at 32 and 128 connections. Prints the same table, with each varnishd's CPU time per
// request; run it with scripts/bench-web.sh varnish.
func BenchmarkVarnishVsDebian(b *testing.B) {
	rounds, seconds := bench.EnvInt(b, "BENCH_ROUNDS", 3), bench.EnvInt(b, "BENCH_SECONDS", 5)
	w := startWebPod(b, render.Options{
		ValuesFiles: []string{m2Chart + "/ci/production-values.yaml"},
		// The web Service's port is the web pod's own: Varnish reaches nginx on the loopback.
		SetValues: map[string]string{"varnish.enabled": "true", "service.port": "8080"},
	})
	_, chartPort := startVarnish(b, w)
	debian := startDebianVarnish(b, w)
	pinPods(b, w.Netns) // both Varnish pods run in the web pod's network namespace
	const page = "/women.html?tags=cat_c_3,store"
	for _, port := range []int{chartPort, debianVarnishPort} {
		for range 2 { // the miss that fills the cache, then a hit
			r, err := w.tryGet(port, page)
			require.NoError(b, err)
			require.Equal(b, 200, r.status)
		}
	}
	loads := []struct {
		conns  int
		header []string
	}{
		{32, []string{"Accept-Encoding: gzip, deflate, br"}},
		{32, nil},
		{128, nil},
	}
	url := func(port int) string { return "http://127.0.0.1:" + strconv.Itoa(port) + page }
	// Both varnishd run in the web pod's network namespace: each side's CPU is that of the
	// processes listening where it does.
	chartListen, debianListen := fmt.Sprintf("=:%d ", chartPort), fmt.Sprintf("-a :%d ", debianVarnishPort)
	for b.Loop() {
		bench.SideBySide(b, fmt.Sprintf("Varnish, a cached page (magento2 production scenario, varnish.enabled) vs Debian's varnishd + default.vcl, %d rounds × %d s, wrk 2 threads, nproc %d", rounds, seconds, runtime.NumCPU()),
			"load", []string{"cached page, browser (gzip), 32 conns", "cached page, no gzip, 32 conns", "cached page, no gzip, 128 conns"}, rounds,
			func(i int) bench.Result {
				return withCPU(b, w.Netns, chartListen, seconds, func() bench.Result {
					return bench.Wrk(b, w.Netns, loads[i].conns, seconds, url(chartPort), loads[i].header...)
				})
			},
			func(i int) bench.Result {
				return withCPU(b, debian.Netns, debianListen, seconds, func() bench.Result {
					return bench.Wrk(b, debian.Netns, loads[i].conns, seconds, url(debianVarnishPort), loads[i].header...)
				})
			})
	}
}
