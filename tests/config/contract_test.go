package config_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"helm.sh/helm/v3/pkg/chartutil"
	corev1 "k8s.io/api/core/v1"

	"github.com/magento-k8s/charts/tests/internal/existing"
	"github.com/magento-k8s/charts/tests/internal/render"
)

// contractDump runs in a Magento container in place of its command: it includes app/etc/env.php
// as Magento 2.4.8's DeploymentConfig\Reader does (framework/App/DeploymentConfig/Reader.php:
// include, the returned array) and reports it with the php.ini settings in force and the names of
// the environment variables, as JSON.
const contractDump = `$config = include 'app/etc/env.php';
$again = include 'app/etc/env.php';
$ini = [];
foreach (array_filter(explode(',', (string) getenv('CONTRACT_INI'))) as $key) {
    $ini[$key] = ini_get($key);
}
echo json_encode(['config' => $config, 'same_again' => $config === $again, 'ini' => $ini,
    'env' => array_keys(getenv()), 'env_superglobal' => array_keys($_ENV)]);`

// contractView is what contractDump printed.
type contractView struct {
	Config    map[string]any    `json:"config"`
	SameAgain bool              `json:"same_again"`
	Ini       map[string]string `json:"ini"`
	Env       []string          `json:"env"`
}

// magentoContainer is one container that runs Magento's PHP, with what it was rendered from.
type magentoContainer struct {
	pod       render.PodTemplate
	container corev1.Container
	hook      bool // the upgrade hook Job: hosts are the ExternalName Services' targets
}

// contractRow is one path Magento reads from env.php, the Magento 2.4.8 code that reads it (under
// vendor/magento/, how and with which type), and the value the chart's values promise, typed:
// json.Number for PHP ints, string, bool, nil for "absent", or a composite.
type contractRow struct {
	path   string
	reader string
	want   func(x contractExpect) any
}

// contractExpect is what the values promise one container.
type contractExpect struct {
	t       *testing.T
	v       chartutil.Values
	c       magentoContainer
	secrets map[string]map[string][]byte
	name    func(component string) string
}

func (x contractExpect) str(path string) string {
	v, err := x.v.PathValue(path)
	require.NoError(x.t, err, path)
	return fmt.Sprint(v)
}

func (x contractExpect) on(path string) bool {
	v, _ := x.v.PathValue(path)
	b, _ := v.(bool)
	return b
}

// secret is the value of the container's variable from its Secret ("" when it has none).
func (x contractExpect) secret(env string) string {
	for _, e := range x.c.container.Env {
		if e.Name == env && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			return string(x.secrets[e.ValueFrom.SecretKeyRef.Name][e.ValueFrom.SecretKeyRef.Key])
		}
	}
	return ""
}

// host is where the store reaches a service: its own host, else the ExternalName Service (or,
// for the hook, the Service's target, which exists before the release's objects).
func (x contractExpect) host(block, service string) string {
	if h := x.str("magento." + block + ".host"); h != "" {
		return h
	}
	if x.c.hook {
		if target := x.str("externalServices." + service + ".externalName"); target != "" {
			return target
		}
		// Empty: the store environment's own instance on the shared services (its tenant,
		// "<namespace>-<release>", in sharedServices.namespace).
		which := map[string]string{"redis": "cache", "redisSessions": "sessions"}[service]
		require.NotEmpty(x.t, which, "externalServices.%s.externalName is empty", service)
		return fmt.Sprintf("%s-%s-redis-%s.%s.svc.cluster.local", render.DefaultNamespace, render.DefaultReleaseName, which, x.str("sharedServices.namespace"))
	}
	return x.name(strings.ToLower(strings.ReplaceAll(service, "Sessions", "-sessions")))
}

func (x contractExpect) sessionHost() string {
	switch {
	case x.str("magento.redis.sessionHost") != "":
		return x.str("magento.redis.sessionHost")
	case x.str("magento.redis.host") == "" && x.on("externalServices.redisSessions.enabled"):
		return x.host("redis", "redisSessions")
	}
	return x.host("redis", "redis")
}

// storeID is the default cache and search prefix: namespace and release, as the tests render.
func (x contractExpect) storeID() string {
	return strings.ReplaceAll(render.DefaultNamespace+"_"+render.DefaultReleaseName, "-", "_")
}

func num(n int) json.Number { return json.Number(fmt.Sprint(n)) }

