package render_test

import (
	"fmt"
	"regexp"
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

// The magento2 chart's feature checks: one test per item of the chart's contract, each over the
// scenarios (magento2/ci/*-values.yaml) or small value overrides of the minimal scenario.

const (
	m2Chart    = "magento2"
	m2Fullname = "shop-magento2" // release "shop" (render.DefaultReleaseName) + chart name
)

// m2Name is the name of a magento2 object of a component.
func m2Name(component string) string { return m2Fullname + "-" + component }

// m2Scenario renders one magento2 scenario, optionally with --set overrides on top.
func m2Scenario(tb testing.TB, scenario string, set map[string]string) *render.Manifests {
	tb.Helper()
	return render.Render(tb, m2Chart, render.Options{
		ValuesFiles: []string{fmt.Sprintf("%s/ci/%s-values.yaml", m2Chart, scenario)},
		SetValues:   set,
	})
}

// m2ScenarioE is m2Scenario returning the render error.
func m2ScenarioE(tb testing.TB, scenario string, set, setJSON map[string]string) (*render.Manifests, error) {
	tb.Helper()
	return render.RenderE(tb, m2Chart, render.Options{
		ValuesFiles:   []string{fmt.Sprintf("%s/ci/%s-values.yaml", m2Chart, scenario)},
		SetValues:     set,
		SetJSONValues: setJSON,
	})
}

// container returns the named container of a pod spec (init containers included).
func container(tb testing.TB, spec corev1.PodSpec, name string) corev1.Container {
	tb.Helper()
	for _, c := range render.Containers(spec) {
		if c.Name == name {
			return c
		}
	}
	require.Failf(tb, "container not found", "no container %q in pod spec", name)
	return corev1.Container{}
}

// envValue returns the literal value of an env var of a container, and whether it is set.
func envVar(c corev1.Container, name string) (corev1.EnvVar, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e, true
		}
	}
	return corev1.EnvVar{}, false
}

// volume returns the named volume of a pod spec.
func volume(tb testing.TB, spec corev1.PodSpec, name string) corev1.Volume {
	tb.Helper()
	for _, v := range spec.Volumes {
		if v.Name == name {
			return v
		}
	}
	require.Failf(tb, "volume not found", "no volume %q in pod spec", name)
	return corev1.Volume{}
}

// mountPaths maps a container's volume mounts by path to volume name.
func mountPaths(c corev1.Container) map[string]string {
	out := map[string]string{}
	for _, m := range c.VolumeMounts {
		out[m.MountPath] = m.Name
	}
	return out
}

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
			assert.Equal(t, tc.wantInit, len(spec.InitContainers) == 1)
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
				init := spec.InitContainers[0]
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
		"server 127.0.0.1:9000;",
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
			assert.Contains(t, conf, "listen = 127.0.0.1:9000")
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

