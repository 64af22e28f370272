package render_test

import (
	"encoding/xml"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// The magento1 (OpenMage) chart: what it renders for OpenMage 20.18.0, whose reading of each
// setting is cited per test (docs/openmage-contract.md holds the research). What PHP and nginx make
// of the rendered files is the config tier's.

const (
	m1Chart    = "magento1"
	m1Fullname = "shop-magento1"
)

func m1Name(component string) string { return m1Fullname + "-" + component }

// m1Scenario renders one magento1 scenario with optional --set and --set-json overrides.
func m1Scenario(tb testing.TB, scenario string, set, setJSON map[string]string) (*render.Manifests, error) {
	tb.Helper()
	return scenarioE(tb, m1Chart, scenario, set, setJSON)
}

// localXML is the part of app/etc/local.xml OpenMage reads (app/etc/local.xml.template and
// local.xml.additional of OpenMage 20.18.0).
type localXML struct {
	InstallDate string `xml:"global>install>date"`
	CryptKey    string `xml:"global>crypt>key"`
	Skip        string `xml:"global>skip_process_modules_updates"`
	TablePrefix string `xml:"global>resources>db>table_prefix"`
	Connection  struct {
		Host           string `xml:"host"`
		Username       string `xml:"username"`
		Password       string `xml:"password"`
		Dbname         string `xml:"dbname"`
		InitStatements string `xml:"initStatements"`
		Model          string `xml:"model"`
		Type           string `xml:"type"`
		Active         string `xml:"active"`
	} `xml:"global>resources>default_setup>connection"`
	SessionSave  string `xml:"global>session_save"`
	RedisSession struct {
		Host     string `xml:"host"`
		Port     string `xml:"port"`
		Password string `xml:"password"`
		Db       string `xml:"db"`
	} `xml:"global>redis_session"`
	Cache struct {
		Backend        string `xml:"backend"`
		IDPrefix       string `xml:"id_prefix"`
		BackendOptions struct {
			Server   string `xml:"server"`
			Port     string `xml:"port"`
			Database string `xml:"database"`
			Password string `xml:"password"`
		} `xml:"backend_options"`
	} `xml:"global>cache"`
	AdminFrontName string `xml:"admin>routers>adminhtml>args>frontName"`
}

func parseLocalXML(t *testing.T, m *render.Manifests, configMap string) localXML {
	t.Helper()
	raw := render.Get[*corev1.ConfigMap](t, m, configMap).Data["local.xml"]
	var doc localXML
	require.NoError(t, xml.Unmarshal([]byte(raw), &doc), "local.xml of %s is XML", configMap)
	return doc
}

// TestMagento1LocalXML: the chart's local.xml carries what OpenMage reads from it, with the
// secrets as placeholders the local-xml init container fills: the install date Mage::isInstalled()
// requires (app/Mage.php), host:port (Varien_Db_Adapter_Pdo_Mysql::_getHostInfo), the Redis cache
// backend and Redis sessions on their own databases, the admin path, and setup scripts kept from
// web requests (Mage_Core_Model_App::_shouldSkipProcessModulesUpdates). The setup hook's copy points
// at the ExternalName Services' targets (the Services do not exist before a first install).
func TestMagento1LocalXML(t *testing.T) {
	t.Parallel()
	m, err := m1Scenario(t, "production", nil, nil)
	require.NoError(t, err)
	doc := parseLocalXML(t, m, m1Name("app-etc"))
	assert.Equal(t, "Mon, 14 Mar 2016 09:12:44 +0000", doc.InstallDate)
	assert.Equal(t, "${OPENMAGE_CRYPT_KEY}", doc.CryptKey)
	assert.Equal(t, "${OPENMAGE_SKIP_MODULE_UPDATES}", doc.Skip)
	assert.Equal(t, "om_", doc.TablePrefix)
	c := doc.Connection
	assert.Equal(t, []string{"mysql.databases.svc.cluster.local:3306", "shop", "${OPENMAGE_DB_PASSWORD}", "shop_production", "SET NAMES utf8", "mysql4", "pdo_mysql", "1"},
		[]string{c.Host, c.Username, c.Password, c.Dbname, c.InitStatements, c.Model, c.Type, c.Active})
	assert.Equal(t, "redis", doc.SessionSave)
	assert.Equal(t, []string{m1Name("redis-sessions"), "6379", "4", "${OPENMAGE_REDIS_PASSWORD}"},
		[]string{doc.RedisSession.Host, doc.RedisSession.Port, doc.RedisSession.Db, doc.RedisSession.Password})
	assert.Equal(t, "Cm_Cache_Backend_Redis", doc.Cache.Backend)
	assert.Equal(t, []string{m1Name("redis"), "6379", "3", "${OPENMAGE_REDIS_PASSWORD}"},
		[]string{doc.Cache.BackendOptions.Server, doc.Cache.BackendOptions.Port, doc.Cache.BackendOptions.Database, doc.Cache.BackendOptions.Password})
	assert.Equal(t, "shop_test_shop_", doc.Cache.IDPrefix, "the id_prefix is the namespace (shop-test) and release")
	assert.Equal(t, "shop_admin_4k9q", doc.AdminFrontName)

	hook := parseLocalXML(t, m, m1Name("setup-app-etc"))
	assert.Equal(t, "shop-test-shop-redis-cache.shared-services.svc.cluster.local", hook.Cache.BackendOptions.Server)
	assert.Equal(t, "shop-test-shop-redis-sessions.shared-services.svc.cluster.local", hook.RedisSession.Host)

	// Without Redis: database sessions and OpenMage's own cache, no Redis node left behind.
	m, err = m1Scenario(t, "minimal", map[string]string{"magento.redis.enabled": "false"}, nil)
	require.NoError(t, err)
	doc = parseLocalXML(t, m, m1Name("app-etc"))
	assert.Equal(t, "db", doc.SessionSave)
	assert.Empty(t, doc.Cache.Backend)
	assert.Empty(t, doc.RedisSession.Host)
}

// TestMagento1Environment: system configuration reaches OpenMage as OPENMAGE_CONFIG__<SCOPE>__…
// variables (Mage_Core_Helper_EnvironmentConfigLoader: upper case, "__" between the parts) with
// OPENMAGE_CONFIG_OVERRIDE_ALLOWED=1 (app/Mage.php validates it as an integer); PHP fills $_ENV
// (variables_order with E) and php-fpm keeps the environment; every OpenMage container, the
// local-xml init containers included, gets the passwords and the crypt key from Secrets.
func TestMagento1Environment(t *testing.T) {
	t.Parallel()
	m, err := m1Scenario(t, "everything", nil, nil)
	require.NoError(t, err)
	env := render.Get[*corev1.ConfigMap](t, m, m1Name("env")).Data
	for key, want := range map[string]string{
		"OPENMAGE_CONFIG_OVERRIDE_ALLOWED":                       "1",
		"OPENMAGE_SKIP_MODULE_UPDATES":                           "1",
		"OPENMAGE_CONFIG__DEFAULT__DESIGN__PACKAGE__NAME":        "rwd",
		"OPENMAGE_CONFIG__DEFAULT__WEB__SEO__USE_REWRITES":       "1",
		"OPENMAGE_CONFIG__DEFAULT__WEB__SECURE__BASE_URL":        "https://www.shop.example.com/",
		"OPENMAGE_CONFIG__WEBSITES__NL__WEB__UNSECURE__BASE_URL": "https://www.shop.example.nl/",
		"OPENMAGE_CONFIG__STORES__DUTCH__GENERAL__LOCALE__CODE":  "nl_NL",
	} {
		assert.Equal(t, want, env[key], key)
	}
	appEtc := render.Get[*corev1.ConfigMap](t, m, m1Name("app-etc")).Data
	assert.Contains(t, appEtc["php.ini"], "variables_order = EGPCS")
	assert.Contains(t, render.Get[*corev1.ConfigMap](t, m, m1Name("php")).Data["php-fpm.conf"], "clear_env = no")

	pods := m.PodTemplates()
	require.NotEmpty(t, pods)
	for _, p := range pods {
		for _, c := range slices.Concat(p.Spec.InitContainers, p.Spec.Containers) {
			if c.Name == "nginx" || c.Name == "nginx-exporter" || c.Name == "copy-pub" {
				continue
			}
			refs := map[string]string{}
			for _, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					refs[e.Name] = e.ValueFrom.SecretKeyRef.Name + "/" + e.ValueFrom.SecretKeyRef.Key
				}
			}
			envSecret := m1Name("env")
			if strings.Contains(p.Name, "setup") {
				envSecret = m1Name("setup-env")
			}
			assert.Equal(t, envSecret+"/db-password", refs["OPENMAGE_DB_PASSWORD"], "%s/%s", p.Name, c.Name)
			assert.Equal(t, envSecret+"/redis-password", refs["OPENMAGE_REDIS_PASSWORD"], "%s/%s", p.Name, c.Name)
			assert.NotEmpty(t, refs["OPENMAGE_CRYPT_KEY"], "%s/%s", p.Name, c.Name)
		}
	}
}

