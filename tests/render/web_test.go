package render_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// The magento2 web pod (templates/web): nginx and php-fpm with tini, code sharing, nginx's and
// php-fpm's configuration, probes, rollouts, autoscaling, metrics and network policy.

func TestMagento2WebPodTwoContainersWithTini(t *testing.T) {
	t.Parallel()
	// The app image each scenario's image.* names (global.imageRegistry, tag, digest).
	images := map[string]string{
		"minimal":    "registry.example.com/shop/magento:2.4.8-p3-build42",
		"production": "registry.example.com/shop/magento:2.4.8-p3-build42",
		"gke":        "europe-west4-docker.pkg.dev/acme-shop/images/magento:2.4.8-p3-build42",
		"everything": "mirror.example.com/shop/magento:2.4.8-p3-build42@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	}
	for scenario, image := range images {
		t.Run(scenario, func(t *testing.T) {
			t.Parallel()
			m := m2Scenario(t, scenario, nil)
			d := render.Get[*appsv1.Deployment](t, m, m2Name("web"))
			spec := d.Spec.Template.Spec
			// nginx and php-fpm; with metrics on, the exporter (one Go program, no children).
			var names []string
			for _, c := range spec.Containers {
				names = append(names, c.Name)
			}
			want := []string{"nginx", "php-fpm"}
			if scenario == "everything" {
				want = append(want, "nginx-exporter")
			}
			require.Equal(t, want, names)
			for _, c := range spec.Containers[:2] {
				require.NotEmpty(t, c.Command, c.Name)
				assert.Equal(t, "/usr/bin/tini", c.Command[0], "%s runs under tini as PID 1", c.Name)
				assert.NotContains(t, strings.Join(c.Command, " "), "supervisord", c.Name)
			}
			php := container(t, spec, "php-fpm")
			assert.Contains(t, php.Command, "--fpm-config")
			scan, ok := envVar(php, "PHP_INI_SCAN_DIR")
			require.True(t, ok, "PHP_INI_SCAN_DIR adds the chart's php.ini")
			assert.True(t, strings.HasPrefix(scan.Value, ":"), "keeps the image's own ini dir: %q", scan.Value)
			assert.Equal(t, image, php.Image, "php-fpm runs the store's image")
			assert.False(t, *spec.AutomountServiceAccountToken)
		})
	}
}

func TestMagento2CodeSharing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		mode          string
		wantInit      bool
		wantNginxApp  bool   // nginx runs from the app image
		wantCodeMount string // where nginx mounts the code volume ("" for none)
	}{
		{mode: "app-image", wantNginxApp: true},
		{mode: "copy", wantInit: true, wantCodeMount: "/var/www/html/pub"},
		{mode: "image-volume", wantCodeMount: "/var/www/html"},
	}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			m := m2Scenario(t, "minimal", map[string]string{
				"web.codeSharing":            tc.mode,
				"web.nginx.image.repository": "shop/nginx",
				"web.nginx.image.tag":        "1.28",
			})
			spec := render.Get[*appsv1.Deployment](t, m, m2Name("web")).Spec.Template.Spec
			nginx := container(t, spec, "nginx")
			php := container(t, spec, "php-fpm")
			assert.Equal(t, tc.wantNginxApp, nginx.Image == php.Image, "nginx image %s, app image %s", nginx.Image, php.Image)
			var inits []string
			for _, c := range spec.InitContainers {
				inits = append(inits, c.Name)
			}
			wantInits := []string{"env-php"} // the chart's env.php evaluated once for the workers (TestMagento2EnvPhpInit)
			if tc.wantInit {
				wantInits = append(wantInits, "copy-pub")
			}
			assert.Equal(t, wantInits, inits)
			mounts := mountPaths(nginx)
			if tc.wantCodeMount == "" {
				assert.NotContains(t, mounts, "/var/www/html/pub")
				return
			}
			assert.Equal(t, "code", mounts[tc.wantCodeMount])
			assert.Equal(t, "media", mounts["/var/www/html/pub/media"], "media is the shared volume on top of the code")
			code := volume(t, spec, "code")
			if tc.mode == "image-volume" {
				require.NotNil(t, code.Image)
				assert.Equal(t, php.Image, code.Image.Reference)
			} else {
				require.NotNil(t, code.EmptyDir)
				init := spec.InitContainers[1]
				assert.Equal(t, php.Image, init.Image)
				assert.Contains(t, strings.Join(init.Command, " "), `[ "$entry" = media ] && continue`, "media is not copied")
			}
		})
	}
}