// TestMagento2EnvironmentAndSecrets: the variables env.php reads (what Magento makes of them is
// the config tier's contract test, which runs the rendered env.php), none that Magento's
// DeploymentConfig would take as a flat override, and secrets only through Secrets.
func TestMagento2EnvironmentAndSecrets(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "everything", nil)
	env := render.Get[*corev1.ConfigMap](t, m, m2Name("env")).Data
	for key, want := range map[string]string{
		"MAGE_MODE":                   "production",
		"MAGENTO_DB_HOST":             "mysql:3306",
		"MAGENTO_REDIS_HOST":          m2Name("redis"),
		"MAGENTO_REDIS_PAGE_CACHE_DB": "1",
		"MAGENTO_SESSION_REDIS_DB":    "2",
		"MAGENTO_CACHE_ID_PREFIX":     "shop_acc_",
		"MAGENTO_AMQP_HOST":           m2Name("amqp"),
		"MAGENTO_ADMIN_PATH":          "beheer",
		"MAGENTO_SEARCH_ENGINE":       "elasticsearch8",
		"MAGENTO_SEARCH_HOST":         m2Name("search"),
		"MAGENTO_SEARCH_USERNAME":     "shop",
		"MAGENTO_BASE_URL":            "https://www.shop.example.com/",
	} {
		assert.Equal(t, want, env[key], key)
	}
	// No secret value ever lands in a ConfigMap.
	for _, cm := range render.Find[*corev1.ConfigMap](m) {
		for key, value := range cm.Data {
			for _, secret := range []string{"s3cret", "redis-s3cret", "search-s3cret", "amqp-s3cret", "0123456789abcdef0123456789abcdef"} {
				assert.NotContains(t, value, secret, "ConfigMap %s key %s holds a secret", cm.Name, key)
			}
		}
	}
	secret := render.Get[*corev1.Secret](t, m, m2Name("env"))
	assert.Equal(t, "s3cret", string(secret.Data["db-password"]))
	assert.Equal(t, "amqp-s3cret", string(secret.Data["amqp-password"]))

	php := container(t, render.Get[*appsv1.Deployment](t, m, m2Name("web")).Spec.Template.Spec, "php-fpm")
	for _, name := range []string{"MAGENTO_DB_PASSWORD", "MAGENTO_CRYPT_KEY", "MAGENTO_REDIS_PASSWORD", "MAGENTO_SESSION_REDIS_PASSWORD", "MAGENTO_AMQP_PASSWORD", "MAGENTO_SEARCH_PASSWORD"} {
		e, ok := envVar(php, name)
		require.True(t, ok, name)
		require.NotNil(t, e.ValueFrom, name)
		assert.NotNil(t, e.ValueFrom.SecretKeyRef, "%s comes from a Secret", name)
	}
	assert.Equal(t, "shop-integrations", php.EnvFrom[1].SecretRef.Name, "extraEnvFromSecrets")

	// Magento's DeploymentConfig takes every variable whose name contains MAGENTO_DC_ as a flat
	// override of env.php (framework/App/DeploymentConfig.php, getAllEnvOverrides: strpos): the
	// chart sets none, in any scenario or container.
	for _, scenario := range []string{"minimal", "production", "gke", "everything"} {
		sm := m2Scenario(t, scenario, nil)
		for _, cm := range render.Find[*corev1.ConfigMap](sm) {
			for key := range cm.Data {
				assert.NotContains(t, key, "MAGENTO_DC_", "%s: ConfigMap %s", scenario, cm.Name)
			}
		}
		for _, pt := range sm.PodTemplates() {
			for _, c := range render.Containers(pt.Spec) {
				for _, e := range c.Env {
					assert.NotContains(t, e.Name, "MAGENTO_DC_", "%s: %s container %s", scenario, pt, c.Name)
				}
			}
		}
	}

	// existingSecret everywhere: no chart-stored password, references to the user's Secrets.
	prod := m2Scenario(t, "production", nil)
	prodPhp := container(t, render.Get[*appsv1.Deployment](t, prod, m2Name("web")).Spec.Template.Spec, "php-fpm")
	for name, want := range map[string][2]string{
		"MAGENTO_DB_PASSWORD":            {"shop-db", "password"},
		"MAGENTO_CRYPT_KEY":              {"shop-crypt-key", "key"},
		"MAGENTO_REDIS_PASSWORD":         {"shop-redis", "password"},
		"MAGENTO_SESSION_REDIS_PASSWORD": {"shop-redis", "password"},
		"MAGENTO_AMQP_PASSWORD":          {"shop-amqp", "password"},
	} {
		e, ok := envVar(prodPhp, name)
		require.True(t, ok, name)
		assert.Equal(t, want, [2]string{e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key}, name)
	}
	assert.Empty(t, render.Get[*corev1.Secret](t, prod, m2Name("env")).Data)
	assert.False(t, has(prod, "Secret", m2Name("crypt-key")), "no chart crypt key with an existingSecret")
}