func slicesClone(in []corev1.Container) []corev1.Container {
	return append([]corev1.Container(nil), in...)
}

// TestMagento1CronJobs: cron.php -mdefault and -malways, each in its own CronJob that never
// overlaps, in the foreground through files/cron.sh (plain cron.php backgrounds cron.sh and exits,
// cron.php of OpenMage 20.18.0), local.xml written before it starts.
func TestMagento1CronJobs(t *testing.T) {
	t.Parallel()
	m, err := m1Scenario(t, "minimal", nil, nil)
	require.NoError(t, err)
	cronJobs := render.Find[*batchv1.CronJob](m)
	require.Len(t, cronJobs, 2)
	for mode, name := range map[string]string{"default": "cron-default", "always": "cron-always"} {
		cj := render.Get[*batchv1.CronJob](t, m, m1Name(name))
		assert.Equal(t, batchv1.ForbidConcurrent, cj.Spec.ConcurrencyPolicy, name)
		spec := cj.Spec.JobTemplate.Spec.Template.Spec
		cmd := spec.Containers[0].Command
		assert.Equal(t, []string{"/usr/bin/tini", "-g", "--", "/bin/sh", "/etc/magento/openmage/cron.sh", mode}, cmd, name)
		require.Len(t, spec.InitContainers, 1, name)
		assert.Equal(t, "local-xml", spec.InitContainers[0].Name)
	}
}