func TestMagento2NginxConfig(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "minimal", nil)
	cm := render.Get[*corev1.ConfigMap](t, m, m2Name("nginx"))
	conf := cm.Data["nginx.conf"]
	for _, want := range []string{
		"listen 8080 default_server;",
		"root $MAGE_ROOT/pub;",
		"server unix:/run/php-fpm/www.sock;",
		"server unix:/run/php-fpm/health.sock;",
		`rewrite ^/static/(version\d*/)?(.*)$ /static.php?resource=$2 last;`,
		"try_files $uri $uri/ /get.php$is_args$args;",
		"location ~ ^/(index|get|static|errors/report|errors/404|errors/503|health_check)\\.php$",
		"location ~ ^/media/(customer|downloadable|import|custom_options)/",
		"location ~* ^/(setup|update)($|/)",
		"location ~* ^/cron\\.php",
		"fastcgi_buffers 16 16k;",
		"fastcgi_buffer_size 32k;",
		"fastcgi_read_timeout 600s;",
		"fastcgi_param HTTPS $magento_https if_not_empty;",
		"map $http_x_forwarded_proto $magento_https",
		"pid /tmp/nginx.pid;",
		"client_body_temp_path /tmp/client_body;",
		"location = /healthz",
		"location = /fpm-ping",
	} {
		assert.Contains(t, conf, want)
	}
	assert.Contains(t, cm.Data, "fastcgi_params")
	assert.Contains(t, cm.Data, "mime.types")

	multi := m2Scenario(t, "everything", nil)
	conf = render.Get[*corev1.ConfigMap](t, multi, m2Name("nginx")).Data["nginx.conf"]
	assert.Contains(t, conf, `"www.shop.example.nl" "nl";`, "multi-store run codes map hosts to MAGE_RUN_CODE")
	assert.Contains(t, conf, "fastcgi_param MAGE_RUN_CODE $mage_run_code if_not_empty;")
	assert.Contains(t, conf, "location = /robots.txt", "extraServerConfig is added to the server block")
}

// TestMagento2PhpFpmSizedFromMemoryLimit: pm.max_children lets every worker reach its
// memory_limit inside the container's limit, with OPcache's shared memory counted once (it is
// one segment shared by all workers, not per worker).
func TestMagento2PhpFpmSizedFromMemoryLimit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		set          map[string]string
		wantChildren int
	}{
		// (limit - 512 OPcache - 64 reserved - 128 health worker) / 756 memory_limit
		{name: "defaults", wantChildren: 4}, // (4096 - 704) / 756
		{name: "2Gi limit", set: map[string]string{"web.php.resources.limits.memory": "2Gi"}, wantChildren: 1},
		{name: "8Gi limit", set: map[string]string{"web.php.resources.limits.memory": "8Gi"}, wantChildren: 9},
		{name: "decimal units", set: map[string]string{"web.php.resources.limits.memory": "3000M"}, wantChildren: 2},                                      // (2861 - 704) / 756
		{name: "smaller workers", set: map[string]string{"web.php.fpm.ini.memory_limit": "512M"}, wantChildren: 6},                                        // (4096 - 704) / 512
		{name: "smaller OPcache", set: map[string]string{`magento.php.ini.opcache\.memory_consumption`: "64"}, wantChildren: 5},                           // (4096 - 64 - 192) / 756
		{name: "APCu counted", set: map[string]string{"web.php.fpm.ini.memory_limit": "256M", `magento.php.ini.apc\.shm_size`: "256M"}, wantChildren: 12}, // (4096 - 704 - 256) / 256
		{name: "explicit that fits", set: map[string]string{"web.php.fpm.maxChildren": "3"}, wantChildren: 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := m2Scenario(t, "minimal", tc.set)
			conf := render.Get[*corev1.ConfigMap](t, m, m2Name("php")).Data["php-fpm.conf"]
			assert.Contains(t, conf, fmt.Sprintf("\npm.max_children = %d\n", tc.wantChildren))
			assert.Contains(t, conf, "listen = /run/php-fpm/www.sock\nlisten.mode = 0666\n")
			assert.Contains(t, conf, "clear_env = no")
			assert.Contains(t, conf, "ping.path = /fpm-ping")
			assert.Contains(t, conf, "pm.status_path = /fpm-status")
			assert.Contains(t, conf, "php_value[memory_limit] = ", "the web workers' own memory_limit")
		})
	}
}