func TestMagento2CryptKey(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		set           map[string]string
		wantValue     string // "" means generated
		wantGenerated bool
	}{
		{name: "generated", wantGenerated: true},
		{name: "supplied", set: map[string]string{"magento.cryptKey.value": "abcdefabcdefabcdefabcdefabcdef12"}, wantValue: "abcdefabcdefabcdefabcdefabcdef12"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := m2Scenario(t, "minimal", tc.set)
			s := render.Get[*corev1.Secret](t, m, m2Name("crypt-key"))
			key := string(s.Data["crypt-key"])
			assert.Equal(t, "keep", s.Annotations["helm.sh/resource-policy"], "Helm never deletes the crypt key")
			require.NotNil(t, s.Immutable)
			assert.True(t, *s.Immutable, "the stored key can never be changed by an upgrade")
			assert.Equal(t, tc.wantGenerated, s.Annotations["magento.k8s.io/generated"] == "true")
			if tc.wantGenerated {
				assert.Regexp(t, regexp.MustCompile(`^[A-Za-z0-9]{32}$`), key)
			} else {
				assert.Equal(t, tc.wantValue, key)
			}
			// The upgrade hook's copy holds the same key within one render.
			hook := render.Get[*corev1.Secret](t, m, m2Name("upgrade-env"))
			assert.Equal(t, key, string(hook.Data["crypt-key"]))
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
	assert.Contains(t, conf, "[health]\nlisten = 127.0.0.1:9001\n")
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

func TestMagento2CronJobs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		scenario string
		want     map[string][]string // CronJob name → cron:run args
	}{
		{scenario: "minimal", want: map[string][]string{
			m2Name("cron-index"): {"--group=index"},
			m2Name("cron-main"):  {"--exclude-group=index"},
		}},
		{scenario: "everything", want: map[string][]string{
			m2Name("cron-index"):   {"--group=index"},
			m2Name("cron-default"): {"--group=default"},
			m2Name("cron-other"):   {"--exclude-group=index", "--exclude-group=default"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			m := m2Scenario(t, tc.scenario, nil)
			for name, args := range tc.want {
				cj := render.Get[*batchv1.CronJob](t, m, name)
				assert.Equal(t, batchv1.ForbidConcurrent, cj.Spec.ConcurrencyPolicy, name)
				require.NotNil(t, cj.Spec.StartingDeadlineSeconds, name)
				assert.NotNil(t, cj.Spec.SuccessfulJobsHistoryLimit, name)
				assert.NotNil(t, cj.Spec.FailedJobsHistoryLimit, name)
				pod := cj.Spec.JobTemplate.Spec.Template.Spec
				assert.Equal(t, corev1.RestartPolicyNever, pod.RestartPolicy, name)
				require.Len(t, pod.Containers, 1, "%s: no sidecar keeps a cron pod alive", name)
				c := pod.Containers[0]
				// tini, the maintenance guard (which execs its arguments), then cron:run in the foreground.
				require.Greater(t, len(c.Command), 7, name)
				assert.Equal(t, []string{"/usr/bin/tini", "-g", "--", "/bin/sh", "-c"}, c.Command[:5], name)
				assert.Contains(t, c.Command[5], "var/.maintenance.flag", name)
				assert.True(t, strings.HasSuffix(c.Command[5], `exec "$@"`), name)
				assert.Equal(t, append([]string{"php", "bin/magento", "cron:run"}, args...), c.Command[7:], name)
				assert.NotContains(t, strings.Join(c.Command, " "), "&", "%s: nothing backgrounds itself", name)
			}
			assert.Len(t, cronJobsNamed(m, m2Name("cron-")), len(tc.want))
		})
	}
	// Every group a CronJob runs stays in its process (env.php's system section; what Magento
	// makes of it is the config tier's contract test).
	for scenario, want := range map[string]string{"minimal": "consumers default index", "everything": "consumers ddg_automation default index"} {
		env := render.Get[*corev1.ConfigMap](t, m2Scenario(t, scenario, nil), m2Name("env")).Data
		assert.Equal(t, want, env["MAGENTO_CRON_IN_PROCESS_GROUPS"], scenario)
	}
	assert.Empty(t, cronJobsNamed(m2Scenario(t, "minimal", map[string]string{"cron.enabled": "false"}), m2Name("cron-")))
}

// has reports whether the render holds an object of that kind and name.
func has(m *render.Manifests, kind, name string) bool {
	_, ok := m.Lookup(kind, name)
	return ok
}

// cronJobsNamed returns the CronJobs whose name starts with prefix.
func cronJobsNamed(m *render.Manifests, prefix string) []*batchv1.CronJob {
	var out []*batchv1.CronJob
	for _, cj := range render.Find[*batchv1.CronJob](m) {
		if strings.HasPrefix(cj.Name, prefix) {
			out = append(out, cj)
		}
	}
	return out
}

// TestMagento2UpgradeHook: the hook Job runs the chart's upgrade script (files/upgrade.sh) with a
// writable app/etc made of the image's and the chart's env.php; its configuration comes from hook
// copies made before it, whose hosts are the ExternalName Services' targets (the Services are
// release objects, created after pre-install hooks). What the script does is the config tier's
// TestMagento2UpgradeJob.
func TestMagento2UpgradeHook(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "minimal", nil)
	job := render.Get[*batchv1.Job](t, m, m2Name("upgrade"))
	assert.Equal(t, "pre-install,pre-upgrade", job.Annotations["helm.sh/hook"])
	assert.Equal(t, int32(1), *job.Spec.Parallelism, "one upgrade at a time")
	require.NotNil(t, job.Spec.ActiveDeadlineSeconds)
	require.NotNil(t, job.Spec.BackoffLimit)
	pod := job.Spec.Template.Spec
	require.Len(t, pod.Containers, 1)
	c := pod.Containers[0]
	assert.Equal(t, []string{"/usr/bin/tini", "-g", "--", "/bin/sh", "/etc/magento/upgrade/upgrade.sh"}, c.Command)
	mounts := mountPaths(c)
	assert.Equal(t, "app-etc-copy", mounts["/var/www/html/app/etc"], "setup:upgrade gets a writable app/etc")
	assert.Empty(t, mounts["/var/www/html/app/etc/env.php"], "the Job's env.php is its writable copy")
	assert.Equal(t, "app-etc", mounts["/etc/magento/upgrade"])
	require.Len(t, pod.InitContainers, 1)
	copyCmd := pod.InitContainers[0].Command
	assert.Equal(t, []string{"copy-app-etc", "/var/www/html/app/etc", "/etc/magento/upgrade/env.php", "/app-etc"}, copyCmd[3:],
		"the image's app/etc and the chart's env.php into the writable copy (files/copy-app-etc.sh)")

	// Its configuration: hook copies created before the Job, from the same helpers.
	appEtc := render.Get[*corev1.ConfigMap](t, m, m2Name("app-etc"))
	hookAppEtc := render.Get[*corev1.ConfigMap](t, m, m2Name("upgrade-app-etc"))
	assert.Equal(t, appEtc.Data, hookAppEtc.Data)
	assert.Equal(t, m2Name("upgrade-app-etc"), volume(t, pod, "app-etc").ConfigMap.Name)
	script := appEtc.Data["upgrade.sh"]
	// The upgrade under maintenance, switched off again on the way out; setup:db:status decides.
	require.Contains(t, script, "\n  2) upgrade ;;")
	decide := strings.Index(script, "magento setup:db:status ||")
	require.Greater(t, decide, strings.Index(script, "upgrade() {"), "the status decides after the functions are defined")
	script = script[strings.Index(script, "upgrade() {"):]
	order := []string{"trap 'magento maintenance:disable || true' EXIT", "magento maintenance:enable", "magento setup:upgrade --keep-generated", "magento app:config:import"}
	last := -1
	for _, step := range order {
		i := strings.Index(script, step)
		require.GreaterOrEqual(t, i, 0, "script runs %q", step)
		assert.Greater(t, i, last, "%q comes after the previous step", step)
		last = i
	}
	envCM := render.Get[*corev1.ConfigMap](t, m, m2Name("upgrade-env"))
	assert.Equal(t, "-10", envCM.Annotations["helm.sh/hook-weight"])
	assert.Equal(t, m2Name("upgrade-env"), c.EnvFrom[0].ConfigMapRef.Name)
	release := render.Get[*corev1.ConfigMap](t, m, m2Name("env")).Data
	hosts := map[string]string{
		"MAGENTO_REDIS_HOST":         "redis.shared-services.svc.cluster.local",
		"MAGENTO_SESSION_REDIS_HOST": "redis-sessions.shared-services.svc.cluster.local",
		"MAGENTO_SEARCH_HOST":        "opensearch.shared-services.svc.cluster.local",
	}
	for key, value := range release {
		if want, ok := hosts[key]; ok {
			assert.Equal(t, want, envCM.Data[key], "the hook reaches %s without the ExternalName Service", key)
			continue
		}
		assert.Equal(t, value, envCM.Data[key], key)
	}

	manual := render.Get[*batchv1.CronJob](t, m, m2Name("upgrade"))
	require.NotNil(t, manual.Spec.Suspend)
	assert.True(t, *manual.Spec.Suspend, "operators start the manual upgrade by hand")
	manualPod := manual.Spec.JobTemplate.Spec.Template.Spec
	assert.Equal(t, c.Command, manualPod.Containers[0].Command)
	assert.Equal(t, m2Name("env"), manualPod.Containers[0].EnvFrom[0].ConfigMapRef.Name)
	assert.Equal(t, m2Name("app-etc"), volume(t, manualPod, "app-etc").ConfigMap.Name)

	// The first installation takes its admin user from a Secret.
	install := m2Scenario(t, "minimal", map[string]string{"upgrade.onNotInstalled": "install", "upgrade.install.adminSecret": "shop-admin"})
	ic := render.Get[*batchv1.Job](t, install, m2Name("upgrade")).Spec.Template.Spec.Containers[0]
	for name, key := range map[string]string{"ADMIN_USER": "username", "ADMIN_PASSWORD": "password", "ADMIN_EMAIL": "email"} {
		e, ok := envVar(ic, name)
		require.True(t, ok, name)
		assert.Equal(t, [2]string{"shop-admin", key}, [2]string{e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key}, name)
	}
	e, ok := envVar(ic, "ON_NOT_INSTALLED")
	require.True(t, ok)
	assert.Equal(t, "install", e.Value)

	off := m2Scenario(t, "minimal", map[string]string{"upgrade.enabled": "false"})
	assert.False(t, has(off, "Job", m2Name("upgrade")))
	assert.False(t, has(off, "ConfigMap", m2Name("upgrade-env")))
}