// contractRows: the paths Magento 2.4.8 reads from app/etc/env.php for the database, caches,
// sessions, queue, Varnish, admin path, mode, base URLs, search and cron, with the file that reads
// each (vendor/magento/, branch magento-2.4.8 of github.com/controlaltdelete-nl/magento2-code-tracker).
func contractRows() []contractRow {
	redis := func(x contractExpect, v any) any {
		if !x.on("magento.redis.enabled") {
			return nil
		}
		return v
	}
	search := func(field string) string { return "system/default/catalog/search/" + field }
	return []contractRow{
		{"db/connection/default/host", "framework/App/ResourceConnection.php:154 get('db/connection/default') as a whole array; DB/Adapter/Pdo/Mysql.php:496 splits host:port (a port key throws)",
			func(x contractExpect) any {
				return x.str("magento.database.host") + ":" + x.str("magento.database.port")
			}},
		{"db/connection/default/dbname", "framework/DB/Adapter/Pdo/Mysql.php _connect: PDO dsn", func(x contractExpect) any { return x.str("magento.database.name") }},
		{"db/connection/default/username", "framework/DB/Adapter/Pdo/Mysql.php _connect: PDO user", func(x contractExpect) any { return x.str("magento.database.user") }},
		{"db/connection/default/password", "framework/DB/Adapter/Pdo/Mysql.php _connect: PDO password", func(x contractExpect) any { return x.secret("MAGENTO_DB_PASSWORD") }},
		{"db/connection/default/active", "framework/Model/ResourceModel/Type/Db/Pdo/Mysql.php:115 inactive only for '0', false, 'false'", func(contractExpect) any { return "1" }},
		{"db/table_prefix", "framework/App/ResourceConnection.php:322 (string)", func(contractExpect) any { return "" }},
		{"resource/default_setup/connection", "framework/App/ResourceConnection/Config.php:101 getConfigData('resource')", func(contractExpect) any { return "default" }},
		{"crypt/key", "framework/Encryption/Encryptor.php:148 (string)get('crypt/key')", func(x contractExpect) any { return x.secret("MAGENTO_CRYPT_KEY") }},
		{"backend/frontName", "module-backend/App/Area/FrontNameResolver.php:93 get('backend/frontName'), case-sensitive", func(x contractExpect) any { return x.str("magento.adminPath") }},
		{"MAGE_MODE", "framework/App/ObjectManagerFactory.php:117 init parameter of App/State (developer|production|default)", func(x contractExpect) any { return x.str("magento.mode") }},
		{"cache/frontend/default/backend", "framework/App/Cache/Frontend/Pool.php:88 getConfigData('cache')['frontend']; Frontend/Factory.php:292 class_exists, else the file cache",
			func(x contractExpect) any { return redis(x, `Magento\Framework\Cache\Backend\Redis`) }},
		{"cache/frontend/default/backend_options/server", "Cm_Cache_Backend_Redis via framework/Cache/Backend/Redis.php", func(x contractExpect) any { return redis(x, x.host("redis", "redis")) }},
		{"cache/frontend/default/backend_options/port", "Cm_Cache_Backend_Redis", func(x contractExpect) any { return redis(x, x.str("magento.redis.port")) }},
		{"cache/frontend/default/backend_options/database", "Cm_Cache_Backend_Redis (int)", func(x contractExpect) any { return redis(x, x.str("magento.redis.cacheDatabase")) }},
		{"cache/frontend/default/backend_options/password", "Cm_Cache_Backend_Redis: AUTH when not empty", func(x contractExpect) any { return redis(x, x.secret("MAGENTO_REDIS_PASSWORD")) }},
		{"cache/frontend/page_cache/backend", "framework/App/Cache/Frontend/Pool.php:88", func(x contractExpect) any { return redis(x, `Magento\Framework\Cache\Backend\Redis`) }},
		{"cache/frontend/page_cache/backend_options/server", "Cm_Cache_Backend_Redis", func(x contractExpect) any { return redis(x, x.host("redis", "redis")) }},
		{"cache/frontend/page_cache/backend_options/database", "Cm_Cache_Backend_Redis (int)", func(x contractExpect) any { return redis(x, x.str("magento.redis.pageCacheDatabase")) }},
		{"cache/frontend/default/id_prefix", "framework/App/Cache/Frontend/Factory.php:133", func(x contractExpect) any {
			if p := x.str("magento.redis.idPrefix"); p != "" {
				return p
			}
			return x.storeID() + "_"
		}},
		{"cache/allow_parallel_generation", "framework/Cache/LockGuardedCacheLoader.php:120 (bool)", func(contractExpect) any { return false }},
		{"cache/graphql/id_salt", "module-graph-ql-cache/Model/CacheId/CacheIdCalculator.php:117 (missing: it writes env.php)", func(contractExpect) any { return anyNonEmptyString{} }},
		{"cache_types", "framework/App/Cache/State.php:83 (bool)($statuses[$type] ?? false): a missing type is disabled", func(contractExpect) any {
			types := map[string]any{}
			for _, t := range []string{"config", "layout", "block_html", "collections", "reflection", "db_ddl", "compiled_config", "eav",
				"customer_notification", "config_integration", "config_integration_api", "full_page", "translate", "config_webservice",
				"graphql_query_resolver_result"} {
				types[t] = num(1)
			}
			return types
		}},
		{"session/save", "framework/Session/Config.php:153 session.save_handler", func(x contractExpect) any {
			if x.on("magento.redis.enabled") {
				return "redis"
			}
			return "db"
		}},
		{"session/redis/host", "framework/Session/SaveHandler/Redis/Config.php get('session/redis/host')", func(x contractExpect) any { return redis(x, x.sessionHost()) }},
		{"session/redis/port", "framework/Session/SaveHandler/Redis/Config.php", func(x contractExpect) any {
			if x.str("magento.redis.sessionHost") != "" || (x.str("magento.redis.host") == "" && x.on("externalServices.redisSessions.enabled")) {
				return redis(x, x.str("magento.redis.sessionPort"))
			}
			return redis(x, x.str("magento.redis.port"))
		}},
		{"session/redis/database", "framework/Session/SaveHandler/Redis/Config.php", func(x contractExpect) any { return redis(x, x.str("magento.redis.sessionDatabase")) }},
		{"session/redis/password", "framework/Session/SaveHandler/Redis/Config.php", func(x contractExpect) any { return redis(x, x.secret("MAGENTO_SESSION_REDIS_PASSWORD")) }},
		{"session/redis/disable_locking", "Cm\\RedisSession\\Handler: !getDisableLocking(), so 'false' would disable locking", func(x contractExpect) any { return redis(x, "0") }},
		{"queue/amqp", "framework-amqp/Config.php:206 getConfigData('queue')['amqp'] as a whole; Connection/FactoryOptions.php typed setters", func(x contractExpect) any {
			if !x.on("magento.amqp.enabled") {
				return nil
			}
			return map[string]any{"host": x.host("amqp", "amqp"), "port": x.str("magento.amqp.port"), "user": x.str("magento.amqp.user"),
				"password": x.secret("MAGENTO_AMQP_PASSWORD"), "virtualhost": x.str("magento.amqp.virtualhost")}
		}},
		{"queue/consumers_wait_for_messages", "framework-message-queue/CallbackInvoker.php:106 get(..., 1) === 1", func(x contractExpect) any {
			if x.c.container.Name == "consumers" {
				return num(0) // the scheduled run: each consumer exits when its queue is empty
			}
			return num(1)
		}},
		{"cron_consumers_runner/cron_run", "module-message-queue/Model/Cron/ConsumersRunner.php:113 if (!$runByCron)", func(contractExpect) any { return false }},
		{"http_cache_hosts", "module-page-cache/Model/Cache/Server.php:62 each ['host', 'port'] → module-cache-invalidate/Model/PurgeCache.php", func(x contractExpect) any {
			if !x.on("varnish.enabled") {
				return nil
			}
			var hosts []any
			n := 0
			fmt.Sscan(x.str("varnish.replicas"), &n)
			for i := range n {
				hosts = append(hosts, map[string]any{"host": fmt.Sprintf("%s-%d.%s", x.name("varnish"), i, x.name("varnish-pods")), "port": x.str("varnish.purgePort")})
			}
			return hosts
		}},
		{"system/default/system/full_page_cache/caching_application", "module-page-cache/Model/Config.php getType(): 2 is Varnish", func(x contractExpect) any {
			if x.on("varnish.enabled") {
				return "2"
			}
			return nil
		}},
		{"lock/provider", "framework/Lock/LockBackendFactory.php:98 get('lock/provider', 'db')", func(x contractExpect) any {
			if v, ok := valuesTable(x.t, x.v, "magento.deploymentConfig")["lock/provider"]; ok {
				return v
			}
			return "db"
		}},
		{search("engine"), "module-search/Model/EngineResolver.php (InitialConfigSource: env.php's system section)", func(x contractExpect) any { return x.str("magento.search.engine") }},
		{search("%s_server_hostname"), "module-open-search/Model/SearchClient.php:62 (empty: misconfigured)", func(x contractExpect) any { return x.host("search", "search") }},
		{search("%s_server_port"), "module-open-search/Model/SearchClient.php:153", func(x contractExpect) any { return x.str("magento.search.port") }},
		{search("%s_index_prefix"), "module-elasticsearch/Model/Config.php", func(x contractExpect) any {
			if p := x.str("magento.search.indexPrefix"); p != "" {
				return p
			}
			return x.storeID()
		}},
		{search("%s_enable_auth"), "module-open-search/Model/SearchClient.php:148 (int) === 1", func(x contractExpect) any {
			if x.str("magento.search.username") != "" {
				return "1"
			}
			return "0"
		}},
	}
}