func TestMagento2ConfigChangeRollsPods(t *testing.T) {
	t.Parallel()
	base := m2Scenario(t, "minimal", nil)
	cases := []struct {
		set      map[string]string
		checksum string
	}{
		{set: map[string]string{"web.nginx.clientMaxBodySize": "128m"}, checksum: "checksum/nginx"},
		{set: map[string]string{"web.php.fpm.ini.memory_limit": "512M"}, checksum: "checksum/php"},
		{set: map[string]string{"magento.php.ini.memory_limit": "1G"}, checksum: "checksum/app-etc"},
		{set: map[string]string{"magento.database.host": "db2"}, checksum: "checksum/env"},
		{set: map[string]string{"magento.database.password": "rotated"}, checksum: "checksum/env-secret"},
	}
	baseAnn := render.Get[*appsv1.Deployment](t, base, m2Name("web")).Spec.Template.Annotations
	for _, tc := range cases {
		t.Run(tc.checksum, func(t *testing.T) {
			t.Parallel()
			changed := render.Get[*appsv1.Deployment](t, m2Scenario(t, "minimal", tc.set), m2Name("web")).Spec.Template.Annotations
			require.NotEmpty(t, baseAnn[tc.checksum])
			assert.NotEqual(t, baseAnn[tc.checksum], changed[tc.checksum], "a change of %v must roll the web pods", tc.set)
		})
	}
}

func TestMagento2Probes(t *testing.T) {
	t.Parallel()
	spec := render.Get[*appsv1.Deployment](t, m2Scenario(t, "minimal", nil), m2Name("web")).Spec.Template.Spec
	nginx := container(t, spec, "nginx")
	php := container(t, spec, "php-fpm")
	require.NotNil(t, nginx.ReadinessProbe)
	assert.Equal(t, "/health_check.php", nginx.ReadinessProbe.HTTPGet.Path)
	assert.Equal(t, "health", nginx.ReadinessProbe.HTTPGet.Port.String(), "through php-fpm's health pool")
	var healthPort int32
	for _, p := range nginx.Ports {
		if p.Name == "health" {
			healthPort = p.ContainerPort
		}
	}
	require.NotZero(t, healthPort, "nginx's health port")
	// nginx's liveness asks nginx itself, never PHP, the database or Redis.
	require.NotNil(t, nginx.StartupProbe)
	require.NotNil(t, nginx.LivenessProbe.HTTPGet)
	assert.Equal(t, "/healthz", nginx.LivenessProbe.HTTPGet.Path)
	assert.Equal(t, "health", nginx.LivenessProbe.HTTPGet.Port.String())
	// php-fpm's startup and liveness go through nginx's health server to its ping (a named port
	// only resolves in the probed container's own ports, so php-fpm uses the number), answered by
	// its health pool, apart from the store's workers. The config tier runs the probes of a
	// saturated pod (TestMagento2WebPodSaturated).
	for _, probe := range []*corev1.Probe{php.StartupProbe, php.LivenessProbe} {
		require.NotNil(t, probe.HTTPGet)
		assert.Equal(t, "/fpm-ping", probe.HTTPGet.Path)
		assert.Equal(t, healthPort, probe.HTTPGet.Port.IntVal)
	}
	conf := render.Get[*corev1.ConfigMap](t, m2Scenario(t, "minimal", nil), m2Name("php")).Data["php-fpm.conf"]
	assert.Contains(t, conf, "[health]\nlisten = /run/php-fpm/health.sock\n")
}

func TestMagento2ZeroDowntimeRollout(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "production", nil)
	d := render.Get[*appsv1.Deployment](t, m, m2Name("web"))
	ru := d.Spec.Strategy.RollingUpdate
	require.NotNil(t, ru)
	assert.Equal(t, "0", ru.MaxUnavailable.String())
	assert.Nil(t, d.Spec.Replicas, "with autoscaling the HPA owns the replica count")
	spec := d.Spec.Template.Spec
	nginx := container(t, spec, "nginx")
	php := container(t, spec, "php-fpm")
	require.NotNil(t, nginx.Lifecycle.PreStop.Exec)
	assert.Contains(t, strings.Join(nginx.Lifecycle.PreStop.Exec.Command, " "), "-s quit", "nginx drains gracefully")
	require.NotNil(t, php.Lifecycle.PreStop.Exec)
	assert.Contains(t, strings.Join(php.Lifecycle.PreStop.Exec.Command, " "), "kill -QUIT 1", "php-fpm stops gracefully")
	// The behaviour itself (requests during the drain, a slow request completing) is checked by
	// the config tier, which runs the hooks: TestMagento2WebPodGracefulShutdown.
	require.Len(t, spec.TopologySpreadConstraints, 2)
	assert.Equal(t, "kubernetes.io/hostname", spec.TopologySpreadConstraints[0].TopologyKey)

	pdb := render.Get[*policyv1.PodDisruptionBudget](t, m, m2Name("web"))
	assert.Equal(t, d.Spec.Selector.MatchLabels, pdb.Spec.Selector.MatchLabels)
	assert.Equal(t, "1", pdb.Spec.MaxUnavailable.String())
}