func lastArg(c corev1.Container) string { return c.Command[len(c.Command)-1] }

func TestMagento2Ingress(t *testing.T) {
	t.Parallel()
	prod := m2Scenario(t, "production", nil)
	in := render.Get[*networkingv1.Ingress](t, prod, m2Name("web"))
	require.NotNil(t, in.Spec.IngressClassName)
	assert.Equal(t, "nginx", *in.Spec.IngressClassName)
	require.Len(t, in.Spec.TLS, 1)
	assert.Equal(t, m2Name("tls"), in.Spec.TLS[0].SecretName)
	assert.Equal(t, []string{"shop.example.com", "www.shop.example.com"}, in.Spec.TLS[0].Hosts)
	assert.Equal(t, "letsencrypt-production", in.Annotations["cert-manager.io/cluster-issuer"])
	assert.Equal(t, "256k", in.Annotations["nginx.ingress.kubernetes.io/proxy-buffer-size"])
	assert.Equal(t, "600", in.Annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"])
	assert.Equal(t, m2Name("web"), in.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Name)

	every := m2Scenario(t, "everything", nil)
	cert := render.GetUnstructured(t, every, "Certificate", m2Name("web"))
	dns, _, _ := unstructured.NestedStringSlice(cert.Object, "spec", "dnsNames")
	assert.Equal(t, []string{"www.shop.example.com", "www.shop.example.nl"}, dns)
	kind, _, _ := unstructured.NestedString(cert.Object, "spec", "issuerRef", "kind")
	assert.Equal(t, "Issuer", kind)
	assert.NotContains(t, render.Get[*networkingv1.Ingress](t, every, m2Name("web")).Annotations, "cert-manager.io/issuer", "certificate mode needs no ingress-shim annotation")
}

func TestMagento2GKE(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "gke", nil)
	in := render.Get[*networkingv1.Ingress](t, m, m2Name("web"))
	assert.Nil(t, in.Spec.IngressClassName, "GKE reads the class from the annotation")
	assert.Equal(t, "gce", in.Annotations["kubernetes.io/ingress.class"])
	assert.Equal(t, "shop-production-ip", in.Annotations["kubernetes.io/ingress.global-static-ip-name"])
	assert.Equal(t, m2Name("web"), in.Annotations["networking.gke.io/managed-certificates"])
	assert.Equal(t, m2Name("web"), in.Annotations["networking.gke.io/v1beta1.FrontendConfig"])
	assert.Empty(t, in.Spec.TLS, "the managed certificate replaces a TLS Secret")

	mc := render.GetUnstructured(t, m, "ManagedCertificate", m2Name("web"))
	domains, _, _ := unstructured.NestedStringSlice(mc.Object, "spec", "domains")
	assert.Equal(t, []string{"shop.example.com"}, domains)
	fc := render.GetUnstructured(t, m, "FrontendConfig", m2Name("web"))
	redirect, _, _ := unstructured.NestedBool(fc.Object, "spec", "redirectToHttps", "enabled")
	assert.True(t, redirect)
	bc := render.GetUnstructured(t, m, "BackendConfig", m2Name("web"))
	path, _, _ := unstructured.NestedString(bc.Object, "spec", "healthCheck", "requestPath")
	assert.Equal(t, "/health_check.php", path)
	port, _, _ := unstructured.NestedInt64(bc.Object, "spec", "healthCheck", "port")
	assert.Equal(t, int64(8080), port, "the health check probes the port the web pods serve")
	timeout, _, _ := unstructured.NestedInt64(bc.Object, "spec", "timeoutSec")
	assert.Equal(t, int64(600), timeout)

	svc := render.Get[*corev1.Service](t, m, m2Name("web"))
	assert.JSONEq(t, fmt.Sprintf(`{"default":%q}`, m2Name("web")), svc.Annotations["cloud.google.com/backend-config"])
	assert.JSONEq(t, `{"ingress":true}`, svc.Annotations["cloud.google.com/neg"])

	// Cloud SQL over its private IP: no proxy sidecar anywhere.
	env := render.Get[*corev1.ConfigMap](t, m, m2Name("env")).Data
	assert.Equal(t, "10.20.0.3:3306", env["MAGENTO_DB_HOST"])
	for _, pt := range m.PodTemplates() {
		for _, c := range pt.Spec.Containers {
			assert.NotContains(t, c.Image, "cloud-sql-proxy", "%s has no Cloud SQL proxy sidecar", pt.String())
		}
	}
	pvc := render.Get[*corev1.PersistentVolumeClaim](t, m, m2Name("media"))
	assert.Equal(t, "standard-rwx", *pvc.Spec.StorageClassName)

	// Google's load balancers and health checkers reach the pods from their own ranges: their
	// X-Forwarded-For is trusted; and a stopping pod serves until its network endpoint is gone.
	conf := render.Get[*corev1.ConfigMap](t, m, m2Name("nginx")).Data["nginx.conf"]
	assert.Contains(t, conf, "set_real_ip_from 130.211.0.0/22;")
	assert.Contains(t, conf, "set_real_ip_from 35.191.0.0/16;")
	assert.NotContains(t, render.Get[*corev1.ConfigMap](t, m2Scenario(t, "production", nil), m2Name("nginx")).Data["nginx.conf"], "130.211.0.0/22", "only behind Google's load balancer")
	spec := render.Get[*appsv1.Deployment](t, m, m2Name("web")).Spec.Template.Spec
	assert.Contains(t, strings.Join(container(t, spec, "nginx").Lifecycle.PreStop.Exec.Command, " "), "sleep 45;", "gke.negDrainSeconds")
	assert.Greater(t, *spec.TerminationGracePeriodSeconds, int64(45+15))
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

func TestMagento2SharedMedia(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "production", nil)
	pvc := render.Get[*corev1.PersistentVolumeClaim](t, m, m2Name("media"))
	assert.Equal(t, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany}, pvc.Spec.AccessModes)
	assert.Equal(t, "keep", pvc.Annotations["helm.sh/resource-policy"], "uninstall keeps the media")
	assert.Equal(t, "nfs-rwx", *pvc.Spec.StorageClassName)
	for _, pt := range m.PodTemplates() {
		v := volume(t, pt.Spec, "media")
		if pt.Kind == "Job" {
			// The upgrade hook runs before the release's claim exists; without a cluster (no
			// lookup) it renders as on a first install: an emptyDir, not a pod that never schedules.
			assert.NotNil(t, v.EmptyDir, "%s: the chart's claim is not there yet on a first install", pt.String())
			continue
		}
		require.NotNil(t, v.PersistentVolumeClaim, pt.String())
		assert.Equal(t, m2Name("media"), v.PersistentVolumeClaim.ClaimName, pt.String())
	}
	assert.Equal(t, "keep", render.Get[*corev1.PersistentVolumeClaim](t, m, m2Name("var")).Annotations["helm.sh/resource-policy"])

	existing := m2Scenario(t, "everything", nil)
	assert.False(t, has(existing, "PersistentVolumeClaim", m2Name("media")))
	for _, pt := range existing.PodTemplates() {
		if pt.Meta.Labels["app.kubernetes.io/component"] == "varnish" {
			continue // Varnish never touches files: it talks to the web pods
		}
		v := volume(t, pt.Spec, "media")
		require.NotNil(t, v.PersistentVolumeClaim, "%s mounts the existing claim, the upgrade hook too", pt.String())
		assert.Equal(t, "shop-media", v.PersistentVolumeClaim.ClaimName, pt.String())
	}
}