// valuesTable returns a map of the merged values (empty when the values hold none).
func valuesTable(t *testing.T, vals chartutil.Values, path string) map[string]any {
	t.Helper()
	tbl, err := vals.Table(path)
	require.NoError(t, err, path)
	return tbl
}

// anyNonEmptyString matches any string but "".
type anyNonEmptyString struct{}

// lookupPath reads a "/"-separated path of a decoded PHP array.
func lookupPath(config map[string]any, p string) any {
	var v any = config
	for _, key := range strings.Split(p, "/") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[key]
	}
	return v
}

// magentoContainers are the containers of the render that run Magento's PHP from the store's root.
func magentoContainers(t *testing.T, m *render.Manifests, docRoot string) []magentoContainer {
	t.Helper()
	var out []magentoContainer
	for _, pt := range m.PodTemplates() {
		for _, c := range pt.Spec.Containers {
			if c.WorkingDir == docRoot {
				out = append(out, magentoContainer{pod: pt, container: c, hook: pt.Kind == "Job" && pt.Name == m2Name("upgrade")})
			}
		}
	}
	return out
}

// TestMagento2EnvPhpContract runs, for every scenario and every container that runs Magento (web
// php-fpm, cron, consumers, the upgrade hook), the rendered app/etc/env.php with the real PHP in
// that container's mounts, user and environment (podrun), and holds each path Magento 2.4.8
// reads to the value and type the chart's values promise (contractRows, each citing the Magento
// code that reads it). It also runs it under php.ini-production's variables_order "GPCS" (the
// result must not change: env.php reads getenv, not $_ENV), checks that no variable is one that
// Magento's DeploymentConfig would take as a flat override (any name containing MAGENTO_DC_,
// framework/App/DeploymentConfig.php getAllEnvOverrides), that the file can be included twice in
// one process (Reader.php includes it again and again), and that every PHP process has the
// chart's php.ini (magento.php.ini) in force.
func TestMagento2EnvPhpContract(t *testing.T) {
	t.Parallel()
	for _, s := range render.Scenarios(t, m2Chart) {
		opts, m := s.Options, s.Manifests
		vals := render.Values(t, m2Chart, opts)
		docRoot, err := vals.PathValue("podDefaults.documentRoot")
		require.NoError(t, err)
		pre := existing.For(t, m2Chart, opts.ValuesFiles)
		_, secrets := pre.Data(m)
		ini := valuesTable(t, vals, "magento.php.ini")
		iniKeys := slices.Sorted(func(yield func(string) bool) {
			for k := range ini {
				if !yield(k) {
					return
				}
			}
		})
		containers := magentoContainers(t, m, docRoot.(string))
		require.NotEmpty(t, containers)
		for _, mc := range containers {
			t.Run(s.Name+"/"+mc.pod.String()+"/"+mc.container.Name, func(t *testing.T) {
				t.Parallel()
				for _, e := range mc.container.Env {
					assert.NotContains(t, e.Name, "MAGENTO_DC_", "Magento would take it as a flat override of env.php")
				}
				x := contractExpect{t: t, v: vals, c: mc, secrets: secrets, name: m2Name}
				views := map[string]contractView{}
				for _, order := range []string{"", "GPCS"} {
					views[order] = runContractDump(t, m, opts, pre, mc, order, iniKeys)
				}
				pod := views[""]
				assert.True(t, pod.SameAgain, "env.php gives the same array when included again in one process")
				assert.Equal(t, pod.Config, views["GPCS"].Config, "env.php does not depend on variables_order")
				for _, name := range pod.Env {
					assert.NotContains(t, name, "MAGENTO_DC_", "Magento would take it as a flat override of env.php")
				}
				for _, row := range contractRows() {
					p := row.path
					if strings.Contains(p, "%s") {
						p = fmt.Sprintf(p, x.str("magento.search.engine"))
					}
					want := row.want(x)
					got := lookupPath(pod.Config, p)
					if _, any := want.(anyNonEmptyString); any {
						s, ok := got.(string)
						assert.True(t, ok && s != "", "%s (read by %s): a non-empty string, got %#v", p, row.reader, got)
						continue
					}
					assert.Equal(t, want, got, "%s, read by vendor/magento/%s", p, row.reader)
				}
				// Each extra path of the values lands where Magento reads it, with its type.
				for key, section := range map[string]string{"magento.deploymentConfig": "", "magento.systemConfig": "system/default/"} {
					for p, want := range valuesTable(t, vals, key) {
						assert.Equal(t, fmt.Sprint(want), fmt.Sprint(lookupPath(pod.Config, section+strings.Trim(p, "/"))), "%s %s", key, p)
					}
				}
				// The cron groups every CronJob runs stay in its process (module-cron
				// Observer/ProcessCronQueueObserver.php:277 use_separate_process == 1 forks).
				if x.on("cron.enabled") {
					jobs, _ := vals.PathValue("cron.jobs")
					for _, j := range jobs.([]any) {
						groups, _ := j.(map[string]any)["groups"].([]any)
						for _, g := range groups {
							assert.Equal(t, "0", lookupPath(pod.Config, fmt.Sprintf("system/default/system/cron/%s/use_separate_process", g)), "cron group %s", g)
						}
					}
				}
				// Base URLs (module-store: web/unsecure|secure/base_url), when the values give one.
				if base := lookupPath(pod.Config, "system/default/web/unsecure/base_url"); base != nil {
					assert.Equal(t, strings.Replace(base.(string), "http://", "https://", 1), lookupPath(pod.Config, "system/default/web/secure/base_url"))
				}
				// The php.ini every PHP process gets: each magento.php.ini setting in force, and
				// variables_order with E, where Magento reads CONFIG__* from $_ENV
				// (module-config/Model/Config/Processor/EnvironmentPlaceholder.php:57).
				for _, k := range iniKeys {
					assert.Equal(t, normalizeIni(fmt.Sprint(ini[k])), normalizeIni(pod.Ini[k]), "ini_get(%s)", k)
				}
				assert.Contains(t, pod.Ini["variables_order"], "E")
			})
		}
	}
}

