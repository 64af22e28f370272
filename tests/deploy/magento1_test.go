package deploy_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/magento-k8s/charts/tests/internal/existing"
	"github.com/magento-k8s/charts/tests/internal/fixtures"
	"github.com/magento-k8s/charts/tests/internal/render"
)

const m1Chart = "magento1"

// m1Name is the name of a magento1 object of a component ("<release>-magento1-<component>").
var m1Name = func(component string) string { return release + "-" + m1Chart + "-" + component }

// TestMagento1Scenarios installs every magento1 scenario into its own restricted namespace, on the
// simulated nodes (kwok runs the pods and completes the Jobs' pods: the API server, Pod Security
// admission, the controllers and Helm's hooks and waiting are the real ones; what the containers
// do is the config tier's), and checks the live objects: every object accepted, the setup hook
// completed before any web pod, the web Deployment available behind its Service, the claims bound,
// the autoscaler resolving its target. (Forbid on both cron.php CronJobs is the render tier's and,
// through the same library CronJob, magento2's deploy check; the scenarios here stay light.)
func TestMagento1Scenarios(t *testing.T) {
	t.Parallel()
	extra := func(*testing.T, []string) []string { return nil }
	installScenarios(t, m1Chart, "m1-", extra, func(t *testing.T, ns string, _ []string, m *render.Manifests) {
		deploy, err := clientset(t).AppsV1().Deployments(ns).Get(context.Background(), m1Name("web"), metav1.GetOptions{})
		require.NoError(t, err)
		t.Run("objects accepted", func(t *testing.T) { checkObjectsAccepted(t, ns, m) })
		t.Run("web available", func(t *testing.T) { checkWebAvailable(t, ns, deploy) })
		t.Run("endpoints are the web pods", func(t *testing.T) { checkEndpoints(t, ns, m1Name("web")) })
		t.Run("setup hook before web pods", func(t *testing.T) { checkHookBeforeWeb(t, ns, m, m1Name("setup"), m1Name("setup-env")) })
		t.Run("claims bound", func(t *testing.T) { checkClaimsBound(t, ns, m) })
		if _, ok := m.Lookup("HorizontalPodAutoscaler", m1Name("web")); ok {
			t.Run("autoscaler resolves its target", func(t *testing.T) { checkHPA(t, ns, m1Name("web"), m) })
		}
	})
}

// TestMagento1Lifecycle takes an OpenMage store through its life on the simulated nodes, once with
// each Helm CLI: install, an upgrade that offers another crypt key (refused at render time, the
// stored key unchanged: OpenMage's encrypted data would become unreadable), helm uninstall (the
// media claim and the crypt key stay: helm.sh/resource-policy keep), and a reinstall that adopts
// the same claim (same UID, same volume) and the same key.
func TestMagento1Lifecycle(t *testing.T) {
	t.Parallel()
	for _, bin := range helmCLIs {
		t.Run(bin, func(t *testing.T) {
			t.Parallel()
			ns := testCluster.Namespace(t, "m1-lifecycle-"+bin)
			values := []string{m1Chart + "/ci/minimal-values.yaml"}
			wait := []string{"--wait", "--timeout", "5m"}
			m := render.Render(t, m1Chart, render.Options{ReleaseName: release, Namespace: ns, ValuesFiles: values})
			fixtures.Create(t, clientset(t), ns, m, existing.For(t, m1Chart, values))
			chart := abs(t, m1Chart)[0]
			require.NoError(t, helmCLI(t, bin, ns, values, nil, append([]string{"install", release, chart}, wait...)...), "helm install")

			cs := clientset(t)
			cryptKey := func() string { return storedCryptKey(t, ns, m1Name("crypt-key")) }
			media := func() *corev1.PersistentVolumeClaim {
				t.Helper()
				var pvc *corev1.PersistentVolumeClaim
				eventually(t, "the media claim bound", time.Minute, time.Second, func(ctx context.Context) (bool, string) {
					var err error
					pvc, err = cs.CoreV1().PersistentVolumeClaims(ns).Get(ctx, m1Name("media"), metav1.GetOptions{})
					if err != nil {
						return false, err.Error()
					}
					return pvc.Status.Phase == corev1.ClaimBound, string(pvc.Status.Phase)
				})
				return pvc
			}
			key, claim := cryptKey(), media()
			require.Len(t, key, 32, "the generated crypt key")

			other := map[string]string{"magento.cryptKey.value": strings.Repeat("b", 32)}
			checkKeyRefusedThenUninstall(t, keyChange{bin: bin, ns: ns, release: release, chart: chart, values: values,
				set: other, wait: wait, secret: m1Name("crypt-key"), web: m1Name("web")}, key)
			assert.Equal(t, claim.UID, media().UID, "the media claim survives helm uninstall")

			require.NoError(t, helmCLI(t, bin, ns, values, nil, append([]string{"install", release, chart}, wait...)...), "helm install again")
			again := media()
			assert.Equal(t, claim.UID, again.UID, "the reinstall adopts the kept media claim")
			assert.Equal(t, claim.Spec.VolumeName, again.Spec.VolumeName, "on the same volume")
			assert.Equal(t, key, cryptKey(), "the reinstall keeps the stored crypt key")
		})
	}
}