func TestMagento2ExternalServices(t *testing.T) {
	t.Parallel()
	cases := []struct {
		scenario string
		want     map[string]string // Service name → externalName
		absent   []string
	}{
		{scenario: "minimal", want: map[string]string{
			m2Name("redis"):          "redis.shared-services.svc.cluster.local",
			m2Name("redis-sessions"): "redis-sessions.shared-services.svc.cluster.local",
			m2Name("search"):         "opensearch.shared-services.svc.cluster.local",
		}, absent: []string{m2Name("amqp")}},
		{scenario: "production", want: map[string]string{
			m2Name("amqp"): "rabbitmq.shared-services.svc.cluster.local",
		}},
		{scenario: "gke", want: map[string]string{
			m2Name("search"): "opensearch.shared-services.svc.cluster.local",
		}, absent: []string{m2Name("redis"), m2Name("redis-sessions")}},
	}
	for _, tc := range cases {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			m := m2Scenario(t, tc.scenario, nil)
			for name, target := range tc.want {
				svc := render.Get[*corev1.Service](t, m, name)
				assert.Equal(t, corev1.ServiceTypeExternalName, svc.Spec.Type)
				assert.Equal(t, target, svc.Spec.ExternalName)
			}
			for _, name := range tc.absent {
				assert.False(t, has(m, "Service", name), name)
			}
		})
	}
	gke := render.Get[*corev1.ConfigMap](t, m2Scenario(t, "gke", nil), m2Name("env")).Data
	assert.Equal(t, "10.20.1.4", gke["MAGENTO_SESSION_REDIS_HOST"], "a managed Redis by address")
	// The shared-services layout: sessions on their own Redis, which never evicts.
	minimal := render.Get[*corev1.ConfigMap](t, m2Scenario(t, "minimal", nil), m2Name("env")).Data
	assert.Equal(t, m2Name("redis"), minimal["MAGENTO_REDIS_HOST"])
	assert.Equal(t, m2Name("redis-sessions"), minimal["MAGENTO_SESSION_REDIS_HOST"])
	own := render.Get[*corev1.ConfigMap](t, m2Scenario(t, "minimal", map[string]string{"magento.redis.sessionHost": "sessions.example.internal", "magento.redis.sessionPort": "6380"}), m2Name("env")).Data
	assert.Equal(t, "sessions.example.internal", own["MAGENTO_SESSION_REDIS_HOST"])
	assert.Equal(t, "6380", own["MAGENTO_SESSION_REDIS_PORT"])
}

