package deploy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/helm"
	"github.com/gruntwork-io/terratest/modules/k8s"
	"github.com/gruntwork-io/terratest/modules/logger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/magento-k8s/charts/tests/internal/existing"
	"github.com/magento-k8s/charts/tests/internal/fixtures"
	"github.com/magento-k8s/charts/tests/internal/render"
	"github.com/magento-k8s/charts/tests/internal/repo"
)

const release = "shop"

// clientset returns a typed client of the run's cluster.
func clientset(tb testing.TB) kubernetes.Interface {
	tb.Helper()
	cs, err := testCluster.Clientset()
	require.NoError(tb, err)
	return cs
}

// abs resolves paths relative to the repository root (helm runs in the test's directory).
func abs(tb testing.TB, paths ...string) []string {
	tb.Helper()
	root := repo.Root(tb)
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p
		if !filepath.IsAbs(p) {
			out[i] = filepath.Join(root, p)
		}
	}
	return out
}

// helmOptions are the terratest helm options for a release in namespace with the given values.
func helmOptions(tb testing.TB, namespace string, valuesFiles []string, set map[string]string) *helm.Options {
	tb.Helper()
	return &helm.Options{
		Logger:         logger.Discard,
		KubectlOptions: k8s.NewKubectlOptions(testCluster.Context, testCluster.Kubeconfig, namespace),
		ValuesFiles:    abs(tb, valuesFiles...),
		SetValues:      set,
		ExtraArgs: map[string][]string{
			"install":  {"--wait", "--timeout", "5m"},
			"upgrade":  {"--wait", "--timeout", "5m"},
			"rollback": {"--wait", "--timeout", "5m"},
			"delete":   {"--wait", "--timeout", "5m"},
		},
	}
}

// install renders the release as it will be installed (same name, namespace and values), creates
// what its scenario presumes exists (tests/testdata/existing) and the storage classes its claims
// name, and runs helm install --wait. It returns the rendered manifests.
func install(tb testing.TB, chartDir, namespace string, valuesFiles []string, set map[string]string) *render.Manifests {
	tb.Helper()
	m := render.Render(tb, chartDir, render.Options{ReleaseName: release, Namespace: namespace, ValuesFiles: valuesFiles, SetValues: set})
	fixtures.Create(tb, clientset(tb), namespace, m, existing.For(tb, chartDir, valuesFiles))
	begin := time.Now()
	require.NoError(tb, helm.InstallE(tb, helmOptions(tb, namespace, valuesFiles, set), abs(tb, chartDir)[0], release), "helm install --wait")
	tb.Logf("helm install --wait took %.1fs", time.Since(begin).Seconds())
	return m
}

// installScenarios installs every scenario of chartDir, in parallel, each into its own restricted
// namespace (nsPrefix + the scenario's name), with the scenario's values files and the extra ones
// extra returns (which may put the pods on the real node), then runs check on the live release
// (given the values files it was installed with).
func installScenarios(t *testing.T, chartDir, nsPrefix string, extra func(t *testing.T, files []string) []string, check func(t *testing.T, ns string, files []string, m *render.Manifests)) {
	t.Helper()
	for _, s := range repo.Scenarios(t, chartDir) {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			ns := testCluster.Namespace(t, nsPrefix+s.Name)
			files := append(slices.Clone(s.ValuesFiles()), extra(t, s.ValuesFiles())...)
			check(t, ns, files, install(t, chartDir, ns, files, nil))
		})
	}
}

// eventually polls cond every interval until it returns true (testify's EventuallyWithT),
// failing the test with what cond said last after timeout.
func eventually(tb testing.TB, what string, timeout, interval time.Duration, cond func(ctx context.Context) (bool, string)) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	require.EventuallyWithT(tb, func(c *assert.CollectT) {
		ok, msg := cond(ctx)
		assert.True(c, ok, msg)
	}, timeout, interval, "%s: not true after %s", what, timeout)
}

// helmCLIs are the Helm CLIs the lifecycle runs with (scripts/build-tools.sh builds both): Helm 3
// and Helm 4, whose install and upgrade use server-side apply and whose --wait waits with kstatus.
var helmCLIs = []string{"helm", "helm4"}

// helmCLI runs the Helm CLI bin (helm or helm4) against the run's cluster in namespace ns with
// args, then the values files (-f) and set values (--set, sorted), and returns an error with
// the CLI's output when it fails. terratest's helm module runs only a binary named helm.
func helmCLI(tb testing.TB, bin, ns string, valuesFiles []string, set map[string]string, args ...string) error {
	tb.Helper()
	args = append(args, "--kubeconfig", testCluster.Kubeconfig, "--namespace", ns)
	if testCluster.Context != "" {
		args = append(args, "--kube-context", testCluster.Context)
	}
	for _, f := range abs(tb, valuesFiles...) {
		args = append(args, "-f", f)
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "--set", k+"="+set[k])
	}
	out, err := exec.CommandContext(tb.Context(), bin, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", bin, strings.Join(args, " "), err, out)
	}
	return nil
}

// storedCryptKey returns the crypt key in the release's crypt key Secret.
func storedCryptKey(t *testing.T, ns, secret string) string {
	t.Helper()
	s, err := clientset(t).CoreV1().Secrets(ns).Get(context.Background(), secret, metav1.GetOptions{})
	require.NoError(t, err, "the crypt key Secret")
	return string(s.Data["crypt-key"])
}

// keyChange is an upgrade of an installed store release with another crypt key, then its
// uninstall (helmCLI's bin, ns and --wait arguments).
type keyChange struct {
	bin, ns, release, chart string
	values                  []string
	set                     map[string]string // the upgrade's values, with the other crypt key
	wait                    []string
	secret, web             string // the crypt key Secret and the web Deployment
}

// checkKeyRefusedThenUninstall: the upgrade with another crypt key is refused at render time
// naming the key (the chart looks up the stored one: encrypted data would become unreadable)
// and leaves the stored key alone; helm uninstall then removes the web Deployment and keeps the
// crypt key.
func checkKeyRefusedThenUninstall(t *testing.T, c keyChange, key string) {
	t.Helper()
	err := helmCLI(t, c.bin, c.ns, c.values, c.set, append([]string{"upgrade", c.release, c.chart}, c.wait...)...)
	require.Error(t, err, "helm upgrade with another crypt key")
	assert.Contains(t, err.Error(), "magento.cryptKey.value differs from the key already stored")
	assert.Equal(t, key, storedCryptKey(t, c.ns, c.secret), "the crypt key after the refused upgrade")

	require.NoError(t, helmCLI(t, c.bin, c.ns, nil, nil, append([]string{"uninstall", c.release}, c.wait...)...), "helm uninstall")
	_, err = clientset(t).AppsV1().Deployments(c.ns).Get(context.Background(), c.web, metav1.GetOptions{})
	assert.True(t, apierrors.IsNotFound(err), "the web Deployment is gone: %v", err)
	assert.Equal(t, key, storedCryptKey(t, c.ns, c.secret), "the crypt key survives helm uninstall")
}

// getJSON GETs path with get (realWebService's), requires 200 and decodes the body into out.
func getJSON(t *testing.T, get func(t *testing.T, path string) (int, string), path string, out any) {
	t.Helper()
	status, body := get(t, path)
	require.Equal(t, 200, status, body)
	require.NoError(t, json.Unmarshal([]byte(body), out), body)
}