func TestMagento2Autoscaling(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "production", nil)
	hpa := render.Get[*autoscalingv2.HorizontalPodAutoscaler](t, m, m2Name("web"))
	assert.Equal(t, "Deployment", hpa.Spec.ScaleTargetRef.Kind)
	assert.Equal(t, m2Name("web"), hpa.Spec.ScaleTargetRef.Name)
	assert.Equal(t, int32(3), *hpa.Spec.MinReplicas)
	assert.Equal(t, int32(30), hpa.Spec.MaxReplicas)
	require.NotEmpty(t, hpa.Spec.Metrics)
	assert.Equal(t, corev1.ResourceCPU, hpa.Spec.Metrics[0].Resource.Name)

	// Fast enough for a 100x spike: no stabilisation on the way up, and the allowed step within
	// one period multiplies the pods by at least 10.
	up := hpa.Spec.Behavior.ScaleUp
	require.NotNil(t, up)
	assert.Equal(t, int32(0), *up.StabilizationWindowSeconds)
	var maxPercent int32
	for _, p := range up.Policies {
		if p.Type == autoscalingv2.PercentScalingPolicy && p.PeriodSeconds <= 15 && p.Value > maxPercent {
			maxPercent = p.Value
		}
	}
	assert.GreaterOrEqual(t, maxPercent, int32(900), "scale-up may multiply the pods by 10 every 15 s")

	every := m2Scenario(t, "everything", nil)
	hpa = render.Get[*autoscalingv2.HorizontalPodAutoscaler](t, every, m2Name("web"))
	var types []autoscalingv2.MetricSourceType
	for _, metric := range hpa.Spec.Metrics {
		types = append(types, metric.Type)
	}
	assert.Equal(t, []autoscalingv2.MetricSourceType{autoscalingv2.ResourceMetricSourceType, autoscalingv2.ResourceMetricSourceType, autoscalingv2.PodsMetricSourceType}, types, "cpu, memory, then the passthrough metric")
	assert.False(t, has(m2Scenario(t, "minimal", nil), "HorizontalPodAutoscaler", m2Name("web")))
}

// TestMagento2Metrics: off by default; on, the exporter container, nginx's metrics port, a
// metrics Service selecting the web pods with both ports, and a ServiceMonitor scraping them with
// the labels Prometheus selects by. What the endpoints serve is checked by the config tier.
func TestMagento2Metrics(t *testing.T) {
	t.Parallel()
	off := m2Scenario(t, "minimal", nil)
	_, ok := off.Lookup("Service", m2Name("metrics"))
	assert.False(t, ok, "no metrics Service by default")
	assert.Len(t, render.Get[*appsv1.Deployment](t, off, m2Name("web")).Spec.Template.Spec.Containers, 2)

	m := m2Scenario(t, "everything", nil)
	d := render.Get[*appsv1.Deployment](t, m, m2Name("web"))
	svc := render.Get[*corev1.Service](t, m, m2Name("metrics"))
	assert.Equal(t, d.Spec.Selector.MatchLabels, svc.Spec.Selector)
	containerPorts := map[string]bool{}
	for _, c := range d.Spec.Template.Spec.Containers {
		for _, p := range c.Ports {
			containerPorts[p.Name] = true
		}
	}
	servicePorts := map[string]bool{}
	for _, p := range svc.Spec.Ports {
		servicePorts[p.Name] = true
		assert.True(t, containerPorts[p.TargetPort.String()], "Service port %s targets a container port", p.Name)
	}
	sm := render.GetUnstructured(t, m, "ServiceMonitor", m2Name("metrics"))
	assert.Equal(t, "prometheus", sm.GetLabels()["release"])
	selector, _, _ := unstructured.NestedStringMap(sm.Object, "spec", "selector", "matchLabels")
	for k, v := range selector {
		assert.Equal(t, v, svc.Labels[k], "the ServiceMonitor selects the metrics Service (%s)", k)
	}
	endpoints, _, _ := unstructured.NestedSlice(sm.Object, "spec", "endpoints")
	require.Len(t, endpoints, 2)
	for _, e := range endpoints {
		port := e.(map[string]any)["port"].(string)
		assert.True(t, servicePorts[port], "endpoint port %s is a port of the metrics Service", port)
	}
}