func TestMagento2ServiceAccountAndSecurity(t *testing.T) {
	t.Parallel()
	for _, scenario := range []string{"minimal", "everything"} {
		t.Run(scenario, func(t *testing.T) {
			t.Parallel()
			m := m2Scenario(t, scenario, nil)
			sa := render.Get[*corev1.ServiceAccount](t, m, m2Fullname)
			require.NotNil(t, sa.AutomountServiceAccountToken)
			assert.False(t, *sa.AutomountServiceAccountToken)
			// The upgrade hook runs before the release's ServiceAccount exists: it has its own, a hook too.
			hookSA := render.Get[*corev1.ServiceAccount](t, m, m2Name("upgrade"))
			assert.Equal(t, "pre-install,pre-upgrade", hookSA.Annotations["helm.sh/hook"])
			assert.Equal(t, "-10", hookSA.Annotations["helm.sh/hook-weight"])
			assert.False(t, *hookSA.AutomountServiceAccountToken)
			for _, pt := range m.PodTemplates() {
				wantSA := m2Fullname
				if pt.Kind == "Job" {
					wantSA = m2Name("upgrade")
				}
				assert.Equal(t, wantSA, pt.Spec.ServiceAccountName, pt.String())
				require.NotNil(t, pt.Spec.AutomountServiceAccountToken, pt.String())
				assert.False(t, *pt.Spec.AutomountServiceAccountToken, pt.String())
				for _, c := range render.Containers(pt.Spec) {
					require.NotNil(t, c.SecurityContext, "%s/%s", pt.String(), c.Name)
					assert.True(t, *c.SecurityContext.ReadOnlyRootFilesystem, "%s/%s has a read-only root file system", pt.String(), c.Name)
				}
				// Every writable path is an explicit volume.
				for _, v := range pt.Spec.Volumes {
					if v.EmptyDir != nil && v.Name != "code" && v.Name != "app-etc" {
						assert.NotNil(t, v.EmptyDir.SizeLimit, "%s volume %s has a size limit", pt.String(), v.Name)
					}
				}
			}
		})
	}
}

