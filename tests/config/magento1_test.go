package config_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"

	"github.com/magento-k8s/charts/tests/internal/existing"
	"github.com/magento-k8s/charts/tests/internal/podrun"
	"github.com/magento-k8s/charts/tests/internal/render"
	"github.com/magento-k8s/charts/tests/internal/repo"
)

const m1Chart = "magento1"

// m1Web starts the magento1 web pod of the minimal scenario (plus set/setJSON) on a stub OpenMage
// tree (testdata/openmage) and media (testdata/openmage-media), its database a real MariaDB
// reached under the scenario's host name, and waits until its probes pass: the local-xml init
// container has written app/etc/local.xml with real PHP from the rendered Secrets, and the chart's
// health check (files/health_check.php) reached the database through it.
func m1Web(t *testing.T, set, setJSON map[string]string) *webPod {
	t.Helper()
	opts := render.Options{ValuesFiles: []string{m1Chart + "/ci/minimal-values.yaml"}, SetValues: set, SetJSONValues: setJSON}
	m := render.Render(t, m1Chart, opts)
	vals := render.Values(t, m1Chart, opts)
	host, err := vals.PathValue("magento.database.host")
	require.NoError(t, err)
	db := startDatabase(t, "openmage", "openmage", "change-me")
	spec := render.Get[*appsv1.Deployment](t, m, render.DefaultReleaseName+"-magento1-web").Spec.Template.Spec
	root := repo.Root(t)
	pod := runChartPod(t, m1Chart, m, spec, opts, existing.For(t, m1Chart, opts.ValuesFiles),
		os.DirFS(filepath.Join(root, "tests/config/testdata/openmage")),
		map[string]fs.FS{"media": os.DirFS(filepath.Join(root, "tests/config/testdata/openmage-media"))},
		func(o *podrun.Options) {
			o.JoinNetns = db.netns
			o.HostAliases = map[string]string{host.(string): "127.0.0.1"}
		})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, pod.WaitReady(ctx), "web pod ready (its readiness: the chart's health check against MariaDB)\n%s", pod.Logs("local-xml"))
	return &webPod{Pod: pod, manifests: m, values: vals}
}

// frontController is what the stub index.php reports.
type frontController struct {
	Entry       string            `json:"entry"`
	URI         string            `json:"uri"`
	Installed   bool              `json:"installed"`
	InstallDate string            `json:"install_date"`
	CryptKey    string            `json:"crypt_key"`
	Skip        string            `json:"skip_process_modules_updates"`
	DB          map[string]string `json:"db"`
	Env         map[string]string `json:"env"`
	Reach       map[string]string `json:"reach"`
}

