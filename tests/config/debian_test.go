package config_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/bench"
	"github.com/magento-k8s/charts/tests/internal/podrun"
	"github.com/magento-k8s/charts/tests/internal/render"
)

// The baseline the web pod is measured against (scripts/bench-web.sh): Debian's own nginx and
// php-fpm as the packages install them, serving the same stub store. Stock /etc/nginx/nginx.conf,
// mime.types, fastcgi.conf and snippets/fastcgi-php.conf; the stock default site
// (sites-available/default) with the two changes its own comments ask for to run PHP (index.php
// in the index list, its "pass PHP scripts to FastCGI server" location uncommented, on the php8.2
// socket) and the one Magento needs (unknown paths fall back to index.php instead of 404); stock
// php-fpm.conf and pool.d/www.conf (pm dynamic, max_children 5, unix socket, clear_env) and the
// stock php.ini and conf.d (OPcache on). The chart's app/etc/env.php is on both
// sides as what it evaluates to in the chart's pod (a plain array, as setup:install writes it), so
// both front controllers read the same configuration.

// startDebianWebPod runs Debian's stock nginx and php-fpm (as root, as the packages' services run
// their masters) on the same stub store and configuration as the chart's web pod w, and waits
// until both answer.
func startDebianWebPod(tb testing.TB, w *webPod) *podrun.Pod {
	tb.Helper()
	php := w.container(tb, "php-fpm")
	docRoot := php.WorkingDir
	// The configuration the chart's env.php gives in the chart's pod, as a plain env.php (what
	// setup:install writes): the same configuration without the chart's environment.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	exported, err := w.Exec(ctx, "php-fpm", []string{"php", "-r", `echo "<?php\nreturn ", var_export(include "app/etc/env.php", true), ";\n";`})
	require.NoError(tb, err, exported)
	conf := map[string]string{"sites-enabled/default": bench.DebianSite(tb, docRoot+"/pub")}
	for _, f := range []string{"nginx.conf", "mime.types", "fastcgi.conf", "snippets/fastcgi-php.conf"} {
		b, err := os.ReadFile("/etc/nginx/" + f)
		require.NoError(tb, err)
		conf[f] = string(b)
	}
	var items []corev1.KeyToPath
	for k := range conf {
		items = append(items, corev1.KeyToPath{Key: strings.ReplaceAll(k, "/", "_"), Path: k})
	}
	data := map[string]string{}
	for k, v := range conf {
		data[strings.ReplaceAll(k, "/", "_")] = v
	}
	root := int64(0)
	asRoot := &corev1.SecurityContext{RunAsUser: &root, RunAsGroup: &root}
	empty := func(name string) corev1.Volume {
		return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}
	}
	spec := corev1.PodSpec{
		Volumes: []corev1.Volume{
			{Name: "nginx-conf", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "debian-nginx"}, Items: items}}},
			{Name: "app-etc", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "debian-app-etc"}}}},
			empty("run-php"), empty("php-log"), empty("nginx-log"), empty("nginx-lib"),
		},
		Containers: []corev1.Container{
			{Name: "php-fpm", Image: php.Image, WorkingDir: docRoot, SecurityContext: asRoot,
				// As Debian's php8.2-fpm.service starts it.
				Command: []string{"php-fpm", "--nodaemonize", "--fpm-config", "/etc/php/8.2/fpm/php-fpm.conf"},
				VolumeMounts: []corev1.VolumeMount{
					{Name: "run-php", MountPath: "/run/php"},
					{Name: "php-log", MountPath: "/var/log"},
					{Name: "app-etc", MountPath: docRoot + "/app/etc/env.php", SubPath: "env.php", ReadOnly: true},
				}},
			{Name: "nginx", Image: php.Image, SecurityContext: asRoot,
				// As Debian's nginx.service starts it, in the foreground.
				Command: []string{"/usr/sbin/nginx", "-g", "daemon off;"},
				VolumeMounts: []corev1.VolumeMount{
					{Name: "nginx-conf", MountPath: "/etc/nginx"},
					{Name: "run-php", MountPath: "/run/php"},
					{Name: "nginx-log", MountPath: "/var/log/nginx"},
					{Name: "nginx-lib", MountPath: "/var/lib/nginx"},
				}},
		},
	}
	pod := runPodExisting(tb, w.manifests, spec, w.opts, w.existing, nil, nil, func(o *podrun.Options) {
		o.ConfigMaps["debian-nginx"] = data
		o.ConfigMaps["debian-app-etc"] = map[string]string{"env.php": exported}
	})
	for {
		resp, err := (&webPod{Pod: pod}).tryGet(80, "/health_check.php")
		if err == nil && resp.status == 200 {
			return pod
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("Debian's nginx and php-fpm never answered /health_check.php (last: %v %d): nginx: %s php-fpm: %s",
				err, resp.status, pod.Logs("nginx"), pod.Logs("php-fpm"))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// pmMaxChildren is the chart's rendered pm.max_children.
func (w *webPod) pmMaxChildren(tb testing.TB) int {
	tb.Helper()
	return bench.PMMaxChildren(tb, w.manifests)
}

// TestDebianBaseline: the benchmark's two sides serve the same thing. Debian's stock nginx and
// php-fpm answer every compared path with 200 like the chart's web pod, and both front controllers
// run the same script on the same env.php; so the side-by-side figures of scripts/bench-web.sh
// compare configurations, not content.
func TestDebianBaseline(t *testing.T) {
	t.Parallel()
	w := startWebPod(t, render.Options{ValuesFiles: []string{m2Chart + "/ci/production-values.yaml"}})
	debian := &webPod{Pod: startDebianWebPod(t, w)}
	chartPort := w.port(t, "nginx", "http")
	for _, p := range bench.DebianPaths {
		t.Run(p.Name, func(t *testing.T) {
			chart := w.get(t, chartPort, p.Path, nil)
			deb := debian.get(t, 80, p.Path, nil)
			require.Equal(t, 200, chart.status, "chart: %.300s", chart.body)
			require.Equal(t, 200, deb.status, "Debian: %.300s", deb.body)
			if !strings.HasSuffix(p.Path, ".css") && !strings.HasSuffix(p.Path, ".php") {
				var c, d phpView
				require.NoError(t, json.Unmarshal([]byte(chart.body), &c), chart.body)
				require.NoError(t, json.Unmarshal([]byte(deb.body), &d), deb.body)
				assert.Equal(t, c.Script, d.Script)
				assert.Equal(t, c.URI, d.URI)
				assert.Equal(t, c.Config, d.Config, "both read the chart's env.php")
			} else {
				assert.Equal(t, chart.body, deb.body)
			}
		})
	}
}