// TestMagento2NetworkPolicy: every pod template of the store is selected by the deny policy, only
// the web pods by the allowing one, whose named ports exist on the web pods; the peers are the
// configured ones.
func TestMagento2NetworkPolicy(t *testing.T) {
	t.Parallel()
	_, ok := m2Scenario(t, "minimal", nil).Lookup("NetworkPolicy", m2Name("deny-ingress"))
	assert.False(t, ok, "off by default")
	for _, scenario := range []string{"production", "everything"} {
		t.Run(scenario, func(t *testing.T) {
			t.Parallel()
			m := m2Scenario(t, scenario, nil)
			deny := render.Get[*networkingv1.NetworkPolicy](t, m, m2Name("deny-ingress"))
			assert.Empty(t, deny.Spec.Ingress, "no ingress rule: nothing allowed")
			allow := render.Get[*networkingv1.NetworkPolicy](t, m, m2Name("web"))
			denySel, err := metav1.LabelSelectorAsSelector(&deny.Spec.PodSelector)
			require.NoError(t, err)
			allowSel, err := metav1.LabelSelectorAsSelector(&allow.Spec.PodSelector)
			require.NoError(t, err)
			for _, pt := range m.PodTemplates() {
				pod := labels.Set(pt.Meta.Labels)
				assert.True(t, denySel.Matches(pod), "%s is covered by the deny policy", pt)
				isWeb := pt.Meta.Labels["app.kubernetes.io/component"] == "web"
				assert.Equal(t, isWeb, allowSel.Matches(pod), "%s is let in only if it is a web pod", pt)
				if isWeb {
					ports := map[string]bool{}
					for _, c := range pt.Spec.Containers {
						for _, p := range c.Ports {
							ports[p.Name] = true
						}
					}
					for _, rule := range allow.Spec.Ingress {
						for _, p := range rule.Ports {
							assert.True(t, ports[p.Port.String()], "port %s is a web pod port", p.Port.String())
						}
					}
				}
			}
			assert.NotEmpty(t, allow.Spec.Ingress)
		})
	}
}

// TestMagento2EnvPhpInit: php-fpm reads the chart's env.php as the env-php init container
// evaluated it (files/env-php.php) with php-fpm's own environment, from an in-memory volume only
// the two mount, read-only; cron keeps including the chart's file. The config tier's
// TestMagento2EnvPhpContract runs both against Magento's readers.
func TestMagento2EnvPhpInit(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "production", nil)
	spec := render.Get[*appsv1.Deployment](t, m, m2Name("web")).Spec.Template.Spec
	php := container(t, spec, "php-fpm")
	require.NotEmpty(t, spec.InitContainers)
	init := spec.InitContainers[0]
	require.Equal(t, "env-php", init.Name)
	assert.Equal(t, php.Image, init.Image)
	assert.Equal(t, []string{"php", "/etc/magento/app-etc/env-php.php", "/etc/magento/app-etc/env.php", "/env-php/env.php"}, init.Command)
	assert.Equal(t, php.Env, init.Env, "php-fpm's environment")
	assert.Equal(t, php.EnvFrom, init.EnvFrom, "php-fpm's environment")
	assert.Equal(t, "app-etc", mountPaths(init)["/etc/magento/app-etc"])
	assert.Equal(t, "env-php", mountPaths(init)["/env-php"])
	for _, vm := range php.VolumeMounts {
		if vm.MountPath == "/var/www/html/app/etc/env.php" {
			assert.Equal(t, "env-php", vm.Name)
			assert.Equal(t, "env.php", vm.SubPath)
			assert.True(t, vm.ReadOnly)
		}
	}
	v := volume(t, spec, "env-php")
	require.NotNil(t, v.EmptyDir)
	assert.Equal(t, corev1.StorageMediumMemory, v.EmptyDir.Medium, "secrets never on disk")
	cm := render.Get[*corev1.ConfigMap](t, m, m2Name("app-etc"))
	assert.Contains(t, cm.Data["env-php.php"], "var_export($config, true)")
	for _, cj := range render.Find[*batchv1.CronJob](m) {
		for _, c := range cj.Spec.JobTemplate.Spec.Template.Spec.Containers {
			if p, ok := mountPaths(c)["/var/www/html/app/etc/env.php"]; ok {
				assert.Equal(t, "app-etc", p, "%s includes the chart's env.php", cj.Name)
			}
		}
	}
}