// runContractDump runs contractDump in the container mc of its pod (its init containers first:
// the upgrade Job's env.php is the copy one of them makes) and decodes what it printed. A
// non-empty variablesOrder is passed to PHP with -d, as php.ini-production would set it.
func runContractDump(t *testing.T, m *render.Manifests, opts render.Options, pre *existing.Objects, mc magentoContainer, variablesOrder string, iniKeys []string) contractView {
	t.Helper()
	spec := *mc.pod.Spec.DeepCopy()
	c := mc.container
	c.Command = []string{"php"}
	if variablesOrder != "" {
		c.Command = append(c.Command, "-d", "variables_order="+variablesOrder)
	}
	c.Command = append(c.Command, "-r", contractDump)
	c.Args = nil
	c.Env = append(slices.Clone(c.Env), corev1.EnvVar{Name: "CONTRACT_INI", Value: strings.Join(iniKeys, ",")})
	c.StartupProbe, c.ReadinessProbe, c.LivenessProbe, c.Lifecycle = nil, nil, nil, nil
	spec.Containers = []corev1.Container{c}
	pod := runPodExisting(t, m, spec, opts, pre, nil, nil, nil)
	done, err := pod.Wait(c.Name, 60*time.Second)
	require.True(t, done, "the dump did not finish:\n%s", pod.Logs(c.Name))
	require.NoError(t, err, pod.Logs(c.Name))
	out := pod.Logs(c.Name)
	var view contractView
	dec := json.NewDecoder(bytes.NewReader([]byte(out[strings.Index(out, "{"):])))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&view), out)
	return view
}