func TestMagento2Notes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		scenario string
		set      map[string]string
		want     []string
		notWant  []string
	}{
		{name: "production", scenario: "production",
			want:    []string{"https://shop.example.com/", "https://shop.example.com/shop_admin_7f3k", `Secret "shop-crypt-key" (key "key")`, "rollout status deployment/" + m2Name("web")},
			notWant: []string{"WARNINGS"}},
		{name: "minimal warns", scenario: "minimal",
			want: []string{"port-forward svc/" + m2Name("web"), "WARNINGS", "web.replicaCount is 1", "magento.adminPath is \"admin\"",
				"persistence.var.enabled is false", "The crypt key was generated"}},
		{name: "unsafe settings", scenario: "minimal",
			set:  map[string]string{"persistence.media.enabled": "false", "web.nginx.containerSecurityContext.readOnlyRootFilesystem": "false", "ingress.enabled": "true", "ingress.hosts[0]": "shop.example.com", "ingress.tls.enabled": "false"},
			want: []string{"persistence.media.enabled is false", "web.nginx.containerSecurityContext.readOnlyRootFilesystem is false", "ingress.tls.enabled is false", "http://shop.example.com/"}},
		{name: "HTTPRoute only", scenario: "minimal",
			set:  map[string]string{"httpRoute.enabled": "true", "httpRoute.parentRefs[0].name": "shared-gateway", "httpRoute.hostnames[0]": "shop.example.org"},
			want: []string{"HTTPRoute on Gateway shared-gateway", "https://shop.example.org/", "Admin: https://shop.example.org/admin"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			notes := render.Notes(t, m2Chart, render.Options{
				ValuesFiles: []string{fmt.Sprintf("%s/ci/%s-values.yaml", m2Chart, tc.scenario)},
				SetValues:   tc.set,
			})
			for _, want := range tc.want {
				assert.Contains(t, notes, want)
			}
			for _, notWant := range tc.notWant {
				assert.NotContains(t, notes, notWant)
			}
		})
	}
}

// TestMagento2Consumers: consumers_runner is off for every pod (it would fork consumers from
// cron), a Forbid CronJob runs the consumers in the foreground, each dedicated consumer gets a
// Deployment with its replicas, and consumers.enabled=false removes both but not the runner's
// switch. What the pods do is checked by the config tier (tests/config).
func TestMagento2Consumers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		scenario    string
		set         map[string]string
		cronJob     bool
		deployments map[string]int32
	}{
		{scenario: "minimal", cronJob: true},
		{scenario: "everything", cronJob: true, deployments: map[string]int32{m2Name("consumer-place-order"): 2}},
		{scenario: "everything", set: map[string]string{"consumers.enabled": "false"}},
	} {
		t.Run(fmt.Sprintf("%s %v", tc.scenario, tc.set), func(t *testing.T) {
			t.Parallel()
			m := m2Scenario(t, tc.scenario, tc.set)
			_, ok := m.Lookup("CronJob", m2Name("consumers"))
			assert.Equal(t, tc.cronJob, ok, "consumers CronJob")
			if ok {
				cj := render.Get[*batchv1.CronJob](t, m, m2Name("consumers"))
				assert.Equal(t, batchv1.ForbidConcurrent, cj.Spec.ConcurrencyPolicy)
				assert.Equal(t, corev1.RestartPolicyNever, cj.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy)
				e, found := envVar(cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0], "MAGENTO_QUEUE_CONSUMERS_WAIT_FOR_MESSAGES")
				require.True(t, found)
				assert.Equal(t, "0", e.Value, "the scheduled consumers exit when their queue is empty")
			}
			got := map[string]int32{}
			for _, d := range render.Find[*appsv1.Deployment](m) {
				if d.Spec.Template.Labels["app.kubernetes.io/component"] != "web" {
					got[d.Name] = *d.Spec.Replicas
				}
			}
			if tc.deployments == nil {
				tc.deployments = map[string]int32{}
			}
			assert.Equal(t, tc.deployments, got)
		})
	}
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

// TestMagento2HTTPRoute: the route attaches to the given Gateway listeners with the store's host
// names (its own, else the Ingress's), sends the path to the web Service's port with nginx's
// long timeout, and makes the https base URL when no other is known.
func TestMagento2HTTPRoute(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "everything", nil)
	route := render.GetUnstructured(t, m, "HTTPRoute", m2Name("web"))
	parents, _, _ := unstructured.NestedSlice(route.Object, "spec", "parentRefs")
	require.Len(t, parents, 1)
	assert.Equal(t, "shared-gateway", parents[0].(map[string]any)["name"])
	hosts, _, _ := unstructured.NestedStringSlice(route.Object, "spec", "hostnames")
	ing := render.Get[*networkingv1.Ingress](t, m, m2Name("web"))
	var ingressHosts []string
	for _, r := range ing.Spec.Rules {
		ingressHosts = append(ingressHosts, r.Host)
	}
	assert.Equal(t, ingressHosts, hosts, "without httpRoute.hostnames, the Ingress's hosts")
	rules, _, _ := unstructured.NestedSlice(route.Object, "spec", "rules")
	require.Len(t, rules, 1)
	rule := rules[0].(map[string]any)
	backend := rule["backendRefs"].([]any)[0].(map[string]any)
	// The everything scenario runs Varnish: the route goes to it, and it to the web pods.
	svc := render.Get[*corev1.Service](t, m, m2Name("varnish"))
	assert.Equal(t, svc.Name, backend["name"])
	assert.EqualValues(t, svc.Spec.Ports[0].Port, backend["port"])
	assert.Equal(t, "600s", rule["timeouts"].(map[string]any)["request"])

	// Alone, with its own host names: they make the base URL.
	alone := m2Scenario(t, "minimal", map[string]string{"httpRoute.enabled": "true", "httpRoute.parentRefs[0].name": "gw", "httpRoute.hostnames[0]": "shop.example.org"})
	env := render.Get[*corev1.ConfigMap](t, alone, m2Name("env"))
	assert.Equal(t, "https://shop.example.org/", env.Data["MAGENTO_BASE_URL"])
}