// TestMagento1SetupHook: module setup scripts run in a pre-install/pre-upgrade hook Job whose own
// local.xml lets them run (OPENMAGE_SKIP_MODULE_UPDATES=0 for its init container), while the web
// pods' local.xml keeps them off web requests.
func TestMagento1SetupHook(t *testing.T) {
	t.Parallel()
	m, err := m1Scenario(t, "minimal", nil, nil)
	require.NoError(t, err)
	job := render.Get[*batchv1.Job](t, m, m1Name("setup"))
	assert.Equal(t, "pre-install,pre-upgrade", job.Annotations["helm.sh/hook"])
	spec := job.Spec.Template.Spec
	assert.Equal(t, m1Name("setup"), spec.ServiceAccountName, "the hook's own ServiceAccount (the release's does not exist yet)")
	initEnv := map[string]string{}
	for _, e := range spec.InitContainers[0].Env {
		initEnv[e.Name] = e.Value
	}
	assert.Equal(t, "0", initEnv["OPENMAGE_SKIP_MODULE_UPDATES"])
	assert.Equal(t, []string{"/usr/bin/tini", "-g", "--", "/bin/sh", "/etc/magento/openmage/setup.sh"}, spec.Containers[0].Command)
	assert.Equal(t, m1Name("setup-app-etc"), volume(t, spec, "app-etc").ConfigMap.Name)
}

// TestMagento1Nginx: the store server follows OpenMage's allow-list (dev/openmage/nginx-frontend.conf):
// only index.php, get.php for media misses and the error pages run; code, var/ and private media
// are refused; the maintenance flag on the shared media volume answers 503 but to the allowed IPs;
// the readiness check is the chart's files/health_check.php.
func TestMagento1Nginx(t *testing.T) {
	t.Parallel()
	m, err := m1Scenario(t, "everything", nil, nil)
	require.NoError(t, err)
	conf := render.Get[*corev1.ConfigMap](t, m, m1Name("nginx")).Data["nginx.conf"]
	for _, want := range []string{
		"fastcgi_param SCRIPT_FILENAME $MAGE_ROOT/index.php;",
		"fastcgi_param SCRIPT_FILENAME $MAGE_ROOT/get.php;",
		"location ~ ^/(app|includes|lib|var|shell|dev|downloader|pkginfo|vendor)(/|$) {",
		"location ~ ^/media/(customer|downloadable|import)/ {",
		"if (-f /var/www/html/media/.maintenance.flag) {",
		"198.51.100.7 1;",
		"2001:db8::7 1;",
		"fastcgi_param SCRIPT_FILENAME /etc/magento/openmage/health_check.php;",
	} {
		assert.Contains(t, conf, want)
	}
	deploy := m.PodTemplates()
	var web *render.PodTemplate
	for i := range deploy {
		if deploy[i].Kind == "Deployment" {
			web = &deploy[i]
		}
	}
	require.NotNil(t, web)
	nginx := container(t, web.Spec, "nginx")
	assert.Equal(t, "media", mountPaths(nginx)["/var/www/html/media"], "nginx sees the maintenance flag and serves media")
	php := container(t, web.Spec, "php-fpm")
	var local string
	for _, vm := range php.VolumeMounts {
		if vm.SubPath == "local.xml" {
			local = vm.MountPath
			assert.True(t, vm.ReadOnly)
		}
	}
	assert.Equal(t, "/var/www/html/app/etc/local.xml", local)
}

