package render_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/magento-k8s/charts/tests/internal/render"
)

// TestMagento2BadValues renders the minimal scenario with one bad setting at a time: every case
// must fail, and the message must name the values key so the user knows what to fix. Keys the
// schema rejects are named as JSON pointers ("/web/codeSharing"), the chart's own checks name them
// dotted ("web.codeSharing").
func TestMagento2BadValues(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		set     map[string]string
		setJSON map[string]string
		kube    string
		want    []string // substrings of the error, all required
	}{
		{name: "app image repository missing", set: map[string]string{"image.repository": ""},
			want: []string{"image.repository is required"}},
		{name: "typo in a top-level key", setJSON: map[string]string{"ingres": `{"enabled":true}`},
			want: []string{"ingres"}},
		{name: "typo in a nested key", set: map[string]string{"web.replicas": "3"},
			want: []string{"/web", "replicas"}},
		{name: "unknown code sharing", set: map[string]string{"web.codeSharing": "rsync"},
			want: []string{"/web/codeSharing"}},
		{name: "unknown search engine", set: map[string]string{"magento.search.engine": "solr"},
			want: []string{"/magento/search/engine"}},
		{name: "unknown Magento mode", set: map[string]string{"magento.mode": "staging"},
			want: []string{"/magento/mode"}},
		{name: "malformed image digest", set: map[string]string{"image.digest": "abc"},
			want: []string{"/image/digest"}},
		{name: "malformed crypt key", set: map[string]string{"magento.cryptKey.value": "short"},
			want: []string{"/magento/cryptKey/value"}},
		{name: "invalid cron job name", setJSON: map[string]string{"cron.jobs": `[{"name":"Index!","schedule":"* * * * *","args":[]}]`},
			want: []string{"/cron/jobs/0/name"}},
		{name: "database password missing", set: map[string]string{"magento.database.password": ""},
			want: []string{"magento.database.password or magento.database.existingSecret is required"}},
		{name: "two caches in one Redis database", set: map[string]string{"magento.redis.pageCacheDatabase": "0"},
			want: []string{"magento.redis.cacheDatabase and magento.redis.pageCacheDatabase must differ"}},
		{name: "no Redis host anywhere", set: map[string]string{"externalServices.redis.enabled": "false"},
			want: []string{"magento.redis.host", "externalServices.redis.enabled"}},
		{name: "AMQP without password", set: map[string]string{"magento.amqp.enabled": "true", "externalServices.amqp.enabled": "true"},
			want: []string{"magento.amqp.password"}},
		{name: "php memory limit missing", set: map[string]string{"web.php.resources.limits": "null"},
			want: []string{"web.php.resources.limits.memory is required"}},
		{name: "unreadable memory limit", set: map[string]string{"web.php.resources.limits.memory": "lots"},
			want: []string{"web.php.resources.limits.memory", "not a memory quantity"}},
		{name: "too many php workers for the limit", set: map[string]string{"web.php.fpm.maxChildren": "50"},
			want: []string{"web.php.fpm.maxChildren", "do not fit"}},
		{name: "memory limit too small for one worker", set: map[string]string{"web.php.resources.limits.memory": "300Mi"},
			want: []string{"web.php.resources.limits.memory", "no room for one PHP worker"}},
		{name: "grace period shorter than the drain", set: map[string]string{"web.terminationGracePeriodSeconds": "15"},
			want: []string{"web.terminationGracePeriodSeconds"}},
		{name: "rollout that can never start", set: map[string]string{"web.updateStrategy.maxSurge": "0"},
			want: []string{"web.updateStrategy.maxSurge"}},
		{name: "autoscaling min above max", set: map[string]string{"autoscaling.enabled": "true", "autoscaling.minReplicas": "10", "autoscaling.maxReplicas": "5", "persistence.media.accessModes[0]": "ReadWriteMany"},
			want: []string{"autoscaling.minReplicas"}},
		{name: "shared media on a single-node volume", set: map[string]string{"web.replicaCount": "3"},
			want: []string{"persistence.media.accessModes must include ReadWriteMany"}},
		{name: "ingress without hosts", set: map[string]string{"ingress.enabled": "true"},
			want: []string{"ingress.hosts"}},
		{name: "cert-manager without an ingress", set: map[string]string{"ingress.certManager.enabled": "true"},
			want: []string{"ingress.certManager.enabled"}},
		{name: "managed certificate on a non-GCE class", set: map[string]string{"ingress.enabled": "true", "ingress.hosts[0]": "shop.example.com", "gke.managedCertificate.enabled": "true"},
			want: []string{"gke.managedCertificate.enabled", "gce"}},
		{name: "two certificate issuers", set: map[string]string{"ingress.enabled": "true", "ingress.className": "gce", "ingress.hosts[0]": "shop.example.com", "gke.managedCertificate.enabled": "true", "ingress.certManager.enabled": "true"},
			want: []string{"gke.managedCertificate.enabled and ingress.certManager.enabled"}},
		{name: "copy code sharing without an nginx image", set: map[string]string{"web.codeSharing": "copy"},
			want: []string{"web.nginx.image.repository is required"}},
		{name: "image volumes on an old cluster", set: map[string]string{"web.codeSharing": "image-volume", "web.nginx.image.repository": "shop/nginx"}, kube: "1.32.0",
			want: []string{"web.codeSharing", "1.33"}},
		{name: "duplicate cron job names", setJSON: map[string]string{"cron.jobs": `[{"name":"a","schedule":"* * * * *","args":[]},{"name":"a","schedule":"* * * * *","args":[]}]`},
			want: []string{"cron.jobs[1].name"}},
		{name: "duplicate consumer deployment names", setJSON: map[string]string{"consumers.deployments": `[{"name":"a","consumer":"x"},{"name":"a","consumer":"y"}]`},
			want: []string{"consumers.deployments[1].name"}},
		{name: "one consumer in two deployments", setJSON: map[string]string{"consumers.deployments": `[{"name":"a","consumer":"x"},{"name":"b","consumer":"x"}]`},
			want: []string{"consumers.deployments[1].consumer", "replicas"}},
		{name: "consumer deployment without a consumer", setJSON: map[string]string{"consumers.deployments": `[{"name":"a"}]`},
			want: []string{"consumers/deployments/0", "consumer"}},
		{name: "metrics port taken by nginx", set: map[string]string{"metrics.enabled": "true", "metrics.phpFpm.port": "8081"},
			want: []string{"metrics.phpFpm.port", "web.nginx.healthPort"}},
		{name: "HTTPRoute without a Gateway", set: map[string]string{"httpRoute.enabled": "true", "httpRoute.hostnames[0]": "shop.example.com"},
			want: []string{"httpRoute.parentRefs is required"}},
		{name: "HTTPRoute without host names", setJSON: map[string]string{"httpRoute": `{"enabled":true,"parentRefs":[{"name":"gw"}]}`},
			want: []string{"httpRoute.hostnames is required"}},
		{name: "consumers run with zero messages", set: map[string]string{"consumers.maxMessages": "0"},
			want: []string{"consumers/maxMessages"}},
		{name: "unlimited web worker memory", set: map[string]string{"web.php.fpm.ini.memory_limit": "-1"},
			want: []string{"web.php.fpm.ini.memory_limit", "not -1"}},
		{name: "unreadable PHP size", set: map[string]string{"web.php.fpm.ini.memory_limit": "lots"},
			want: []string{"web.php.fpm.ini.memory_limit", "not a PHP size"}},
		{name: "OPcache leaves no room for a worker", set: map[string]string{"magento.php.ini.opcache\\.memory_consumption": "3800"},
			want: []string{"web.php.resources.limits.memory", "no room for one PHP worker", "OPcache 3800Mi"}},
		{name: "cron cannot hold PHP's memory_limit", set: map[string]string{"cron.resources.limits.memory": "1Gi"},
			want: []string{"cron.resources.limits.memory", "memory_limit"}},
		{name: "install without an admin user", set: map[string]string{"upgrade.onNotInstalled": "install"},
			want: []string{"upgrade.install.adminSecret: is required"}},
		{name: "unknown onNotInstalled", set: map[string]string{"upgrade.onNotInstalled": "ignore"},
			want: []string{"/upgrade/onNotInstalled"}},
		{name: "deployment config path both a value and a section", setJSON: map[string]string{"magento.deploymentConfig": `{"lock": "db", "lock/provider": "db"}`},
			want: []string{"magento.deploymentConfig", "lock"}},
		{name: "Varnish purge port on its public port", set: map[string]string{"varnish.enabled": "true", "varnish.purgePort": "6081"},
			want: []string{"varnish.port and varnish.purgePort must differ"}},
		{name: "Varnish memory all given to storage", set: map[string]string{"varnish.enabled": "true", "varnish.storagePercent": "85", "varnish.transientPercent": "10"},
			want: []string{"varnish.transientPercent"}},
		// Values API 1.0: the pod keys 0.x kept under web moved to podDefaults (README migration
		// notes); the schema refuses the old place, naming it.
		{name: "0.x web.documentRoot", set: map[string]string{"web.documentRoot": "/srv/shop"},
			want: []string{"/web", "documentRoot"}},
		{name: "0.x web.tiniPath", set: map[string]string{"web.tiniPath": "/sbin/tini"},
			want: []string{"/web", "tiniPath"}},
		{name: "0.x web.tmpSizeLimit", set: map[string]string{"web.tmpSizeLimit": "2Gi"},
			want: []string{"/web", "tmpSizeLimit"}},
		{name: "0.x web.initResources", setJSON: map[string]string{"web.initResources": `{"limits":{"memory":"1Gi"}}`},
			want: []string{"/web", "initResources"}},
		{name: "temporary space that is not a quantity", set: map[string]string{"podDefaults.tmpSizeLimit": "lots"},
			want: []string{"/podDefaults/tmpSizeLimit"}},
		{name: "relative document root", set: map[string]string{"podDefaults.documentRoot": "html"},
			want: []string{"/podDefaults/documentRoot"}},
		{name: "unknown Varnish pull policy", set: map[string]string{"varnish.image.pullPolicy": "Sometimes"},
			want: []string{"/varnish/image/pullPolicy"}},
		// What the API server enforces on the values passed into objects, refused at render time.
		{name: "claim name that is not a DNS name", set: map[string]string{"persistence.media.existingClaim": "Media_Claim"},
			want: []string{"/persistence/media/existingClaim"}},
		{name: "volume size that is not a quantity", set: map[string]string{"persistence.media.size": "10 GB"},
			want: []string{"/persistence/media/size"}},
		{name: "cron schedule the CronJob API refuses", setJSON: map[string]string{"cron.jobs": `[{"name":"a","schedule":"every minute","args":[]}]`},
			want: []string{"/cron/jobs/0/schedule"}},
		{name: "cron schedule with a time zone inside", setJSON: map[string]string{"cron.jobs": `[{"name":"a","schedule":"TZ=UTC * * * * *","args":[]}]`},
			want: []string{"/cron/jobs/0/schedule"}},
		{name: "consumers schedule of four fields", set: map[string]string{"consumers.schedule": "* * * *"},
			want: []string{"/consumers/schedule"}},
		{name: "trusted proxy that is not a CIDR", setJSON: map[string]string{"web.nginx.trustedProxies": `["the load balancer"]`},
			want: []string{"/web/nginx/trustedProxies/0"}},
		{name: "secret key with a slash", set: map[string]string{"magento.database.existingSecret": "db", "magento.database.password": "", "magento.database.existingSecretKey": "db/password"},
			want: []string{"/magento/database/existingSecretKey"}},
		{name: "priority class with capitals", set: map[string]string{"podDefaults.priorityClassName": "High"},
			want: []string{"/podDefaults/priorityClassName"}},
		{name: "HTTPRoute host name with a port", set: map[string]string{"httpRoute.hostnames[0]": "shop.example.com:443"},
			want: []string{"/httpRoute/hostnames/0"}},
		{name: "rollout surge that is neither a number nor a percentage", set: map[string]string{"web.updateStrategy.maxSurge": "half"},
			want: []string{"/web/updateStrategy/maxSurge"}},
		{name: "scrape interval that is not a duration", set: map[string]string{"metrics.serviceMonitor.interval": "30"},
			want: []string{"/metrics/serviceMonitor/interval"}},
		{name: "relative ingress path", set: map[string]string{"ingress.path": "shop"},
			want: []string{"/ingress/path"}},
		// Combinations that would fail only at run time.
		{name: "nginx's store and health servers on one port", set: map[string]string{"web.nginx.port": "8081"},
			want: []string{"web.nginx.port", "web.nginx.healthPort", "each port can be used once"}},
		{name: "one cron group in two jobs", setJSON: map[string]string{"cron.jobs": `[{"name":"a","schedule":"* * * * *","args":[],"groups":["default"]},{"name":"b","schedule":"* * * * *","args":[],"groups":["default"]}]`},
			want: []string{"cron.jobs[1].groups", "default", "cron.jobs[0]"}},
		{name: "database password from two sources", set: map[string]string{"magento.database.existingSecret": "db"},
			want: []string{"magento.database.password and magento.database.existingSecret are both set"}},
		{name: "crypt key from two sources", set: map[string]string{"magento.cryptKey.value": "0123456789abcdef0123456789abcdef", "magento.cryptKey.existingSecret": "keys"},
			want: []string{"magento.cryptKey.value and magento.cryptKey.existingSecret"}},
		{name: "privileged nginx", setJSON: map[string]string{"web.nginx.containerSecurityContext": `{"privileged":true}`},
			want: []string{"web.nginx.containerSecurityContext.privileged", "restricted"}},
		{name: "cron as root", setJSON: map[string]string{"cron.podSecurityContext": `{"runAsUser":0}`},
			want: []string{"cron.podSecurityContext.runAsUser", "restricted"}},
		{name: "php-fpm with an added capability", setJSON: map[string]string{"web.php.containerSecurityContext": `{"capabilities":{"add":["SYS_ADMIN"]}}`},
			want: []string{"web.php.containerSecurityContext.capabilities.add[0]", "SYS_ADMIN"}},
		{name: "every pod without seccomp", setJSON: map[string]string{"podDefaults.podSecurityContext": `{"seccompProfile":{"type":"Unconfined"}}`},
			want: []string{"podDefaults.podSecurityContext.seccompProfile.type"}},
		{name: "Varnish allowed to escalate", set: map[string]string{"varnish.containerSecurityContext.allowPrivilegeEscalation": "true"},
			want: []string{"varnish.containerSecurityContext.allowPrivilegeEscalation"}},
		{name: "load balancer drains longer than the pods", set: map[string]string{"ingress.enabled": "true", "ingress.className": "gce", "ingress.hosts[0]": "shop.example.com", "gke.backendConfig.enabled": "true", "gke.backendConfig.drainingTimeoutSec": "60"},
			want: []string{"gke.backendConfig.drainingTimeoutSec", "gke.negDrainSeconds"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := render.RenderE(t, m2Chart, render.Options{
				ValuesFiles:   []string{m2Chart + "/ci/minimal-values.yaml"},
				SetValues:     tc.set,
				SetJSONValues: tc.setJSON,
				KubeVersion:   tc.kube,
			})
			require.Error(t, err, "bad values must not render")
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}