// TestMagento1WebPod runs the rendered web pod with Debian's nginx and php-fpm: local.xml as the
// init container wrote it, read by PHP as OpenMage reads it; OPENMAGE_CONFIG__* in $_ENV under
// php-fpm (variables_order, clear_env); OpenMage's allow-list (dev/openmage/nginx-frontend.conf);
// the maintenance flag on the shared media volume, with and without a bypass address.
func TestMagento1WebPod(t *testing.T) {
	t.Parallel()
	config := map[string]string{"magento.config.default": `{"web/cookie/cookie_lifetime":"86400"}`, "magento.config.stores": `{"german":{"general/locale/code":"de_DE"}}`}
	w := m1Web(t, map[string]string{"magento.redis.enabled": "false", "magento.cryptKey.value": "0123456789abcdef0123456789abcdef"}, config)
	port := 8080

	t.Run("local.xml and $_ENV as OpenMage reads them", func(t *testing.T) {
		r := w.get(t, port, "/some/category.html", nil)
		require.Equal(t, 200, r.status, r.body)
		var fc frontController
		require.NoError(t, json.Unmarshal([]byte(r.body), &fc), r.body)
		assert.Equal(t, "index.php", fc.Entry)
		assert.True(t, fc.Installed, "Mage::isInstalled(): global/install/date is set")
		assert.Equal(t, "0123456789abcdef0123456789abcdef", fc.CryptKey, "the crypt key from its Secret")
		assert.Equal(t, map[string]string{"host": "mysql.shop.svc.cluster.local:3306", "password": "change-me", "dbname": "openmage"}, fc.DB)
		assert.Equal(t, "1", fc.Skip, "web requests never run setup scripts")
		assert.Equal(t, map[string]string{
			"OPENMAGE_CONFIG_OVERRIDE_ALLOWED":                       "1",
			"OPENMAGE_CONFIG__DEFAULT__WEB__COOKIE__COOKIE_LIFETIME": "86400",
			"OPENMAGE_CONFIG__STORES__GERMAN__GENERAL__LOCALE__CODE": "de_DE",
		}, fc.Env, "$_ENV holds OpenMage's variables")

		r = w.get(t, port, "/?reach=1", nil)
		require.NoError(t, json.Unmarshal([]byte(r.body), &fc), r.body)
		assert.Regexp(t, "^ok ", fc.Reach["db"], "MariaDB reached through local.xml's default_setup connection")
		assert.Equal(t, "no redis", fc.Reach["cache"], "magento.redis.enabled false: OpenMage's own cache")
	})

	t.Run("allow-list", func(t *testing.T) {
		for path, want := range map[string]int{
			"/":                           200,
			"/index.php/admin/dashboard/": 200,
			"/skin/frontend/base/default/css/styles.css": 200,
			"/js/prototype/prototype.js":                 200,
			"/media/catalog/product/shoe.jpg":            200,
			"/robots.txt":                                200,
			"/app/Mage.php":                              404,
			"/app/etc/local.xml":                         404,
			"/app/etc/config.xml":                        404,
			"/var/log/system.log":                        404,
			"/shell/indexer.php":                         404,
			"/install.php":                               404,
			"/cron.php":                                  404,
			"/api.php":                                   404,
			"/get.php":                                   404,
			"/js/index.php":                              404,
			"/media/customer/address.txt":                404,
			"/media/import/stock.csv":                    404,
			"/errors/local.xml":                          404,
			"/.git/config":                               404,
		} {
			r := w.get(t, port, path, nil)
			assert.Equal(t, want, r.status, "%s: %s", path, r.body)
			assert.NotContains(t, r.body, "<?php", "%s: no PHP source", path)
			assert.NotContains(t, r.body, " ran", "%s: no other PHP file runs", path)
		}
		r := w.get(t, port, "/media/catalog/product/cache/1/small.jpg", nil)
		assert.Equal(t, "get.php /media/catalog/product/cache/1/small.jpg\n", r.body, "a media miss goes to get.php")
		// nginx caches the lookups of the image's files, not the shared volume's: the image
		// get.php (or another pod) writes there is served as a file by the next request.
		small := filepath.Join(w.Volume("media"), "catalog/product/cache/1/small.jpg")
		require.NoError(t, os.MkdirAll(filepath.Dir(small), 0o755))
		require.NoError(t, os.WriteFile(small, []byte("GIF89a small"), 0o644))
		assert.Equal(t, "GIF89a small", w.get(t, port, "/media/catalog/product/cache/1/small.jpg", nil).body)
		assert.Equal(t, "body { color: #333; }\n", w.get(t, port, "/skin/frontend/base/default/css/styles.css", nil).body)
	})

	t.Run("maintenance", func(t *testing.T) {
		flag := filepath.Join(w.Volume("media"), ".maintenance.flag")
		require.NoError(t, os.WriteFile(flag, []byte("setup\n"), 0o644))
		r := w.get(t, port, "/", nil)
		assert.Equal(t, 503, r.status, "the store is in maintenance while the flag exists")
		assert.Equal(t, 503, w.get(t, port, "/media/.maintenance.flag", nil).status)
		require.NoError(t, os.Remove(flag))
		assert.Equal(t, 200, w.get(t, port, "/", nil).status, "and back when it is gone")
		assert.Equal(t, 404, w.get(t, port, "/media/.maintenance.flag", nil).status, "the flag is never served")
	})
}

// TestMagento1MaintenanceBypass: the addresses of magento.maintenanceAllowIps (OpenMage's
// maintenance.ip) still get the store while the flag exists.
func TestMagento1MaintenanceBypass(t *testing.T) {
	t.Parallel()
	w := m1Web(t, map[string]string{"magento.redis.enabled": "false"}, map[string]string{"magento.maintenanceAllowIps": `["127.0.0.1"]`})
	require.NoError(t, os.WriteFile(filepath.Join(w.Volume("media"), ".maintenance.flag"), []byte("setup\n"), 0o644))
	assert.Equal(t, 200, w.get(t, 8080, "/", nil).status, "127.0.0.1 is allowed through")
}

