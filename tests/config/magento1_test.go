package config_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"

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