// TestMagento2VarnishFront: with Varnish the Ingress (and the GKE annotations of the front
// Service) move to the Varnish Service, the web Service keeps only its selector, Magento purges
// every Varnish pod by its stable name, and with NetworkPolicies the web pods accept HTTP from the
// Varnish pods alone while Varnish accepts it from the configured clients. What Varnish does with
// the requests is checked by the config tier (TestMagento2Varnish).
func TestMagento2VarnishFront(t *testing.T) {
	t.Parallel()
	m := m2Scenario(t, "gke", map[string]string{"varnish.enabled": "true", "networkPolicy.enabled": "true",
		"networkPolicy.webFrom[0].namespaceSelector.matchLabels.team": "edge"})
	ing := render.Get[*networkingv1.Ingress](t, m, m2Name("web"))
	for _, rule := range ing.Spec.Rules {
		for _, p := range rule.HTTP.Paths {
			assert.Equal(t, m2Name("varnish"), p.Backend.Service.Name)
		}
	}
	front := render.Get[*corev1.Service](t, m, m2Name("varnish"))
	assert.NotEmpty(t, front.Annotations["cloud.google.com/backend-config"], "the load balancer's health check follows the front")
	web := render.Get[*corev1.Service](t, m, m2Name("web"))
	assert.Empty(t, web.Annotations["cloud.google.com/backend-config"])
	bc := render.GetUnstructured(t, m, "BackendConfig", m2Name("web"))
	path, _, _ := unstructured.NestedString(bc.Object, "spec", "healthCheck", "requestPath")
	port, _, _ := unstructured.NestedInt64(bc.Object, "spec", "healthCheck", "port")
	assert.Equal(t, "/varnish-health", path, "the load balancer asks Varnish, which serves from cache while the web pods are down")
	assert.Equal(t, int64(6081), port, "the port the Varnish pods serve, not nginx's")

	// Magento purges every Varnish pod by its stable name on the purge port, which the public
	// Service does not expose.
	sts := render.Get[*appsv1.StatefulSet](t, m, m2Name("varnish"))
	env := render.Get[*corev1.ConfigMap](t, m, m2Name("env")).Data
	var want []string
	for i := range int(*sts.Spec.Replicas) {
		want = append(want, fmt.Sprintf("%s-%d.%s:6091", sts.Name, i, sts.Spec.ServiceName))
	}
	assert.Equal(t, strings.Join(want, " "), env["MAGENTO_HTTP_CACHE_HOSTS"], "one cache host per Varnish pod, on its purge port")
	for _, p := range front.Spec.Ports {
		assert.NotEqual(t, "purge", p.TargetPort.String(), "the public Service never reaches the purge listener")
		assert.NotEqual(t, int32(6091), p.Port)
	}
	headless := render.Get[*corev1.Service](t, m, sts.Spec.ServiceName)
	var headlessPorts []string
	for _, p := range headless.Spec.Ports {
		headlessPorts = append(headlessPorts, p.TargetPort.String())
	}
	assert.ElementsMatch(t, []string{"http", "purge"}, headlessPorts)

	webPolicy := render.Get[*networkingv1.NetworkPolicy](t, m, m2Name("web"))
	require.Len(t, webPolicy.Spec.Ingress[0].From, 1)
	assert.Equal(t, "varnish", webPolicy.Spec.Ingress[0].From[0].PodSelector.MatchLabels["app.kubernetes.io/component"])
	varnishPolicy := render.Get[*networkingv1.NetworkPolicy](t, m, m2Name("varnish"))
	require.Len(t, varnishPolicy.Spec.Ingress, 2)
	assert.Equal(t, "http", varnishPolicy.Spec.Ingress[0].Ports[0].Port.String())
	assert.Equal(t, "edge", varnishPolicy.Spec.Ingress[0].From[0].NamespaceSelector.MatchLabels["team"])
	// The purge port admits every pod of the release (web, cron, consumers, upgrade: Magento
	// purges from all of them) and nothing else.
	purge := varnishPolicy.Spec.Ingress[1]
	assert.Equal(t, "purge", purge.Ports[0].Port.String())
	require.Len(t, purge.From, 1)
	require.NotNil(t, purge.From[0].PodSelector)
	assert.Nil(t, purge.From[0].NamespaceSelector, "the release's own namespace only")
	sel, err := metav1.LabelSelectorAsSelector(purge.From[0].PodSelector)
	require.NoError(t, err)
	for _, pt := range m.PodTemplates() {
		assert.True(t, sel.Matches(labels.Set(pt.Meta.Labels)), "%s may purge", pt)
	}
	assert.False(t, sel.Matches(labels.Set{"app.kubernetes.io/name": "ingress-nginx"}), "an ingress controller may not")
}