// TestMagento1BadValues: bad values are refused at render time, naming the key (JSON pointers for
// the schema, dotted keys for the chart's checks), including what OpenMage would silently ignore.
func TestMagento1BadValues(t *testing.T) {
	t.Parallel()
	checkBadValues(t, m1Chart, []badValues{
		{name: "app image repository missing", set: map[string]string{"image.repository": ""}, want: []string{"image.repository is required"}},
		{name: "database password missing", set: map[string]string{"magento.database.password": ""}, want: []string{"magento.database.password or magento.database.existingSecret is required"}},
		{name: "password and existing Secret", set: map[string]string{"magento.database.existingSecret": "shop-db"}, want: []string{"magento.database"}},
		{name: "website code with an underscore", setJSON: map[string]string{"magento.config.websites": `{"main_site":{"web/cookie/cookie_domain":"x"}}`}, want: []string{"magento.config.websites.main_site"}},
		{name: "store code with a digit", setJSON: map[string]string{"magento.config.stores": `{"store2":{"general/locale/code":"de_DE"}}`}, want: []string{"magento.config.stores.store2"}},
		{name: "path with two parts", setJSON: map[string]string{"magento.config.default": `{"web/cookie":"x"}`}, want: []string{"magento.config.default.web/cookie"}},
		{name: "section with a digit", setJSON: map[string]string{"magento.config.default": `{"carrier2/flat/active":"1"}`}, want: []string{"magento.config.default.carrier2/flat/active"}},
		{name: "variables_order without E", set: map[string]string{"magento.php.ini.variables_order": "GPCS"}, want: []string{"magento.php.ini.variables_order"}},
		{name: "two CronJobs for cron.php -mdefault", setJSON: map[string]string{"cron.jobs": `[{"name":"a","schedule":"* * * * *","mode":"default"},{"name":"b","schedule":"* * * * *","mode":"default"}]`}, want: []string{"cron.jobs[1].mode"}},
		{name: "unknown cron mode", setJSON: map[string]string{"cron.jobs": `[{"name":"a","schedule":"* * * * *","mode":"all"}]`}, want: []string{"/cron/jobs/0/mode"}},
		{name: "cache and sessions in one Redis database", set: map[string]string{"magento.redis.sessionDatabase": "3", "externalServices.redisSessions.enabled": "false"}, want: []string{"magento.redis.cacheDatabase", "magento.redis.sessionDatabase"}},
		{name: "unknown setup.onNotInstalled", set: map[string]string{"setup.onNotInstalled": "install"}, want: []string{"/setup/onNotInstalled"}},
		{name: "empty install date", set: map[string]string{"magento.installDate": ""}, want: []string{"/magento/installDate"}},
		{name: "database host with a port", set: map[string]string{"magento.database.host": "mysql:3307"}, want: []string{"/magento/database/host"}},
		{name: "maintenance bypass that is not an address", setJSON: map[string]string{"magento.maintenanceAllowIps": `["office"]`}, want: []string{"/magento/maintenanceAllowIps/0"}},
		{name: "a Magento 2 key", set: map[string]string{"magento.mode": "production"}, want: []string{"/magento", "mode"}},
		{name: "cron without room for its memory_limit", set: map[string]string{"cron.resources.limits.memory": "512Mi"}, want: []string{"cron.resources.limits.memory"}},
		{name: "HTTPRoute without a Gateway", set: map[string]string{"httpRoute.enabled": "true", "httpRoute.hostnames[0]": "shop.example.com"}, want: []string{"httpRoute.parentRefs is required"}},
		{name: "HTTPRoute without host names", setJSON: map[string]string{"httpRoute": `{"enabled":true,"parentRefs":[{"name":"gw"}]}`}, want: []string{"httpRoute.hostnames is required"}},
		{name: "HTTPRoute host name with a port", set: map[string]string{"httpRoute.hostnames[0]": "shop.example.com:443"}, want: []string{"/httpRoute/hostnames/0"}},
		{name: "php-fpm running as root", setJSON: map[string]string{"web.php.containerSecurityContext": `{"runAsUser":0}`}, want: []string{"web.php.containerSecurityContext.runAsUser"}},
	})
}

// TestMagento1Notes: NOTES.txt says where the store answers (Ingress, HTTPRoute or port-forward),
// where the crypt key is and what is unsafe.
func TestMagento1Notes(t *testing.T) {
	t.Parallel()
	checkNotes(t, m1Chart, []notesCase{
		{name: "production", scenario: "production",
			want:    []string{"https://shop.example.com/", "Admin: https://shop.example.com/shop_admin_4k9q", "rollout status deployment/" + m1Name("web"), "logs job/" + m1Name("setup")},
			notWant: []string{"WARNINGS", "port-forward"}},
		{name: "minimal warns", scenario: "minimal",
			want: []string{"port-forward svc/" + m1Name("web"), "WARNINGS", "web.replicaCount is 1", "The crypt key was generated"}},
		{name: "HTTPRoute only", scenario: "minimal",
			set:  map[string]string{"httpRoute.enabled": "true", "httpRoute.parentRefs[0].name": "shared-gateway", "httpRoute.hostnames[0]": "shop.example.org"},
			want: []string{"HTTPRoute on Gateway shared-gateway", "https://shop.example.org/"}},
	})
}