// openmageCall is one call the stub OpenMage recorded (testdata/openmage/app/Mage.php).
type openmageCall struct {
	Call        string   `json:"call"`
	Maintenance bool     `json:"maintenance"`
	UID         int64    `json:"uid"`
	Argv        []string `json:"argv"`
}

// stubOpenMage returns a copy of the stub OpenMage tree with app/etc/stub.json as state says.
func stubOpenMage(t *testing.T, state map[string]any) fs.FS {
	t.Helper()
	return os.DirFS(stubTree(t, "openmage", state))
}

// openmageCalls reads the stub's call log from the pod's var volume, as "call (argv…)" strings,
// and checks every call ran as uid.
func openmageCalls(t *testing.T, pod *podrun.Pod, uid int64) (calls []string, maintenance []bool) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(pod.Volume("var"), "stub-openmage.log"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var c openmageCall
		require.NoError(t, json.Unmarshal([]byte(line), &c), line)
		assert.Equal(t, uid, c.UID, "%s runs as the pod's user", c.Call)
		calls = append(calls, fmt.Sprintf("%s (%s)", c.Call, strings.Join(c.Argv, " ")))
		maintenance = append(maintenance, c.Maintenance)
	}
	return calls, maintenance
}

// TestMagento1SetupJob runs the setup hook Job's pod (files/setup.sh, files/setup.php) on the stub
// OpenMage, whose module versions (config.xml's against core_resource's, as
// Mage_Core_Model_Resource_Setup::applyUpdates()/applyDataUpdates() compare them) the case sets,
// and checks the hook's decisions: nothing but the status read when every module is current;
// pending updates applied the way the admin's cache flush applies them
// (Adminhtml CacheController::flushSystemAction: config cache banned, lock, applyAllUpdates,
// applyAllDataUpdates, unbanned, saved, unlocked), with the store in maintenance exactly then and
// out of it afterwards, on failure and when the pod is stopped too; an unusable database failing
// or skipped as setup.onNotInstalled says.
func TestMagento1SetupJob(t *testing.T) {
	t.Parallel()
	current := map[string]any{"core_setup": map[string]string{"module": "Mage_Core", "code": "1.6.0.10", "db": "1.6.0.10", "data": "1.6.0.10"}}
	schema := map[string]any{"core_setup": map[string]string{"module": "Mage_Core", "code": "1.6.0.10", "db": "1.6.0.9", "data": "1.6.0.9"}}
	data := map[string]any{"catalog_setup": map[string]string{"module": "Mage_Catalog", "code": "1.6.0.1", "db": "1.6.0.1", "data": "1.6.0.0"}}
	fresh := map[string]any{"cms_setup": map[string]string{"module": "Mage_Cms", "code": "1.6.0.0"}}
	apply := []string{"app (apply)", "banUse config (apply)", "reinit (apply)", "getCacheSaveLock (apply)", "cleanCache (apply)",
		"applyAllUpdates (apply)", "applyAllDataUpdates (apply)", "unbanUse config (apply)", "saveCache (apply)", "releaseCacheSaveLock (apply)"}
	for _, tc := range []struct {
		name       string
		set        map[string]string
		state      map[string]any
		stopDuring string // SIGTERM to the container once this call is recorded
		wantExit   int
		want       []string
	}{
		{name: "up to date", state: map[string]any{"resources": current}, want: []string{"app (status)"}},
		{name: "schema update pending", state: map[string]any{"resources": schema}, want: append([]string{"app (status)"}, apply...)},
		{name: "data update pending", state: map[string]any{"resources": data}, want: append([]string{"app (status)"}, apply...)},
		{name: "new module", state: map[string]any{"resources": fresh}, want: append([]string{"app (status)"}, apply...)},
		{name: "update fails", state: map[string]any{"resources": schema, "apply_error": "SQLSTATE[42S21]: duplicate column"}, wantExit: 255,
			want: append([]string{"app (status)"}, append(slices.Clone(apply[:6]), "releaseCacheSaveLock (apply)")...)},
		{name: "stopped during update", state: map[string]any{"resources": schema, "apply_sleep": 60}, stopDuring: "applyAllUpdates (apply)", wantExit: 143,
			want: append([]string{"app (status)"}, apply[:6]...)},
		{name: "database unusable", state: map[string]any{"resources": current, "database_error": "Connection refused"}, wantExit: 1, want: []string{"app (status)"}},
		{name: "database unusable, skipped", set: map[string]string{"setup.onNotInstalled": "skip"}, state: map[string]any{"resources": current, "database_error": "Connection refused"},
			want: []string{"app (status)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := render.Options{ValuesFiles: []string{m1Chart + "/ci/minimal-values.yaml"}, SetValues: tc.set}
			m := render.Render(t, m1Chart, opts)
			job := render.Get[*batchv1.Job](t, m, render.DefaultReleaseName+"-magento1-setup")
			spec := job.Spec.Template.Spec
			pod := runChartPod(t, m1Chart, m, spec, opts, existing.For(t, m1Chart, opts.ValuesFiles), stubOpenMage(t, tc.state), nil, nil)
			uid := *spec.SecurityContext.RunAsUser
			if tc.stopDuring != "" {
				require.Eventually(t, func() bool {
					calls, _ := openmageCalls(t, pod, uid)
					return slices.Contains(calls, tc.stopDuring)
				}, 30*time.Second, 50*time.Millisecond, "%s recorded", tc.stopDuring)
				require.NoError(t, pod.Signal("setup", syscall.SIGTERM))
			}
			done, err := pod.Wait("setup", 60*time.Second)
			require.True(t, done, "the setup container did not finish:\n%s", pod.Logs("setup"))
			assert.Equal(t, tc.wantExit, exitCode(err), pod.Logs("setup"))
			calls, maintenance := openmageCalls(t, pod, uid)
			assert.Equal(t, tc.want, calls, pod.Logs("setup"))
			for i, call := range calls {
				assert.Equal(t, strings.HasSuffix(call, "(apply)"), maintenance[i], "the store is in maintenance exactly while updates are applied: %s", call)
			}
			assert.NoFileExists(t, filepath.Join(pod.Volume("media"), ".maintenance.flag"), "maintenance is never left on")
		})
	}
}