// TestMagento1RealNode runs an OpenMage store in real containers: shared-services' Redis pair in
// one namespace; a MariaDB and the magento1 minimal scenario with the stub OpenMage image
// (scripts/images.sh openmage: Debian's nginx and php-fpm, testdata/openmage) in another, every pod
// on the real node. helm install --wait passes only once the setup hook Job ran files/setup.sh for
// real and the kubelet finds the web pods' readiness (the chart's health check, reaching the
// database through local.xml) passing. Then, through the web Service (kube-proxy): the page reads
// the local.xml the init container wrote and reaches the database and both Redis instances through
// the ExternalName Services (CoreDNS), OpenMage's allow-list holds, and a run of each cron.php
// CronJob dispatches its mode and ends.
func TestMagento1RealNode(t *testing.T) {
	t.Parallel()
	shared, store := storeOnSharedServices(t, "m1-real", "openmage")
	install(t, m1Chart, store, []string{m1Chart + "/ci/minimal-values.yaml", realNodeValues(t, m1Chart), valuesFile(t, "m1-store-real", map[string]any{
		"magento":        map[string]any{"database": map[string]any{"host": "db." + store + ".svc.cluster.local"}},
		"sharedServices": map[string]any{"namespace": shared},
	})}, nil)

	get := realWebService(t, store, m1Name("web"), "/robots.txt")
	t.Run("the page reads local.xml and reaches the database and Redis", func(t *testing.T) {
		var page struct {
			Installed bool              `json:"installed"`
			Skip      string            `json:"skip_process_modules_updates"`
			CryptKey  string            `json:"crypt_key"`
			Reach     map[string]string `json:"reach"`
		}
		getJSON(t, get, "/?reach=1", &page)
		assert.True(t, page.Installed, "the chart's local.xml has global/install/date")
		assert.Equal(t, "1", page.Skip, "web requests never run setup scripts")
		assert.Len(t, page.CryptKey, 32, "the generated crypt key, from its Secret")
		assertReached(t, page.Reach, shared, "cache", "session")
	})
	t.Run("OpenMage's allow-list", func(t *testing.T) {
		assertStatuses(t, get, map[string]int{
			"/robots.txt":         200,
			"/app/etc/local.xml":  404,
			"/app/Mage.php":       404,
			"/cron.php":           404,
			"/var/log/system.log": 404,
		})
	})
	t.Run("the setup hook ran", func(t *testing.T) {
		assert.Contains(t, jobLogs(t, store, m1Name("setup")), "setup: every module is up to date")
	})
	for _, mode := range []string{"default", "always"} {
		t.Run("a cron.php -m"+mode+" run dispatches and ends", func(t *testing.T) {
			logs := runFromCronJob(t, store, m1Name("cron-"+mode), "cron-"+mode+"-now", nil)
			assert.Contains(t, logs, "cron.php: dispatched "+mode)
		})
	}
}