// TestMagento1CronJobs runs one pod of every CronJob of every scenario on the stub OpenMage (whose
// cron.php handles its mode as OpenMage 20.18.0's does, getopt('m::')): each runs cron.php once in
// its own mode (-mdefault or -malways), in the foreground (the container ends after the dispatch,
// never through the background cron.sh of a plain cron.php), as the pod's user; with the setup
// Job's maintenance flag on the shared media volume, the run is skipped.
func TestMagento1CronJobs(t *testing.T) {
	t.Parallel()
	for _, s := range render.Scenarios(t, m1Chart) {
		opts, m := s.Options, s.Manifests
		cronJobs := render.Find[*batchv1.CronJob](m)
		require.Len(t, cronJobs, 2, "%s: one CronJob per cron.php mode", s.Name)
		for _, cj := range cronJobs {
			for _, maintenance := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/maintenance=%t", s.Name, cj.Name, maintenance), func(t *testing.T) {
					t.Parallel()
					spec := cj.Spec.JobTemplate.Spec.Template.Spec
					require.Len(t, spec.Containers, 1, "a cron pod has one container: nothing keeps the Job alive")
					c := spec.Containers[0]
					var media map[string]fs.FS
					if maintenance {
						media = map[string]fs.FS{"media": fstest.MapFS{".maintenance.flag": {Data: []byte("setup\n")}}}
					}
					pod := runChartPod(t, m1Chart, m, spec, opts, existing.For(t, m1Chart, opts.ValuesFiles), stubOpenMage(t, nil), media, nil)
					done, err := pod.Wait(c.Name, 60*time.Second)
					require.True(t, done, "cron.php did not exit:\n%s", pod.Logs(c.Name))
					require.NoError(t, err, pod.Logs(c.Name))
					calls, _ := openmageCalls(t, pod, *spec.SecurityContext.RunAsUser)
					if maintenance {
						assert.Empty(t, calls, "nothing runs while the setup Job holds maintenance")
						assert.Contains(t, pod.Logs(c.Name), "maintenance")
						return
					}
					mode := strings.TrimPrefix(cj.Name, render.DefaultReleaseName+"-magento1-cron-")
					args := "-m" + mode
					assert.Equal(t, []string{"app (" + args + ")", "dispatchEvent " + mode + " begin (" + args + ")", "dispatchEvent " + mode + " (" + args + ")"}, calls,
						"one dispatch of the CronJob's own mode, finished before the container ended")
				})
			}
		}
	}
}
